"""benchmarks/tiled_sources.py: real PubMed XML tiled with fresh PMIDs for the build-scale
benchmark, and the update file made to replace, add and delete tiled records."""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys

import pytest

from conftest import ROOT
from corpus import corpus_path

_SPEC = importlib.util.spec_from_file_location(
    "tiled_sources", ROOT / "benchmarks" / "tiled_sources.py"
)
tiled_sources = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = tiled_sources  # its dataclass looks itself up there
_SPEC.loader.exec_module(tiled_sources)

PER_FILE = 120
STEP = tiled_sources.PMID_STEP


@pytest.fixture(scope="module")
def excerpt():
    return corpus_path("peers", "pubmed-xml", "pubmed21n1298.excerpt.xml.gz")


def _pieces(path):
    with gzip.open(path, "rb") as stream:
        return list(tiled_sources.pieces(stream))


def _records(path):
    return [piece for tag, piece in _pieces(path) if tag == b"PubmedArticle"]


@pytest.fixture(scope="module")
def tiles(excerpt, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiles")
    return {
        k: tiled_sources.write_tile(excerpt, PER_FILE, k, folder / tiled_sources.tile_name(k))
        for k in (1, 2)
    }


def _undo(record: bytes, k: int, old: str) -> bytes:
    """A tiled record with its rewritten ids set back to the original's."""
    new = str(int(old) + k * STEP)
    record = record.replace(f">{new}</PMID>".encode(), f">{old}</PMID>".encode(), 1)
    record = record.replace(
        f'"pubmed">{new}</ArticleId>'.encode(), f'"pubmed">{old}</ArticleId>'.encode()
    )
    record = record.replace(f".tile{k}<".encode(), b"<")
    return re.sub(
        rb'("pmc">PMC)([0-9]+)<', lambda m: m[1] + str(int(m[2]) - k * STEP).encode() + b"<", record
    )


def test_tiles_are_the_records_with_fresh_ids_only(excerpt, tiles):
    originals = _records(excerpt)[:PER_FILE]
    old_pmids = [tiled_sources.own_pmid(r) for r in originals]
    assert sum(b'"doi">' in r for r in originals) > 50
    assert sum(b'"pmc">PMC' in r for r in originals) > 5
    seen = set(old_pmids)
    for k, path in tiles.items():
        assert path.name == f"pubmed21n000{k}.xml.gz"
        records = _records(path)
        assert len(records) == PER_FILE
        pmids = [tiled_sources.own_pmid(r) for r in records]
        assert pmids == [str(int(p) + k * STEP) for p in old_pmids]
        assert all(re.fullmatch(r"[1-9][0-9]{0,8}", p) for p in pmids)
        assert not seen & set(pmids)  # fresh: neither the originals' nor another tile's
        seen |= set(pmids)
        for record, original, old in zip(records, originals, old_pmids, strict=True):
            assert record != original
            assert _undo(record, k, old) == original
        frame = [p for t, p in _pieces(path) if t == b""]
        assert frame[0] == _pieces(excerpt)[0][1]  # the prolog, byte for byte
        assert frame[-1].strip() == b"</PubmedArticleSet>"


def test_tiles_parse_as_distinct_articles(excerpt, tiles):
    """No article id, DOI or PMCID of one tile is another's (the file's versioned PMIDs
    repeat within a tile, as in the original)."""
    from mscdata import iter_events
    from mscdata.parsers.records import Deletion, RecordFailure

    distinct = len({tiled_sources.own_pmid(r) for r in _records(excerpt)[:PER_FILE]})
    keys: dict[int, set[str]] = {}
    for k, path in tiles.items():
        keys[k] = set()
        for event in iter_events(path, workers=1):
            assert not isinstance(event, RecordFailure)
            if isinstance(event, Deletion):
                continue
            keys[k].add(event.id)
            if event.doi:
                assert event.doi.endswith(f".tile{k}")
                keys[k].add(f"doi:{event.doi.lower()}")
            if event.pmcid:
                keys[k].add(event.pmcid)
        assert len({key for key in keys[k] if key.startswith("pmid:")}) == distinct
    assert not keys[1] & keys[2]


def test_update_replaces_adds_and_deletes_tiled_records(excerpt, tiles, tmp_path):
    work = tiles[1].parent.parent
    path, plan = tiled_sources.write_update(
        work, 2, source=excerpt, per_file=PER_FILE, update=excerpt, update_every=5
    )
    assert path.name == "pubmed21n0100.xml.gz"
    tiled = {str(p) for p in tiled_sources.tiled_pmids(excerpt, PER_FILE, 2)}
    assert plan.replaced and plan.deleted and plan.new
    assert plan.replaced | plan.deleted <= tiled
    assert not plan.replaced & plan.deleted
    assert not plan.new & tiled
    records = [tiled_sources.own_pmid(r) for r in _records(path)]
    assert len(records) == plan.records == len(_records(excerpt)[::5])
    assert set(records) == plan.replaced | plan.new
    deletions = [p for t, p in _pieces(path) if t == b"DeleteCitation"]
    assert {m.decode() for d in deletions for m in re.findall(rb">([0-9]+)</PMID>", d)} == (
        plan.deleted
    )
    again = tiled_sources.write_update(
        work, 2, source=excerpt, per_file=PER_FILE, update=excerpt, update_every=5
    )[1]
    assert (again.replaced, again.new, again.deleted) == (plan.replaced, plan.new, plan.deleted)
