"""``mscdata update``: a built package brought up to date from its record store is, file
for file, the package a build of all the sources in order gives; a failed update leaves
the package as it was."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.builder import build as build_module
from mscdata.builder.record_store import STORE_PATH
from mscdata.cli import main

from conftest import SEED, SEED_URL, folder_files, shared_path
from pubmed_files import Citation, pubmed_file


def _package_files(folder: Path) -> dict[str, bytes]:
    """The package's own files (the record store left out: its bytes name its history)."""
    return folder_files(folder, hidden=False)


def _manifest(folder: Path, *names: str, seed: bool = False) -> Path:
    entries = "".join(f"  - file: {name}\n" for name in names)
    if seed:
        shutil.copy(SEED, folder / SEED.name)
        entries += f"  - file: {SEED.name}\n    url: {SEED_URL}\n"
    path = folder / f"manifest-{len(names)}-{seed}.yaml"
    path.write_text(f"sources:\n{entries}", encoding="utf-8")
    return path


_PMIDS = st.sampled_from(["11", "12", "13", "26237144"])
_FILE = st.tuples(
    st.lists(
        st.builds(
            Citation,
            _PMIDS,
            st.sampled_from(["One.", "Two."]),
            st.sampled_from([1, 2]),
            st.sampled_from([None, "An abstract."]),
        ),
        max_size=3,
    ),
    st.lists(_PMIDS, max_size=2, unique=True),
)


@settings(max_examples=12, deadline=None)
@given(st.lists(_FILE, min_size=2, max_size=4), st.integers(1, 3), st.booleans(), st.booleans())
def test_an_update_gives_the_package_a_build_of_every_source_gives(files, split, seed, parquet):
    """Update files applied to a package give, byte for byte, what one build of the
    package's sources followed by them gives: replacements, versions, deletions, counts,
    the sources listed, and the seed page merged with whichever PubMed record won."""
    split = min(split, len(files) - 1)
    table_format = "parquet" if parquet else "csv"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        names = []
        for number, (citations, deleted) in enumerate(files, start=1):
            names.append(pubmed_file(folder, f"pubmed21n{number:04d}.xml", citations, deleted).name)
        first = _manifest(folder, *names[:split], seed=seed)
        package = mscdata.build(
            first, folder / "updated", validate=False, table_format=table_format
        )
        before = _rows_by_article(package)
        report = mscdata.BuildReport()
        validated: list[set[str]] = []
        check_built = build_module.check_built

        def watched(where, progress, what="the built package"):
            validated.append(set(_rows_by_article(where)))
            return check_built(where, progress, what)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(build_module, "check_built", watched)
            mscdata.update(package, [folder / n for n in names[split:]], report=report)
        after = _rows_by_article(package)
        changed = {key for key, rows in after.items() if before.get(key) != rows}
        [checked] = validated
        assert changed <= checked  # every article whose rows changed was validated
        assert len(checked) == report.changed
        whole = _manifest(folder, *names[:split], seed=seed)
        whole.write_text(
            whole.read_text(encoding="utf-8") + "".join(f"  - file: {n}\n" for n in names[split:]),
            encoding="utf-8",
        )
        rebuilt = mscdata.build(whole, folder / "rebuilt", table_format=table_format)
        assert _package_files(package) == _package_files(rebuilt)
        assert report.stream.records == sum(len(c) for c, _ in files[split:])


def _rows_by_article(package: Path) -> dict[str, list]:
    """Every row of every table of a package (CSV or Parquet), by article id."""
    rows: dict[str, list] = {}
    for name, table in mscdata.load(package).tables.items():
        for row in table:
            key = row["id"] if name == "articles" else row["article_id"]
            rows.setdefault(key, []).append((name, sorted(row.items(), key=str)))
    return rows


