"""Large PubMed XML files are read in worker processes with or without ``apply``: the
events are the very ones one process gives (equal models, given fields included, in
the same order, failures and deletions in their places), under every start method; few
chunks are in flight at a time; small sources never start a worker."""

from __future__ import annotations

import gc
import gzip
import itertools
import multiprocessing
import os
import re

import pytest
from hypothesis import given, settings
from pydantic import BaseModel, ConfigDict, ValidationError

import mscdata
from mscdata.models import Article
from mscdata.parsers import chunk_pool, pubmed_xml_stream
from mscdata.parsers.model_transfer import pack, unpack

from conftest import shared_path
from corpus import corpus_names, corpus_path
from strategies import articles

SMALL_CHUNK = 4096  # several chunks even in a small file, so that both workers take part
_RECORD = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)\b.*?</\1\s*>", re.S)


def shape(value):
    """Everything a model holds, recursively: class, given fields, extras, values."""
    if isinstance(value, BaseModel):
        held = {name: shape(item) for name, item in value.__dict__.items()}
        extras = (value.__pydantic_extra__, value.__pydantic_private__)
        return type(value), value.model_fields_set, extras, held
    if isinstance(value, list):
        return [shape(item) for item in value]
    return value


def read_both_ways(source, monkeypatch) -> tuple[list, list]:
    """The events of ``source`` read by two workers, and in this process."""
    monkeypatch.setattr(pubmed_xml_stream, "CHUNK_BYTES", SMALL_CHUNK)
    pooled: list[int] = []

    def spied(*args, **kwargs):
        pooled.append(args[3])
        yield from chunk_pool.pooled_events(*args, **kwargs)

    monkeypatch.setattr(pubmed_xml_stream, "pooled_events", spied)
    in_workers = list(mscdata.iter_events(source, workers=2))
    assert pooled == [2]
    return in_workers, list(mscdata.iter_events(source, workers=1))


@pytest.mark.parametrize("name", corpus_names("peers/pubmed-xml"))
def test_workers_give_the_events_of_one_process_on_real_files(name, monkeypatch):
    path = corpus_path("peers", "pubmed-xml", name)
    in_workers, in_one = read_both_ways(path, monkeypatch)
    assert in_workers == in_one
    assert [shape(event) for event in in_workers] == [shape(event) for event in in_one]


def test_workers_give_the_events_of_one_process_on_baseline_records(tmp_path, monkeypatch):
    """The first 400 records of the benchmark's 30,000 (journals of every kind, MeSH,
    chemicals, grants, references): models equal to those one process makes, the fields
    each was given included, through many chunks of both workers."""
    baseline = shared_path("corpus", "peers", "pubmed-xml", "pubmed20n0014.xml.gz")
    with gzip.open(baseline, "rb") as handle:
        head = handle.read(2 << 20)
    records = [m.group() for m in itertools.islice(_RECORD.finditer(head), 400)]
    path = tmp_path / "baseline-head.xml"
    path.write_bytes(b"<PubmedArticleSet>\n" + b"\n".join(records) + b"\n</PubmedArticleSet>\n")
    in_workers, in_one = read_both_ways(path, monkeypatch)
    assert len(in_one) == 400 and all(type(event) is Article for event in in_one)
    assert [shape(event) for event in in_workers] == [shape(event) for event in in_one]


@pytest.fixture
def real_set(tmp_path):
    """The records of the small real files in one set, a DeleteCitation and a record
    that lost an end tag among them."""
    records: list[bytes] = []
    for name in corpus_names("peers/pubmed-xml"):
        path = corpus_path("peers", "pubmed-xml", name)
        if path.suffix == ".xml" and path.stat().st_size < 200_000:
            records += [m.group() for m in _RECORD.finditer(path.read_bytes())]
    assert len(records) > 20
    records.insert(5, b"<DeleteCitation><PMID Version='1'>123</PMID></DeleteCitation>")
    records[9] = records[9].replace(b"</ArticleTitle>", b"", 1)
    path = tmp_path / "real-set.xml"
    path.write_bytes(b"<PubmedArticleSet>\n" + b"\n".join(records) + b"\n</PubmedArticleSet>\n")
    return path


@pytest.fixture(params=["spawn", "default"])
def start_method(request):
    before = multiprocessing.get_start_method(allow_none=True)
    if request.param != "default":
        multiprocessing.set_start_method(request.param, force=True)
    yield multiprocessing.get_start_method()
    multiprocessing.set_start_method(before, force=True)


