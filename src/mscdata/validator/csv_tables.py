"""Read a package's CSV and Parquet resources into typed rows for :func:`mscdata.load`.

A Parquet resource is read as the rows of its CSV form
(:mod:`mscdata.validator.parquet_files`), then typed by the same code as a CSV file.

Only the standard library's ``csv`` module and the descriptor's field types are
used. Every file is reached through
:func:`mscdata.validator.package_files.check_path` (by the caller: no URL, nothing
outside the package) and read by :func:`mscdata.validator.csv_files.csv_rows`, with the
resource's encoding and dialect, cells of any size allowed. Anything that cannot be
read is a :class:`~mscdata.errors.PackageError` naming the resource, the row and the
reason.
"""

from __future__ import annotations

import csv
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.csv_checks import resource_format
from mscdata.validator.csv_files import csv_rows, has_header, text_encoding
from mscdata.validator.package_files import MAX_FIELDS
from mscdata.validator.parquet_files import is_parquet
from mscdata.wording import counted

_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


def convert(value: str, field: dict[str, Any]) -> Any:
    """A cell's value of the field's type (None for a missing value); ValueError when
    the cell is not of that type."""
    if value in field.get("missingValues", [""]):
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if value in field.get("trueValues", _TRUE):
            return True
        if value in field.get("falseValues", _FALSE):
            return False
        raise ValueError(f"not a boolean: {value[:80]!r}")
    if kind == "list":
        return [
            convert(item, {"type": field.get("itemType", "string")})
            for item in value.split(field.get("delimiter", ","))
        ]
    return value


