"""Fetch PubMed records by PMID or by query, and the PMC full text of those that have a
PMCID, into the response cache, accounting for every id asked for.

Queries use ``esearch``; one with more than 9,999 hits (esearch's ceiling) is cut into
Entrez-date slices, halved until each slice is under the ceiling, and the slices'
ids must add up to the query's count. Records come by ``efetch`` in batches (sent as
POST, so long id lists are fine). Each requested PMID or PMCID either arrives once or
is listed as missing or failed (its request failed after every retry); nothing goes
missing silently.

An id is reported missing only when NCBI says so: an id absent from a batch answer
is asked for again on its own, and is missing when the valid answer to that request
(an empty ``PubmedArticleSet``, NCBI's answer today for a PMID without a record; a
``pmc-articleset`` without the article) does not hold it, or when a PMC answer names
it in an ``<error id="...">`` (or ``<Reply Id="..." error="...">``) element of its
own. An answer that is NCBI's ``<ERROR>`` document, an HTML page or anything else
than the expected XML is no answer: it is retried, never cached, and its ids end up
failed, not missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.errors import FetchError
from mscdata.identifiers import pick_ids, pmcid_of
from mscdata.progress import Progress, as_progress
from mscdata.remote.eutils import EutilsClient, Response, RetriesExhausted
from mscdata.wording import counted

PUBMED_BATCH = 200
PMC_BATCH = 50
SEARCH_CEILING = 9_999  # esearch returns at most this many ids per query
# Entrez-date bounds of the slices: fixed, so the slices (and their cache keys) are the
# same on every run and a search is repeatable from the cache alone
FIRST_DAY = dt.date(1781, 1, 1)  # before the oldest record's Entrez date
LAST_DAY = dt.date(2199, 12, 31)


@dataclass
class FetchResult:
    """What a fetch asked for and what came back."""

    query: str | None = None
    count: int | None = None  # hits of the query, as esearch reported them
    requested: list[str] = field(default_factory=list)  # PMIDs, in order, each once
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # NCBI says it has no such record
    failed: list[str] = field(default_factory=list)  # their request failed
    pmc_requested: list[str] = field(default_factory=list)
    pmc_found: list[str] = field(default_factory=list)
    pmc_missing: list[str] = field(default_factory=list)
    pmc_failed: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)  # PubMed XML, in order
    pmc_responses: list[Response] = field(default_factory=list)  # PMC JATS
    problems: list[str] = field(default_factory=list)  # every failure, said once

    @property
    def complete(self) -> bool:
        """True when every requested record arrived."""
        return not (
            self.missing or self.failed or self.pmc_missing or self.pmc_failed or self.problems
        )

    @property
    def files(self) -> list[Path]:
        """The cached responses, PubMed first."""
        return [r.path for r in self.responses + self.pmc_responses]

    def summary(self) -> str:
        parts = [f"{len(self.found)} of {counted(len(self.requested), 'PubMed record')}"]
        if self.pmc_requested:
            asked = counted(len(self.pmc_requested), "PMC article")
            parts.append(f"{len(self.pmc_found)} of {asked}")
        lines = ["fetched " + ", ".join(parts)]
        for label, ids in (
            ("not in PubMed", self.missing),
            ("failed", self.failed),
            ("not in PMC", self.pmc_missing),
            ("PMC failed", self.pmc_failed),
        ):
            if ids:
                shown = " ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
                lines.append(f"{label} ({len(ids)}): {shown}")
        lines += self.problems
        return "\n".join(lines)


def _xml(body: bytes, roots: tuple[str, ...]) -> Any:
    """The parsed document; ValueError when it is truncated, malformed or not one of
    the expected roots."""
    from lxml import etree

    from mscdata.parsers.xml_safety import safe_parser

    parser = safe_parser()
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"malformed or truncated XML: {_one_line(str(error))}") from None
    if root is None:
        raise ValueError("an empty answer")
    if root.tag not in roots:
        error = root.findtext("ERROR") or root.findtext(".//ERROR")
        found = str(root.tag)[:40] if isinstance(root.tag, str) else "no element"
        raise ValueError(_one_line(error) or f"expected <{roots[0]}>, got <{found}>")
    error = root.findtext("ERROR")
    if error is not None:  # NCBI's error about the request itself
        raise ValueError(f"NCBI error: {_one_line(error)}")
    return root


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())[:200]


def _read_search(body: bytes) -> tuple[int, list[str]]:
    root = _xml(body, ("eSearchResult",))
    count = (root.findtext("Count") or "").strip()
    if not (count.isascii() and count.isdigit() and len(count) <= 10):
        raise ValueError(f"an esearch answer without a valid Count: {count[:20]!r}")
    ids = [(i.text or "").strip() for i in root.iterfind("IdList/Id")]
    if not all(i.isascii() and i.isdigit() for i in ids):
        raise ValueError("an esearch answer with an Id that is not a PMID")
    return int(count), ids


def _read_pubmed(body: bytes) -> list[tuple[str, str | None]]:
    """(PMID, PMCID or None) of every record of an efetch answer."""
    root = _xml(body, ("PubmedArticleSet",))
    records = []
    for record in root:
        pmid = record.findtext("MedlineCitation/PMID") or record.findtext("BookDocument/PMID")
        if not pmid:
            continue
        listed = record.iterfind("*/ArticleIdList/ArticleId")
        pmcid = pick_ids((i.get("IdType"), i.text) for i in listed).get("pmcid")
        records.append((pmid.strip(), pmcid))
    return records


@dataclass
class PmcAnswer:
    """The PMCIDs of an efetch db=pmc answer: the articles it holds, and those it says
    are not available (``<error id="...">`` or ``<Reply Id="..." error="...">``)."""

    found: list[str] = field(default_factory=list)
    unavailable: set[str] = field(default_factory=set)


def _pmcid(text: str) -> str:
    text = text.strip()
    return text if text.startswith("PMC") else f"PMC{text}"


def _unavailable_in(text: str | None) -> str:
    """The PMCID of "The following PMCID is not available: 123" ("" if none)."""
    import re

    said = re.search(r"not available:\s*(?:PMC)?(\d{1,12})\s*$", text or "")
    return said[1] if said else ""


def _read_pmc(body: bytes) -> PmcAnswer:
    root = _xml(body, ("pmc-articleset", "article"))
    articles = [root] if root.tag == "article" else root.iterfind("article")
    answer = PmcAnswer()
    for article in articles:
        listed = article.iterfind("front/article-meta/article-id")
        if pmcid := pick_ids((i.get("pub-id-type"), i.text) for i in listed).get("pmcid"):
            answer.found.append(pmcid)
    if root.tag == "pmc-articleset":
        for error in root.iterfind("error"):
            named = (error.get("id") or "").strip() or _unavailable_in(error.text)
            if named:
                answer.unavailable.add(_pmcid(named))
        for reply in root.iterfind("Reply"):
            if (reply.get("Id") or "").strip() and reply.get("error"):
                answer.unavailable.add(_pmcid(reply.get("Id")))
    return answer


def read_pmid_file(path: str | Path) -> list[str]:
    """The PMIDs of a file: separated by whitespace or commas, ``#`` starting a comment."""
    import re

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FetchError(f"{path}: cannot read the PMID file ({error})") from None
    ids = []
    for number, line in enumerate(text.splitlines(), start=1):
        for item in re.split(r"[\s,]+", line.split("#", 1)[0].strip()):
            if item and not item.isdigit():
                raise FetchError(f"{path}:{number}: not a PMID: {item!r}")
            if item:
                ids.append(item)
    return ids


