"""PubMed's update stream: sources in order, a later record of a PMID replacing the earlier
one whole, the latest version kept, deletions across files, and the counts a build
reports (mscdata.builder.update_stream, applied by the build)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.builder.manifest import SourceEntry
from mscdata.builder.merge import keys_of
from mscdata.builder.record_store import RecordStore
from mscdata.builder.source_rows import BuildReport, read_sources
from mscdata.builder.stored_records import stored_data, table_names
from mscdata.builder.update_stream import (
    AppliedRecords,
    Change,
    StreamCounts,
    apply_in_order,
    arrival,
    check_order,
    pubmed_file_number,
    same_content,
    stream_pmid,
    version_of,
)
from mscdata.errors import BuildError

from conftest import folder_files, shared_path
from pubmed_files import Citation, pubmed_file


def _record(pmid: str, title: str = "T", version: int | None = None, fmt: str = "pubmed_xml"):
    """Article data as the build carries it, reduced to what the stream looks at."""
    data = {"id": f"pmid:{pmid}", "pmid": pmid, "title": title, "pmid_version": version}
    return {**data, "provenance": [{"source_format": fmt, "source_file": f"{title}.xml"}]}


def _build(tmp_path: Path, *files: Path, validate: bool = False):
    report = BuildReport()
    out = mscdata.build(list(files), tmp_path / "out", report=report, validate=validate)
    return {a.pmid: a for a in mscdata.load(out).articles}, report


def _read(entries: list, folder: Path, **options) -> tuple[list[dict], BuildReport]:
    """The articles rows a build's store holds after reading ``entries``, and its report."""
    with RecordStore(folder / "store.sqlite", create=True) as store:
        report = read_sources(entries, store, **options)
        names = table_names()
        header = [f["name"] for f in _articles_fields()]
        rows = [
            dict(zip(header, row, strict=True))
            for texts in store.table_rows()
            for row in csv.reader(io.StringIO(texts[names.index("articles")].decode("utf-8")))
        ]
    return rows, report


def _articles_fields() -> list[dict]:
    from mscdata.resources import table_schemas

    [articles] = [r for r in table_schemas()["resources"] if r["name"] == "articles"]
    return articles["schema"]["fields"]


# -- the pure layer ---------------------------------------------------------------------


def test_arrival_says_new_replaced_unchanged_or_outdated():
    held = _record("1", "old", 2)
    assert arrival(None, held) is Change.NEW
    assert arrival(held, _record("1", "new", 2)) is Change.REPLACED
    assert arrival(held, _record("1", "new", 3)) is Change.REPLACED
    assert arrival(held, _record("1", "older", 1)) is Change.OUTDATED
    assert arrival(held, _record("1", "unknown", None)) is Change.REPLACED  # order decides
    assert arrival(_record("1", "unknown"), held) is Change.REPLACED
    other_file = {**held, "provenance": [{"source_format": "pubmed_xml", "source_file": "b"}]}
    assert arrival(held, other_file) is Change.UNCHANGED
    assert same_content(held, other_file) and not same_content(held, _record("1", "x", 2))
    assert [c for c in Change if c.keeps_incoming] == [Change.NEW, Change.REPLACED]


def test_only_pubmed_xml_and_medline_records_with_a_pmid_replace_each_other():
    applied = apply_in_order(
        [
            _record("1", "xml"),
            _record("1", "jats", fmt="pmc_jats"),  # another format: kept beside it
            _record("1", "medline", fmt="medline_text"),  # the stream: replaces the XML
            _record("1", "page", fmt="pubmed_page_plain"),
        ]
    )
    assert [r["title"] for r in applied.current()] == ["medline", "jats", "page"]
    assert applied.counts == StreamCounts(new=1, replaced=1)


def test_a_deletion_removes_the_pmid_from_every_earlier_record_of_any_format():
    applied = AppliedRecords()
    applied.add(_record("1", "xml"))
    applied.add(_record("1", "jats", fmt="pmc_jats"))
    applied.add(_record("2", "other"))
    assert applied.delete("1") is Change.DELETED
    assert applied.delete("3") is Change.NOT_HELD
    assert applied.add(_record("1", "back")) is Change.NEW  # re-added after its deletion
    assert [r["title"] for r in applied.current()] == ["other", "back"]
    assert applied.deleted == ["1"]
    assert applied.counts == StreamCounts(new=3, deleted=1, not_held=1)