def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The resource's fields, each with the missing values that apply to it (the schema
    passed :func:`mscdata.validator.schema_checks.schema_issues`)."""
    schema = resource["schema"]
    missing = schema.get("missingValues", [""])
    fields = schema["fields"]
    return [{**spec, "missingValues": spec.get("missingValues", missing)} for spec in fields]


def read_table(resource: dict[str, Any], label: str, files: list[Any]) -> list[dict[str, Any]]:
    """The typed rows of one CSV resource (one file, or a list of files read one after
    the other, the header in the first, as frictionless reads them); ``files`` are its
    paths as :func:`mscdata.validator.package_files.check_path` resolved them. PackageError naming
    the resource, the row and the reason when it cannot be read."""
    paths = resource.get("path")
    paths = [paths] if isinstance(paths, str) else paths
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
        raise PackageError(f"resource {label!r}: its data is not in local files ('path')")
    parquet = is_parquet(resource)
    csv_format = resource_format(resource) in (None, "csv")
    if not (parquet or csv_format) or resource.get("compression"):
        raise PackageError(
            f"resource {label!r}: load reads uncompressed CSV and Parquet files only"
        )
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise PackageError(f"resource {label!r} has no Table Schema with a 'fields' list")
    fields = _fields(resource)
    if parquet:
        try:
            return _parquet_rows(files, fields, schema)
        except PackageError as error:
            raise PackageError(f"resource {label!r}: {error}") from None
    try:
        with csv_rows(resource, files) as rows:
            return _rows(rows, fields, schema, has_header(resource))
    except PackageError as error:
        raise PackageError(f"resource {label!r}: {error}") from None
    except OSError as error:
        raise PackageError(f"resource {label!r}: cannot read: {error.strerror}") from None
    except UnicodeError as error:  # a decode error, or a stream the codec refuses (no BOM)
        reason = getattr(error, "reason", None) or str(error)
        encoding = text_encoding(resource)
        raise PackageError(f"resource {label!r}: not {encoding}: {reason[:200]}") from None
    except csv.Error as error:
        raise PackageError(f"resource {label!r}: malformed CSV: {error}") from None
    except TypeError as error:  # a dialect mark the csv module refuses
        raise PackageError(f"resource {label!r}: unusable dialect: {error}") from None


def _parquet_rows(
    files: list[Any], fields: list[dict[str, Any]], schema: dict[str, Any]
) -> list[dict]:
    """The typed rows of a Parquet resource's parts (see
    :mod:`mscdata.validator.parquet_files`), the values :func:`convert` gives for its CSV
    form, read column by column; PackageError for a part that cannot be read, a header
    that does not match the schema, or a column whose type does not fit its field."""
    from mscdata.validator.parquet_files import read_parts, text_columns

    data = read_parts(files)
    data.blobs.clear()
    if not data.labels:
        raise PackageError("the file has no columns")
    held = _columns(data.labels, fields, schema)
    texts, problems = text_columns(data, fields)
    if problems:
        column, reason = problems[0]
        raise PackageError(f"column {column!r}: {reason}")
    values = {}
    for label, spec in zip(data.labels, held, strict=True):
        if spec is not None:
            values[spec["name"]] = _column_values(data.columns[label], texts[label], spec)
    absent = [None] * data.rows  # a column the schema tolerates missing
    names = [f["name"] for f in fields]
    columns = [values.get(name, absent) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _column_values(column: Any, text: Any, spec: dict[str, Any]) -> list[Any]:
    """One column's values: integers, booleans and numbers as Parquet holds them, the
    others from their text through :func:`convert`; None for a missing value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = pc.or_(pc.is_null(text), pc.is_in(text, pa.array(spec["missingValues"], pa.string())))
    kind = spec.get("type", "string")
    native = {"integer": pa.types.is_integer, "boolean": pa.types.is_boolean}.get(kind)
    if native is not None and native(column.type):
        return pc.if_else(missing, pa.scalar(None, column.type), column).to_pylist()
    if kind == "number" and (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        number = pc.cast(column, pa.float64())
        return pc.if_else(missing, pa.scalar(None, pa.float64()), number).to_pylist()
    cells = pc.if_else(missing, pa.scalar(None, pa.string()), text).to_pylist()
    if kind == "string":
        return cells
    values = []
    for number, cell in enumerate(cells, start=2):
        try:
            values.append(None if cell is None else convert(cell, spec))
        except ValueError as error:
            raise PackageError(
                f"row {number}: field {spec['name']!r}: {str(error)[:200]}"
            ) from None
    return values


def _rows(
    reader: Any, fields: list[dict[str, Any]], schema: dict[str, Any], with_header: bool
) -> list[dict]:
    """The typed rows, each cell read as the field its column's label names (as
    ``validate`` matches them, :func:`mscdata.validator.table_header.match_header`); a header
    that does not match the schema is a PackageError naming the column."""
    columns: list[dict[str, Any] | None] = list(fields)  # the field of each column
    first = 1
    if with_header:
        first = 2
        header = next(reader, None)
        if header is None:
            raise PackageError("the file is empty (no header row)")
        if len(header) > MAX_FIELDS:
            raise PackageError(f"the header has {len(header)} columns, more than {MAX_FIELDS}")
        columns = _columns(header, fields, schema)
    held = {spec["name"] for spec in columns if spec is not None}
    absent = dict.fromkeys(f["name"] for f in fields if f["name"] not in held)  # tolerated
    rows = []
    for number, cells in enumerate(reader, start=first):
        if len(cells) != len(columns):
            found = counted(len(cells), "cell")
            raise PackageError(f"row {number}: {found}, expected {len(columns)}")
        row = dict(absent)
        for spec, cell in zip(columns, cells, strict=True):
            if spec is None:  # a column the schema does not have (and tolerates)
                continue
            try:
                row[spec["name"]] = convert(cell, spec)
            except ValueError as error:
                raise PackageError(
                    f"row {number}: field {spec['name']!r}: {str(error)[:200]}"
                ) from None
        rows.append({f["name"]: row[f["name"]] for f in fields})
    return rows


def _columns(
    header: list[str], fields: list[dict[str, Any]], schema: dict[str, Any]
) -> list[dict[str, Any] | None]:
    """The field each column of the header holds (None: a column the schema lacks);
    PackageError with the header's first error when it does not match the schema."""
    from mscdata.validator.table_header import match_header

    match = match_header("", header, schema)
    if match.issues:
        more = len(match.issues) - 1
        others = f" (and {counted(more, 'more header error')})" if more else ""
        reason = match.issues[0].message
        raise PackageError(f"the header does not match the schema: {reason}{others}")
    own = {id(spec): number for number, spec in enumerate(schema["fields"])}
    return [fields[own[id(column)]] if id(column) in own else None for column in match.columns]
