"""``mscdata select``: records on a topic copied byte for byte into a real PubMed XML
file, atomically; the topic in a sources manifest (bulk files, or its query)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

import mscdata
from mscdata.builder.manifest import read_manifest
from mscdata.cli import main
from mscdata.topics import load_topic
from mscdata.topics.selection import SelectionFailed, select

from conftest import ROOT, shared_path
from corpus import corpus_path

SELECTED = ROOT / "sources" / "pubmed21n1298-msc.xml.gz"  # 114 MSC records + DeleteCitation
_RECORD = re.compile(
    rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)>.*?</\1>", re.DOTALL
)  # records never nest: an independent way to find each one's bytes


def _bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _records(path: Path) -> list[bytes]:
    return [m.group(0) for m in _RECORD.finditer(_bytes(path))]


def _without_provenance(articles) -> list[dict]:
    return [a.model_dump(exclude={"provenance"}) for a in articles]


def _adipose_topic(tmp_path: Path) -> Path:
    """A topic matching part of the bundled selection only."""
    path = tmp_path / "adipose.yaml"
    path.write_text(
        "name: adipose\ntitle: Adipose-derived cells\n"
        "terms: [adipose-derived stem cell*, ADSCs, Wharton's jelly]\n",
        encoding="utf-8",
    )
    return path


def test_select_copies_each_matching_record_byte_for_byte(tmp_path):
    topic = _adipose_topic(tmp_path)
    other = corpus_path("peers", "pubmed-xml", "pubmed7.xml")
    out = tmp_path / "out.xml"
    selection = select([SELECTED, other], out, topic=topic)
    sources = [(SELECTED, mscdata.read(SELECTED)), (other, mscdata.read(other))]
    expected_bytes, expected_articles = [], []
    for path, result in sources:
        records = [r for r in _records(path) if not r.startswith(b"<DeleteCitation")]
        assert len(records) == len(result.articles)
        for data, article in zip(records, result.articles, strict=True):
            if load_topic(topic).matches(article):
                expected_bytes.append(data)
                expected_articles.append(article)
    deletion = next(r for r in _records(SELECTED) if r.startswith(b"<DeleteCitation"))
    assert 0 < len(expected_bytes) < 114
    assert _records(out) == [*expected_bytes, deletion]  # in input order, deletion in place
    assert (selection.selected, selection.records, selection.deletions) == (
        len(expected_bytes),
        114 + 1,
        1,
    )
    read = mscdata.read(out)
    assert _without_provenance(read.articles) == _without_provenance(expected_articles)
    assert [d.pmid for d in read.deletions] == [d.pmid for d in mscdata.read(SELECTED).deletions]
    assert not read.failures


def test_the_output_is_a_pubmed_file_naming_its_inputs(tmp_path):
    other = corpus_path("peers", "pubmed-xml", "pubmed4.xml")
    out = tmp_path / "out.xml.gz"
    select([SELECTED, other], out, topic="msc", deletions=False)
    raw = out.read_bytes()
    assert raw[3] & 0x08 == 0 and raw[4:8] == b"\0\0\0\0"  # no file name, mtime 0
    text = gzip.decompress(raw)
    source = _bytes(SELECTED)
    prolog = source[: source.index(b"<!-- mscdata select")]
    assert prolog.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet')
    assert text.startswith(prolog)
    # the first input's prolog (its own selection comment too), then this selection's
    root = text.index(b"<PubmedArticleSet>")
    assert text[:root].startswith(source[: source.index(b"<PubmedArticleSet>")])
    comment = text[text.rindex(b"<!--", 0, root) : root].decode()
    assert "topic msc" in comment and load_topic("msc").sha256 in comment
    for path in (SELECTED, other):
        assert f"{path.name} sha256 {mscdata.parsers.open_source(path).sha256}" in comment
    assert text.endswith(b"</PubmedArticle>\n</PubmedArticleSet>\n")
    assert b"<DeleteCitation>" not in text
    # the same inputs give the same bytes; the bundled file is select's own output
    again = tmp_path / "again.xml.gz"
    select([SELECTED, other], again, topic="msc", deletions=False)
    assert again.read_bytes() == raw
    assert _records(out) == [r for r in _records(SELECTED) if b"<DeleteCitation" not in r[:20]]


def test_the_bundled_selection_is_reproduced_by_selecting_it_again(tmp_path):
    out = tmp_path / SELECTED.name
    select([SELECTED], out, topic="msc")
    assert _records(out) == _records(SELECTED)
    assert _bytes(out).count(b"<!-- mscdata select") == 2  # the input's comment, and its own


def _broken_copy(tmp_path: Path) -> Path:
    """The bundled selection with its third record's XML broken."""
    text = _bytes(SELECTED)
    third = _records(SELECTED)[2]
    broken = tmp_path / "broken.xml"
    broken.write_bytes(text.replace(third, third.replace(b"</ArticleTitle>", b"</Title>", 1)))
    return broken


def test_a_failed_record_stops_the_selection_and_nothing_is_written(tmp_path):
    out = tmp_path / "out.xml"
    out.write_bytes(b"the previous selection")
    with pytest.raises(SelectionFailed, match=r"broken\.xml:\d+: record 3 PMID \d+: malformed"):
        select([_broken_copy(tmp_path)], out)
    assert out.read_bytes() == b"the previous selection"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xml", "out.xml"]
    selection = select([_broken_copy(tmp_path)], out, skip_failures=True)
    assert selection.selected == 113 and len(selection.failures) == 1