def test_the_counts_read_as_a_sentence_and_as_the_descriptor_states_them():
    counts = StreamCounts(new=2, replaced=1, outdated=1, deleted=1, not_held=3)
    assert str(counts) == (
        "2 new, 1 replaced, 0 unchanged, 1 outdated version left out; 1 deleted "
        "(DeleteCitation), 3 deletions of PMIDs not read"
    )
    assert counts.as_descriptor() == {
        "new": 2,
        "replaced": 1,
        "unchanged": 0,
        "outdatedVersions": 1,
        "deleted": 1,
        "deletionsNotHeld": 3,
    }
    counts += StreamCounts(new=1)
    assert counts.records == 5 and counts.deletions == 4


# -- order --------------------------------------------------------------------------------


def test_pubmed_file_names_give_year_and_number():
    assert pubmed_file_number("pubmed21n1298.xml.gz") == (21, 1298)
    assert pubmed_file_number("pubmed22n0001.xml") == (22, 1)
    assert pubmed_file_number("msc-21n1298.xml.gz") is None
    assert pubmed_file_number("pubmed21n1298.txt") is None


def test_pubmed_files_must_be_listed_by_year_and_number():
    check_order(["pubmed21n1062.xml.gz", "mine.xml", "pubmed21n1063.xml", "pubmed22n0001.xml"])
    with pytest.raises(BuildError, match=r"^b/pubmed21n0005.xml: .* out of order, after "):
        check_order(["a/pubmed21n0007.xml", "other.nxml", "b/pubmed21n0005.xml"])
    with pytest.raises(BuildError, match=r"pubmed21n1300\.xml is listed out of order, after "):
        check_order(["pubmed22n0001.xml.gz", "pubmed21n1300.xml"])
    with pytest.raises(BuildError, match=r"a second time, after pubmed21n0007\.xml\.gz"):
        check_order(["pubmed21n0007.xml.gz", "copy/pubmed21n0007.xml"])
    with pytest.raises(BuildError, match=r"after pubmed21n0009.xml.gz \(already applied\)"):
        check_order(["pubmed21n0008.xml"], after="/x/pubmed21n0009.xml.gz")
    check_order(["pubmed21n0010.xml"], after="pubmed21n0009.xml.gz")


def test_a_manifest_out_of_order_is_refused_naming_the_file(tmp_path):
    pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("11")])
    pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("11", "Revised.")])
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "sources:\n  - file: pubmed21n0002.xml\n  - file: pubmed21n0001.xml\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as error:
        mscdata.build(manifest, tmp_path / "out")
    assert str(error.value).startswith(f"{tmp_path / 'pubmed21n0001.xml'}: PubMed file ")
    assert "out of order, after pubmed21n0002.xml" in str(error.value)
    assert not (tmp_path / "out").exists()


# -- builds -------------------------------------------------------------------------------


def test_a_later_record_replaces_the_earlier_one_whole(tmp_path):
    baseline = pubmed_file(
        tmp_path,
        "pubmed21n0001.xml",
        [Citation("11", "First title.", abstract="Said once.", doi="10.1000/x"), Citation("12")],
    )
    update = pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("11", "Revised title.")])
    articles, report = _build(tmp_path, baseline, update)
    revised = articles["11"]
    assert revised.title == "Revised title."
    assert revised.abstract is None and revised.doi is None  # only the earlier record had them
    assert [p.source_file for p in revised.provenance] == ["pubmed21n0002.xml"]
    assert articles["12"].title == "A title." and report.merged == 0 and report.conflicts == []
    assert report.stream == StreamCounts(new=2, replaced=1)


def test_an_unchanged_record_keeps_where_it_was_first_read(tmp_path):
    baseline = pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("11", abstract="Same.")])
    update = pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("11", abstract="Same.")])
    articles, report = _build(tmp_path, baseline, update)
    assert [p.source_file for p in articles["11"].provenance] == ["pubmed21n0001.xml"]
    assert report.stream == StreamCounts(new=1, unchanged=1)


def test_the_latest_version_of_a_pmid_is_kept(tmp_path):
    baseline = pubmed_file(
        tmp_path,
        "pubmed21n0001.xml",
        [Citation("11", "Version one.", 1), Citation("11", "Version two.", 2)],
    )
    update = pubmed_file(
        tmp_path,
        "pubmed21n0002.xml",  # version 1 revised after version 2 came out: outdated
        [Citation("11", "Version one, revised.", 1), Citation("12", "Stated.", 2)],
    )
    last = pubmed_file(tmp_path, "pubmed21n0003.xml", [Citation("12", "Unstated.", None)])
    articles, report = _build(tmp_path, baseline, update, last)
    assert (articles["11"].title, articles["11"].pmid_version) == ("Version two.", 2)
    assert (articles["12"].title, articles["12"].pmid_version) == ("Unstated.", None)
    assert report.stream == StreamCounts(new=2, replaced=2, outdated=1)


