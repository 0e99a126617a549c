"""The fetch cache verifies itself: every corruption of a cached answer is fetched again
online, and is a one-line error (exit 1) offline and in ``build --from-cache``; odd
entries in the cache folder are one-line errors; leftover temporary files go away.

The local E-utilities stand-in (tests/eutils_server.py) answers from real records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mscdata.errors import BuildError
from mscdata.remote.cache import (
    DEAD_WRITER_AFTER,
    STALE_AFTER,
    CacheError,
    DamagedEntry,
    ResponseCache,
)
from mscdata.remote.eutils import EutilsClient, NotCached
from mscdata.remote.fetching import _read_pmc, fetch

from corpus import VENDORED
from eutils_server import HTML_ERROR_PAGE, NCBI_ERROR, FakeEutils

# the six records of a real efetch answer (TestPubMedFetch.test_standard_query.xml)
STANDARD = ["19008416", "18927361", "18787170", "18487186", "18239126", "18239125"]
BATCH = {"db": "pubmed", "retmode": "xml", "id": ",".join(STANDARD)}


@pytest.fixture(scope="module")
def shared_server():
    with FakeEutils(VENDORED / "peers") as fake:
        yield fake


@pytest.fixture
def server(shared_server):
    shared_server.log.clear()
    shared_server.faults.clear()
    return shared_server


@pytest.fixture
def env(server, tmp_path, monkeypatch):
    """The environment of a user: the E-utilities URL (the local server), an API key,
    and a cache folder; the cache already holds the answer for STANDARD."""
    monkeypatch.setenv("MSCDATA_EUTILS_URL", server.url)
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path / "cache"))
    with _client() as client:
        assert fetch(STANDARD, client=client, pmc=False).complete
    server.log.clear()
    return tmp_path


def _client(offline: bool = False) -> EutilsClient:
    return EutilsClient(cache=ResponseCache(), offline=offline, backoff=0.01, timeout=2.0)


def _answer() -> Path:
    return ResponseCache().path("efetch.fcgi", BATCH)


def _note(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def _as_written_by_0_2_0(path: Path) -> None:
    """The note as mscdata 0.2.0 wrote it: no checksum."""
    note = {k: v for k, v in _note(path).items() if k not in ("sha256", "bytes")}
    path.with_suffix(".json").write_text(json.dumps(note), encoding="utf-8")


# ---------------------------------------------------------------- the corruptions

# the answer's content changed: fetched again online
CONTENT = {
    "truncated": lambda body: body[: len(body) // 2],
    "empty": lambda body: b"",
    "garbage": lambda body: bytes(range(256)) * 8,
    "html error page": lambda body: HTML_ERROR_PAGE,
    "NCBI ERROR": lambda body: NCBI_ERROR,
    "record removed": lambda body: _without_first_record(body),
    "edited title": lambda body: body.replace(b"<ArticleTitle>", b"<ArticleTitle>EDITED ", 1),
}


def _without_first_record(body: bytes) -> bytes:
    start = body.index(b"<PubmedArticle>")
    return body[:start] + body[body.index(b"</PubmedArticle>") + 16 :]


def _directory(path: Path, root: Path) -> Path:
    path.unlink()
    (path / "inside").mkdir(parents=True)
    return path


def _fifo(path: Path, root: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("this platform has no FIFOs")
    path.unlink()
    os.mkfifo(path)
    return path


def _subfolder_is_a_file(path: Path, root: Path) -> Path:
    shutil.rmtree(path.parent)
    path.parent.write_bytes(b"not a folder")
    return path.parent


def _cache_is_a_file(path: Path, root: Path) -> Path:
    shutil.rmtree(root)
    root.write_bytes(b"not a folder")
    return root


def _damaged_note(path: Path, root: Path) -> Path:
    path.with_suffix(".json").write_bytes(b'{"sha256": "trunc')
    return path


# something in the way of the cache, or a note that cannot vouch for its answer
ODD = {
    "directory in place of the file": _directory,
    "FIFO in place of the file": _fifo,
    "subfolder is a file": _subfolder_is_a_file,
    "cache dir is a file": _cache_is_a_file,
}


def _one_line_naming(message: str, path: Path) -> None:
    assert "\n" not in message.strip() and "Traceback" not in message
    assert str(path) in message
    assert "MSCDATA_CACHE_DIR" in message or "rm " in message


def _cli(capsys, *args: str) -> tuple[int, str]:
    from mscdata.cli import main

    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def _manifest(folder: Path) -> Path:
    sources = folder / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "manifest.yaml").write_text(
        f"sources:\n  - pmids: [{', '.join(STANDARD)}]\n    pmc: false\n", encoding="utf-8"
    )
    return sources


# ---------------------------------------------------------------- content, three modes


@pytest.mark.parametrize("corruption", CONTENT)
def test_a_corrupted_answer_is_fetched_again_online(env, server, corruption):
    path = _answer()
    good = path.read_bytes()
    path.write_bytes(CONTENT[corruption](good))
    with _client() as client:
        result = fetch(STANDARD, client=client, pmc=False)
    assert result.complete and result.found == STANDARD
    assert [r.path for r in result.responses] == [path]
    assert path.read_bytes() == good  # the true answer again, not the damaged one
    assert _note(path)["sha256"] == hashlib.sha256(good).hexdigest()
    assert [r["id"] for r in server.requests_to("efetch.fcgi")] == [BATCH["id"]]


@pytest.mark.parametrize("corruption", CONTENT)
def test_a_corrupted_answer_offline_is_one_line_exit_1(env, server, corruption, capsys):
    path = _answer()
    path.write_bytes(CONTENT[corruption](path.read_bytes()))
    with _client(offline=True) as client, pytest.raises(DamagedEntry) as raised:
        fetch(STANDARD, client=client, pmc=False)
    _one_line_naming(str(raised.value), path)
    assert "SHA-256" in str(raised.value) and f"rm -f {path}" in str(raised.value)
    code, err = _cli(capsys, "fetch", *STANDARD, "--no-pmc", "--offline")
    assert code == 1 and err.startswith(f"mscdata fetch: error: {path}: damaged cached answer")
    _one_line_naming(err, path)
    assert server.log == []  # offline: nothing asked


@pytest.mark.parametrize("corruption", CONTENT)
def test_a_corrupted_answer_stops_build_from_cache_exit_1(env, server, corruption, capsys):
    from mscdata.builder.build import build

    path = _answer()
    path.write_bytes(CONTENT[corruption](path.read_bytes()))
    sources, out = _manifest(env), env / "package"
    with pytest.raises(BuildError) as raised:
        build(sources, out, from_cache=True)
    _one_line_naming(str(raised.value), path)
    code, err = _cli(capsys, "build", "--sources", str(sources), "--out", str(out), "--from-cache")
    assert code == 1 and "damaged cached answer" in err
    _one_line_naming(err, path)
    assert not out.exists() and server.log == []


@pytest.mark.parametrize(
    "corruption", ["truncated", "empty", "garbage", "html error page", "NCBI ERROR"]
)
def test_an_answer_of_0_2_0_is_checked_by_parsing(env, server, corruption, capsys):
    path = _answer()
    path.write_bytes(CONTENT[corruption](path.read_bytes()))
    _as_written_by_0_2_0(path)
    with _client(offline=True) as client, pytest.raises(DamagedEntry, match="not a valid answer"):
        fetch(STANDARD, client=client, pmc=False)
    assert _cli(capsys, "fetch", *STANDARD, "--no-pmc", "--offline")[0] == 1
    with _client() as client:
        assert fetch(STANDARD, client=client, pmc=False).complete
    assert "sha256" in _note(path)


def test_an_answer_of_0_2_0_that_parses_is_used_and_its_checksum_recorded(env, server):
    path = _answer()
    _as_written_by_0_2_0(path)
    with _client(offline=True) as client:
        assert fetch(STANDARD, client=client, pmc=False).complete
    assert _note(path)["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _note(path)["bytes"] == len(path.read_bytes())
    # from now on an edit is caught
    path.write_bytes(CONTENT["edited title"](path.read_bytes()))
    with _client(offline=True) as client, pytest.raises(DamagedEntry):
        fetch(STANDARD, client=client, pmc=False)


def test_a_record_removed_from_an_answer_of_0_2_0_is_asked_for_alone(env, server):
    path = _answer()
    path.write_bytes(_without_first_record(path.read_bytes()))
    _as_written_by_0_2_0(path)
    with _client(offline=True) as client, pytest.raises(NotCached, match="id=19008416"):
        fetch(STANDARD, client=client, pmc=False)  # never "not in PubMed"
    with _client() as client:
        result = fetch(STANDARD, client=client, pmc=False)
    assert result.complete and result.found == STANDARD and result.missing == []
    assert [r["id"] for r in server.requests_to("efetch.fcgi")] == ["19008416"]
    assert len(result.responses) == 2  # the batch answer and the record's own


def test_a_query_s_cached_search_answer_is_checked_too(env, server, capsys):
    server.queries["rheumatic mesenchymal"] = [(p, dt.date(2008, 1, 1)) for p in STANDARD[:2]]
    with _client() as client:
        assert fetch(query="rheumatic mesenchymal", client=client, pmc=False).complete
    params = {"db": "pubmed", "term": "rheumatic mesenchymal", "retmax": 2, "retstart": 0}
    search = ResponseCache().path("esearch.fcgi", params)
    # NCBI's error inside a search answer that has a Count: not an answer either
    search.write_bytes(
        b"<eSearchResult><Count>2</Count><IdList><Id>1</Id></IdList>"
        b"<ERROR>Search Backend failed</ERROR></eSearchResult>"
    )
    _as_written_by_0_2_0(search)
    code, err = _cli(capsys, "fetch", "--query", "rheumatic mesenchymal", "--no-pmc", "--offline")
    assert code == 1 and "NCBI error: Search Backend failed" in err
    _one_line_naming(err, search)
    server.log.clear()
    with _client() as client:
        result = fetch(query="rheumatic mesenchymal", client=client, pmc=False)
    assert result.found == STANDARD[:2]
    assert [r["endpoint"] for r in server.log] == ["esearch.fcgi"]  # only it asked again


def test_an_edited_title_never_reaches_the_package(env, server):
    from mscdata.builder.build import build

    path = _answer()
    path.write_bytes(CONTENT["edited title"](path.read_bytes()))
    out = build(_manifest(env), env / "package", validate=False)
    assert "EDITED" not in (out / "articles.csv").read_text(encoding="utf-8")
    assert b"EDITED" not in path.read_bytes()


def test_a_damaged_note_is_fetched_again_online_and_an_error_offline(env, server, capsys):
    path = _answer()
    _damaged_note(path, env)
    with _client(offline=True) as client, pytest.raises(DamagedEntry, match="not JSON"):
        fetch(STANDARD, client=client, pmc=False)
    assert _cli(capsys, "fetch", *STANDARD, "--no-pmc", "--offline")[0] == 1
    with _client() as client:
        assert fetch(STANDARD, client=client, pmc=False).complete
    assert _note(path)["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- odd entries, three modes


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_entry_is_one_clear_error_in_every_mode(env, server, odd, capsys):
    from mscdata.builder.build import build

    named = ODD[odd](_answer(), env / "cache")
    for offline in (False, True):
        with _client(offline=offline) as client, pytest.raises(CacheError) as raised:
            fetch(STANDARD, client=client, pmc=False)
        _one_line_naming(str(raised.value), named)
    for offline in ([], ["--offline"]):
        code, err = _cli(capsys, "fetch", *STANDARD, "--no-pmc", *offline)
        assert code == 1 and err.startswith(f"mscdata fetch: error: {named}: ")
        _one_line_naming(err, named)
    sources, out = _manifest(env), env / "package"
    with pytest.raises(BuildError) as raised:
        build(sources, out, from_cache=True)
    _one_line_naming(str(raised.value), named)
    code, err = _cli(capsys, "build", "--sources", str(sources), "--out", str(out), "--from-cache")
    assert code == 1 and "Traceback" not in err
    _one_line_naming(err, named)
    assert server.log == []  # an entry in the way is never fetched over


def test_an_unreadable_answer_is_one_clear_error(env, server, capsys, monkeypatch):
    path = _answer()
    read_bytes = Path.read_bytes

    def refuse(self):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    for offline in (False, True):
        with _client(offline=offline) as client, pytest.raises(CacheError) as raised:
            fetch(STANDARD, client=client, pmc=False)
        assert "cannot read the cached file (PermissionError" in str(raised.value)
        _one_line_naming(str(raised.value), path)
    code, err = _cli(capsys, "fetch", *STANDARD, "--no-pmc", "--offline")
    assert code == 1 and "cannot read" in err
    _one_line_naming(err, path)


# ---------------------------------------------------------------- leftover temporaries


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    return int(done.stdout)


def test_leftover_temporaries_are_removed_in_every_mode(env, server, capsys):
    from mscdata.builder.build import build

    path = _answer()
    dead = _dead_pid()
    stale = [
        path.with_name(f".{path.name}.{dead}.tmp"),  # its writer was killed
        path.with_name(f".{path.with_suffix('.json').name}.{dead}.tmp"),
        path.parent.parent / f".other.xml.{dead}.tmp",
    ]
    old = path.with_name(f".{path.name}.1.tmp")  # pid 1 lives, but the file is old
    other = path.with_name(f".{path.name}.1.tmp.keep")  # not a temporary of ours
    alive = path.with_name(f".{path.name}.{os.getppid()}.tmp")  # a writer at work
    # a dead pid's file just written: maybe a writer on another machine sharing the cache
    recent = path.with_name(f".{path.name}.{dead}.json.tmp")
    kept = [other, alive, recent]
    for mode in ("online", "offline", "cli offline", "build --from-cache"):
        for file in [*stale, old, *kept]:
            file.write_bytes(b"<PubmedArticleSet><PubmedArt")
        for file, age in [*((f, DEAD_WRITER_AFTER + 5) for f in stale), (old, STALE_AFTER + 5)]:
            os.utime(file, (time.time() - age,) * 2)
        if mode == "online" or mode == "offline":
            with _client(offline=mode == "offline") as client:
                assert fetch(STANDARD, client=client, pmc=False).complete
        elif mode == "cli offline":
            assert _cli(capsys, "fetch", *STANDARD, "--no-pmc", "--offline")[0] == 0
        else:
            out = build(_manifest(env), env / "package", from_cache=True, validate=False)
            assert (out / "articles.csv").is_file()
        assert not any(f.exists() for f in [*stale, old]), mode
        assert all(f.exists() for f in kept), mode
    assert server.log == []


# ---------------------------------------------------------------- never cached, asked alone


@pytest.mark.parametrize("fault", ["html", "ncbi-error", "truncate"])
def test_an_error_answer_is_retried_and_never_cached(server, tmp_path, fault):
    cache = ResponseCache(tmp_path / "cache")
    client = EutilsClient(base_url=server.url, api_key="k", cache=cache, backoff=0.01, attempts=3)
    server.faults.extend([fault] * 3)
    with client:
        result = fetch(STANDARD, client=client, pmc=False)
    assert result.failed == STANDARD and result.missing == [] and not result.complete
    assert "unusable body" in result.summary()
    assert not cache.path("efetch.fcgi", BATCH).exists()
    server.faults.extend([fault])  # one bad answer, then the good one
    with client:
        assert fetch(STANDARD, client=client, pmc=False).complete
    assert b"<PubmedArticleSet>" in cache.path("efetch.fcgi", BATCH).read_bytes()


def test_a_record_a_batch_answer_lacks_is_asked_for_alone(server, tmp_path):
    client = EutilsClient(base_url=server.url, api_key="k", cache=ResponseCache(tmp_path / "c"))
    server.faults.append("drop")
    with client:
        result = fetch(STANDARD, client=client, pmc=False)
    assert result.complete and result.found == STANDARD
    assert [r["id"] for r in server.requests_to("efetch.fcgi")] == [BATCH["id"], STANDARD[0]]
    # a PMID that NCBI answers an empty PubmedArticleSet for, asked alone, is missing
    with client:
        result = fetch([STANDARD[1], "99999999"], client=client, pmc=False)
    assert result.missing == ["99999999"] and result.found == [STANDARD[1]]
    assert server.requests_to("efetch.fcgi")[-1]["id"] == "99999999"
    assert len(result.responses) == 1  # the empty answer holds nothing to read


def test_pmc_articles_ncbi_says_are_unavailable_are_not_asked_again(server, tmp_path):
    client = EutilsClient(base_url=server.url, api_key="k", cache=ResponseCache(tmp_path / "c"))
    known = sorted(server.pmc)[:2]
    with client:
        result = fetch(pmcids=[*known, "PMC1", "PMC2"], client=client)
    assert result.pmc_found == known and result.pmc_missing == ["PMC1", "PMC2"]
    assert len(server.requests_to("efetch.fcgi")) == 1  # each says <error id="...">
    answer = _read_pmc(
        b"<pmc-articleset><error>The following PMCID is not available: 7</error>"
        b'<Reply Id="8" error="The following PMCID is not available: 8"/>'
        b"<error>something else</error></pmc-articleset>"
    )
    assert answer.found == [] and answer.unavailable == {"PMC7", "PMC8"}