def _chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def search(
    client: EutilsClient, query: str, progress: Progress | bool | None = None
) -> tuple[int, list[str]]:
    """(count, PMIDs) of a PubMed query, every hit even beyond 9,999 (``progress`` is
    shown the ids gathered, slice by slice, of such a query's count)."""
    count, _ = _esearch(client, query, 0)
    if count <= SEARCH_CEILING:
        return count, _esearch(client, query, count)[1] if count else []
    ids: list[str] = []
    with as_progress(progress).task("searching PubMed", total=count, unit="ids") as task:
        for term in _date_slices(client, query, FIRST_DAY, LAST_DAY):
            found = _esearch(client, term, SEARCH_CEILING)[1]
            ids += found
            task.update(len(found))
    unique = list(dict.fromkeys(ids))
    if len(unique) != count:
        raise FetchError(
            f"the query has {count} hits but its Entrez-date slices gave {len(unique)}; "
            "PubMed may have changed while searching: run the fetch again"
        )
    return count, unique


def _esearch(client: EutilsClient, term: str, retmax: int) -> tuple[int, list[str]]:
    params = {"db": "pubmed", "term": term, "retmax": retmax, "retstart": 0}
    return client.request("esearch.fcgi", params, _read_search).parsed


def _date_slices(client: EutilsClient, query: str, first: dt.date, last: dt.date) -> Iterable[str]:
    """Terms for Entrez-date ranges of the query, each under esearch's ceiling."""
    term = f"({query}) AND ({first:%Y/%m/%d}:{last:%Y/%m/%d}[edat])"
    count, _ = _esearch(client, term, 0)
    if count <= SEARCH_CEILING:
        if count:
            yield term
        return
    if first == last:
        raise FetchError(f"more than {SEARCH_CEILING} hits with Entrez date {first}: {query}")
    middle = first + (last - first) // 2
    yield from _date_slices(client, query, first, middle)
    yield from _date_slices(client, query, middle + dt.timedelta(days=1), last)


