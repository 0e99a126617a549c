"""Patterns matched with a time bound, for the cells RE2 cannot decide.

The fast engine matches a Table Schema ``pattern`` with RE2 (linear time) wherever RE2
agrees with Python's ``re``; the other cells (non-ASCII, or holding a line break) and
patterns RE2 cannot read (lookarounds, back-references) are matched with the ``regex``
package in its ``re``-compatible mode, which takes a timeout. A pattern of a hostile
package that backtracks without end (``^(a+)+$``, ``\\d*\\d*\\d*x``) cannot hang
validation: a cell it cannot decide within :data:`CELL_SECONDS` is undecided, and after
:data:`MAX_UNDECIDED` such cells the rest of the column is not tried.
"""

from __future__ import annotations

from collections.abc import Iterable

CELL_SECONDS = 0.5
MAX_UNDECIDED = 10
UNDECIDED = f"not decided in {CELL_SECONDS} s (the pattern backtracks)"


class BoundedMatcher:
    """One column's matcher: ``matcher(cell)`` says whether the cell matches the pattern
    as a whole, None when that was not decided in :data:`CELL_SECONDS`; after
    :data:`MAX_UNDECIDED` such cells, the column's other cells are not tried (None)."""

    def __init__(self, pattern: str) -> None:
        import regex

        self.pattern = pattern
        self.compiled = regex.compile(pattern, regex.VERSION0)
        self.undecided = 0

    def __call__(self, cell: str) -> bool | None:
        if self.undecided >= MAX_UNDECIDED:
            return None
        try:
            return self.compiled.fullmatch(cell, timeout=CELL_SECONDS) is not None
        except TimeoutError:
            self.undecided += 1
            return None


def fullmatch_bounded(pattern: str, cells: Iterable[str]) -> list[bool | None]:
    """Whether each cell matches ``pattern`` as a whole; None where that was not decided
    in time (see :class:`BoundedMatcher`)."""
    matcher = BoundedMatcher(pattern)
    return [matcher(cell) for cell in cells]
