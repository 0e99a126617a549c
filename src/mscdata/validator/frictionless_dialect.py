"""frictionless reads a CSV file with the Data Package's dialect defaults, not a guess.

frictionless's CSV parser asks Python's ``csv.Sniffer`` to guess each file's dialect
before it applies the dialect the descriptor declares. The Data Package standard gives
defaults for every key a descriptor leaves out (``,`` and ``"``, doubled quotes), so a
guess is not needed, and it can be wrong (a guessed ``'`` or ``;`` reads a file other
than the standard does) and slow: the sniffer's expressions take time quadratic in a
quoted cell's length (one cell of 400 KB kept it busy for minutes). While
:func:`standard_dialect` is active, frictionless's parser is given a ``csv`` module
whose sniffer answers the standard's defaults at once; the declared dialect still wins.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from typing import Any


class _StandardSniffer:
    """A ``csv.Sniffer`` that guesses nothing: the first delimiter frictionless allows
    (the declared one, else ``,``) and the standard's other defaults."""

    def sniff(self, sample: str, delimiters: str | None = None) -> type[csv.Dialect]:
        class Standard(csv.excel):
            delimiter = (delimiters or ",")[0]

        return Standard


class _CsvWithoutGuessing:
    """The ``csv`` module, but for its sniffer."""

    Sniffer = _StandardSniffer

    def __getattr__(self, name: str) -> Any:
        return getattr(csv, name)


@contextlib.contextmanager
def standard_dialect() -> Iterator[None]:
    """While active, frictionless's CSV parser does not sniff dialects."""
    from frictionless.formats.csv import parser

    real = parser.csv
    parser.csv = _CsvWithoutGuessing()  # type: ignore[assignment]
    try:
        yield
    finally:
        parser.csv = real
