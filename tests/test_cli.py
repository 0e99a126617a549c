"""The mscdata command: output, exit codes (0 ok, 1 invalid, 2 usage/input), one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import mscdata
from mscdata.cli import main

from conftest import PAGES, ROOT, SEED, SEED_URL


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mscdata.cli", *args], capture_output=True, input=stdin,
        timeout=120, check=False,
    )  # fmt: skip


def test_version_and_help():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.decode().strip() == f"mscdata {mscdata.__version__}"
    for command in ([], ["parse"], ["build"], ["validate"]):
        done = run(*command, "--help")
        assert done.returncode == 0 and b"usage: mscdata" in done.stdout


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: mscdata" in capsys.readouterr().out


def test_parse_prints_json(capsys):
    assert main(["parse", str(SEED), "--url", SEED_URL]) == 0
    [article] = json.loads(capsys.readouterr().out)
    assert article["id"] == "pmid:26237144"
    assert [k["term"] for k in article["keywords"]][:2] == [
        "autoimmune diseases",
        "immune tolerance",
    ]


def test_parse_reads_standard_input():
    done = run("parse", "-", stdin=(PAGES / "compact.txt").read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["pmcid"] == "PMC8780115"


@pytest.mark.parametrize("content", [b"hello\n", b"\xff\xfe\x00", b""])
def test_parse_bad_input_is_one_line_on_stderr_exit_2(tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    done = run("parse", str(path))
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("mscdata parse: error: ") and "bad.txt" in err


def test_parse_missing_file_exit_2():
    done = run("parse", "no/such/file.txt")
    assert done.returncode == 2 and b"no such file" in done.stderr


def test_usage_error_exit_2():
    done = run("validate", "--format", "xml")
    assert done.returncode == 2 and b"invalid choice" in done.stderr


def test_build_then_validate(tmp_path, capsys):
    out = tmp_path / "pkg"
    assert main(["build", "--sources", str(ROOT / "sources"), "--out", str(out)]) == 0
    assert "built and validated" in capsys.readouterr().out  # the seed and 114 MSC records
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().out.startswith("valid: ")
    assert main(["validate", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and report["errors"] == [] and report["rows"]["articles"] == 115


def test_validate_invalid_exit_1_with_located_errors(tmp_path, built_package, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(built_package, broken)
    path = broken / "articles.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",2013,10,23,", ",2013,13,23,"), encoding="utf-8"
    )
    assert main(["validate", str(broken), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {
        "type": "constraint-error",
        "resource": "articles",
        "row": 2,
        "field": "publication_month",
    }.items() <= report["errors"][0].items()


def test_validate_unusable_exit_2(tmp_path):
    (tmp_path / "datapackage.json").write_text("[1, 2", encoding="utf-8")
    done = run("validate", str(tmp_path))
    assert done.returncode == 2
    assert b"malformed JSON" in done.stderr and b"Traceback" not in done.stderr


def test_build_failure_exit_2(tmp_path):
    done = run("build", "--sources", str(tmp_path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and b"no sources manifest" in done.stderr
    assert not (tmp_path / "out").exists()


def _xml(records: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{records}\n</PubmedArticleSet>\n').encode()


GOOD = (
    "<PubmedArticle><MedlineCitation><PMID>11</PMID><Article><ArticleTitle>T"
    "</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
)
BAD = "<PubmedArticle><MedlineCitation><PMID>12</PMID></MedlineCitation></PubmedArticle>"


def test_parse_xml_reports_failures_and_deletions_on_stderr(tmp_path):
    path = tmp_path / "set.xml"
    path.write_bytes(_xml(GOOD + BAD + "<DeleteCitation><PMID>13</PMID></DeleteCitation>"))
    done = run("parse", str(path))
    assert done.returncode == 1
    assert [a["pmid"] for a in json.loads(done.stdout)] == ["11"]
    err = done.stderr.decode()
    assert "1 deleted PMID (DeleteCitation): 13" in err
    assert f"failed: {path}:3: record 2 PMID 12:" in err
    assert "1 record failed, 1 read" in err


def test_build_stops_on_failed_records_unless_told_to_skip(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "set.xml.gz").write_bytes(__import__("gzip").compress(_xml(GOOD + BAD)))
    (sources / "manifest.yaml").write_text("sources:\n  - file: set.xml.gz\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run("build", "--sources", str(sources), "--out", str(out))
    assert done.returncode == 2 and b"1 record failed" in done.stderr
    assert b"--skip-failures" in done.stderr and not out.exists()
    done = run("build", "--sources", str(sources), "--out", str(out), "--skip-failures")
    assert done.returncode == 0, done.stderr
    assert b"(1 article)" in done.stdout and b"1 record failed and was skipped" in done.stderr
    assert mscdata.load(out).by_pmid("11") is not None


def test_a_bug_is_an_internal_error_exit_3_never_a_traceback(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nwent wrong")

    import mscdata.validator.validation

    monkeypatch.setattr(mscdata.validator.validation, "validate", broken)
    monkeypatch.delenv("MSCDATA_DEBUG", raising=False)
    assert main(["validate", str(ROOT / "datapackage")]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: something went wrong" in err
    monkeypatch.setenv("MSCDATA_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["validate", str(ROOT / "datapackage")])
