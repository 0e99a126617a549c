"""Arrow memory for mscdata's bulk work: taken from jemalloc, which gives it back.

pyarrow's default pool on Linux is mimalloc, which keeps the memory a thread freed for
its next allocations: converting and validating a large package table by table left
the process about 120 MiB larger than the memory in use, and larger the more tables
and threads it had seen. While :func:`returning_pool` is entered, Arrow allocates from
its jemalloc pool instead (when the pyarrow build has it; else nothing changes), and
the previous default comes back on leaving. Arrays keep the pool they came from, so
what a caller is given stays valid either way. jemalloc is told to return freed pages
at once (its decay time set to 0, for the process: pyarrow has no way to read the
old value back), which took another 20-30 MiB off converting a large package. A
pool chosen with ``ARROW_DEFAULT_MEMORY_POOL`` (e.g. ``system`` under a memory checker)
is left as it is.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_previous: object = None


@contextmanager
def returning_pool() -> Iterator[None]:
    """Arrow's default memory pool is jemalloc inside the block (nested blocks and
    threads share one switch; the outermost puts the old pool back)."""
    global _depth, _previous
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):  # the user chose a pool: theirs
        yield
        return
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowException):  # a pyarrow built without it
        yield
        return
    with _lock:
        if _depth == 0:
            _previous = pa.default_memory_pool()
            pa.jemalloc_set_decay_ms(0)
            pa.set_memory_pool(pool)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                pa.set_memory_pool(_previous)
                _previous = None
