"""Write a package's tables as Parquet: ``mscdata build --format parquet``.

The build writes each table's CSV file first (:mod:`mscdata.builder.table_files`) and
:func:`convert` rewrites it as Parquet a row group at a time, so memory holds one row
group whatever the table's size.

The tables keep the Table Schemas of the CSV build; each Parquet column has the type its
field names (:data:`ARROW_TYPES`: ``integer`` int64, ``boolean`` boolean, ``number``
float64, ``date`` date32, ``string`` string). A ``list`` field is stored as the same text
as in CSV, its items joined with the field's ``delimiter``
(:data:`mscdata.tableschema.LIST_DELIMITER`), so the schema stays the same in both
formats; an empty cell is a null.

A table of more than :data:`PART_ROWS` rows is split into parts of that many rows,
``<table>-00001.parquet``, ``<table>-00002.parquet``…, listed in order in the resource's
``path``; a smaller table is one file ``<table>.parquet``. The resource's ``bytes`` and
``hash`` are those of its parts read one after the other (as frictionless reads a
multi-part resource).

Files are reproducible: the writer's options are fixed (:data:`WRITER_OPTIONS`: zstd at
a fixed level, dictionary encoding, row groups of :data:`ROW_GROUP_ROWS` rows or of
:data:`ROW_GROUP_BYTES` of text, whichever is less, no Arrow schema or other key-value
metadata), and Parquet has no timestamp; the same rows give
byte-identical files with the same pyarrow version (its ``created_by`` string names it).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

MEDIA_TYPE = "application/vnd.apache.parquet"
# rows per part file: a part reads into well under 1 GiB (the widest rows, references,
# take ~300 bytes in memory), and readers can take parts in parallel
PART_ROWS = 1_000_000
ROW_GROUP_ROWS = 100_000
# text per row group at most (a row group is held whole, in several forms, while it is
# written): long-text tables such as abstract_sections cut theirs sooner
ROW_GROUP_BYTES = 16 << 20
READ_BLOCK_BYTES = 2 << 20  # CSV read at a time to convert it (no bearing on the files;
# larger blocks left each converting thread holding more freed memory)
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": False,
}


def arrow_type(spec: dict[str, Any]) -> Any:
    """The Parquet (pyarrow) type of a Table Schema field."""
    import pyarrow as pa

    return {
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "number": pa.float64(),
        "date": pa.date32(),
    }.get(spec.get("type", "string"), pa.string())


def typed_column(cells: Any, spec: dict[str, Any]) -> Any:
    """One column of CSV cells (as the build writes them: a sequence of strings or a
    pyarrow string array) as a pyarrow array of the field's type; an empty cell is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = cells if isinstance(cells, (pa.Array, pa.ChunkedArray)) else pa.array(cells, pa.string())
    if isinstance(text, pa.ChunkedArray):
        chunks = [_empty_as_null(chunk) for chunk in text.chunks]
        text = pa.chunked_array(chunks, pa.string())
    else:
        text = _empty_as_null(text)
    kind = spec.get("type", "string")
    if kind == "boolean":
        return pc.equal(text, "true")
    target = arrow_type(spec)
    return text if target == pa.string() else pc.cast(text, target)


def _empty_as_null(text: Any) -> Any:
    """A string array with its empty cells made null: a validity bitmap laid over the
    same text (the cells are not copied; a sliced array, one with nulls or another
    string type, e.g. 64-bit offsets, is)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    present = pc.not_equal(pc.binary_length(text), 0)
    if text.type != pa.string() or text.offset or text.null_count or present.offset:
        return pc.if_else(present, text, pa.scalar(None, pa.string()))
    _, offsets, data = text.buffers()
    return pa.StringArray.from_buffers(len(text), offsets, data, present.buffers()[1])


def part_names(name: str, rows: int, part_rows: int) -> list[str]:
    """The file names of a table of ``rows`` rows: one file, or numbered parts."""
    if rows <= part_rows:
        return [f"{name}.parquet"]
    count = -(-rows // part_rows)
    return [f"{name}-{number:05d}.parquet" for number in range(1, count + 1)]


def _csv_blocks(csv_path: Path) -> Iterator[bytes]:
    """The rows of a CSV file the build wrote (header left out), about
    :data:`READ_BLOCK_BYTES` at a time, each block cut just after a row's end
    (:func:`mscdata.validator.csv_batches.row_blocks`: the build quotes every cell that
    holds a quote or a line break, and doubles its quotes)."""
    from mscdata.validator.csv_batches import row_blocks

    with csv_path.open("rb") as handle:
        handle.readline()
        for block, _ in row_blocks(handle, b'"', READ_BLOCK_BYTES):
            yield block


def _csv_batches(csv_path: Path, names: list[str]) -> Iterator[Any]:
    """The rows of a CSV file the build wrote, as tables of text, a block at a time.

    Each block is parsed on its own, here, when asked for: pyarrow's streaming CSV
    reader reads ahead of its consumer, which held most of a large table in memory."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    parse = pcsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
    convert = pcsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    for block in _csv_blocks(csv_path):
        read = pcsv.ReadOptions(column_names=names, use_threads=False, block_size=len(block) + 1)
        yield pcsv.read_csv(pa.py_buffer(block), read, parse, convert)


