"""The one way mscdata reads a package's Parquet resources.

A Parquet resource (``format: parquet``) is one file or a list of parts (the resource's
``path`` as a list), read one after the other. Every column is given to the checks as
the same text a CSV build would hold (:func:`cell_texts`), so the fast engine's column,
key and semantic checks (:mod:`mscdata.validator.tablecheck`) and the loader
(:mod:`mscdata.validator.csv_tables`) run unchanged on either format:

* a column's physical type must be the one the Table Schema field's type names
  (:data:`PHYSICAL_TYPES`: ``integer`` any integer, ``boolean`` boolean, ``number`` a
  float or integer, ``date`` a date, ``string`` and ``list`` text); any other is one
  located ``type-error`` for the field, whose cells are then not checked;
* ``list`` fields are text joined with the field's ``delimiter``, as in CSV, so the
  Table Schema of a table is the same in both formats;
* a null is a missing cell; rows are numbered as in the CSV build (the first row of
  data is row 2), across parts.

Before any data is read the footer of every part is checked (:func:`read_parts`): a
file that is not Parquet or is truncated, with over
:data:`~mscdata.validator.package_files.MAX_FIELDS` columns, nested columns, more than
:data:`MAX_ROWS_PER_BYTE` rows per byte of file, or more uncompressed data than
:func:`uncompressed_limit` allows is refused with one located reason, never read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.package_files import MAX_FIELDS, open_regular

# a row takes at least a bit or so of a real file; a footer claiming far more is hostile
MAX_ROWS_PER_BYTE = 8
_FLOOR = 256 << 20  # uncompressed bytes any part may declare, whatever its size
_RATIO = 64  # and otherwise up to this many times its size (zstd on text: 3-10x)

# the pyarrow type tests a column must pass for each Table Schema type
PHYSICAL_TYPES: dict[str, tuple[str, ...]] = {
    "string": ("is_string", "is_large_string"),
    "list": ("is_string", "is_large_string"),
    "integer": ("is_integer",),
    "boolean": ("is_boolean",),
    "number": ("is_floating", "is_integer", "is_decimal"),
    "date": ("is_date",),
}


def is_parquet(resource: dict[str, Any]) -> bool:
    """Whether a resource declares Parquet data (its ``format``, or else its path's
    extension)."""
    declared = resource.get("format")
    if declared:
        return str(declared).lower() == "parquet"
    paths = resource.get("path")
    first = paths[0] if isinstance(paths, list) and paths else paths
    return isinstance(first, str) and first.lower().endswith(".parquet")


def uncompressed_limit(size: int) -> int:
    """The uncompressed bytes a part of ``size`` bytes may declare."""
    return max(_FLOOR, _RATIO * size)


@dataclass
class ParquetData:
    """A Parquet resource's columns by label (pyarrow arrays, all parts joined) and
    its labels in file order."""

    labels: list[str]
    columns: dict[str, Any]
    rows: int
    blobs: list[bytes] = field(default_factory=list)  # each part's bytes, in order


def read_parts(files: Sequence[str | os.PathLike], label: str = "") -> ParquetData:
    """Every part's columns, joined; PackageError naming the part and the reason when
    a part cannot be read (not Parquet, truncated, a footer out of bounds, columns that
    differ between parts)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables, labels, blobs = [], None, []
    for number, file in enumerate(files, start=1):
        where = f"part {number} ({Path(file).name})" if len(files) > 1 else Path(file).name
        try:
            with open_regular(Path(file)) as handle:
                data = handle.read()
        except OSError as error:
            raise PackageError(f"{where}: cannot read: {error.strerror}") from None
        blobs.append(data)
        try:
            parquet = pq.ParquetFile(pa.BufferReader(data))
            check_footer(parquet.metadata, len(data))
            table = parquet.read()
        except PackageError as error:
            raise PackageError(f"{where}: {error}") from None
        except (pa.ArrowException, OSError, ValueError, IndexError, MemoryError) as error:
            reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            raise PackageError(
                f"{where}: not a readable Parquet file ({type(error).__name__}: {reason})"
            ) from None
        if labels is None:
            labels = table.column_names
        elif table.column_names != labels:
            raise PackageError(
                f"{where}: its columns {_listed(table.column_names)} differ from the first "
                f"part's {_listed(labels)}"
            )
        tables.append(table)
    labels = labels or []
    if len(set(labels)) != len(labels):
        repeated = sorted({name for name in labels if labels.count(name) > 1})
        raise PackageError(f"the column names repeat: {_listed(repeated)}")
    columns = {}
    for index, name in enumerate(labels):
        chunks = [chunk for table in tables for chunk in table.column(index).chunks]
        kind = tables[0].schema.field(index).type
        try:
            columns[name] = pa.chunked_array(chunks, kind).combine_chunks()
        except (pa.ArrowException, ValueError) as error:
            raise PackageError(f"column {name!r}: its parts differ in type ({error})") from None
    rows = sum(table.num_rows for table in tables)
    return ParquetData(labels, columns, rows, blobs)


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:8])
    return shown + (f" … ({len(names)} in all)" if len(names) > 8 else "")