def test_deletions_reach_every_earlier_file_and_a_later_record_comes_back(tmp_path):
    files = [
        pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation(p) for p in ("11", "12", "13")]),
        pubmed_file(tmp_path, "pubmed21n0002.xml", deleted=["11", "99"]),
        pubmed_file(tmp_path, "pubmed21n0003.xml", [Citation("11", "Back.")], deleted=["12"]),
    ]
    articles, report = _build(tmp_path, *files)
    assert sorted(articles) == ["11", "13"] and articles["11"].title == "Back."
    assert report.deleted == ["11", "12"]
    assert report.stream == StreamCounts(new=4, deleted=2, not_held=1)


def test_counts_are_shown_and_described_and_builds_stay_byte_identical(tmp_path, capsys):
    from mscdata.cli import main

    pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("11"), Citation("12")])
    pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("11", "Revised.")], deleted=["12"])
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "sources:\n  - file: pubmed21n0001.xml\n  - file: pubmed21n0002.xml\n", encoding="utf-8"
    )
    assert main(["build", "--sources", str(manifest), "--out", str(tmp_path / "a")]) == 0
    shown = capsys.readouterr().out
    assert "built and validated" in shown
    assert "PubMed records applied in order: 2 new, 1 replaced, 0 unchanged, " in shown
    assert "1 deleted (DeleteCitation), 0 deletions of PMIDs not read" in shown
    descriptor = json.loads((tmp_path / "a" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["mscdata"]["pubmedStream"] == {
        "new": 2,
        "replaced": 1,
        "unchanged": 0,
        "outdatedVersions": 0,
        "deleted": 1,
        "deletionsNotHeld": 0,
    }
    mscdata.build(manifest, tmp_path / "b")
    assert folder_files(tmp_path / "a") == folder_files(tmp_path / "b")


def _real_records(pmid: str) -> list[bytes]:
    """The PubmedArticle elements of ``pmid`` in the 2021 update file's excerpt, in order."""
    path = shared_path("corpus", "peers", "pubmed-xml", "pubmed21n1298.excerpt.xml.gz")
    with gzip.open(path, "rb") as handle:
        text = handle.read()
    blocks = re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", text, flags=re.S)
    own = re.compile(rb"<MedlineCitation[^>]*>\s*<PMID Version=\"[0-9]+\">" + pmid.encode())
    return [block for block in blocks if own.search(block)]


def test_a_real_versioned_citation_keeps_its_latest_version(tmp_path):
    """PMID 30271887 (Wellcome Open Res) comes in versions 1 and 2 in update file 1298."""
    first, second = _real_records("30271887")
    assert b'<PMID Version="1">' in first and b'<PMID Version="2">' in second

    def file(name: str, *blocks: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(b"<PubmedArticleSet>\n" + b"\n".join(blocks) + b"\n</PubmedArticleSet>\n")
        return path

    articles, report = _build(tmp_path, file("pubmed21n1298.xml", first, second), validate=True)
    kept = articles["30271887"]
    assert kept.pmid_version == 2 and kept.doi.endswith(".2")
    assert report.stream == StreamCounts(new=1, replaced=1)
    later = file("pubmed21n1299.xml", first)  # version 1 again, later: left out
    articles, report = _build(tmp_path, file("pubmed21n1298.xml", second), later)
    assert articles["30271887"].doi.endswith(".2") and report.stream.outdated == 1


# -- properties ---------------------------------------------------------------------------

_PMIDS = st.sampled_from(["1", "2", "3", "4"])
_ADD = st.builds(
    lambda pmid, version, title, fmt: _record(pmid, title, version, fmt),
    _PMIDS,
    st.sampled_from([1, 2, 3]),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["pubmed_xml", "pubmed_xml", "medline_text"]),
)
_EVENTS = st.lists(st.one_of(_ADD, _PMIDS), max_size=30)  # a string is a deletion


def _expected(events: list) -> dict[str, tuple[str, int]]:
    """Per PMID: since its last deletion, the last record of the highest version."""
    state: dict[str, list[dict]] = {}
    for event in events:
        if isinstance(event, str):
            state.pop(event, None)
        else:
            state.setdefault(event["pmid"], []).append(event)
    result = {}
    for pmid, records in state.items():
        top = max(r["pmid_version"] for r in records)
        last = [r for r in records if r["pmid_version"] == top][-1]
        result[pmid] = (last["title"], top)
    return result


def _content(records: list[dict]) -> list[tuple]:
    return [(r["pmid"], r["title"], r["pmid_version"]) for r in records]


@settings(max_examples=300)
@given(_EVENTS)
def test_applying_in_order_keeps_the_latest_record_of_each_pmid(events):
    applied = apply_in_order(events)
    held = {r["pmid"]: (r["title"], r["pmid_version"]) for r in applied.current()}
    assert held == _expected(events)
    records = [e for e in events if not isinstance(e, str)]
    assert applied.counts.records == len(records)
    assert applied.counts.deletions == len(events) - len(records)
    assert applied.counts.new - applied.counts.deleted == len(held)


@settings(max_examples=200)
@given(st.lists(st.one_of(_PMIDS, st.builds(_record, _PMIDS, st.sampled_from("ab"))), max_size=30))
def test_without_versions_the_last_record_since_the_last_deletion_is_kept(events):
    expected: dict[str, str] = {}
    for event in events:
        if isinstance(event, str):
            expected.pop(event, None)
        else:
            expected[event["pmid"]] = event["title"]
    assert {r["pmid"]: r["title"] for r in apply_in_order(events).current()} == expected


_MIXED = st.lists(
    st.one_of(_ADD, _PMIDS, st.builds(lambda p: _record(p, "jats", fmt="pmc_jats"), _PMIDS)),
    max_size=30,
)


@settings(max_examples=300)
@given(_MIXED, _MIXED)
def test_what_was_applied_continues_as_the_whole_sequence_would(first, then):
    """Applying ``first`` then ``then`` gives what applying ``then`` to the records held
    after ``first`` (a package built from it) gives, and the counts add up: an update
    needs no history but the package and its descriptor's counts."""
    before, whole = apply_in_order(first), apply_in_order(first + then)
    continued = AppliedRecords.holding(apply_in_order(first).current()).apply(then)
    assert _content(continued.current()) == _content(whole.current())
    before.counts += continued.counts  # a package's counts, then an update's: a rebuild's
    assert before.counts == whole.counts
    assert before.deleted + continued.deleted == whole.deleted
    assert StreamCounts.from_descriptor(whole.counts.as_descriptor()) == whole.counts


def _stored(record: dict):
    return stored_data(record, stream_pmid(record), version_of(record), tuple(keys_of(record)))


@settings(max_examples=200, deadline=None)
@given(_MIXED, _MIXED)
def test_the_on_disk_store_applies_records_as_the_reference_does(first, then):
    """The build's SQLite store (record_store) agrees with the in-memory reference
    (AppliedRecords) record for record: the same records held in the same order, the
    same counts and deletions, also when a second run continues a stored first one."""
    whole = apply_in_order(first + then)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite"
        with RecordStore(path, create=True) as store:
            applied = [
                store.delete(e) if isinstance(e, str) else store.add(_stored(e)) for e in first
            ]
            store.commit()
            counts, deleted = store.counts, store.deleted
        with RecordStore(path) as store:  # an update: the same file, opened again
            applied += [
                store.delete(e) if isinstance(e, str) else store.add(_stored(e)) for e in then
            ]
            counts += store.counts
            held = [row[0] for row in store._db.execute("SELECT rows FROM records ORDER BY slot")]
            deleted = deleted + store.deleted
    assert held == [_stored(record).rows for record in whole.current()]
    assert counts == whole.counts
    assert deleted == whole.deleted
    reference = AppliedRecords()
    expected = [
        reference.delete(e) if isinstance(e, str) else reference.add(e) for e in first + then
    ]
    assert applied == expected


_FILE = st.tuples(
    st.lists(
        st.builds(Citation, _PMIDS, st.sampled_from(["One.", "Two."]), st.sampled_from([1, 2])),
        max_size=4,
    ),
    st.lists(_PMIDS, max_size=2, unique=True),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_FILE, min_size=1, max_size=4))
def test_update_files_read_by_the_build_give_the_latest_record_of_each_pmid(files):
    events: list = []
    with tempfile.TemporaryDirectory() as folder:
        entries = []
        for number, (citations, deleted) in enumerate(files, start=1):
            path = pubmed_file(Path(folder), f"pubmed21n{number:04d}.xml", citations, deleted)
            entries.append(SourceEntry(path))
            events += [_record(c.pmid, c.title, c.version) for c in citations] + deleted
        articles, report = _read(entries, Path(folder))
    held = {row["pmid"]: (row["title"], int(row["pmid_version"])) for row in articles}
    assert held == _expected(events)
    assert report.stream.new - report.stream.deleted == len(held) == report.articles


def test_a_version_that_is_no_number_fails_its_record(tmp_path):
    bad = pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("11", version="2a")])
    with pytest.raises(BuildError, match="PMID Version '2a' is not a version number"):
        mscdata.build([bad], tmp_path / "out")
    [failure] = _read([SourceEntry(bad)], tmp_path, skip_failures=True)[1].failures
    assert failure.pmid == "11" and failure.record == 1
