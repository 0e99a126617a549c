"""Write a package's tables as Parquet: ``mscdata build --format parquet``.

The tables keep the Table Schemas of the CSV build; each Parquet column has the type
its field names (:data:`ARROW_TYPES`: ``integer`` int64, ``boolean`` boolean, ``number``
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
a fixed level, dictionary encoding, row groups of :data:`ROW_GROUP_ROWS` rows, no Arrow
schema or other key-value metadata), and Parquet has no timestamp; the same rows give
byte-identical files with the same pyarrow version (its ``created_by`` string names it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

MEDIA_TYPE = "application/vnd.apache.parquet"
# rows per part file: a part reads into well under 1 GiB (the widest rows, references,
# take ~300 bytes in memory), and readers can take parts in parallel
PART_ROWS = 1_000_000
ROW_GROUP_ROWS = 100_000
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


def typed_column(cells: Sequence[str], spec: dict[str, Any]) -> Any:
    """One column of CSV cells (as the build writes them) as a pyarrow array of the
    field's type; an empty cell is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(cells, pa.string())
    text = pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, pa.string()), text)
    kind = spec.get("type", "string")
    if kind == "boolean":
        return pc.equal(text, "true")
    target = arrow_type(spec)
    return text if target == pa.string() else pc.cast(text, target)


def table_of(rows: Sequence[Sequence[str]], fields: Sequence[dict[str, Any]]) -> Any:
    """The rows (CSV cells in the schema's column order, no header) as a pyarrow table."""
    import pyarrow as pa

    columns = [typed_column([row[i] for row in rows], spec) for i, spec in enumerate(fields)]
    schema = pa.schema([pa.field(spec["name"], arrow_type(spec)) for spec in fields])
    return pa.Table.from_arrays(columns, schema=schema)


def parquet_bytes(table: Any) -> bytes:
    """A table as the bytes of one Parquet file, written with :data:`WRITER_OPTIONS`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=ROW_GROUP_ROWS, **WRITER_OPTIONS)
    return sink.getvalue().to_pybytes()


def part_names(name: str, rows: int, part_rows: int) -> list[str]:
    """The file names of a table of ``rows`` rows: one file, or numbered parts."""
    if rows <= part_rows:
        return [f"{name}.parquet"]
    count = -(-rows // part_rows)
    return [f"{name}-{number:05d}.parquet" for number in range(1, count + 1)]


def write_parts(
    name: str,
    rows: Sequence[Sequence[str]],
    fields: Sequence[dict[str, Any]],
    part_rows: int | None = None,
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """A table's Parquet files (file name -> bytes) and the resource properties that
    describe them (``path``, ``format``, ``mediatype``, ``bytes``, ``hash``); parts of
    ``part_rows`` rows (default :data:`PART_ROWS`)."""
    part_rows = part_rows or PART_ROWS
    names = part_names(name, len(rows), part_rows)
    files = {}
    for number, file_name in enumerate(names):
        chunk = rows[number * part_rows : (number + 1) * part_rows]
        files[file_name] = parquet_bytes(table_of(chunk, fields))
    digest = hashlib.sha256()
    for data in files.values():
        digest.update(data)
    properties = {
        "path": names[0] if len(names) == 1 else names,
        "scheme": "file",
        "format": "parquet",
        "mediatype": MEDIA_TYPE,
        "hash": "sha256:" + digest.hexdigest(),
        "bytes": sum(len(data) for data in files.values()),
    }
    return files, properties


def write_tables(
    tables: dict[str, list[list[str]]], document: dict[str, Any], out: Any, progress: Any
) -> dict[str, dict[str, Any]]:
    """Every table (its header row first, as the build holds it) written as Parquet into
    folder ``out``; the resource properties of each, by name."""
    fields = {r["name"]: r["schema"]["fields"] for r in document["resources"]}
    layouts = {}
    out.mkdir(parents=True, exist_ok=True)
    with progress.task("writing tables", total=len(tables), unit="tables") as task:
        for name, rows in tables.items():
            files, layouts[name] = write_parts(name, rows[1:], fields[name])
            for file_name, data in files.items():
                (out / file_name).write_bytes(data)
            task.update(1)
    return layouts