def test_an_update_of_real_records_matches_a_rebuild_and_reports_its_counts(tmp_path, capsys):
    excerpt = shared_path("corpus", "peers", "pubmed-xml", "pubmed21n1298.excerpt.xml.gz")
    selected = Path(__file__).parent.parent / "sources" / "pubmed21n1298-msc.xml.gz"
    out = tmp_path / "package"
    assert main(["build", "--sources", str(excerpt), "--out", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["update", str(out), str(selected), "-q"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(
        f"updated: {out}/datapackage.json (1125 articles; 113 changed, those validated)"
    )
    assert "113 new, 0 replaced, 1 unchanged" in shown
    rebuilt = tmp_path / "rebuilt"
    assert main(["build", "--sources", str(excerpt), str(selected), "--out", str(rebuilt)]) == 0
    assert _package_files(out) == _package_files(rebuilt)
    stream = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["mscdata"]
    assert stream["pubmedStream"]["new"] == 1125  # the package's counts in all


@pytest.fixture
def built(tmp_path: Path) -> Path:
    pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("11"), Citation("12", "Two.")])
    return mscdata.build([tmp_path / "pubmed21n0002.xml"], tmp_path / "package")


def test_a_pubmed_file_before_the_last_one_applied_is_refused(tmp_path, built, capsys):
    before = folder_files(built)
    pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("13")])
    assert main(["update", str(built), str(tmp_path / "pubmed21n0001.xml")]) == 2
    error = capsys.readouterr().err
    assert (
        "pubmed21n0001.xml: PubMed file pubmed21n0001.xml is listed out of order, after " in error
    )
    assert "pubmed21n0002.xml (already applied)" in error
    assert folder_files(built) == before


def _set_store_fact(package: Path, name: str, value: str) -> None:
    """Overwrite one of the facts the package's record store keeps."""
    with sqlite3.connect(package / STORE_PATH) as db:
        db.execute("UPDATE facts SET value = ? WHERE name = ?", (value, name))


def _refused_update(tmp_path: Path, package: Path, capsys) -> str:
    """What ``mscdata update`` prints on stderr when it refuses (exit 2) an update file
    onto ``package``."""
    pubmed_file(tmp_path, "pubmed21n0003.xml", [Citation("13")])
    assert main(["update", str(package), str(tmp_path / "pubmed21n0003.xml")]) == 2
    return capsys.readouterr().err


def test_a_package_without_its_store_says_how_to_get_one(tmp_path, built, capsys):
    shutil.rmtree(built / ".mscdata")
    before = folder_files(built)
    error = _refused_update(tmp_path, built, capsys)
    assert "no record store (.mscdata/store.sqlite)" in error and "mscdata build" in error
    assert folder_files(built) == before
    assert main(["update", str(tmp_path / "nowhere"), str(tmp_path / "pubmed21n0003.xml")]) == 2
    assert "not a data package (no datapackage.json)" in capsys.readouterr().err


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b""])
def test_a_damaged_store_is_one_located_error_and_changes_nothing(tmp_path, built, capsys, damage):
    (built / STORE_PATH).write_bytes(damage)
    before = folder_files(built)
    error = _refused_update(tmp_path, built, capsys)
    assert error.startswith("mscdata update: error: ") and "Traceback" not in error
    assert f"{built / STORE_PATH}: the record store cannot be used" in error  # the user's file
    assert folder_files(built) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failed_record_stops_the_update_and_changes_nothing(tmp_path, built, capsys):
    before = folder_files(built)
    bad = pubmed_file(tmp_path, "pubmed21n0003.xml", [Citation("13", version="2a")])
    assert main(["update", str(built), str(bad)]) == 2
    assert "PMID Version '2a' is not a version number" in capsys.readouterr().err
    assert folder_files(built) == before
    assert main(["update", str(built), str(bad), "--skip-failures", "-q"]) == 0
    assert "1 record failed and was skipped" in capsys.readouterr().err
    assert folder_files(built) != before


