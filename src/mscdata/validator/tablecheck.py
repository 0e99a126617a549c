"""The fast engine: a package's CSV and Parquet tables checked column by column.

A Parquet resource is read by :mod:`mscdata.validator.parquet_files` into the text
its CSV form holds, then checked by the same column, key and semantic checks.

pyarrow parses each CSV file on every core; each field is then typed and checked
as a whole column, and keys are checked with group-bys and hash joins. Errors carry
frictionless's error types, notes and row numbers (the header is row 1), so the two
engines agree on the Data Package standard:

* the header's columns are matched to the schema's fields by name
  (:mod:`mscdata.validator.table_header`): a missing, extra, renamed or misplaced column is one
  error, and each column's cells are checked against the field of its name;
* cells are typed and checked column by column (:mod:`mscdata.validator.column_checks`), keys
  with group-bys and hash joins (:mod:`mscdata.validator.table_keys`);
* a file whose rows do not all have the header's width is read again with Python's
  ``csv`` module so that extra and missing cells are located exactly.

:func:`unsupported` says when a resource needs the frictionless engine instead
(remote or multi-file data, other formats, encodings or dialects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.column_checks import check_column
from mscdata.validator.csv_checks import (
    MAX_FIELDS,
    decode_issues,
    header_end,
    integrity_issues,
    is_utf8,
    read_header,
    resource_format,
    width_issues,
)
from mscdata.validator.csv_files import text_rows
from mscdata.validator.package_files import check_path, read_regular
from mscdata.validator.parquet_files import is_parquet, read_parts, text_columns
from mscdata.validator.report import Issue
from mscdata.validator.table_header import match_header
from mscdata.validator.table_keys import foreign_key_issues, key_fields, key_issues

_DIALECT_KEYS = {"$schema", "delimiter", "quoteChar", "doubleQuote", "header", "lineTerminator"}
_RESOURCE_FORMATS = {None, "csv"}
_INTEGRITY = {"hash-count", "byte-count"}  # reported after the rows, as frictionless does


def unsupported(resource: dict[str, Any]) -> str | None:
    """Why the fast engine cannot check this resource, or None when it can."""
    path = resource.get("path")
    if is_parquet(resource):
        return _unsupported_parquet(resource)
    if not isinstance(path, str):
        return "its data is not one local file"
    if "://" in path:
        return "its data is remote"
    if resource_format(resource) not in _RESOURCE_FORMATS or not path.lower().endswith(".csv"):
        return "it is not a CSV file"
    if str(resource.get("encoding", "utf-8")).lower().replace("_", "-") not in {"utf-8", "utf8"}:
        return f"its encoding is {resource.get('encoding')}"
    if resource.get("compression"):
        return "it is compressed"
    dialect = resource.get("dialect") or {}
    if not isinstance(dialect, dict) or set(dialect) - _DIALECT_KEYS:
        return "its CSV dialect has options the fast engine does not read"
    if dialect.get("header", True) is not True or dialect.get("doubleQuote", True) is not True:
        return "its CSV dialect has options the fast engine does not read"
    return _unsupported_schema(resource.get("schema"))


def _unsupported_schema(schema: Any) -> str | None:
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return "its Table Schema is not inline"
    if schema.get("fieldsMatch", "exact") != "exact":
        return f"its schema matches fields by {schema['fieldsMatch']!r}"
    for item in schema["fields"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return "its schema has a field without a name"
    return None


def _unsupported_parquet(resource: dict[str, Any]) -> str | None:
    """Why the fast engine cannot check this Parquet resource (local parts, inline
    schema), or None when it can."""
    paths = resource.get("path")
    paths = [paths] if isinstance(paths, str) else paths
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
        return "its data is not in local files"
    if any("://" in p for p in paths):
        return "its data is remote"
    if resource.get("compression"):
        return "it is compressed"
    return _unsupported_schema(resource.get("schema"))


@dataclass
class CheckedTable:
    """One resource read and typed: a column per field the file has (cells that are
    missing or of the wrong type are null) and the row number of every row."""

    name: str
    columns: dict[str, Any]  # field name -> pyarrow Array
    row_numbers: Any  # numpy int64 array, one per row
    line_numbers: Any  # numpy int64 array: the line each row starts on (None: Parquet)
    schema: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def row(self, index: int) -> int:
        return int(self.row_numbers[index])

    def line(self, row: int) -> int | None:
        """The line a row starts on (the header is line 1), None for no such row."""
        import numpy as np

        if self.line_numbers is None:  # a Parquet table: rows, no lines
            return None
        if row == 1:
            return 1
        index = int(np.searchsorted(self.row_numbers, row))
        if index < self.rows and self.row_numbers[index] == row:
            return int(self.line_numbers[index])
        return None


def _read_rows(data: bytes, dialect: dict[str, Any], width: int):
    """The data rows as string columns, their row numbers, and the rows whose width is
    not the header's (row number -> cells)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    delimiter = dialect.get("delimiter", ",")
    quote = dialect.get("quoteChar", '"')
    start = header_end(data, quote.encode())
    size = len(data) - start
    names = [f"c{i}" for i in range(width)]
    ragged = []
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:]),  # no copy of the text
            # one block per file up to 1 GiB: fewer chunks to join (measured faster)
            read_options=pa_csv.ReadOptions(column_names=names, block_size=min(size + 1, 1 << 30)),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=quote or False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=lambda row: ragged.append(row) or "skip",
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        ragged.append(None)  # anything pyarrow refuses is read the slow, exact way
    header_lines = data.count(b"\n", 0, start) or 1
    if not ragged:
        columns = [table.column(n).combine_chunks() for n in names]
        breaks = np.zeros(table.num_rows, dtype=np.int64)
        if data.count(b"\n", start) > table.num_rows:  # a quoted cell holds a line break
            for column in columns:
                breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
        return columns, rows, _lines(header_lines, breaks), {}
    columns, rows, breaks, ragged = _read_rows_exactly(data[start:], delimiter, quote, width)
    return columns, rows, _lines(header_lines, breaks), ragged