def fetch(
    pmids: Iterable[str | int] = (),
    *,
    query: str | None = None,
    pmcids: Iterable[str] = (),
    pmc: bool = True,
    client: EutilsClient | None = None,
    offline: bool = False,
    progress: Progress | bool | None = None,
) -> FetchResult:
    """Fetch PubMed records (the PMIDs given, and the hits of ``query``), the PMC JATS
    of ``pmcids`` and, with ``pmc``, of every fetched record that has a PMCID, through
    the response cache.

    ``offline`` uses the cache alone. ``progress`` (see :mod:`mscdata.progress`;
    ``True`` for a display on stderr) is shown the records fetched and, when the client
    is made here, each wait before a retry and its reason. The result lists every
    requested id that did not arrive (a batch that failed after every retry included).
    Raises :class:`mscdata.FetchError` when nothing sensible can be fetched: an id that
    is not a PMID or PMCID, a refused API key or request, a search that cannot be
    completed, or (offline) a response the cache lacks (:class:`mscdata.remote.eutils.NotCached`).
    """
    own_client = client is None
    progress = as_progress(progress)
    client = client or EutilsClient(offline=offline, progress=progress)
    try:
        result = FetchResult(query=query)
        requested = [str(p).strip() for p in pmids if str(p).strip()]
        for pmid in requested:
            if not pmid.isdigit():
                raise FetchError(f"not a PMID: {pmid!r}")
        if query:
            result.count, hits = search(client, query, progress)
            requested += hits
        result.requested = list(dict.fromkeys(requested))
        _fetch_pubmed(client, result, progress)
        asked = [p.strip() for p in pmcids if p.strip()]
        for pmcid in asked:
            if not pmcid.removeprefix("PMC").isdigit():
                raise FetchError(f"not a PMCID: {pmcid!r}")
        linked = _pmcids(result) if pmc else []
        result.pmc_requested = list(
            dict.fromkeys(f"PMC{p.removeprefix('PMC')}" for p in [*asked, *linked])
        )
        if result.pmc_requested:
            _fetch_pmc(client, result, progress)
        return result
    finally:
        if own_client:
            client.close()