def check_footer(metadata: Any, size: int) -> None:
    """PackageError when the footer declares what no real part of ``size`` bytes holds."""
    if metadata.num_columns > MAX_FIELDS:
        raise PackageError(f"{metadata.num_columns} columns, more than the {MAX_FIELDS} allowed")
    if metadata.num_rows > MAX_ROWS_PER_BYTE * size:
        raise PackageError(
            f"its footer declares {metadata.num_rows} rows in {size} bytes (more than "
            f"{MAX_ROWS_PER_BYTE} rows per byte): refused"
        )
    declared = 0
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        declared += sum(
            max(row_group.column(c).total_uncompressed_size, 0)
            for c in range(row_group.num_columns)
        )
    if declared > uncompressed_limit(size):
        raise PackageError(
            f"its footer declares {declared} uncompressed bytes in a file of {size} "
            f"(over {uncompressed_limit(size)}): refused"
        )
    schema = metadata.schema.to_arrow_schema()
    nested = [f.name for f in schema if f.type.num_fields]
    if nested:
        raise PackageError(f"nested columns {_listed(nested)}: mscdata tables are flat")


def type_problem(column: Any, spec: dict[str, Any]) -> str | None:
    """Why a column's physical type cannot hold the field's values, or None."""
    import pyarrow as pa

    kind = spec.get("type", "any")
    tests = PHYSICAL_TYPES.get(kind)
    if pa.types.is_null(column.type):  # a column of nulls only fits every field
        return None
    if tests is None:  # a type Parquet has no one type for: text in the CSV form, or any
        return None
    if any(getattr(pa.types, test)(column.type) for test in tests):
        return None
    wanted = {
        "string": "a string",
        "list": f"a string (items joined with {spec.get('delimiter', ',')!r})",
        "integer": "an integer",
        "boolean": "a boolean",
        "number": "a float or integer",
        "date": "a date",
    }[kind]
    return f"the Parquet column is of type {column.type}, a field of type {kind!r} needs {wanted}"


def cell_texts(column: Any, spec: dict[str, Any]) -> Any:
    """A column as the text cells a CSV file holds (a pyarrow string array, null for a
    missing cell); the column passed :func:`type_problem`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(column.type):
        return column
    if pa.types.is_boolean(column.type):
        true = (spec.get("trueValues") or ["true"])[0]
        false = (spec.get("falseValues") or ["false"])[0]
        return pc.if_else(column, pa.scalar(str(true)), pa.scalar(str(false)))
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.string())
    return pc.cast(column, pa.string())


def text_columns(
    data: ParquetData, fields: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The text cells of every column (by label; a column no field names is read as
    text too), and (label, reason) for each column whose type does not fit its field
    or cannot be read as text (left out of the cells)."""
    import pyarrow as pa

    specs = {spec["name"]: spec for spec in fields if isinstance(spec, dict)}
    texts, problems = {}, []
    for label in data.labels:
        spec = specs.get(label, {"name": label, "type": "any"})
        column = data.columns[label]
        problem = type_problem(column, spec)
        if problem is None:
            try:
                texts[label] = cell_texts(column, spec)
            except (pa.ArrowException, ValueError) as error:
                first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
                problem = f"the Parquet column of type {column.type} is not text: {first}"
        if problem is not None:
            problems.append((label, problem))
    return texts, problems