def _lines(header_lines: int, breaks: Any) -> Any:
    """The line each row starts on, from the line breaks inside each row's cells."""
    import numpy as np

    before = np.concatenate(([0], np.cumsum(breaks + 1)[:-1])) if len(breaks) else breaks
    return header_lines + 1 + before


def _read_rows_exactly(body: bytes, delimiter: str, quote: str, width: int):
    """Rows read by Python's csv module, for files whose rows differ in width: the
    columns, row numbers, line breaks inside each row, and the ragged rows' cells."""
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
    numbers = np.arange(2, len(rows) + 2, dtype=np.int64)
    return columns, numbers, breaks, ragged


def _read_file(data: bytes, dialect: dict[str, Any]) -> tuple[list[str], tuple]:
    """The header's labels and :func:`_read_rows` of the rest (nothing past a header too
    wide); the bytes must be UTF-8 (see :func:`is_utf8`)."""
    labels = read_header(data, dialect)
    if not labels or len(labels) > MAX_FIELDS:
        return labels, ((), (), (), {})
    return labels, _read_rows(data, dialect, len(labels))


def check_resource(
    base: Path,
    resource: dict[str, Any],
    retain: set[str] | None = None,
    file: Path | list[Path] | None = None,
) -> tuple[CheckedTable | None, list[Issue]]:
    """Read one CSV or Parquet resource and check its integrity, header, rows and cells;
    the typed table keeps the columns in ``retain`` (default: all). ``file`` is its path
    (a Parquet resource's: the list of its parts) as
    :func:`mscdata.validator.package_files.check_path` resolved it (checked here when None)."""
    if is_parquet(resource):
        return _check_parquet(base, resource, retain, file)
    name = resource["name"]
    path = base / resource["path"]
    if isinstance(file, list):
        file = file[0] if file else None
    try:  # checked before opening: a regular file inside the package
        data = read_regular(Path(file or check_path(base, resource["path"])))
    except OSError as error:
        return None, [Issue("scheme-error", f"cannot read {path}: {error.strerror}", name)]
    except PackageError as error:
        return None, [Issue("resource-error", str(error), name)]
    issues = integrity_issues(name, resource, data)
    dialect = resource.get("dialect") or {}
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a BOM, as frictionless
    if not is_utf8(data):  # say where, then check the rest with the bytes replaced
        found, data = decode_issues(name, data)
        issues += found
    labels, (raws, row_numbers, line_numbers, ragged) = _read_file(data, dialect)
    if len(labels) > MAX_FIELDS:
        message = f"the header has {len(labels)} columns, more than the {MAX_FIELDS} allowed"
        return None, [*issues, Issue("header-error", message, name, 1)]
    if not labels:
        return None, [*issues, Issue("blank-header", "the file has no header row", name, 1)]
    return _checked(resource, labels, raws, (row_numbers, line_numbers), ragged, issues, retain)