def test_workers_give_the_same_events_under_every_start_method(real_set, start_method, monkeypatch):
    in_workers, in_one = read_both_ways(real_set, monkeypatch)
    assert [shape(event) for event in in_workers] == [shape(event) for event in in_one]
    kinds = [type(event).__name__ for event in in_workers]
    assert kinds[5] == "Deletion" and kinds[9] == "RecordFailure"
    assert kinds.count("RecordFailure") == 1 and kinds.count("Article") > 20


def test_small_sources_are_read_in_this_process(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("a worker pool was started for a small source")

    monkeypatch.setattr(pubmed_xml_stream, "pooled_events", refused)
    path = corpus_path("peers", "pubmed-xml", "TestPubMedFetch.test_standard_query.xml")
    assert len(mscdata.parse(path)) == 6
    from_bytes = mscdata.parse(path.read_bytes())  # no size hint from a file: its length
    assert [article.title for article in from_bytes] == [a.title for a in mscdata.parse(path)]


def test_large_sources_are_read_by_a_worker_per_core_at_most_two(monkeypatch):
    used: list[int] = []

    def counted(chunks, parse, context, workers, source):
        used.append(workers)
        for kind, *payload in chunks:
            yield from parse(*payload, context) if kind == "chunk" else payload

    monkeypatch.setattr(pubmed_xml_stream, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pubmed_xml_stream, "pooled_events", counted)
    path = corpus_path("peers", "pubmed-xml", "pubmed4.xml")
    assert mscdata.read(path).articles
    assert used == [min(2, os.cpu_count() or 1)]


def numbered_chunk(chunk: bytes, first_record: int, first_line: int, context: dict) -> list:
    """A module-level stand-in for parse_chunk: the chunk's number, ``context`` times."""
    return [first_record] * context["copies"]


def test_few_chunks_are_in_flight_however_many_the_file_has():
    pulled = 0

    def chunks():
        nonlocal pulled
        for number in range(40):
            pulled += 1
            yield ("chunk", b"", number, 1)

    seen = []
    for event in chunk_pool.pooled_events(chunks(), numbered_chunk, {"copies": 3}, 2, "x"):
        seen.append(event)
        started = (len(seen) + 2) // 3  # chunks whose events have come back
        assert pulled - started <= 2 * 2  # memory: a bounded window of chunks
    assert seen == [n for n in range(40) for _ in range(3)]


@settings(max_examples=25, deadline=None)
@given(articles())
def test_models_sent_between_processes_come_back_whole(article):
    [back] = unpack(pack([article]))
    assert back == article and shape(back) == shape(article)
    with pytest.raises(ValidationError):  # assignments are still validated
        back.pmid = "not a PMID"


class Annotated(BaseModel):
    """A model that keeps extra values: sent pydantic's way, its nested models ours."""

    model_config = ConfigDict(extra="allow")
    article: Article


@settings(max_examples=15, deadline=None)
@given(articles(), articles())
def test_models_anywhere_in_what_apply_gives_come_back_whole_and_shared_as_sent(first, second):
    annotated = Annotated(article=second, note="kept")
    sent = [first, {"again": first, "values": first.__dict__}, annotated, [second.authors]]
    back = unpack(pack(sent))
    assert back == sent and shape(back[0]) == shape(first)
    assert back[1]["again"] is back[0] and back[1]["values"] is back[0].__dict__
    assert shape(back[2]) == shape(annotated) and back[2].note == "kept"
    assert shape(back[3][0]) == shape(second.authors)
    assert type(back[2].article) is Article


def test_unpacking_leaves_the_collector_as_it_was():
    message = pack([mscdata.Deletion("1", "x")])
    gc.disable()
    try:
        assert unpack(message) == [mscdata.Deletion("1", "x")] and not gc.isenabled()
    finally:
        gc.enable()
    assert unpack(message) and gc.isenabled()


class FrozenKey(BaseModel):
    """A hashable model (pickled by reference: defined at module level)."""

    model_config = ConfigDict(frozen=True)
    name: str


def test_hashable_models_in_sets_and_dict_keys_come_back_whole():
    """A frozen model is hashed by the set or dict that holds it while the message is
    read: it travels whole, not as a shell filled later."""
    sent = [
        {FrozenKey(name="x"): 1},
        {FrozenKey(name="a"), FrozenKey(name="b")},
        frozenset({FrozenKey(name="c")}),
    ]
    back = unpack(pack(sent))
    assert back == sent
    assert FrozenKey(name="x") in back[0]
    assert all(key.model_fields_set == {"name"} for key in back[1])
