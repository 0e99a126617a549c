"""A CSV resource's rows in batches of bounded size, for the fast engine
(:mod:`mscdata.validator.tablecheck`).

A first pass reads the file in blocks for its size, hash, UTF-8 check and line
breaks; a second pass cuts it into blocks of about :data:`BLOCK_BYTES` at row ends
and parses each with pyarrow, in batches of at most :data:`BATCH_ROWS` rows (pyarrow's
own streaming reader reads ahead without bound). A file that needs more than that
(not UTF-8, a row whose width is not the header's, a quote character inside an
unquoted cell where a block is cut, anything pyarrow refuses) is read whole, as before: pyarrow
first, then Python's ``csv`` module where rows differ in width, so that extra and
missing cells are located exactly (:func:`whole_source`). Either way the checks see
the same batches of text columns, and row numbers count the header as row 1.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from mscdata.validator.csv_checks import (
    MAX_FIELDS,
    counted_integrity_issues,
    decode_issues,
    hash_algorithm,
    header_end,
    integrity_issues,
    is_utf8,
    read_header,
)
from mscdata.validator.csv_files import text_rows
from mscdata.validator.package_files import open_regular, read_regular
from mscdata.validator.report import Issue

BLOCK_BYTES = 1 << 20  # bytes read and parsed at a time
BATCH_ROWS = 1 << 16  # rows checked at a time (tests make it tiny)
_LONGEST_LINE = 64 << 20  # a file with longer lines (or none) is read whole


# blocks read with no row end found before the file is read whole instead
UNCUT_BLOCKS = 8


class Restart(Exception):
    """The streamed read cannot go on: the resource is read whole instead."""


@dataclass
class RawBatch:
    """Rows of a table as text columns (one per header label; null: no such cell)."""

    columns: list[Any]
    first_row: int  # the row number of the first row (the header is row 1)
    ragged: dict[int, list[str]] = field(default_factory=dict)  # row -> cells, width differs
    rows: int = -1  # how many (by default: the first column's length)

    def __post_init__(self) -> None:
        if self.rows < 0:
            self.rows = len(self.columns[0]) if self.columns else 0


@dataclass
class Lines:
    """The line each row starts on, from the rows whose cells hold line breaks."""

    header_lines: int
    rows: int = 0
    break_rows: Any = None  # numpy int64: rows whose cells hold line breaks
    breaks_before: Any = None  # numpy int64: line breaks in cells up to each such row

    def line(self, row: int) -> int | None:
        """The line a row starts on (the header is line 1), None for no such row."""
        import numpy as np

        if row == 1:
            return 1
        if not 2 <= row <= self.rows + 1:
            return None
        extra = 0
        if self.break_rows is not None and len(self.break_rows):
            index = int(np.searchsorted(self.break_rows, row))
            extra = int(self.breaks_before[index - 1]) if index else 0
        return self.header_lines + 1 + (row - 2) + extra

    def add(self, first_row: int, breaks: Any) -> None:
        """Count a batch's rows and the line breaks inside each (numpy or None)."""
        import numpy as np

        if breaks is not None and breaks.any():
            where = np.flatnonzero(breaks)
            rows = (where + first_row).astype(np.int64)
            counts = np.cumsum(breaks[where].astype(np.int64))
            if self.break_rows is not None and len(self.break_rows):
                counts += self.breaks_before[-1]
                rows = np.concatenate((self.break_rows, rows))
                counts = np.concatenate((self.breaks_before, counts))
            self.break_rows, self.breaks_before = rows, counts
        self.rows = first_row - 2 + (len(breaks) if breaks is not None else 0)


@dataclass
class CsvSource:
    """A CSV file's header, file-level issues, and its rows batch by batch."""

    labels: list[str]
    issues: list[Issue]
    batches: Iterator[RawBatch]
    lines: Lines


def batches_of(
    columns: list[Any], first_row: int, ragged: dict[int, list[str]], total: int
) -> Iterator[RawBatch]:
    """Whole columns of ``total`` rows (None: a column not checked) cut into batches of
    :data:`BATCH_ROWS` rows (at least one batch)."""
    start = 0
    while True:
        stop = min(start + BATCH_ROWS, total)
        rows = range(first_row + start, first_row + stop)
        part = {row: cells for row, cells in ragged.items() if row in rows} if ragged else {}
        sliced = [c if c is None else c.slice(start, stop - start) for c in columns]
        yield RawBatch(sliced, first_row + start, part, stop - start)
        start = stop
        if start >= total:
            return


def whole_source(name: str, resource: dict[str, Any], data: bytes) -> CsvSource:
    """The file read whole (the way for files the streamed read cannot take)."""
    issues = integrity_issues(name, resource, data)
    dialect = resource.get("dialect") or {}
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a BOM, as frictionless
    if not is_utf8(data):  # say where, then check the rest with the bytes replaced
        found, data = decode_issues(name, data)
        issues += found
    labels = read_header(data, dialect)
    lines = Lines(1)
    if not labels or len(labels) > MAX_FIELDS:
        return CsvSource(labels, issues, iter(()), lines)
    quote = dialect.get("quoteChar", '"')
    start = header_end(data, quote.encode())
    lines.header_lines = data.count(b"\n", 0, start) or 1
    columns, ragged, breaks = _read_rows(data, start, dialect, len(labels))
    del data
    lines.add(2, breaks)
    return CsvSource(labels, issues, batches_of(columns, 2, ragged, len(breaks)), lines)


