"""`mscdata describe`: a folder of one's own CSV tables made a package that validates,
loads and refreshes; packages holding a subset of mscdata's tables; data files mapped
to their package."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.builder.describing import describe
from mscdata.cli import main
from mscdata.errors import PackageError
from mscdata.resources import DATA_PACKAGE_PROFILE, table_schemas
from mscdata.validator.package_paths import packages_of

from conftest import ROOT

BIN = Path(sys.executable).parent

SCHEMAS = {r["name"]: r for r in table_schemas()["resources"]}


def write_table(folder: Path, name: str, rows: list[dict[str, str]], extra: tuple = ()) -> Path:
    """A CSV file with mscdata's header for ``name`` (and ``extra`` columns after it)."""
    names = [f["name"] for f in SCHEMAS[name]["schema"]["fields"]] + list(extra)
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


LAB_ARTICLES = [
    {
        "id": "pmid:26237144",
        "pmid": "26237144",
        "doi": "10.3390/jcm2040201",
        "title": "Mesenchymal Stromal Cells: Updates and Therapeutic Outlook in Rheumatic Diseases",
        "journal": "J Clin Med",
        "publication_year": "2013",
    },
    {"id": "doi:10.1000/lab.2024.1", "doi": "10.1000/lab.2024.1", "title": "Our MSC assay"},
]
LAB_AUTHORS = [
    {"article_id": "pmid:26237144", "position": "1", "full_name": "Yves-Marie Pers"},
    {"article_id": "doi:10.1000/lab.2024.1", "position": "1", "full_name": "A. Researcher"},
]


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A lab's folder: its articles and their authors, in mscdata's columns."""
    folder = tmp_path / "lab-data"
    folder.mkdir()
    write_table(folder, "articles", LAB_ARTICLES)
    write_table(folder, "authors", LAB_AUTHORS)
    return folder


def test_describe_writes_a_descriptor_that_validates_and_loads(lab):
    done = mscdata.describe(lab)  # the public API
    assert done.created and done.tables == ["articles", "authors"] and not done.warnings
    descriptor = json.loads((lab / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == DATA_PACKAGE_PROFILE
    assert descriptor["mscdata"]["schemaVersion"] == table_schemas()["schemaVersion"]
    assert descriptor["name"] == "lab-data"
    for resource in descriptor["resources"]:
        data = (lab / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
        assert resource["schema"] == SCHEMAS[resource["name"]]["schema"]
    report = mscdata.validate(lab)
    assert report.valid, report.to_text()
    tables = len(table_schemas()["resources"])
    assert report.notices == [f"holds 2 of mscdata's {tables} tables: articles, authors"]
    dataset = mscdata.load(lab)
    assert len(dataset) == 2
    assert dataset.by_doi("10.1000/lab.2024.1").authors[0].full_name == "A. Researcher"
    # describing again gives the same bytes (no timestamp)
    before = (lab / "datapackage.json").read_bytes()
    describe(lab, update=True)
    assert (lab / "datapackage.json").read_bytes() == before


def test_describe_on_the_command_line_reports_what_it_left_out(lab, capsys):
    (lab / "Article.csv").write_text("id\n", encoding="utf-8")
    (lab / "notes.txt").write_text("to do\n", encoding="utf-8")
    (lab / ".hidden").write_text("", encoding="utf-8")
    (lab / "raw").mkdir()
    assert main(["describe", str(lab)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"wrote {lab / 'datapackage.json'}: 2 mscdata tables (articles, authors)"
    assert "left out Article.csv: not an mscdata table (did you mean articles.csv?)" in out
    assert any(line.startswith("left out notes.txt: not an mscdata table") for line in out)
    assert not any(".hidden" in line or "raw" in line for line in out)
    assert out[-1] == f"next: mscdata validate {lab}"
    names = [r["name"] for r in json.loads((lab / "datapackage.json").read_text())["resources"]]
    assert names == ["articles", "authors"]


def test_an_existing_descriptor_is_refreshed_only_with_update(lab, capsys):
    describe(lab)
    assert main(["describe", str(lab)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"mscdata describe --update {lab}" in err


def test_update_keeps_the_authors_own_fields_and_refreshes_the_rest(lab):
    describe(lab)
    path = lab / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["title"] = "Our lab's MSC articles"
    descriptor["licenses"] = [{"name": "CC-BY-4.0", "path": "https://example.org/cc-by"}]
    descriptor["mscdata"]["curator"] = "the lab"
    descriptor["resources"][0]["title"] = "Our articles"
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    descriptor["resources"].append({"name": "notes", "path": "notes.md", "type": "text"})
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    (lab / "notes.md").write_text("# notes\n", encoding="utf-8")
    # the author's own trailing column, then an edit of the table
    write_table(lab, "articles", [{**LAB_ARTICLES[0], "lab_notes": "seen"}], extra=("lab_notes",))
    (lab / "authors.csv").unlink()

    done = describe(lab, update=True)
    assert not done.created and done.removed == ["authors"] and done.kept == ["notes"]
    assert done.left_out == []
    refreshed = json.loads(path.read_text(encoding="utf-8"))
    assert refreshed["title"] == "Our lab's MSC articles"
    assert refreshed["licenses"] == descriptor["licenses"]
    assert refreshed["mscdata"]["curator"] == "the lab"
    articles, notes = refreshed["resources"]
    assert articles["title"] == "Our articles"
    data = (lab / "articles.csv").read_bytes()
    assert articles["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert articles["bytes"] == len(data)
    assert articles["schema"]["fields"][-1] == {"name": "lab_notes", "type": "string"}
    assert notes == {"name": "notes", "path": "notes.md", "type": "text"}
    report = mscdata.validate(lab)
    assert report.valid, report.to_text()
    assert mscdata.load(lab).by_pmid("26237144").doi == "10.3390/jcm2040201"


def test_update_keeps_a_table_the_author_moved_into_a_subfolder(lab):
    describe(lab)
    (lab / "data").mkdir()
    (lab / "authors.csv").rename(lab / "data" / "authors.csv")
    path = lab / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [authors] = [r for r in descriptor["resources"] if r["name"] == "authors"]
    authors["path"] = "data/authors.csv"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    done = describe(lab, update=True)
    assert done.tables == ["articles", "authors"] and not done.removed and not done.left_out
    refreshed = json.loads(path.read_text(encoding="utf-8"))
    [authors] = [r for r in refreshed["resources"] if r["name"] == "authors"]
    assert authors["path"] == "data/authors.csv"
    assert mscdata.validate(lab).valid


def test_describe_says_in_one_line_when_it_cannot_read_or_write(lab, capsys):
    (lab / "datapackage.json").mkdir()  # a folder where the descriptor goes
    assert main(["describe", "--update", str(lab)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err


def test_a_header_unlike_mscdatas_is_named_when_describing(lab):
    text = (lab / "articles.csv").read_text(encoding="utf-8")
    lines = [line.split(",") for line in text.splitlines()]
    column = lines[0].index("journal")
    rows = [",".join(cells[:column] + cells[column + 1 :]) for cells in lines]
    (lab / "articles.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    [warning] = describe(lab).warnings
    assert warning.startswith("articles.csv: lacks the columns journal (mscdata validate")
    assert not mscdata.validate(lab).valid


def test_update_reads_a_header_in_the_tables_own_dialect(lab):
    """Regression: describe read every header as comma-separated, so a table the author
    declared semicolon-separated was warned about as lacking every column."""
    describe(lab)
    path = lab / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        table = lab / resource["path"]
        with table.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        with table.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
        resource["dialect"] = {"delimiter": ";"}
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert describe(lab, update=True).warnings == []
    assert mscdata.validate(lab).valid
    assert len(mscdata.load(lab)) == 2


@pytest.mark.parametrize("name", ["authors.parquet", "articles.parq"])
def test_parquet_is_refused_with_a_clear_error(lab, name, capsys):
    (lab / name).write_bytes(b"PAR1")
    assert main(["describe", str(lab)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Parquet tables cannot be described" in err
    assert "CSV" in err and not (lab / "datapackage.json").exists()


def test_a_folder_without_mscdata_tables_is_refused(tmp_path):
    (tmp_path / "results.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"no mscdata table here: name each CSV file"):
        describe(tmp_path)
    with pytest.raises(PackageError, match="not a folder"):
        describe(tmp_path / "results.csv")


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_foreign_key_to_an_absent_table_is_one_clear_error(tmp_path, engine):
    write_table(tmp_path, "authors", LAB_AUTHORS)
    write_table(tmp_path, "keywords", [])
    [warning] = describe(tmp_path).warnings
    assert warning.startswith("authors.csv, keywords.csv need articles.csv (a foreign key)")
    report = mscdata.validate(tmp_path, engine=engine)
    [issue] = report.errors
    assert issue.type == "missing-resource" and issue.resource == "authors"
    assert issue.message.startswith(
        "the package lacks the resource 'articles' that foreign keys reference: "
        "authors (article_id), keywords (article_id); add articles.csv"
    )
    with pytest.raises(PackageError, match="lacks the resource 'articles'"):
        mscdata.load(tmp_path)


def test_a_package_of_none_of_mscdatas_tables_is_invalid(lab):
    describe(lab)
    descriptor = json.loads((lab / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource["name"] = "my_" + resource["name"]
        for key in resource["schema"].get("foreignKeys", []):
            key["reference"]["resource"] = "my_articles"
    (lab / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    [issue] = mscdata.validate(lab).errors
    assert issue.type == "missing-resource" and "holds none of mscdata's tables" in issue.message


def test_data_files_stand_for_their_package_each_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository's root: no package is looked for above
    package = tmp_path / "data"
    (package / "raw").mkdir(parents=True)
    (package / "datapackage.json").write_text("{}", encoding="utf-8")
    for name in ("articles.csv", "authors.csv", "raw/authors.parquet"):
        (package / name).write_text("", encoding="utf-8")
    (tmp_path / "results.csv").write_text("", encoding="utf-8")
    paths = ["data/articles.csv", "data/raw/authors.parquet", "results.csv", "data"]
    paths += ["data/datapackage.json", "data/authors.csv"]
    packages, notes = packages_of(paths)
    assert packages == [str(Path("data/datapackage.json"))]
    [note] = notes
    assert note.startswith("results.csv is in no data package (no datapackage.json in its")


def test_validate_given_changed_csv_files_validates_their_package(lab, tmp_path, capsys):
    describe(lab)
    stray = tmp_path / "stray.csv"
    stray.write_text("a\n", encoding="utf-8")
    files = [str(lab / "articles.csv"), str(lab / "authors.csv"), str(stray)]
    assert main(["validate", *files]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("valid: ") == 1 and str(lab / "datapackage.json") in captured.out
    assert "stray.csv is in no data package" in captured.err
    (lab / "authors.csv").write_text("article_id\n", encoding="utf-8")
    assert main(["validate", str(lab / "authors.csv")]) == 1


def _tool(name: str) -> str:
    path = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return path


def test_a_labs_csv_from_describe_to_green_and_red_pre_commit_runs(tmp_path, capsys):
    """The README's walk-through: a lab's CSV of MSC articles, described, validated, and
    checked by pre-commit (offline: the hook that runs the installed mscdata)."""
    tool = _tool("pre-commit")
    git = shutil.which("git") or pytest.skip("git is not installed")
    project = tmp_path / "lab-repo"
    data = project / "data"
    data.mkdir(parents=True)
    write_table(data, "articles", LAB_ARTICLES)
    assert main(["describe", str(data)]) == 0
    assert main(["validate", str(data)]) == 0
    capsys.readouterr()

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "mscdata-validate-system"]
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "lab",
        "GIT_AUTHOR_EMAIL": "lab@example.org",
        "GIT_COMMITTER_NAME": "lab",
        "GIT_COMMITTER_EMAIL": "lab@example.org",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300
        )

    assert run(git, "init", "-q").returncode == 0
    assert run(git, "add", ".").returncode == 0
    green = run(tool, "run")  # the staged files, as on `git commit`
    assert green.returncode == 0, green.stdout + green.stderr
    assert "mscdata validate (installed mscdata)" in green.stdout and "Passed" in green.stdout
    assert run(git, "commit", "-qm", "our articles").returncode == 0

    # a broken edit of the CSV alone: the hook fires on it and names the problem (and the
    # stale hash: the descriptor was not refreshed)
    articles = data / "articles.csv"
    articles.write_text(articles.read_text().replace(",10.1000/lab", ",11.1000/lab"))
    run(git, "add", "data/articles.csv")
    red = run(tool, "run")
    assert red.returncode == 1 and "Failed" in red.stdout, red.stdout + red.stderr
    assert "constraint-error" in red.stdout and "'11.1000/lab.2024.1'" in red.stdout
    assert "field doi" in red.stdout and "hash-count" in red.stdout


def test_the_action_installs_its_own_checkout_by_default(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("name") == "Install mscdata"]
    assert step["env"]["MSCDATA_CHECKOUT"] == "${{ github.action_path }}"
    assert step["env"]["MSCDATA_REQUIREMENT"] == "${{ inputs.mscdata-version }}"
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python").write_text('#!/bin/sh\necho "$@"\n', encoding="utf-8")
    (fake / "python").chmod(0o755)
    wheel = "https://example.org/releases/mscdata-0.2.0-py3-none-any.whl"
    for requested, installed in (
        ("", "/actions/mscdata"),
        ("0.2.0", "mscdata==0.2.0"),
        (wheel, wheel),
    ):
        env = {
            "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}",
            "MSCDATA_CHECKOUT": "/actions/mscdata",
            "MSCDATA_REQUIREMENT": requested,
        }
        shell = shutil.which("bash") or pytest.skip("bash is not installed")
        done = subprocess.run(
            [shell, "-c", step["run"]], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout == f"-m pip install {installed}\n"


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=st.sets(st.sampled_from(sorted(SCHEMAS)), min_size=1))
def test_any_subset_of_the_tables_validates_once_its_references_are_there(tmp_path_factory, chosen):
    """Any subset of the bundled package's tables, described: valid exactly when every
    table a foreign key references is there, else one error per absent table."""
    folder = tmp_path_factory.mktemp("subset")
    for name in chosen:
        shutil.copyfile(ROOT / "datapackage" / f"{name}.csv", folder / f"{name}.csv")
    describe(folder)
    report = mscdata.validate(folder)
    absent = {
        key["reference"]["resource"]
        for name in chosen
        for key in SCHEMAS[name]["schema"].get("foreignKeys", [])
    } - chosen
    assert sorted(i.message.split("'")[1] for i in report.errors) == sorted(absent)
    assert all(i.type == "missing-resource" for i in report.errors)
    assert report.valid == (not absent)


def test_update_of_mscdatas_own_package_changes_nothing_but_a_hand_edits_hash(tmp_path):
    package = tmp_path / "datapackage"
    shutil.copytree(ROOT / "datapackage", package)
    original = (package / "datapackage.json").read_bytes()
    describe(package, update=True)
    assert (package / "datapackage.json").read_bytes() == original
    keywords = package / "keywords.csv"
    keywords.write_text(
        keywords.read_text(encoding="utf-8").replace("immune tolerance", "immune tolerances")
    )
    assert {i.type for i in mscdata.validate(package).errors} == {"hash-count", "byte-count"}
    describe(package, update=True)
    assert mscdata.validate(package).valid
    changed = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert changed == {
        **json.loads(original),
        "resources": [
            {
                **r,
                "hash": changed["resources"][n]["hash"],
                "bytes": changed["resources"][n]["bytes"],
            }
            for n, r in enumerate(json.loads(original)["resources"])
        ],
    }


def test_the_actions_validate_step_on_a_described_folder(lab):
    """The action's own validate step, run as GitHub runs it (bash, its environment)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("name") == "Validate"]
    shell = shutil.which("bash") or pytest.skip("bash is not installed")
    describe(lab)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MSCDATA_PATHS": "lab-data",
        "MSCDATA_MAX_ERRORS": "50",
    }

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [shell, "-c", step["run"]],
            cwd=lab.parent,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    green = run()
    assert green.returncode == 0, green.stdout + green.stderr
    assert green.stdout.splitlines()[-1].startswith("valid: lab-data/datapackage.json")
    articles = lab / "articles.csv"
    articles.write_text(articles.read_text().replace(",10.1000/lab", ",11.1000/lab"))
    describe(lab, update=True)
    red = run()
    assert red.returncode == 1
    assert "::error file=lab-data/articles.csv,line=3,title=constraint-error::" in red.stdout
