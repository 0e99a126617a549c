"""NCBI E-utilities, politely: NCBI's rate limits, retries, a cache, no silent gaps.

* every request carries ``tool`` and ``email`` (``MSCDATA_EMAIL``) and, when
  ``NCBI_API_KEY`` is set, ``api_key``;
* at most 3 requests a second without a key and 10 with one, for the whole process
  (every client shares one limiter per E-utilities host);
* 429, 5xx, timeouts, broken connections and truncated or malformed bodies are
  retried with exponential backoff and jitter (``Retry-After`` is honoured); a
  refused API key or another 4xx is not;
* each good response is cached on disk (:mod:`mscdata.remote.cache`) with its SHA-256, so
  asking again is offline and a build can be repeated from the cache alone; a cached
  answer that fails its checksum or no longer parses is fetched again (offline: a
  one-line :class:`mscdata.remote.cache.DamagedEntry` naming the file).

The base URL is ``MSCDATA_EUTILS_URL`` when set (tests point it at a local server).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from mscdata.errors import FetchError
from mscdata.progress import SILENT, Progress
from mscdata.remote.cache import PERSONAL_PARAMETERS, DamagedEntry, ResponseCache
from mscdata.wording import counted

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TOOL = "mscdata"
RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0


class NotCached(FetchError):
    """An offline run needed a response the cache does not hold."""


class RetriesExhausted(FetchError):
    """A request still failed after every retry (the records it asked for are missing)."""


class _Retry(Exception):
    """A response worth asking for again, with why and how long to wait at least."""

    def __init__(self, reason: str, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.wait = wait


class RateLimiter:
    """Spaces requests ``1 / per_second`` apart across every thread that uses it."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str, per_second: float) -> RateLimiter:
    """The process's one limiter for an E-utilities host at a given rate."""
    key = (urlsplit(base_url).netloc, per_second)
    with _LIMITERS_LOCK:
        if key not in _LIMITERS:
            _LIMITERS[key] = RateLimiter(per_second)
        return _LIMITERS[key]


@dataclass
class Response:
    """A checked response: its cached file, the URL asked (without the API key), and
    what the checker read from it."""

    path: Path
    url: str
    parsed: Any = None


@dataclass
class EutilsClient:
    """A client for one E-utilities service (NCBI's unless told otherwise)."""

    base_url: str | None = None
    api_key: str | None = None
    email: str | None = None
    cache: ResponseCache | None = None
    offline: bool = False
    attempts: int = 6
    backoff: float = 1.0  # seconds before the first retry; doubled each time, plus jitter
    timeout: float = 60.0
    progress: Progress = SILENT  # told each wait before a retry, and why
    _http: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.base_url = (
            self.base_url or os.environ.get("MSCDATA_EUTILS_URL") or DEFAULT_BASE_URL
        ).rstrip("/")
        if self.api_key is None:
            self.api_key = os.environ.get("NCBI_API_KEY") or None
        if self.email is None:
            self.email = os.environ.get("MSCDATA_EMAIL") or None
        self.cache = self.cache or ResponseCache()
        rate = RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY
        self.limiter = limiter_for(self.base_url, rate)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, endpoint: str, params: dict[str, Any]) -> str:
        """The request as a GET URL, without the personal parameters."""
        asked = {k: v for k, v in params.items() if k not in PERSONAL_PARAMETERS}
        return f"{self.base_url}/{endpoint}?{urlencode(asked)}"

    def request(
        self, endpoint: str, params: dict[str, Any], check: Callable[[bytes], Any]
    ) -> Response:
        """The checked response to ``endpoint`` with ``params``, from the cache when it
        holds a good one; ``check`` reads the body and raises ValueError when it is
        truncated, malformed or an error page (the request is then retried, and such a
        body is never cached). A cached answer that fails its checksum or ``check`` is
        discarded and fetched again; offline it raises :class:`DamagedEntry`."""
        url = self.url(endpoint, params)
        try:
            cached = self.cache.get(endpoint, params, check)
        except DamagedEntry:
            if self.offline:
                raise
            self.cache.discard(endpoint, params)
            cached = None
        if cached is not None:
            return Response(cached[0], url, cached[1])
        if self.offline:
            raise NotCached(f"not in the cache ({self.cache.folder}): {url[:300]}")
        body, parsed = self._ask(endpoint, params, check, url)
        return Response(self.cache.put(endpoint, params, body, url), url, parsed)

    def _ask(
        self, endpoint: str, params: dict[str, Any], check: Callable[[bytes], Any], url: str
    ) -> tuple[bytes, Any]:
        import httpx

        if self._http is None:
            self._http = httpx.Client(timeout=self.timeout, follow_redirects=True)
        sent = {**params, "tool": TOOL}
        if self.email:
            sent["email"] = self.email
        if self.api_key:
            sent["api_key"] = self.api_key
        reason, asked_wait = "no attempt made", 0.0
        for attempt in range(self.attempts):
            if attempt:
                self._pause(attempt, reason, asked_wait)
            asked_wait = 0.0
            self.limiter.wait()
            try:
                reply = self._http.post(f"{self.base_url}/{endpoint}", data=sent)
                body = reply.content
            except (httpx.TimeoutException, httpx.TransportError) as error:
                reason = f"{type(error).__name__}: {error}"
                continue
            try:
                return body, self._accept(reply.status_code, reply.headers, body, check)
            except _Retry as retry:
                reason, asked_wait = str(retry), min(retry.wait, 60.0)
        raise RetriesExhausted(
            f"{endpoint} failed {counted(self.attempts, 'time')}, last: {reason}; "
            f"request: {url[:300]}"
        )

    def _accept(self, status: int, headers: Any, body: bytes, check: Callable) -> Any:
        """The checked body of a 200, or why to retry, or the error that stops."""
        if status == 429 or status >= 500:
            wait = headers.get("Retry-After", "")
            raise _Retry(f"HTTP {status}", float(wait) if wait.isdigit() else 0.0)
        if status != 200:
            text = body[:300].decode("utf-8", "replace")
            if "api key" in text.lower() or "api_key" in text.lower():
                raise FetchError(
                    f"NCBI refused the API key (HTTP {status}: {text.strip()}); check "
                    "NCBI_API_KEY, or unset it to fetch at 3 requests a second"
                )
            raise FetchError(f"HTTP {status} from E-utilities: {text.strip()}")
        try:
            return check(body)
        except ValueError as error:  # truncated, malformed, or an NCBI error element
            raise _Retry(f"unusable body ({error})") from None

    def _pause(self, attempt: int, reason: str, asked_wait: float = 0.0) -> None:
        """Wait before retry ``attempt``: what the server asked (``Retry-After``), then
        the exponential backoff with jitter; the wait and its reason are reported."""
        delay = asked_wait + self.backoff * 2 ** (attempt - 1) + random.uniform(0, self.backoff)
        retries = self.attempts - 1
        self.progress.note(f"retry {attempt}/{retries} in {delay:.0f} s: {_short(reason)}")
        time.sleep(delay)


def _short(reason: str) -> str:
    """A retry's reason on one short line."""
    text = " ".join(reason.split())
    return text if len(text) <= 160 else text[:159] + "…"