def _read_rows(data: bytes, start: int, dialect: dict[str, Any], width: int):
    """The data rows as string columns, the rows whose width is not the header's (row
    number -> cells), and the line breaks inside each row's cells."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    delimiter = dialect.get("delimiter", ",")
    quote = dialect.get("quoteChar", '"')
    size = len(data) - start
    names = [f"c{i}" for i in range(width)]
    ragged = []
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:]),  # no copy of the text
            # one block per file up to 1 GiB: fewer chunks to join (measured faster)
            read_options=pa_csv.ReadOptions(column_names=names, block_size=min(size + 1, 1 << 30)),
            parse_options=_parse_options(dialect, lambda row: ragged.append(row) or "skip"),
            convert_options=_convert_options(names),
        )
    except pa.ArrowInvalid:
        ragged.append(None)  # anything pyarrow refuses is read the slow, exact way
    if not ragged:
        columns = [table.column(n).combine_chunks() for n in names]
        breaks = np.zeros(table.num_rows, dtype=np.int64)
        if data.count(b"\n", start) > table.num_rows:  # a quoted cell holds a line break
            for column in columns:
                breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        return columns, {}, breaks
    return _read_rows_exactly(data[start:], delimiter, quote, width)


def _parse_options(dialect: dict[str, Any], on_ragged: Any) -> Any:
    import pyarrow.csv as pa_csv

    quote = dialect.get("quoteChar", '"')
    return pa_csv.ParseOptions(
        delimiter=dialect.get("delimiter", ","),
        quote_char=quote or False,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_ragged,
    )


def _convert_options(names: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    return pa_csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )


def _read_rows_exactly(body: bytes, delimiter: str, quote: str, width: int):
    """Rows read by Python's csv module, for files whose rows differ in width: the
    columns, the ragged rows' cells, and the line breaks inside each row."""
    import numpy as np
    import pyarrow as pa

    text = body.decode("utf-8")
    rows = text_rows(text, {"delimiter": delimiter, "quoteChar": quote})
    ragged = {number: row for number, row in enumerate(rows, start=2) if len(row) != width}
    if ragged:
        padding = [None] * width
        rows = [row if len(row) == width else (row + padding)[:width] for row in rows]
    columns = [pa.array(column, pa.string()) for column in zip(*rows, strict=True)]
    if not rows:
        columns = [pa.array([], pa.string()) for _ in range(width)]
    breaks = np.zeros(len(rows), dtype=np.int64)
    if text.count("\n") > len(rows):  # a quoted cell holds a line break
        breaks = np.array([sum(c.count("\n") for c in row if c) for row in rows], dtype=np.int64)
    return columns, ragged, breaks


@dataclass
class _Scan:
    """What the first pass over a file found."""

    issues: list[Issue]
    utf8: bool
    newlines: int  # line breaks in the whole file
    head: bytes  # the first block (without a BOM)
    offset: int  # where ``head`` starts in the file (3 after a BOM)


def _scan(name: str, resource: dict[str, Any], handle: BinaryIO) -> _Scan:
    """Size, hash, UTF-8 and line breaks of a file, read block by block."""
    algorithm = hash_algorithm(resource)
    hasher = None
    if algorithm is not None:
        with contextlib.suppress(ValueError):  # an unknown algorithm is reported
            hasher = hashlib.new(algorithm)
    size, newlines, utf8, carry, head = 0, 0, True, b"", None
    while block := handle.read(BLOCK_BYTES):
        size += len(block)
        if hasher is not None:
            hasher.update(block)
        newlines += block.count(b"\n")
        if head is None:
            head = block
        if utf8:  # checked up to the last line break (a character never spans one)
            cut = block.rfind(b"\n") + 1
            if cut:
                utf8 = is_utf8(carry + block[:cut]) if carry else is_utf8(block[:cut])
                carry = block[cut:]
            else:
                carry += block
                utf8 = len(carry) <= _LONGEST_LINE  # else the file is read whole
    utf8 = utf8 and is_utf8(carry)

    def digest(_: str) -> str:
        if hasher is None:
            raise ValueError(algorithm)
        return hasher.hexdigest()

    issues = counted_integrity_issues(name, resource, size, digest)
    head = head or b""
    bom = head.startswith(b"\xef\xbb\xbf")
    return _Scan(issues, utf8, newlines, head[3:] if bom else head, 3 if bom else 0)


