"""The one way mscdata reads a package's CSV files with Python's ``csv`` module.

:func:`csv_rows` opens a resource's files (each through
:func:`mscdata.validator.package_files.open_regular`: no special file), undoes their compression
(``gz``, ``zip``), decodes them with the resource's encoding (a UTF-8 byte order mark
is skipped, as frictionless does) and reads them with its dialect
(:func:`csv_options`), cells of any size allowed. The loader (:mod:`mscdata.validator.csv_tables`),
the fast validator's exact path and its checks before parsing
(:mod:`mscdata.validator.tablecheck`, :mod:`mscdata.validator.csv_checks`) and ``describe``
(:mod:`mscdata.builder.describing`) read through it; a header's labels are matched to the
fields by :func:`mscdata.validator.table_header.match_header`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError


def allow_cells_of(size: int) -> None:
    """Let the csv module read cells as long as ``size`` characters (never lowered)."""
    if csv.field_size_limit() <= size:
        csv.field_size_limit(size + 1)


def csv_options(dialect: Any) -> dict[str, Any]:
    """The csv module's options for a Table Dialect (its defaults where it says nothing;
    a dialect that is not an object is none)."""
    dialect = dialect if isinstance(dialect, dict) else {}
    options: dict[str, Any] = {
        "strict": False,
        "delimiter": dialect.get("delimiter", ","),
        "quotechar": dialect.get("quoteChar", '"') or None,
        "escapechar": dialect.get("escapeChar") or None,
        "doublequote": dialect.get("doubleQuote", True) is not False,
        "skipinitialspace": dialect.get("skipInitialSpace", False) is True,
    }
    if options["quotechar"] is None:
        options["quoting"] = csv.QUOTE_NONE
    return options


def has_header(resource: dict[str, Any]) -> bool:
    """Whether the resource's first row is a header (the dialect's ``header``)."""
    dialect = resource.get("dialect")
    return not isinstance(dialect, dict) or dialect.get("header", True) is not False


def text_encoding(resource: dict[str, Any]) -> str:
    """The codec of a resource's text (a UTF-8 byte order mark skipped)."""
    from mscdata.parsers.xml_encoding import text_codec

    encoding = resource.get("encoding") or "utf-8"
    name = (text_codec(encoding) if isinstance(encoding, str) else None) or "utf-8"
    return "utf-8-sig" if name == "utf-8" else name


def _uncompressed(raw: Any, compression: str, stack: ExitStack) -> Any:
    if compression in ("gz", "gzip"):
        import gzip

        return stack.enter_context(gzip.GzipFile(fileobj=raw))
    if compression == "zip":
        import zipfile

        archive = stack.enter_context(zipfile.ZipFile(raw))
        members = [m for m in archive.infolist() if not m.is_dir()]
        return stack.enter_context(archive.open(members[0])) if members else io.BytesIO()
    return raw


@contextmanager
def csv_rows(
    resource: dict[str, Any], files: Sequence[str | os.PathLike], *, errors: str = "strict"
) -> Iterator[Iterator[list[str]]]:
    """The rows of a resource's files, read one after the other (the header in the
    first, as frictionless reads them), with its compression, encoding and dialect.

    Raises OSError when a file cannot be opened, PackageError for a special file;
    reading the rows raises UnicodeError (unless ``errors`` replaces bad bytes),
    ``csv.Error``, and what a damaged archive raises.
    """
    from mscdata.validator.package_files import open_regular

    compression = str(resource.get("compression") or "").lower()
    with ExitStack() as stack:
        handles = [stack.enter_context(open_regular(Path(file))) for file in files]
        size = sum(os.fstat(h.fileno()).st_size for h in handles)
        allow_cells_of(size if not compression else 1 << 30)
        encoding = text_encoding(resource)
        lines = chain.from_iterable(
            io.TextIOWrapper(
                _uncompressed(h, compression, stack), encoding=encoding, errors=errors, newline=""
            )
            for h in handles
        )
        yield csv.reader(lines, **csv_options(resource.get("dialect")))


# how much of a file describe reads for its header row
HEADER_TEXT_LIMIT = 1 << 20


def header_labels(resource: dict[str, Any], file: str | os.PathLike) -> list[str] | None:
    """A CSV file's header labels, read from at most :data:`HEADER_TEXT_LIMIT`
    characters with the resource's compression, encoding and dialect (the default
    dialect when the declared one cannot be used); None when no header can be read, it
    is longer than that, or it has more than ``MAX_FIELDS`` labels."""
    import zipfile
    import zlib

    from mscdata.validator.package_files import MAX_FIELDS, open_regular

    compression = str(resource.get("compression") or "").lower()
    try:
        with ExitStack() as stack:
            raw = _uncompressed(stack.enter_context(open_regular(Path(file))), compression, stack)
            text = io.TextIOWrapper(raw, encoding=text_encoding(resource), newline="")
            head = stack.enter_context(text).read(HEADER_TEXT_LIMIT + 1)
    except (OSError, EOFError, UnicodeError, LookupError, PackageError):
        return None  # unreadable, damaged gzip, another encoding than declared
    except (zipfile.BadZipFile, zlib.error):
        return None
    for dialect in (resource.get("dialect"), None):
        buffer = io.StringIO(head, newline="")
        try:
            labels = next(csv.reader(buffer, **csv_options(dialect)), None)
        except (TypeError, csv.Error):  # a dialect the csv module refuses: try the default
            continue
        whole = len(head) <= HEADER_TEXT_LIMIT or buffer.tell() < len(head)
        if labels is None or not whole or len(labels) > MAX_FIELDS:
            return None
        return labels
    return None


def text_rows(text: str, dialect: Any) -> list[list[str]]:
    """The rows of CSV text already in memory, read with the dialect."""
    allow_cells_of(len(text))
    return list(csv.reader(io.StringIO(text, newline=""), **csv_options(dialect)))