@dataclass
class _Batches:
    """What fetching a list of ids batch by batch gave."""

    responses: list[Response] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    """How to ask for a list of ids and read the answer."""

    params: Callable[[list[str]], dict[str, str]]
    read: Callable[[bytes], Any]
    arrived: Callable[[Any], set[str]]  # ids the answer holds
    said_absent: Callable[[Any], set[str]] = lambda parsed: set()  # ids it says are not there


def _fetch_batches(
    client: EutilsClient,
    ids: list[str],
    size: int,
    reader: _Reader,
    label: str,
    progress: Progress,
) -> _Batches:
    """efetch ``ids`` (distinct) ``size`` at a time; each id ends up found, missing
    (NCBI says so: see the module's docstring) or failed (its request failed after
    every retry). An id a batch answer lacks is asked for on its own first. Answers
    that hold none of the found records are not kept."""
    outcome = _Batches()
    with progress.task(f"fetching {label}", total=len(ids), unit="records") as bar:
        for batch in _chunks(ids, size):
            state = _ask(client, batch, reader, outcome)
            for one in [i for i in batch if state[i] == ASK_ALONE]:
                state[one] = _ask(client, [one], reader, outcome)[one]
            for one in batch:
                lists = {FOUND: outcome.found, MISSING: outcome.missing}
                lists.get(state[one], outcome.failed).append(one)
            bar.update(len(batch))
    return outcome


FOUND, MISSING, FAILED, ASK_ALONE = "found", "missing", "failed", "ask alone"


def _ask(
    client: EutilsClient, batch: list[str], reader: _Reader, outcome: _Batches
) -> dict[str, str]:
    """Request ``batch``; the state of each id: FOUND, MISSING (NCBI says so), FAILED
    (the request failed after every retry) or ASK_ALONE (a batch answer lacks it)."""
    try:
        response = client.request("efetch.fcgi", reader.params(batch), reader.read)
    except RetriesExhausted as error:
        outcome.problems.append(str(error))
        return dict.fromkeys(batch, FAILED)
    answered = reader.arrived(response.parsed)
    if answered & set(batch):
        outcome.responses.append(response)
    absent = reader.said_absent(response.parsed)
    alone = len(batch) == 1
    return {
        one: FOUND if one in answered else (MISSING if one in absent or alone else ASK_ALONE)
        for one in batch
    }


def _fetch_pubmed(client: EutilsClient, result: FetchResult, progress: Progress) -> None:
    reader = _Reader(
        lambda batch: {"db": "pubmed", "retmode": "xml", "id": ",".join(batch)},
        _read_pubmed,
        lambda records: {pmid for pmid, _ in records},
    )
    outcome = _fetch_batches(client, result.requested, PUBMED_BATCH, reader, "PubMed", progress)
    result.responses, result.found = outcome.responses, outcome.found
    result.missing, result.failed = outcome.missing, outcome.failed
    result.problems += outcome.problems


def _pmcids(result: FetchResult) -> list[str]:
    """The PMCIDs the fetched PubMed records give (ArticleIdList), in order."""
    found = [pmcid for r in result.responses for _, pmcid in r.parsed if pmcid]
    return list(dict.fromkeys(p for value in found if (p := pmcid_of(value))))


def _fetch_pmc(client: EutilsClient, result: FetchResult, progress: Progress) -> None:
    reader = _Reader(
        lambda batch: {"db": "pmc", "id": ",".join(p.removeprefix("PMC") for p in batch)},
        _read_pmc,
        lambda answer: set(answer.found),
        lambda answer: answer.unavailable,
    )
    outcome = _fetch_batches(client, result.pmc_requested, PMC_BATCH, reader, "PMC", progress)
    result.pmc_responses, result.pmc_found = outcome.responses, outcome.found
    result.pmc_missing, result.pmc_failed = outcome.missing, outcome.failed
    result.problems += outcome.problems
