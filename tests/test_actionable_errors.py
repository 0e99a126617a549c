"""Errors a person can act on: a path that names nothing, every CLI default and choice
in its help, plurals, an offline download, a page read without its PubMed address."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mscdata
from mscdata import cli
from mscdata.cli import arguments as cli_arguments
from mscdata.cli import main
from mscdata.errors import MissingPmidWarning
from mscdata.wording import counted

from conftest import PAGES, SEED, SEED_URL

NO_PMID_PAGE = PAGES / "chrome-cochrane-meta-analysis.txt"  # prints a DOI, not its PMID
URL_HINT = "https://pubmed.ncbi.nlm.nih.gov/<PMID>/"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mscdata.cli", *args], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


# ------------------------------------------------------------ a str that is a path


def test_a_missing_file_name_is_no_such_file_not_page_text():
    with pytest.raises(mscdata.ParseError) as error:
        mscdata.parse("missing.txt")
    assert str(error.value) == "missing.txt: no such file"
    for name in ("data/missing", "x.XML.GZ", "export.nbib", "article.nxml", "C:\\x\\y"):
        with pytest.raises(mscdata.ParseError, match="no such file"):
            mscdata.read(name)


@given(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_ ", min_size=1, max_size=40),
    st.sampled_from([".xml", ".xml.gz", ".txt", ".html", ".nbib", ".json", ".gz", ""]),
)
def test_a_path_like_str_that_names_nothing_is_no_such_file(name, suffix):
    source = f"/nonexistent-mscdata-folder/{name}{suffix}"
    with pytest.raises(mscdata.ParseError) as error:
        mscdata.parse(source)
    assert error.value.reason == "no such file" and error.value.source == source


def test_a_directory_is_a_directory(tmp_path):
    for source in (str(tmp_path), tmp_path, f"{tmp_path}/"):
        with pytest.raises(mscdata.ParseError, match=r": is a directory$"):
            mscdata.parse(source)


def test_a_url_is_not_taken_for_a_file_or_a_page():
    with pytest.raises(mscdata.ParseError, match="a URL is not a source"):
        mscdata.parse("https://pubmed.ncbi.nlm.nih.gov/26237144/")


def test_one_line_text_is_still_text():
    assert mscdata.parse("<PubmedArticleSet></PubmedArticleSet>") == []  # holds a '/'
    with pytest.raises(mscdata.ParseError, match="not a PubMed page"):
        mscdata.parse("hello world")
    [article] = mscdata.parse(str(SEED), url=SEED_URL)  # an existing file, as a str
    assert article.pmid == "26237144"


def test_cli_parse_names_the_missing_file_and_the_directory(tmp_path, capsys):
    assert main(["parse", "no-extension-here"]) == 2
    assert capsys.readouterr().err == "mscdata parse: error: no-extension-here: no such file\n"
    assert main(["parse", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"mscdata parse: error: {tmp_path}: is a directory\n"


# ------------------------------------------------------------ help: formats, defaults


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    found = {}
    pending = [("", cli_arguments.build_parser())]
    while pending:
        prefix, parser = pending.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    pending.append((f"{prefix}{name} ", sub))
    return found


def test_parse_help_names_every_readable_format_with_its_label():
    from mscdata.parsers.formats import get, readable_names

    flat = " ".join(_subcommands()["parse"].format_help().split())
    names = readable_names()
    assert len(names) == 9
    assert [name for name in names if f"{name} ({get(name).label})" not in flat] == []


def test_every_option_with_a_default_or_choices_says_so_in_its_help():
    for command, parser in _subcommands().items():
        for action in parser._actions:
            if action.help in (None, argparse.SUPPRESS) or not action.option_strings:
                continue
            help_text = action.help
            if action.default not in (None, False, [], argparse.SUPPRESS):
                assert "default" in help_text, (command, action.option_strings)
            if action.choices and action.metavar:  # choices hidden from the usage line
                assert all(str(c) in help_text for c in action.choices), command


def test_validate_help_points_at_a_command_not_a_repository_path():
    text = _subcommands()["validate"].format_help()
    assert "schemas/" not in text and "mscdata schema export --format report" in " ".join(
        text.split()
    )


def test_the_record_classes_of_the_help_are_the_models():
    from mscdata import models

    classes = [
        name
        for name, value in vars(models).items()
        if isinstance(value, type)
        and issubclass(value, models.ConfiguredBaseModel)
        and value is not models.ConfiguredBaseModel
    ]
    assert sorted(cli_arguments.RECORD_CLASSES) == sorted(classes)


def test_release_outside_a_clone_uses_the_bundled_package(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no ./datapackage here
    assert main(["release", "--out", "dist"]) == 0
    [archive] = (tmp_path / "dist").glob("mscdata-datapackage-*.zip")
    assert archive.name == f"mscdata-datapackage-{mscdata.__version__}.zip"
    assert "wrote" in capsys.readouterr().out


# ------------------------------------------------------------------------ plurals


def test_counts_agree_with_their_nouns():
    assert counted(1, "article") == "1 article"
    assert counted(0, "article") == "0 articles"
    assert counted(2, "entry", "entries") == "2 entries"
    assert counted(1, "PMID is", "PMIDs are") == "1 PMID is"


def test_a_report_of_one_error_in_one_resource():
    from mscdata.validator.report import Issue, ValidationReport

    report = ValidationReport("p", errors=[Issue("type-error", "bad", resource="articles")])
    assert report.summary() == "invalid: p: 1 error in 1 resource"
    assert ValidationReport("p", rows={"articles": 1}).summary() == "valid: p (1 resource, 1 row)"
    # resources frictionless read are counted; their rows are not claimed
    files = {"articles": "articles.csv", "keywords": "keywords.csv"}
    assert ValidationReport("p", files=files, rows={"articles": 1}).summary() == (
        "valid: p (2 resources)"
    )
    report.omitted = 1
    assert report.summary() == "invalid: p: 2 errors (1 shown)"
    assert "… and 1 more error (raise --max-errors" in report.to_text()


# ------------------------------------------------------------------------ download


def test_download_offline_and_uncached_exits_1_with_one_line(tmp_path):
    env = {"MSCDATA_CACHE_DIR": str(tmp_path), "MSCDATA_RELEASES_URL": "http://127.0.0.1:9"}
    done = _cli("download", env=env)
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("mscdata download: error: ") and "cannot download" in line
    assert "--allow-bundled" in line
    done = _cli("download", "--allow-bundled", env=env)
    assert done.returncode == 0, done.stderr
    assert (Path(done.stdout.strip()) / "datapackage.json").is_file()
    [line] = done.stderr.splitlines()  # a note, not a Python warning with its source line
    assert line.startswith("mscdata download: note: cannot download") and "Warning" not in line


def test_download_names_the_cli_flag_for_an_unlisted_release(capsys):
    assert main(["download", "--version", "9.9.8"]) == 2
    err = capsys.readouterr().err
    assert "pass --sha256 SHA256 to download it" in err and "sha256=" not in err
    with pytest.raises(mscdata.PackageError, match="pass sha256= to download it"):
        mscdata.download("9.9.8")  # the library names its keyword


def test_the_library_can_refuse_the_fallback(tmp_path, monkeypatch):
    from mscdata.remote.downloads import DownloadFailed

    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MSCDATA_RELEASES_URL", "http://127.0.0.1:9")
    with pytest.raises(DownloadFailed, match="cannot download") as error:
        mscdata.download(fallback=False)
    assert error.value.bundled and error.value.exit_status == 1


# ------------------------------------------------------------------ a page's PMID


def test_a_page_without_its_pmid_warns_where_it_was_parsed():
    with pytest.warns(MissingPmidWarning, match="the page prints no PMID") as caught:
        [article] = mscdata.parse(NO_PMID_PAGE)
    assert article.pmid is None and article.id.startswith("doi:")
    assert caught[0].filename == __file__  # the caller's line, not mscdata's
    assert f"url='{URL_HINT}'" in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [article] = mscdata.parse(NO_PMID_PAGE, url="https://pubmed.ncbi.nlm.nih.gov/31743413/")
        assert article.pmid == "31743413"
        mscdata.parse(PAGES / "compact.txt")  # prints its PMID: nothing to say


def test_cli_parse_says_how_to_supply_the_pmid(capsys):
    assert main(["parse", str(NO_PMID_PAGE)]) == 0
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("mscdata parse: note: ") and "prints no PMID" in line
    assert f"pass --url {URL_HINT} to supply it" in line and "url=" not in line
    assert json.loads(captured.out)[0]["pmid"] is None
    assert main(["parse", str(PAGES / "compact.txt")]) == 0
    assert capsys.readouterr().err == ""


def test_cli_shows_any_warning_as_one_line_and_restores_python_s(monkeypatch, capsys):
    def warns(args):
        warnings.warn("first line\n  second line", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_cmd_schema", warns)
    before = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["schema", "export", "--format", "linkml"]) == 0
    assert capsys.readouterr().err == "mscdata schema: warning: first line second line\n"
    assert warnings.showwarning is before