def csv_source(name: str, resource: dict[str, Any], path: Path) -> CsvSource:
    """The file streamed when it can be, else read whole (OSError, PackageError as
    :func:`mscdata.validator.package_files.open_regular`)."""
    dialect = resource.get("dialect") or {}
    quote = dialect.get("quoteChar", '"')
    handle = open_regular(path)
    try:
        scan = _scan(name, resource, handle)
        start = header_end(scan.head, quote.encode())
        streamed = scan.utf8 and start < len(scan.head)  # a header, then rows
        labels = read_header(scan.head, dialect) if streamed else []
        if not 0 < len(labels) <= MAX_FIELDS:
            handle.close()  # empty, broken or odd files are read whole
            return whole_source(name, resource, read_regular(path))
    except BaseException:
        handle.close()
        raise
    header_lines = scan.head.count(b"\n", 0, start) or 1
    lines = Lines(header_lines)
    body_newlines = scan.newlines - scan.head.count(b"\n", 0, start)
    handle.seek(scan.offset + start)
    batches = _streamed(handle, dialect, len(labels), lines, body_newlines)
    return CsvSource(labels, scan.issues, batches, lines)


def _streamed(
    handle: BinaryIO, dialect: dict[str, Any], width: int, lines: Lines, newlines: int
) -> Iterator[RawBatch]:
    """The body parsed block by block (:func:`row_blocks`); :class:`Restart` where pyarrow
    meets a row whose width is not the header's or that it cannot read, or where a
    block turns out to end inside a quoted cell."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [f"c{i}" for i in range(width)]
    quote = dialect.get("quoteChar", '"')
    first_row = 2
    try:
        for block, last in row_blocks(
            handle, quote.encode(), BLOCK_BYTES, UNCUT_BLOCKS * BLOCK_BYTES
        ):
            table = pa_csv.read_csv(
                pa.py_buffer(block),
                read_options=pa_csv.ReadOptions(column_names=names, block_size=len(block) + 1),
                parse_options=_parse_options(dialect, lambda row: "error"),
                convert_options=_convert_options(names),
            )
            del block
            if not last and _ends_quoted(table):
                raise Restart
            for start in range(0, table.num_rows, BATCH_ROWS):
                part = table.slice(start, BATCH_ROWS)
                columns = [column.combine_chunks() for column in part.columns]
                lines.add(first_row, _breaks(columns))
                yield RawBatch(columns, first_row)
                first_row += part.num_rows
    except pa.ArrowException:
        raise Restart from None
    finally:
        handle.close()
    if first_row == 2:
        yield RawBatch([pa.array([], pa.string()) for _ in names], 2)
    if newlines <= first_row - 2:  # as the whole read: line breaks in cells only when counted
        lines.break_rows = lines.breaks_before = None
    lines.rows = first_row - 2


def row_blocks(
    handle: BinaryIO, quote: bytes, size: int, longest: int | None = None
) -> Iterator[tuple[bytes, bool]]:
    """(block, whether it is the last) of about ``size`` bytes each, every block but the
    last cut just after a line break with an even count of quote characters before it
    in the block: the end of a row, unless a quote character stands inside an unquoted
    cell (which :func:`_ends_quoted` then finds). :class:`Restart` when ``longest``
    bytes hold no such line break; without ``longest``, read on (a file whose cells
    are all quoted as the build quotes them only lacks one in a row that long)."""
    buffer = b""
    while True:
        chunk = handle.read(size)
        buffer = buffer + chunk if buffer else chunk
        if not chunk:
            if buffer:
                yield buffer, True
            return
        if len(buffer) < size:
            continue
        cut = row_end(buffer, quote)
        if cut:  # else a cell longer than the buffer: read on
            yield buffer[:cut], False
            buffer = buffer[cut:]
        elif longest is not None and len(buffer) >= longest:
            # a quote inside an unquoted cell leaves every later line break inside
            # "quotes": rescanning a growing buffer would take quadratic time
            raise Restart


def row_end(buffer: bytes, quote: bytes) -> int:
    """Just past the last line break with an even count of quotes before it, or 0."""
    import numpy as np

    data = np.frombuffer(buffer, dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    if quote and len(breaks):
        quotes = np.flatnonzero(data == quote[0])
        breaks = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    return int(breaks[-1]) + 1 if len(breaks) else 0


def _ends_quoted(table: Any) -> bool:
    """Whether a block's parse ended inside a quoted cell: its last row's last cell then
    holds the line break the block was cut after (a row of any other width is ragged)."""
    if not table.num_rows:
        return False
    last = table.column(table.num_columns - 1)[table.num_rows - 1].as_py()
    return isinstance(last, str) and last.endswith("\n")


def _breaks(columns: list[Any]) -> Any:
    """The line breaks inside each row's cells (numpy), None when there are none."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    total = None
    for column in columns:
        if column.null_count == 0 and pa.types.is_string(column.type):
            _, offsets, text = column.buffers()  # the cells' bytes looked at, not copied
            bounds = np.frombuffer(offsets, dtype=np.int32)
            low, high = int(bounds[column.offset]), int(bounds[column.offset + len(column)])
            used = np.frombuffer(text, dtype=np.uint8)[low:high] if text else ()
            if not len(used) or not (used == 10).any():
                continue
        counts = pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        total = counts if total is None else total + counts
    if total is None:
        return np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    return total.astype(np.int64)