def _check_parquet(
    base: Path, resource: dict[str, Any], retain: set[str] | None, file: Any
) -> tuple[CheckedTable | None, list[Issue]]:
    """A Parquet resource read (every part, see :mod:`mscdata.validator.parquet_files`) and
    checked as its CSV form would be; a column of the wrong physical type is one
    ``type-error`` and its cells are not checked."""
    import numpy as np

    name = resource["name"]
    paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    try:
        files = file if isinstance(file, list) else [check_path(base, p) for p in paths]
        data = read_parts(files)
    except PackageError as error:
        return None, [Issue("source-error", str(error), name)]
    blob = data.blobs[0] if len(data.blobs) == 1 else b"".join(data.blobs)
    data.blobs.clear()
    issues = integrity_issues(name, resource, blob)
    del blob
    if not data.labels:
        return None, [*issues, Issue("blank-header", "the file has no columns", name, 1)]
    texts, problems = text_columns(data, resource["schema"]["fields"])
    for label, problem in problems:
        issues.append(Issue("type-error", problem, name, field=label))
    raws = [texts.get(label) for label in data.labels]
    rows = np.arange(2, data.rows + 2, dtype=np.int64)
    return _checked(resource, data.labels, raws, (rows, None), {}, issues, retain)


def _checked(
    resource: dict[str, Any],
    labels: list[str],
    raws: Any,
    numbers: tuple[Any, Any],
    ragged: dict[int, list[str]],
    issues: list[Issue],
    retain: set[str] | None,
) -> tuple[CheckedTable, list[Issue]]:
    """The header matched and every column checked (a raw column None: not checked)."""
    import numpy as np

    name = resource["name"]
    schema = resource["schema"]
    missing_values = schema.get("missingValues", [""])
    row_numbers, line_numbers = numbers
    header = match_header(name, labels, schema)  # columns matched to fields by name
    issues += header.issues
    expected = header.columns
    columns: dict[str, Any] = {}
    errors: list[tuple[int, str, str, str, str]] = []  # (index, type, note, cell, field)
    blank = np.ones(len(row_numbers), dtype=bool)
    for spec, raw in zip(expected, raws, strict=True):
        if raw is None:  # a Parquet column of the wrong type, reported
            blank[:] = False
            continue
        column = check_column(raw, spec, missing_values)
        blank &= column.blank
        wanted = retain is None or spec["name"] in retain
        if wanted and spec["name"] not in columns:  # a duplicated label keeps its first
            columns[spec["name"]] = column.typed
        errors += [(i, kind, note, cell, spec["name"]) for i, kind, note, cell in column.errors]
    blank_rows = set(row_numbers[blank].tolist()) if blank.any() else set()
    for row, cells in ragged.items():
        if row not in blank_rows:
            issues += width_issues(name, row, cells, expected)
    for index, kind, note, cell, field_name in errors:
        row = int(row_numbers[index])
        if row not in blank_rows:
            issues.append(Issue(kind, note, name, row, field_name, cell))
    issues += [Issue("blank-row", "the row is empty", name, row) for row in sorted(blank_rows)]
    return CheckedTable(name, columns, row_numbers, line_numbers, schema), issues


def check_tables(
    base: Path,
    descriptor: dict[str, Any],
    keep: set[str] | None = None,
    files: list[Path] | None = None,
    done: Callable[[str], None] | None = None,
) -> tuple[dict[str, CheckedTable], list[Issue]]:
    """Every resource's checks, then keys within and across resources; ``files`` are
    the resources' files as :func:`mscdata.validator.package_files.check_path` resolved them (by
    default, checked here); ``done`` is called with each resource's name when it is read
    and checked (for a progress display).

    Resources are read side by side on every core (pyarrow releases the GIL while it
    parses and computes). The typed tables returned hold every column, or, with
    ``keep``, those fields and the key fields only (less memory held).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    retain = None if keep is None else key_fields(descriptor) | keep
    tables: dict[str, CheckedTable] = {}
    issues: list[Issue] = []

    def check(resource: dict[str, Any], file: Path | None) -> Any:
        result = check_resource(base, resource, retain, file)
        if done is not None:
            done(str(resource.get("name")))
        return result

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        resources = descriptor["resources"]
        results = list(pool.map(check, resources, files or [None] * len(resources)))
    for resource, (table, found) in zip(descriptor["resources"], results, strict=True):
        issues += found
        if table is not None:
            tables[resource["name"]] = table
    for table in tables.values():
        issues += key_issues(table)
        issues += foreign_key_issues(table, tables)
    order = {r["name"]: n for n, r in enumerate(descriptor["resources"])}
    last = float("inf")
    issues.sort(
        key=lambda i: (
            order.get(i.resource, -1),
            i.row if i.row is not None else last if i.type in _INTEGRITY else 0,
        )
    )
    return tables, issues