def test_unusable_inputs_are_located(tmp_path):
    latin = tmp_path / "latin.xml"
    latin.write_bytes(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<PubmedArticleSet/>\n')
    with pytest.raises(mscdata.ParseError, match=r"latin\.xml: the file is in .*not UTF-8"):
        select([latin], tmp_path / "out.xml")
    jats = corpus_path("peers", "pmc-jats", "elife-00666.xml")
    with pytest.raises(mscdata.ParseError, match="unknown root element <article>"):
        select([jats], tmp_path / "out.xml")
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(SELECTED.read_bytes()[:50_000])
    with pytest.raises(SelectionFailed, match=r"cut\.xml\.gz:\d+: record \d+: the data ends early"):
        select([cut], tmp_path / "out.xml")
    with pytest.raises(mscdata.MscdataError, match="would overwrite an input"):
        select([SELECTED], SELECTED)
    assert not list(tmp_path.glob(".out.xml*")) and not (tmp_path / "out.xml").exists()


def test_an_empty_set_gives_an_empty_set(tmp_path):
    empty = corpus_path("peers", "pubmed-xml", "37909814.xml")
    out = tmp_path / "out.xml"
    assert select([empty], out).selected == 0
    result = mscdata.read(out)
    assert not (result.articles or result.deletions or result.failures)
    assert _bytes(out).rstrip().endswith(b"<PubmedArticleSet>\n</PubmedArticleSet>")


def test_the_commands_and_their_exit_codes(tmp_path, capsys):
    assert main(["topic", "query", "msc"]) == 0
    assert capsys.readouterr().out == load_topic("msc").query() + "\n"
    assert main(["topic", "list"]) == 0
    assert capsys.readouterr().out.startswith("msc\tMesenchymal stromal/stem cells")
    out = tmp_path / "out.xml.gz"
    assert main(["select", "--topic", "msc", str(SELECTED), "--out", str(out), "-q"]) == 0
    assert "selected 114 records of 114 on topic msc" in capsys.readouterr().out
    broken = str(_broken_copy(tmp_path))
    assert main(["select", "--topic", "msc", broken, "--out", str(tmp_path / "b.xml")]) == 1
    assert "record 3 PMID" in capsys.readouterr().err and not (tmp_path / "b.xml").exists()
    for argv, message in [
        (["topic", "query", "nope"], "unknown topic 'nope'"),
        (["select", "--topic", "nope", str(SELECTED), "--out", "x.xml"], "unknown topic"),
        (["select", "--topic", "msc", str(tmp_path / "gone.xml"), "--out", "x"], "no such file"),
        (["select", "--topic", "msc", str(SELECTED), "--out", str(tmp_path / "no/x")], "folder"),
    ]:
        assert main(argv) == 2
        assert message in capsys.readouterr().err


def test_a_manifest_names_a_topic_over_files_or_as_a_query(tmp_path):
    (tmp_path / "a.xml.gz").write_bytes(SELECTED.read_bytes())
    topic = _adipose_topic(tmp_path)
    (tmp_path / "manifest.yaml").write_text(
        f"sources:\n  - topic: {topic.name}\n    files: [a.xml.gz]\n"
        "  - topic: msc\n    fetch: true\n    pmc: false\n",
        encoding="utf-8",
    )
    files, fetched = read_manifest(tmp_path)
    assert files.path == tmp_path / "a.xml.gz" and files.topic == str(topic)
    assert fetched.query == load_topic("msc").query() and fetched.pmc is False
    (tmp_path / "manifest.yaml").write_text(
        f"sources:\n  - topic: {topic.name}\n    files: [a.xml.gz]\n", encoding="utf-8"
    )
    built = mscdata.load(mscdata.build(tmp_path, tmp_path / "out"))
    expected = [a for a in mscdata.read(SELECTED).articles if load_topic(topic).matches(a)]
    assert sorted(a.pmid for a in built.articles) == sorted(a.pmid for a in expected)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("topic: nope\n    files: [a.xml]", "entry 1: unknown topic 'nope'"),
        ("topic: msc", "entry 1: a 'topic' entry takes 'files'"),
        ("topic: msc\n    files: [a.xml]\n    fetch: true", "takes 'files' .* or 'fetch: true'"),
        ("topic: msc\n    files: [gone.xml]", "file 'gone.xml' not found"),
        ("topic: msc\n    files: [a.xml]\n    query: x", r"not \['query'\]"),
        ("topic: msc\n    fetch: yes please", "'fetch' is true"),
    ],
)
def test_bad_topic_entries_are_located(tmp_path, entry, message):
    (tmp_path / "a.xml").write_bytes(b"<PubmedArticleSet/>")
    (tmp_path / "manifest.yaml").write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match=message):
        read_manifest(tmp_path)


@pytest.mark.slow
def test_the_msc_records_of_the_2021_update_file_1298(tmp_path):
    """The whole update file (20,788 records): the selection against the list of 115 MSC
    PMIDs; the one left out names MSCs only as "mesenchymal and adult stem cells"."""
    bulk = shared_path("corpus", "bulk", "pubmed21n1298.xml.gz")
    listed = set(shared_path("corpus", "msc", "msc-pmids-21n1298.txt").read_text().split())
    out = tmp_path / SELECTED.name
    selection = select([bulk], out, topic="msc")
    assert (selection.records, selection.selected, selection.deletions) == (20_788, 114, 1)
    assert out.read_bytes() == SELECTED.read_bytes()
    selected = {a.pmid for a in mscdata.read(out).articles}
    assert selected < listed and listed - selected == {"33937593"}
