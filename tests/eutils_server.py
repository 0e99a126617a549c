"""A local stand-in for NCBI E-utilities on 127.0.0.1, for the fetch tests.

It answers ``esearch`` and ``efetch`` (db=pubmed and db=pmc) from real records (the
files vendored in tests/data/corpus/peers, so it runs on a bare clone): the PubmedArticle
elements of ``pubmed-xml`` and the JATS articles of ``pmc-jats``, and it replays the real
esearch answer of ``eutils/TestPubMedSearch.test_complex_query.xml`` for its query.
Faults are queued per test: HTTP 429 bursts, 500s, slow answers, connections cut
mid-body, truncated XML, an HTML error page or NCBI's ``<ERROR>`` document with status 200, a batch
answer that drops its first record, and NCBI's answer to an invalid API key. PMCIDs
it has no article for are answered the way NCBI does, with an ``<error id="...">``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

SLICE = re.compile(r"^\((?P<query>.*)\) AND \((?P<first>[\d/]+):(?P<last>[\d/]+)\[edat\]\)$")
INVALID_KEY_BODY = (
    b'{"error":"API key invalid","api-key":"bad","type":"invalid","status":"unknown"}'
)
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.<br>"
    b"</body></html>\n"
)
NCBI_ERROR = (
    b'<?xml version="1.0" ?>\n<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>'
)
PMC_UNAVAILABLE = b'<error id="%s">The following PMCID is not available: %s</error>'


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def load_pubmed(folder: Path) -> dict[str, bytes]:
    """PMID -> the record's XML, from every PubmedArticleSet file in ``folder``."""
    import gzip

    records: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".gz") and "0014" in path.name:
            continue  # the 30,000-record baseline file is not needed here
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        root = etree.fromstring(data, _parser())
        for record in root:
            pmid = record.findtext("MedlineCitation/PMID") or record.findtext("BookDocument/PMID")
            if pmid:
                records.setdefault(pmid, etree.tostring(record))
    return records


def load_pmc(folder: Path) -> dict[str, bytes]:
    """PMCID -> the article's XML, from every JATS file in ``folder``."""
    articles: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        root = etree.fromstring(path.read_bytes(), _parser())
        for article in [root] if root.tag == "article" else root.iterfind("article"):
            for identifier in article.iterfind("front/article-meta/article-id"):
                if identifier.get("pub-id-type") == "pmc":
                    articles[f"PMC{identifier.text.strip().removeprefix('PMC')}"] = etree.tostring(
                        article
                    )
    return articles


class FakeEutils:
    """The server, its records, its queries, the faults to play and a request log."""

    def __init__(self, corpus: Path) -> None:
        self.pubmed = load_pubmed(corpus / "pubmed-xml")
        self.pmc = load_pmc(corpus / "pmc-jats")
        self.replayed = {}  # query -> a real esearch answer
        complex_query = corpus / "eutils" / "TestPubMedSearch.test_complex_query.xml"
        root = etree.fromstring(complex_query.read_bytes(), _parser())
        self.replayed[root.findtext("QueryTranslation") or ""] = complex_query.read_bytes()
        self.queries: dict[str, list[tuple[str, dt.date]]] = {}  # query -> (PMID, Entrez date)
        self.faults: deque[str] = deque()
        self.log: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.slow_seconds = 2.0
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/entrez/eutils"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeEutils:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, endpoint: str) -> list[dict[str, str]]:
        return [r for r in self.log if r["endpoint"] == endpoint]

    # ------------------------------------------------------------------ answers

    def answer(self, endpoint: str, params: dict[str, str]) -> tuple[int, bytes]:
        if params.get("api_key") == "bad":
            return 400, INVALID_KEY_BODY
        if endpoint == "esearch.fcgi":
            return 200, self.esearch(params["term"], int(params.get("retmax", 20)))
        if endpoint == "efetch.fcgi" and params.get("db") == "pubmed":
            ids = params["id"].split(",")
            body = b"".join(self.pubmed[i] for i in ids if i in self.pubmed)
            return 200, (
                b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                b'PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/'
                b'out/pubmed_240101.dtd">\n<PubmedArticleSet>' + body + b"</PubmedArticleSet>"
            )
        if endpoint == "efetch.fcgi" and params.get("db") == "pmc":
            ids = [f"PMC{i.removeprefix('PMC')}" for i in params["id"].split(",")]
            body = b"".join(
                self.pmc[i] if i in self.pmc else PMC_UNAVAILABLE % ((i[3:].encode(),) * 2)
                for i in ids
            )
            return 200, b'<?xml version="1.0" ?>\n<pmc-articleset>' + body + b"</pmc-articleset>"
        return 400, b"<eSearchResult><ERROR>unknown request</ERROR></eSearchResult>"

    def esearch(self, term: str, retmax: int) -> bytes:
        if term in self.replayed:
            real = etree.fromstring(self.replayed[term], _parser())
            ids = [i.text for i in real.iterfind("IdList/Id")]
            count = int(real.findtext("Count"))
        else:
            sliced = SLICE.match(term)
            query = sliced["query"] if sliced else term
            hits = self.queries.get(query, [])
            if sliced:
                first, last = (
                    dt.datetime.strptime(sliced[p], "%Y/%m/%d").date() for p in ("first", "last")
                )
                hits = [(p, d) for p, d in hits if first <= d <= last]
            ids, count = [p for p, _ in hits], len(hits)
        shown = ids[: min(retmax, 9_999)]
        return (
            b'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>%d</Count>'
            b"<RetMax>%d</RetMax><RetStart>0</RetStart><IdList>%s</IdList></eSearchResult>"
            % (count, len(shown), b"".join(b"<Id>%s</Id>" % i.encode() for i in shown))
        )

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _params(self) -> dict[str, str]:
                query = urlsplit(self.path).query
                if self.command == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    query = self.rfile.read(length).decode()
                return {k: v[-1] for k, v in parse_qs(query).items()}

            def _serve(self) -> None:
                endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1]
                params = self._params()
                with server.lock:
                    server.log.append({"endpoint": endpoint, "time": time.monotonic(), **params})
                    fault = server.faults.popleft() if server.faults else None
                if fault == "429":
                    return self._reply(429, b"Too Many Requests", {"Retry-After": "0"})
                if fault == "500":
                    return self._reply(500, b"Internal Server Error")
                status, body = server.answer(endpoint, params)
                if fault == "slow":
                    time.sleep(server.slow_seconds)
                if fault == "cut":  # the connection closes halfway through the body
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if fault == "truncate":  # a well-formed HTTP answer with half the XML
                    body = body[: len(body) // 2]
                if fault == "html":  # a proxy's error page, sent as a success
                    body = HTML_ERROR_PAGE
                if fault == "ncbi-error":  # NCBI's error document, sent as a success
                    body = NCBI_ERROR
                if fault == "drop":  # a batch answer without its first record
                    first = re.compile(rb"<PubmedArticle\b.*?</PubmedArticle>", re.S)
                    body = first.sub(b"", body, count=1)
                return self._reply(status, body)

            def _reply(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                # the client may have given up waiting (the "slow" fault)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            do_GET = _serve
            do_POST = _serve

        return Handler