def _row_groups(csv_path: Path, fields: Sequence[dict[str, Any]]) -> Iterator[Any]:
    """The rows of a CSV file the build wrote, as string tables of a row group each (see
    :func:`_group_end`), each column one array (so its pages cut the same way however
    the file was read), read :data:`READ_BLOCK_BYTES` at a time. The blocks a group
    was joined from are let go before it is handed on."""
    import pyarrow as pa

    pending: list[Any] = []
    rows = size = 0
    blocks = _csv_batches(csv_path, [spec["name"] for spec in fields])
    for block in blocks:
        pending.extend(block.to_batches())
        rows, size = rows + block.num_rows, size + block.nbytes
        del block
        while rows >= ROW_GROUP_ROWS or size >= ROW_GROUP_BYTES:
            table = pa.Table.from_batches(pending)
            cut = _group_end(table)
            if cut == rows < ROW_GROUP_ROWS:
                break  # big in memory, yet under both limits by the cells' text: read on
            group, rest = table.slice(0, cut).combine_chunks(), table.slice(cut)
            pending, rows, size = rest.to_batches(), rest.num_rows, rest.nbytes
            del table, rest
            yield group
            del group
    while rows:
        table = pa.Table.from_batches(pending)
        cut = _group_end(table)
        group, rest = table.slice(0, cut).combine_chunks(), table.slice(cut)
        pending, rows = rest.to_batches(), rest.num_rows
        del table, rest
        yield group
        del group


def _group_end(table: Any) -> int:
    """How many of the table's first rows make a row group: :data:`ROW_GROUP_ROWS`, or
    fewer when their cells hold more than :data:`ROW_GROUP_BYTES` of text (at least
    one row). Told from the rows alone, so the same rows always cut the same way."""
    import numpy as np
    import pyarrow.compute as pc

    rows = min(table.num_rows, ROW_GROUP_ROWS)
    sizes = np.zeros(rows, dtype=np.int64)
    for column in table.slice(0, rows).columns:
        sizes += pc.binary_length(column).to_numpy(zero_copy_only=False).astype(np.int64)
    over = np.flatnonzero(np.cumsum(sizes) > ROW_GROUP_BYTES)
    return max(1, int(over[0])) if len(over) else rows


class Stopped(Exception):
    """A conversion left off because ``stop`` said so (another table failed, or the
    build was interrupted)."""


def convert(
    csv_path: Path,
    name: str,
    fields: Sequence[dict[str, Any]],
    out: Path,
    part_rows: int = 0,
    stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """A table's CSV file, as the build wrote it, rewritten as Parquet in folder ``out``
    (one file, or parts of ``part_rows`` rows, default :data:`PART_ROWS`) a row group at
    a time: the same rows always give the same bytes. Returns the
    resource properties that describe them. ``stop`` is asked before each row group;
    when it says so, :class:`Stopped` is raised (the files begun stay as partial
    files in ``out``, which the build removes with its staging folder)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    part_rows = part_rows or PART_ROWS
    run = uuid.uuid4().hex[:8]  # two runs at once (a Dask task run again) share no file
    schema = pa.schema([pa.field(spec["name"], arrow_type(spec)) for spec in fields])
    written: list[Path] = []
    writer, in_part = None, 0
    try:
        for group in _row_groups(csv_path, fields):
            if stop is not None and stop():
                raise Stopped(name)
            offset = 0
            while offset < group.num_rows:
                if writer is None or in_part == part_rows:
                    if writer is not None:
                        writer.close()
                    written.append(out / f".{name}-{len(written) + 1:05d}.{run}.partial")
                    writer = pq.ParquetWriter(written[-1], schema, **WRITER_OPTIONS)
                    in_part = 0
                piece = group.slice(offset, min(group.num_rows - offset, part_rows - in_part))
                columns = [typed_column(piece[spec["name"]], spec) for spec in fields]
                writer.write_table(
                    pa.Table.from_arrays(columns, schema=schema), row_group_size=ROW_GROUP_ROWS
                )
                offset += piece.num_rows
                in_part += piece.num_rows
                del piece, columns
            del group  # before the next is read: one row group in memory at a time
        if writer is None:  # no rows: one empty file
            written.append(out / f".{name}-00001.{run}.partial")
            writer = pq.ParquetWriter(written[-1], schema, **WRITER_OPTIONS)
            writer.write_table(schema.empty_table(), row_group_size=ROW_GROUP_ROWS)
        writer.close()
        writer = None
    finally:
        if writer is not None:
            writer.close()
    names = part_names(
        name, part_rows if len(written) == 1 else len(written) * part_rows, part_rows
    )
    digest, size = hashlib.sha256(), 0
    for partial, final in zip(written, names, strict=True):
        target = out / final
        partial.replace(target)
        with target.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return {
        "path": names[0] if len(names) == 1 else names,
        "scheme": "file",
        "format": "parquet",
        "mediatype": MEDIA_TYPE,
        "hash": "sha256:" + digest.hexdigest(),
        "bytes": size,
    }
