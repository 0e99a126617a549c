"""Holding many records in memory without slowing down as they pile up.

Python's cyclic garbage collector scans every new container: each young collection
walks the objects made since the last one, and every tenth walks them again a
generation up. A read that keeps 30,000 articles (millions of objects, none of them
garbage) paid about 0.8 s of CPU for those walks, a quarter more than streaming the
same file. So while a reading keeps records, the collector is paused; when it ends,
what the reading made joins the oldest generation without being walked
(:func:`gc.freeze` then :func:`gc.unfreeze`), and the collector is given back as it
was. The pause only delays: cyclic garbage made meanwhile, by this thread or another,
is collected after the reading.

Only one reading at a time does this (others, e.g. in other threads, read as before),
and objects a program froze itself stay frozen: when it froze any, before the reading,
the reading leaves the collector alone; during it, the reading leaves the frozen
generation as it is.
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType

_OWNER = threading.Lock()  # held by the one reading that pauses the collector


class OutOfCollectorSight:
    """A context for a loop that keeps what it reads."""

    def __init__(self) -> None:
        self._active = False

    def __enter__(self) -> OutOfCollectorSight:
        if gc.isenabled() and _OWNER.acquire(blocking=False):
            if gc.get_freeze_count() != 0:  # the program froze objects: left alone
                _OWNER.release()
                return self
            try:
                self._active = True
                gc.disable()
            except BaseException:  # an interrupt here: nothing left paused or held
                self._active = False
                gc.enable()
                _OWNER.release()
                raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._active:
            return
        try:
            self._active = False
            if gc.get_freeze_count() == 0:  # no program froze objects meanwhile
                gc.freeze()  # everything to the oldest generation, walking nothing
                gc.unfreeze()
        finally:
            gc.enable()
            _OWNER.release()
