"""Property: whatever bytes stand in a cached answer and whatever its note says, the
cache gives back the verified answer or a DamagedEntry, never another exception, and
never an answer that differs from the one its checksum vouches for."""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mscdata.remote.cache import DamagedEntry, ResponseCache
from mscdata.remote.fetching import _read_pmc, _read_pubmed, _read_search

PARAMS = {"db": "pubmed", "retmode": "xml", "id": "1,2"}
ANSWER = (
    b'<?xml version="1.0" ?>\n<PubmedArticleSet>'
    b"<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>One"
    b"</ArticleTitle></Article></MedlineCitation><PubmedData><ArticleIdList>"
    b'<ArticleId IdType="pmc">PMC11</ArticleId></ArticleIdList></PubmedData></PubmedArticle>'
    b"<PubmedArticle><MedlineCitation><PMID>2</PMID></MedlineCitation></PubmedArticle>"
    b"</PubmedArticleSet>\n"
)


@st.composite
def damaged(draw) -> bytes:
    """The answer cut, with bytes flipped or inserted, or any bytes at all."""
    kind = draw(st.sampled_from(["cut", "flip", "insert", "any"]))
    if kind == "any":
        return draw(st.binary(max_size=300))
    at = draw(st.integers(0, len(ANSWER)))
    if kind == "cut":
        return ANSWER[:at]
    if kind == "flip":
        at = min(at, len(ANSWER) - 1)
        return ANSWER[:at] + bytes([ANSWER[at] ^ draw(st.integers(1, 255))]) + ANSWER[at + 1 :]
    return ANSWER[:at] + draw(st.binary(min_size=1, max_size=20)) + ANSWER[at:]


NOTES = ["of this body", "of the true answer", "of 0.2.0 (no checksum)", "absent", "garbage"]


@settings(max_examples=400, deadline=None)
@given(body=st.one_of(st.just(ANSWER), damaged()), note=st.sampled_from(NOTES))
def test_a_cached_answer_is_verified_or_damaged(body, note):
    with tempfile.TemporaryDirectory() as folder:
        cache = ResponseCache(Path(folder))
        path = cache.put("efetch.fcgi", PARAMS, ANSWER, "http://127.0.0.1/")
        path.write_bytes(body)
        note_path = path.with_suffix(".json")
        written = json.loads(note_path.read_text())
        if note == "of this body":
            written["sha256"] = hashlib.sha256(body).hexdigest()
        elif note == "of 0.2.0 (no checksum)":
            del written["sha256"], written["bytes"]
        note_path.write_text(json.dumps(written))
        if note == "absent":
            note_path.unlink()
        elif note == "garbage":
            note_path.write_bytes(body[:40])
        try:
            expected = _read_pubmed(body)
        except ValueError:
            expected = None
        trusted = note in ("of this body", "of 0.2.0 (no checksum)", "absent") or body == ANSWER
        if note == "garbage":
            trusted = False
        try:
            got = cache.get("efetch.fcgi", PARAMS, _read_pubmed)
        except DamagedEntry as error:
            assert "\n" not in str(error) and str(path) in str(error)
            assert expected is None or not trusted
        else:
            assert got == (path, expected) and expected is not None and trusted
            recorded = json.loads(note_path.read_text())["sha256"]
            assert recorded == hashlib.sha256(body).hexdigest()


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(damaged(), st.binary(max_size=200)))
def test_every_answer_reader_raises_only_value_error(body):
    for read in (_read_pubmed, _read_pmc, _read_search):
        with contextlib.suppress(ValueError):
            read(body)
