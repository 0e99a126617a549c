"""Chunks of a bulk file parsed in worker processes, their events given back in order.

The reading process cuts the file into chunks and sends each to a worker; the worker
parses it and sends its events back as one message (:mod:`mscdata.parsers.model_transfer`),
and the reading process yields them in the file's order. At most ``2 x workers`` chunks
are in flight, so memory stays flat however large the file. Workers start by the
program's default method (:mod:`mscdata.parsers.workers`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from mscdata.parsers.model_transfer import run_packed, unpack
from mscdata.parsers.workers import broken_pool, worker_context

ParseChunk = Callable[[bytes, int, int, dict[str, Any]], list[Any]]


def pooled_events(
    chunks: Iterable[tuple[Any, ...]],
    parse: ParseChunk,
    context: dict[str, Any],
    workers: int,
    source: str,
) -> Iterator[Any]:
    """The events of ``chunks`` (``("chunk", bytes, first record, first line)``, or
    ``("failure", event)`` kept in its place) parsed by ``parse`` in ``workers``
    processes. ``parse`` and ``context`` must be picklable (a module-level function)."""
    pending: deque[Future] = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=worker_context()) as pool:
            for kind, *payload in chunks:
                if kind != "chunk":
                    pending.append(_done(payload[0]))
                    continue
                pending.append(pool.submit(run_packed, parse, *payload, context))
                while len(pending) > 2 * workers:  # a bounded window keeps memory flat
                    yield from _events_of(pending.popleft())
            while pending:
                yield from _events_of(pending.popleft())
    except BrokenProcessPool:
        raise broken_pool(source) from None


def _events_of(future: Future) -> list[Any]:
    result = future.result()
    return unpack(result) if isinstance(result, bytes) else result


def _done(event: Any) -> Future:
    """A future already holding ``[event]``, to keep a failure in order among chunks."""
    future: Future = Future()
    future.set_result([event])
    return future
