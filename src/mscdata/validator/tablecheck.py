"""The fast engine: a package's CSV and Parquet tables checked column by column.

A Parquet resource is read by :mod:`mscdata.validator.parquet_files` into the text
its CSV form holds, then checked by the same column, key and semantic checks.

Each file is read in batches of bounded size (:mod:`mscdata.validator.csv_batches`,
:mod:`mscdata.validator.parquet_batches`), resources side by side on every core;
each batch's fields are typed and checked column by column, and the typed key
columns are stored on disk (:mod:`mscdata.validator.table_store`) for the key checks,
which read them back batch by batch when a table is sorted by its keys, as mscdata
writes them (:mod:`mscdata.validator.sorted_keys`). Errors carry
frictionless's error types, notes and row numbers (the header is row 1), so the two
engines agree on the Data Package standard:

* the header's columns are matched to the schema's fields by name
  (:mod:`mscdata.validator.table_header`): a missing, extra, renamed or misplaced column is one
  error, and each column's cells are checked against the field of its name;
* cells are typed and checked column by column (:mod:`mscdata.validator.column_checks`), keys
  with group-bys and hash joins (:mod:`mscdata.validator.table_keys`);
* a file whose rows do not all have the header's width is read again with Python's
  ``csv`` module so that extra and missing cells are located exactly (read whole).

:func:`unsupported` says when a resource needs the frictionless engine instead
(remote or multi-file data, other formats, encodings or dialects).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.column_checks import check_column
from mscdata.validator.csv_batches import RawBatch, Restart, csv_source, whole_source
from mscdata.validator.csv_checks import MAX_FIELDS, resource_format, width_issues
from mscdata.validator.fact_checks import FACTS, fact_issues
from mscdata.validator.fact_checks import FIELDS as FACT_FIELDS
from mscdata.validator.package_files import check_path, read_regular
from mscdata.validator.parquet_batches import parquet_source, whole_parquet_source
from mscdata.validator.parquet_files import is_parquet
from mscdata.validator.report import Issue
from mscdata.validator.table_header import match_header
from mscdata.validator.table_keys import foreign_key_issues, key_fields, key_issues
from mscdata.validator.table_store import CheckedTable, StoredTable

__all__ = ["CheckedTable", "StoredTable", "check_resource", "check_tables", "unsupported"]

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


def check_resource(
    base: Path,
    resource: dict[str, Any],
    retain: set[str] | None = None,
    file: Path | list[Path] | None = None,
    folder: Path | None = None,
) -> tuple[StoredTable | None, list[Issue]]:
    """Read one CSV or Parquet resource batch by batch and check its integrity, header,
    rows and cells; the stored table keeps the typed columns in ``retain`` (default:
    all) in a file in ``folder`` (default: the temporary folder). ``file`` is its path
    (a Parquet resource's: the list of its parts) as
    :func:`mscdata.validator.package_files.check_path` resolved it (checked here when None)."""
    if is_parquet(resource):
        return _check_parquet(base, resource, retain, file, folder)
    name = resource["name"]
    shown = base / resource["path"]
    if isinstance(file, list):
        file = file[0] if file else None
    path = None
    try:  # checked before opening: a regular file inside the package
        path = Path(file or check_path(base, resource["path"]))
        source = csv_source(name, resource, path)
        try:
            return _checked(resource, source, retain, folder)
        except Restart:  # a row the streamed read cannot take: the file is read whole
            source = whole_source(name, resource, read_regular(path))
            return _checked(resource, source, retain, folder)
    except OSError as error:
        return None, [Issue("scheme-error", f"cannot read {shown}: {error.strerror}", name)]
    except PackageError as error:
        return None, [Issue("resource-error", str(error), name)]


def _check_parquet(
    base: Path, resource: dict[str, Any], retain: set[str] | None, file: Any, folder: Any
) -> tuple[StoredTable | None, list[Issue]]:
    """A Parquet resource read (every part, see :mod:`mscdata.validator.parquet_batches`)
    and checked as its CSV form would be; a column of the wrong physical type is one
    ``type-error`` and its cells are not checked."""
    name = resource["name"]
    paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    try:
        files = file if isinstance(file, list) else [check_path(base, p) for p in paths]
        source = parquet_source(name, resource, files)
    except PackageError as error:
        return None, [Issue("source-error", str(error), name)]
    if not source.labels:
        return None, [*source.issues, Issue("blank-header", "the file has no columns", name, 1)]
    try:
        return _checked(resource, source, retain, folder)
    except Restart:  # a row group the streamed read cannot take: the parts are read whole
        try:
            source = whole_parquet_source(name, resource, files)
        except PackageError as error:
            return None, [Issue("source-error", str(error), name)]
        return _checked(resource, source, retain, folder)


def _checked(
    resource: dict[str, Any], source: Any, retain: set[str] | None, folder: Path | None
) -> tuple[StoredTable | None, list[Issue]]:
    """The header matched and every batch's columns checked and stored."""
    import tempfile

    name = resource["name"]
    schema = resource["schema"]
    issues = list(source.issues)
    labels = source.labels
    if len(labels) > MAX_FIELDS:
        message = f"the header has {len(labels)} columns, more than the {MAX_FIELDS} allowed"
        return None, [*issues, Issue("header-error", message, name, 1)]
    if not labels:
        return None, [*issues, Issue("blank-header", "the file has no header row", name, 1)]
    header = match_header(name, labels, schema)  # columns matched to fields by name
    issues += header.issues
    handle, spill = tempfile.mkstemp(prefix="mscdata-keys-", suffix=".arrow", dir=folder)
    os.close(handle)
    table = StoredTable(name, schema, Path(spill))
    try:
        for batch in source.batches:
            columns, found = _check_batch(name, schema, header.columns, batch, retain)
            issues += found
            table.write(columns, batch.rows)
    finally:
        table.close()
    table.lines = source.lines
    return table, issues


def _check_batch(
    name: str,
    schema: dict[str, Any],
    expected: list[dict[str, Any]],
    batch: RawBatch,
    retain: set[str] | None,
) -> tuple[dict[str, Any], list[Issue]]:
    """Every column of one batch checked (a raw column None: not checked): its typed
    columns to keep, and its issues (a row's in the order a whole table gives them)."""
    import numpy as np

    missing_values = schema.get("missingValues", [""])
    columns: dict[str, Any] = {}
    facts: dict[str, Any] = {}  # the columns the MSC facts' own checks read
    errors: list[tuple[int, str, str, str, str]] = []  # (index, type, note, cell, field)
    blank = np.ones(batch.rows, dtype=bool)
    for spec, raw in zip(expected, batch.columns, strict=True):
        if raw is None:  # a Parquet column of the wrong type, reported
            blank[:] = False
            continue
        column = check_column(raw, spec, missing_values)
        blank &= column.blank
        wanted = retain is None or spec["name"] in retain
        if wanted and spec["name"] not in columns:  # a duplicated label keeps its first
            columns[spec["name"]] = column.typed
        if name == FACTS and spec["name"] in FACT_FIELDS:
            facts.setdefault(spec["name"], column.typed)
        errors += [(i, kind, note, cell, spec["name"]) for i, kind, note, cell in column.errors]
    first = batch.first_row
    blank_rows = set((np.flatnonzero(blank) + first).tolist()) if blank.any() else set()
    issues = []
    for row, cells in batch.ragged.items():
        if row not in blank_rows:
            issues += width_issues(name, row, cells, expected)
    for index, kind, note, cell, field_name in errors:
        row = first + index
        if row not in blank_rows:
            issues.append(Issue(kind, note, name, row, field_name, cell))
    issues += [Issue("blank-row", "the row is empty", name, row) for row in sorted(blank_rows)]
    if facts:
        found = fact_issues(name, facts, first)
        issues += [issue for issue in found if issue.row not in blank_rows]
    return columns, issues


def check_tables(
    base: Path,
    descriptor: dict[str, Any],
    keep: set[str] | None = None,
    files: list[Path] | None = None,
    done: Callable[[str], None] | None = None,
    folder: Path | None = None,
) -> tuple[dict[str, StoredTable], list[Issue]]:
    """Every resource's checks, then keys within and across resources; ``files`` are
    the resources' files as :func:`mscdata.validator.package_files.check_path` resolved them (by
    default, checked here); ``done`` is called with each resource's name when it is read
    and checked (for a progress display).

    Resources are read side by side on every core (pyarrow releases the GIL while it
    parses and computes). The typed tables returned hold every column, or, with
    ``keep``, those fields and the key fields only (less disk used); they are stored
    in ``folder`` (default: the temporary folder), each file deleted with its table.
    """
    from concurrent.futures import ThreadPoolExecutor

    retain = None if keep is None else key_fields(descriptor) | keep
    tables: dict[str, StoredTable] = {}
    issues: list[Issue] = []

    def check(resource: dict[str, Any], file: Path | None) -> Any:
        result = check_resource(base, resource, retain, file, folder)
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
    return tables, sort_issues(issues, descriptor)


def sort_issues(issues: list[Issue], descriptor: dict[str, Any]) -> list[Issue]:
    """Table issues in the order they are reported: by resource as the descriptor lists
    them, then by row (a resource's own issues first, its hash and byte count last)."""
    order = {r["name"]: n for n, r in enumerate(descriptor["resources"])}
    last = float("inf")
    return sorted(
        issues,
        key=lambda i: (
            order.get(i.resource, -1),
            i.row if i.row is not None else last if i.type in _INTEGRITY else 0,
        ),
    )
