"""Fetching from E-utilities: a local server replays real records and injects faults;
every requested record must arrive exactly once or be reported missing."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from mscdata.errors import FetchError
from mscdata.remote.cache import ResponseCache
from mscdata.remote.eutils import EutilsClient, NotCached, RateLimiter
from mscdata.remote.fetching import fetch, search

from conftest import folder_files
from corpus import VENDORED
from eutils_server import FakeEutils

# the six records of a real efetch answer (TestPubMedFetch.test_standard_query.xml)
STANDARD = ["19008416", "18927361", "18787170", "18487186", "18239126", "18239125"]


@pytest.fixture
def server():
    with FakeEutils(VENDORED / "peers") as fake:
        yield fake


@pytest.fixture
def client(server, tmp_path):
    """A client of the local server with a fresh cache, an API key (10 requests a
    second) and short waits, so fault tests stay quick."""
    made = EutilsClient(
        base_url=server.url,
        api_key="test-key",
        cache=ResponseCache(tmp_path / "cache"),
        backoff=0.01,
        timeout=1.0,
    )
    yield made
    made.close()


def _exactly_once(result, asked):
    assert sorted(result.found + result.missing + result.failed) == sorted(set(asked))
    assert len(result.found) == len(set(result.found))


def test_pmids_arrive_once_each_and_unknown_ones_are_reported(server, client):
    asked = [*STANDARD, "99999999", STANDARD[0]]  # an unknown PMID and a repeat
    result = fetch(asked, client=client, pmc=False)
    _exactly_once(result, asked)
    assert result.found == STANDARD
    assert result.missing == ["99999999"]
    assert not result.complete and "not in PubMed (1): 99999999" in result.summary()
    # the batch answer lacks 99999999: it is asked for alone before it is reported
    batch, alone = server.requests_to("efetch.fcgi")
    assert batch["tool"] == "mscdata" and batch["api_key"] == "test-key"
    assert alone["id"] == "99999999"


def test_batches_survive_429_bursts_500s_timeouts_cut_and_truncated_bodies(server, client):
    server.slow_seconds = 1.5  # longer than the client's timeout
    server.faults.extend(["429", "429", "429", "500", "slow", "cut", "truncate"])
    client.attempts = 8
    result = fetch(STANDARD, client=client, pmc=False)
    assert result.complete and result.found == STANDARD
    assert len(server.requests_to("efetch.fcgi")) == 8  # seven faults, then the answer


def test_a_batch_that_keeps_failing_is_reported_by_id(server, client):
    server.faults.extend(["500"] * client.attempts)
    result = fetch(STANDARD, client=client, pmc=False)
    assert result.failed == STANDARD and result.found == []
    assert not result.complete
    assert "failed 6 times, last: HTTP 500" in result.summary()


def test_an_invalid_api_key_stops_at_once(server, client):
    client.api_key = "bad"
    with pytest.raises(FetchError, match="NCBI refused the API key"):
        fetch(STANDARD, client=client, pmc=False)
    assert len(server.log) == 1  # never retried


def test_a_second_run_is_offline_from_the_cache(server, client, tmp_path):
    first = fetch(STANDARD, client=client, pmc=False)
    sent = len(server.log)
    offline = EutilsClient(base_url=server.url, cache=client.cache, offline=True)
    second = fetch(STANDARD, client=offline, pmc=False)
    assert len(server.log) == sent
    assert second.found == first.found
    assert [r.path.read_bytes() for r in second.responses] == [
        r.path.read_bytes() for r in first.responses
    ]
    with pytest.raises(NotCached, match="not in the cache"):
        fetch(["19008416", "99999998"], client=offline, pmc=False)


def test_a_query_replays_a_real_esearch_answer(server, client):
    client.limiter = RateLimiter(1000.0)  # each missing record is asked for alone
    query = next(iter(server.replayed))
    result = fetch(query=query, client=client, pmc=False)
    assert result.count == 259 and len(result.requested) == 259
    _exactly_once(result, result.requested)
    # the local server only holds the corpus records: the rest are reported missing
    assert set(result.found) == set(result.requested) & set(server.pubmed)
    # 200 + 59, sent as POST, then each record the answers lack on its own
    assert len(server.requests_to("efetch.fcgi")) == 2 + len(result.missing)


def test_more_than_9999_hits_come_in_entrez_date_slices(server, client):
    start = dt.date(2001, 1, 1)
    server.queries["stem cells"] = [
        (str(10_000_000 + n), start + dt.timedelta(days=n % 7000)) for n in range(25_000)
    ]
    count, ids = search(client, "stem cells")
    assert count == 25_000 and len(ids) == 25_000 == len(set(ids))
    # the slices are the same on every run, so the search repeats from the cache alone
    sent = len(server.log)
    offline = EutilsClient(base_url=server.url, cache=client.cache, offline=True)
    assert search(offline, "stem cells") == (count, ids)
    assert len(server.log) == sent


def test_pmc_full_text_for_pmcids_and_for_linked_records(server, client):
    pmcids = sorted(server.pmc)[:3]
    result = fetch(pmcids=pmcids, client=client)
    assert result.pmc_found == pmcids and result.complete
    # records whose PMCID the server has no JATS for are reported, not dropped
    linked = fetch(["32051057", "36156117"], client=client)
    assert linked.pmc_requested == ["PMC7653990", "PMC9619446"]
    assert linked.pmc_missing == linked.pmc_requested and not linked.complete


def test_the_rate_limit_spaces_requests():
    limiter = RateLimiter(10.0)
    started = time.monotonic()
    for _ in range(6):
        limiter.wait()
    assert time.monotonic() - started >= 0.49


def test_without_a_key_three_requests_a_second(server, tmp_path, monkeypatch):
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    keyless = EutilsClient(base_url=server.url, cache=ResponseCache(tmp_path / "c"))
    for pmid in STANDARD[:4]:
        fetch([pmid], client=keyless, pmc=False)
    times = [r["time"] for r in server.log]
    assert times[-1] - times[0] >= 0.95  # four requests at most three a second
    assert "api_key" not in server.log[0]


@pytest.fixture
def ncbi_env(server, tmp_path, monkeypatch):
    """The environment a user sets: the E-utilities URL (here the local server), an
    API key, and a cache folder."""
    monkeypatch.setenv("MSCDATA_EUTILS_URL", server.url)
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_cli_fetch_by_arguments_and_file(server, ncbi_env, capsys):
    from mscdata.cli import main

    ids = ncbi_env / "ids.txt"
    ids.write_text("# two records\n19008416, 18927361\n18787170\n", encoding="utf-8")
    out = ncbi_env / "raw"
    assert main(["fetch", "32051057", "--pmid-file", str(ids), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    # the local server holds no JATS for these records' PMCIDs: each is reported
    assert "fetched 4 of 4 PubMed records, 0 of 3 PMC articles" in captured.err
    assert "not in PMC (3): PMC7653990 PMC2684823 PMC2849753" in captured.err
    assert len(list(out.glob("efetch-pubmed-*.xml"))) == 1
    sent = len(server.log)
    assert main(["fetch", "32051057", "--pmid-file", str(ids), "--no-pmc", "--offline"]) == 0
    assert "fetched 4 of 4 PubMed records" in capsys.readouterr().out
    assert len(server.log) == sent
    # the cache holds answers to the requests made: another batch is not in it
    assert main(["fetch", "19008416", "--no-pmc", "--offline"]) == 2
    assert "not in the cache" in capsys.readouterr().err
    assert main(["fetch", "x1"]) == 2
    assert main(["fetch"]) == 2
    assert main(["fetch", "--pmid-file", str(ncbi_env / "absent.txt")]) == 2
    assert "cannot read the PMID file" in capsys.readouterr().err


def test_build_from_a_query_and_pmids_then_again_from_the_cache_alone(server, ncbi_env, capsys):
    from mscdata.cli import main

    server.queries["rheumatic mesenchymal"] = [
        (p, dt.date(2008, 1, 1)) for p in ["19008416", "18927361"]
    ]
    sources = ncbi_env / "sources"
    sources.mkdir()
    (sources / "manifest.yaml").write_text(
        "sources:\n"
        "  - query: rheumatic mesenchymal\n"
        "  - pmids: [18787170, 18487186]\n"
        "    pmc: false\n",
        encoding="utf-8",
    )
    first, second = ncbi_env / "first", ncbi_env / "second"
    assert main(["build", "--sources", str(sources), "--out", str(first)]) == 0
    sent = len(server.log)
    assert main(["build", "--sources", str(sources), "--out", str(second), "--from-cache"]) == 0
    assert len(server.log) == sent  # nothing asked of the network
    assert folder_files(first) == folder_files(second)
    descriptor = json.loads((first / "datapackage.json").read_text(encoding="utf-8"))
    titles = [s["title"] for s in descriptor["sources"]]
    assert any("PubMed search 'rheumatic mesenchymal'" in t and "2 records" in t for t in titles)
    assert any("PubMed records 18787170, 18487186" in t for t in titles)
    provenance = (first / "provenance.csv").read_text(encoding="utf-8")
    assert "efetch.fcgi?db=pubmed" in provenance and "efetch-pubmed-" in provenance
    capsys.readouterr()
    # a PMID that is not in PubMed stops the build: no silent gaps
    (sources / "manifest.yaml").write_text("sources:\n  - pmids: [99999999]\n", encoding="utf-8")
    assert main(["build", "--sources", str(sources), "--out", str(ncbi_env / "third")]) == 2
    assert "not in PubMed (1): 99999999" in capsys.readouterr().err