def test_an_update_deletes_across_files_and_keeps_the_latest_version(tmp_path, built):
    later = pubmed_file(
        tmp_path, "pubmed21n0003.xml", [Citation("12", "Two, revised.", version=2)], ["11"]
    )
    report = mscdata.BuildReport()
    mscdata.update(built, [later], report=report)
    [article] = mscdata.load(built).articles
    assert (article.pmid, article.title, article.pmid_version) == ("12", "Two, revised.", 2)
    assert report.changed == 1 and not (built / ".mscdata" / "changed").exists()
    assert (report.stream.replaced, report.stream.deleted, report.deleted) == (1, 1, ["11"])
    stream = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))["mscdata"]
    assert stream["pubmedStream"] == {
        "new": 2,
        "replaced": 1,
        "unchanged": 0,
        "outdatedVersions": 0,
        "deleted": 1,
        "deletionsNotHeld": 0,
    }
    titles = [s["title"] for s in json.loads((built / "datapackage.json").read_text())["sources"]]
    assert titles == ["PubMed", "pubmed21n0002.xml", "pubmed21n0003.xml"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("stream", "[]"), ("sources", '{"a": 1}'), ("stream", '{"new": "x"}'), ("sources", "{")],
)
def test_damaged_facts_are_one_located_error(tmp_path, built, capsys, name, value):
    _set_store_fact(built, name, value)
    before = folder_files(built)
    error = _refused_update(tmp_path, built, capsys)
    assert f"{built / STORE_PATH}: the record store's facts are damaged" in error
    assert "Traceback" not in error and folder_files(built) == before


def test_a_store_written_for_other_tables_is_refused(tmp_path, built, capsys):
    _set_store_fact(built, "tables", "other")
    error = _refused_update(tmp_path, built, capsys)
    assert f"{built / STORE_PATH}: a record store written for other tables (by mscdata " in error
    assert "rebuild the package" in error


def test_a_mistyped_source_file_is_named_as_not_found(tmp_path, built, capsys):
    missing = tmp_path / "pubmed21n0030.xml.gz"
    assert main(["update", str(built), str(missing)]) == 2
    assert f"{missing}: source file not found" in capsys.readouterr().err


def test_a_store_of_another_layout_is_refused(tmp_path, built, capsys):
    _set_store_fact(built, "format", "0")
    error = _refused_update(tmp_path, built, capsys)
    assert f"{built / STORE_PATH}: a record store of another layout; rebuild the package" in error


def test_build_takes_source_files_and_refuses_what_is_not_a_manifest(tmp_path, capsys):
    xml = pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("11")])
    out = tmp_path / "out"
    assert main(["build", "--sources", str(xml), "--out", str(out), "-q"]) == 0
    assert len(mscdata.load(out)) == 1
    manifest = tmp_path / "sources.yaml"
    manifest.write_bytes(b"\x1f\x8b\x08\x00 binary")
    assert main(["build", "--sources", str(manifest), "--out", str(out)]) == 2
    assert "a manifest is UTF-8 text; this is not" in capsys.readouterr().err


def test_an_invalid_changed_article_stops_the_update_and_changes_nothing(
    tmp_path, built, capsys, monkeypatch
):
    from mscdata.builder import update as update_module

    write_rows = build_module.write_rows

    def corrupting(rows, total, out, *rest):
        write_rows(rows, total, out, *rest)
        if out.name == update_module.CHANGED_PATH.name:  # the changed articles alone
            with (out / "articles.csv").open("a", encoding="utf-8") as file:
                file.write("pmid:13,not a row of this table\n")

    monkeypatch.setattr(build_module, "write_rows", corrupting)
    before = folder_files(built)
    error = _refused_update(tmp_path, built, capsys)
    assert "the package of the articles the update changed is invalid" in error
    assert folder_files(built) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_validate_all_checks_the_whole_package(tmp_path, built, capsys, monkeypatch):
    checked = []
    check_built = build_module.check_built

    def watched(where, progress, what="the built package"):
        checked.append((where.name, len(mscdata.load(where))))
        return check_built(where, progress, what)

    monkeypatch.setattr(build_module, "check_built", watched)
    pubmed_file(tmp_path, "pubmed21n0003.xml", [Citation("13")])
    assert main(["update", str(built), str(tmp_path / "pubmed21n0003.xml"), "--validate-all"]) == 0
    assert "(3 articles; 1 changed, all validated)" in capsys.readouterr().out
    [(folder, articles)] = checked
    assert articles == 3 and not folder.startswith("changed")
    assert not (built / ".mscdata" / "changed").exists()
