"""Bulk reading in worker processes gives the same events under every start method
(``spawn`` is what macOS and Windows use), and an ``apply`` that workers cannot run is
one clear line."""

from __future__ import annotations

import gzip
import multiprocessing
import os
import re
import sys
import types
from pathlib import Path

import pytest

import mscdata
from mscdata.parsers import pubmed_xml_stream
from mscdata.parsers.workers import check_sendable

from conftest import DATA

REAL_RECORD = DATA / "corpus" / "peers" / "pubmed-xml" / "36156117.xml"
RECORDS = 320  # 12.6 kB each: about 4 MB, several chunks of CHUNK_BYTES
BROKEN = 150  # this record loses an end tag: a RecordFailure between chunks


TEST_STATE: list[str] = []  # filled at test time: only a forked worker inherits it


def traced(article) -> tuple[dict, int, bool]:
    """A module-level ``apply``: the article's data, the process it ran in, and whether
    that process was forked from the test's."""
    return article.model_dump(mode="json"), os.getpid(), bool(TEST_STATE)


def stop_the_worker(article) -> None:
    """An ``apply`` whose worker process dies."""
    os._exit(3)


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory) -> Path:
    """A gzipped PubmedArticleSet of one real record repeated under new PMIDs, with one
    malformed record and a DeleteCitation at the end."""
    text = REAL_RECORD.read_bytes()
    record = re.search(rb"<PubmedArticle>.*</PubmedArticle>", text, re.S).group()
    records = [record.replace(b"36156117", b"%d" % (40_000_000 + n)) for n in range(RECORDS)]
    records[BROKEN] = records[BROKEN].replace(b"</ArticleTitle>", b"", 1)
    deletion = b"<DeleteCitation><PMID Version='1'>40000001</PMID></DeleteCitation>\n"
    data = b"<PubmedArticleSet>\n" + b"\n".join(records) + b"\n" + deletion
    data += b"</PubmedArticleSet>\n"
    assert len(data) > 3 * pubmed_xml_stream.CHUNK_BYTES
    path = tmp_path_factory.mktemp("bulk") / "synthetic.xml.gz"
    path.write_bytes(gzip.compress(data, mtime=0))
    return path


@pytest.fixture(scope="module")
def one_process_events(bulk_file: Path) -> list:
    return list(mscdata.iter_events(bulk_file, apply=traced, workers=1))


@pytest.fixture(params=["spawn", "default"])
def start_method(request):
    """Workers start by ``spawn``, or by this platform's default method."""
    before = multiprocessing.get_start_method(allow_none=True)
    if request.param != "default":
        multiprocessing.set_start_method(request.param, force=True)
    yield multiprocessing.get_start_method()
    multiprocessing.set_start_method(before, force=True)


def test_workers_give_the_one_process_events_under_every_start_method(
    bulk_file, one_process_events, start_method
):
    TEST_STATE.append("set in the test process")
    events = list(mscdata.iter_events(bulk_file, apply=traced, workers=2))

    def without_process(events: list) -> list:
        return [event[0] if isinstance(event, tuple) else event for event in events]

    assert without_process(events) == without_process(one_process_events)
    articles = [event for event in events if isinstance(event, tuple)]
    assert len(articles) == RECORDS - 1
    assert {forked for _, _, forked in articles} == {start_method == "fork"}
    assert os.getpid() not in {pid for _, pid, _ in articles}  # run in the workers
    failure, deletion = events[BROKEN], events[-1]
    assert isinstance(failure, mscdata.RecordFailure) and failure.record == BROKEN + 1
    assert failure.pmid == str(40_000_000 + BROKEN)
    assert deletion == mscdata.Deletion("40000001", str(bulk_file), RECORDS + 1)


@pytest.mark.parametrize(
    "apply", [lambda article: article.pmid, types.SimpleNamespace(f=lambda a: a).f]
)
def test_an_apply_workers_cannot_import_is_one_clear_line(apply):
    data = REAL_RECORD.read_bytes()  # small: the rule does not depend on the size
    with pytest.raises(TypeError) as raised:
        list(mscdata.iter_events(data, apply=apply))
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("apply=<lambda> cannot be sent to worker processes (")
    assert message.endswith("pass a function defined at the top level of a module, or workers=1")
    assert list(mscdata.iter_events(data, apply=apply, workers=1)) == [
        apply(a) for a in mscdata.read(data).articles
    ]


def test_an_apply_from_an_interactive_main_is_refused_when_workers_are_not_forked(
    monkeypatch,
):
    interactive = types.ModuleType("__main__")  # no __file__, no __spec__: a REPL

    def typed_at_the_prompt(article):
        return article

    typed_at_the_prompt.__module__ = "__main__"
    typed_at_the_prompt.__qualname__ = "typed_at_the_prompt"
    interactive.typed_at_the_prompt = typed_at_the_prompt
    monkeypatch.setitem(sys.modules, "__main__", interactive)
    before = multiprocessing.get_start_method(allow_none=True)
    try:
        multiprocessing.set_start_method("spawn", force=True)
        with pytest.raises(TypeError, match=r"interactive session or stdin.*'spawn'"):
            check_sendable(typed_at_the_prompt)
        if "fork" in multiprocessing.get_all_start_methods():
            multiprocessing.set_start_method("fork", force=True)
            check_sendable(typed_at_the_prompt)  # a forked worker has it already
    finally:
        multiprocessing.set_start_method(before, force=True)


def test_a_worker_that_dies_is_one_clear_line():
    data = REAL_RECORD.read_bytes()
    with pytest.raises(mscdata.ParseError) as raised:
        list(mscdata.iter_events(data, apply=stop_the_worker, workers=2))
    message = str(raised.value)
    assert "\n" not in message and "a worker process stopped abruptly" in message
    assert message.endswith("pass workers=1 to read in this process")
