"""Progress of long jobs, shown on a terminal (stderr) and nowhere else.

Library functions that can run long (:func:`mscdata.build`, :func:`mscdata.read`,
:func:`mscdata.fetch`, :func:`mscdata.validate`, :func:`mscdata.remote.release.release`,
:func:`mscdata.download`) take ``progress=``: a :class:`Progress`, or ``True`` for a
display on stderr. By default they show nothing, and the hooks cost a no-op call
per block or batch of records. The command line passes :func:`terminal_progress`, which
shows progress only when stderr is a terminal and ``--quiet`` is not given.

A job opens a :class:`Task` per stage (``with progress.task("reading", total=size,
unit="B") as task``), calls ``task.update(amount, records=n)`` per block or batch, and
may report a one-line :meth:`Progress.note` (why a request is retried, and when).
tqdm is imported only when a display is shown.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from typing import IO, Any

from mscdata.wording import counted

RECORD_BATCH = 256  # records counted between two updates of a task


class Task:
    """One stage of a job, counted in ``unit``; this one shows nothing."""

    shown = False

    def update(self, amount: int = 0, *, records: int = 0) -> None:
        """``amount`` more units done, and ``records`` more records read (shown beside)."""

    def describe(self, label: str) -> None:
        """Rename the stage (e.g. the step a validation is at)."""

    def close(self) -> None:
        """The stage is over."""

    def __enter__(self) -> Task:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Progress:
    """Where jobs report how far they are; this one reports nowhere."""

    shown = False

    def task(self, label: str, total: float | None = None, unit: str = "records") -> Task:
        """A new stage: ``total`` units when known (then an ETA is shown); ``unit="B"``
        counts bytes (scaled: kB, MB, …)."""
        return SILENT_TASK

    def note(self, message: str) -> None:
        """A line said once, above the running stages (e.g. "retry 2/5 in 4 s: HTTP 429")."""


SILENT_TASK = Task()
SILENT = Progress()
# tqdm's layouts, with the rate always in units a second (never "s/unit" when slow)
_KNOWN_TOTAL = (
    "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_noinv_fmt}{postfix}]"
)
_UNKNOWN_TOTAL = "{desc}: {n_fmt}{unit} [{elapsed}, {rate_noinv_fmt}{postfix}]"


class _BarTask(Task):
    """A stage shown as a tqdm bar; records read are shown beside it, with their rate."""

    shown = True

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.records = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()  # validate's worker threads count resources here

    def update(self, amount: int = 0, *, records: int = 0) -> None:
        with self._lock:
            if records:
                self.records += records
                elapsed = max(time.monotonic() - self.started, 1e-6)
                rate = self.records / elapsed
                shown = counted(self.records, "record")
                self.bar.set_postfix_str(f"{shown}, {rate:,.0f}/s", False)
                if not amount:
                    self.bar.update(0)  # redraws when due (tqdm's minimum interval)
            if amount:
                self.bar.update(amount)

    def describe(self, label: str) -> None:
        self.bar.set_description_str(label)

    def close(self) -> None:
        if not self.bar.disable:
            self.bar.refresh()  # the last counts are drawn once, however short the stage
        self.bar.close()


class TerminalProgress(Progress):
    """Progress bars (tqdm) on ``stream`` (stderr by default), cleared when a stage ends."""

    shown = True

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr

    def task(self, label: str, total: float | None = None, unit: str = "records") -> Task:
        in_bytes = unit == "B"
        sized = _has_size(self.stream)  # a terminal that says no size: tqdm would draw nothing
        bar = _bar_class()(
            total=total,
            desc=label,
            unit=unit if in_bytes else f" {unit}",
            unit_scale=in_bytes,
            unit_divisor=1024 if in_bytes else 1000,
            file=self.stream,
            leave=False,
            dynamic_ncols=sized,
            ncols=None if sized else 100,
            nrows=None if sized else 24,
            bar_format=_KNOWN_TOTAL if total else _UNKNOWN_TOTAL,
        )
        return _BarTask(bar)

    def note(self, message: str) -> None:
        _bar_class().write(message, file=self.stream)  # the bars are drawn again below it


@functools.cache
def _bar_class() -> type:
    """tqdm's bar, without its monitor thread (where the start method is fork, bulk
    parsing forks worker processes, and forking a process that runs threads can deadlock)."""
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    return Bar


def _has_size(stream: IO[str]) -> bool:
    """Whether the terminal says how many columns and lines it has."""
    import os

    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return False
    return size.columns > 0 and size.lines > 0


def terminal_progress(quiet: bool = False, stream: IO[str] | None = None) -> Progress:
    """A display on ``stream`` (default: stderr) when it is a terminal and not ``quiet``;
    otherwise :data:`SILENT`."""
    stream = stream if stream is not None else sys.stderr
    try:
        on_terminal = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        on_terminal = False
    return TerminalProgress(stream) if on_terminal and not quiet else SILENT


def as_progress(progress: Progress | bool | None) -> Progress:
    """The Progress a library function was given: ``None`` or ``False`` show nothing,
    ``True`` a display on stderr."""
    if progress is None or progress is False:
        return SILENT
    if progress is True:
        return TerminalProgress()
    return progress
