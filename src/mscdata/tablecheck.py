"""The fast engine: a package's CSV tables checked column by column.

pyarrow parses each CSV file on every core; each field is then typed and checked
as a whole column, and keys are checked with group-bys and hash joins. Errors carry
frictionless's error types, notes and row numbers (the header is row 1), so the two
engines agree on the Data Package standard:

* only clear-cut cells are typed column-wise (plain ASCII integers, the declared
  boolean words, strings, lists of strings); every other cell goes through
  frictionless's own cell reader, each distinct value once;
* a pattern must match the whole value (RE2 decides ASCII cells, Python's
  ``re.fullmatch`` the others), as in JSON Schema and the models;
* a file whose rows do not all have the header's width is read again with Python's
  ``csv`` module so that extra and missing cells are located exactly.

:func:`unsupported` says when a resource needs the frictionless engine instead
(remote or multi-file data, other formats, encodings or dialects).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.csv_checks import (
    MAX_FIELDS,
    allow_cells_of,
    decode_issues,
    header_end,
    integrity_issues,
    is_utf8,
    label_issues,
    read_header,
    resource_format,
    width_issues,
)
from mscdata.errors import PackageError
from mscdata.package_files import check_path, read_regular
from mscdata.patterns import UNDECIDED, fullmatch_bounded
from mscdata.report import Issue

_DIALECT_KEYS = {"$schema", "delimiter", "quoteChar", "doubleQuote", "header", "lineTerminator"}
_RESOURCE_FORMATS = {None, "csv"}
_PLAIN_INTEGER = r"^-?[0-9]{1,18}$"
_INTEGRITY = {"hash-count", "byte-count"}  # reported after the rows, as frictionless does


def unsupported(resource: dict[str, Any]) -> str | None:
    """Why the fast engine cannot check this resource, or None when it can."""
    path = resource.get("path")
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
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return "its Table Schema is not inline"
    if schema.get("fieldsMatch", "exact") != "exact":
        return f"its schema matches fields by {schema['fieldsMatch']!r}"
    for item in schema["fields"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return "its schema has a field without a name"
    return None


@dataclass
class CheckedTable:
    """One resource read and typed: a column per field the file has (cells that are
    missing or of the wrong type are null) and the row number of every row."""

    name: str
    columns: dict[str, Any]  # field name -> pyarrow Array
    row_numbers: Any  # numpy int64 array, one per row
    line_numbers: Any  # numpy int64 array: the line of the file each row starts on
    schema: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def row(self, index: int) -> int:
        return int(self.row_numbers[index])

    def line(self, row: int) -> int | None:
        """The line a row starts on (the header is line 1), None for no such row."""
        import numpy as np

        if row == 1:
            return 1
        index = int(np.searchsorted(self.row_numbers, row))
        if index < self.rows and self.row_numbers[index] == row:
            return int(self.line_numbers[index])
        return None


@dataclass
class _Column:
    typed: Any  # pyarrow Array
    errors: list[tuple[int, str, str, str]]  # (row index, type, note, cell)
    blank: Any  # numpy bool: the cell is missing (absent or a missing value)


class _Reader:
    """frictionless's reader of one field's cells, each distinct cell read once; made
    on first use (most columns never need it)."""

    def __init__(self, descriptor: dict[str, Any], missing_values: list[str]) -> None:
        self.descriptor = {"missingValues": missing_values, **descriptor}
        self.field: Any = None
        self.cache: dict[str, tuple[Any, dict[str, str] | None]] = {}

    def _made(self) -> Any:
        if self.field is None:
            from frictionless import Field

            self.field = Field.from_descriptor(self.descriptor)
            self.read = self.field.create_cell_reader()
            self.value_reader = self.field.create_value_reader()
        return self.field

    def __call__(self, cell: str) -> tuple[Any, dict[str, str] | None]:
        known = self.cache.get(cell)
        if known is None:
            self._made()
            known = self.cache[cell] = self.read(cell)
        return known

    def value(self, value: Any) -> Any:
        """A constraint's value read as a cell of this field (e.g. "5" as 5)."""
        if self.descriptor.get("type") == "string" and isinstance(value, str):
            return value
        if self.descriptor.get("type") == "integer" and isinstance(value, int):
            return value
        self._made()
        return self.value_reader(value)


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
    allow_cells_of(len(text))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote))
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


def _mask(array: Any) -> Any:
    """A pyarrow boolean array as a numpy one, null read as False."""
    import pyarrow.compute as pc

    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def _only(strings: Any, keep: Any) -> Any:
    """The string array with every cell outside ``keep`` null; without copying the
    text when the array has no nulls yet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if strings.null_count == 0 and strings.offset == 0 and pa.types.is_string(strings.type):
        validity = pa.py_buffer(np.packbits(keep, bitorder="little"))
        _, offsets, text = strings.buffers()
        return pa.Array.from_buffers(pa.string(), len(strings), [validity, offsets, text])
    return pc.if_else(pa.array(keep), strings, pa.scalar(None, strings.type))


def _note_errors(notes: dict[str, str], index: int, cell: str) -> list[tuple[int, str, str, str]]:
    """frictionless's notes on one cell as errors: a type error, or one per constraint."""
    kind = "type-error" if "type" in notes else "constraint-error"
    return [(index, kind, note, cell) for note in notes.values()]


def _check_column(raw: Any, spec: dict[str, Any], missing_values: list[str]) -> _Column:
    """Type and constraint checks of one field's cells; ``raw`` holds None where a row
    has no such cell."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    missing_values = spec.get("missingValues", missing_values)
    kind = spec.get("type", "any")
    constraints = spec.get("constraints") or {}
    absent = pc.is_null(raw).to_numpy(zero_copy_only=False)
    if missing_values == [""]:  # the default: a cell's length says it, from offsets alone
        absent |= _mask(pc.equal(pc.binary_length(raw), 0))
    else:
        absent |= _mask(pc.is_in(raw, pa.array(missing_values, pa.string())))
    present = ~absent
    reader = _Reader(spec, missing_values)
    errors: list[tuple[int, str, str, str]] = []

    # decide which present cells are clear-cut (fast) and which frictionless reads (slow)
    if kind == "integer" and spec.get("bareNumber", True) is True:
        fast = present & _mask(pc.match_substring_regex(raw, _PLAIN_INTEGER))
        typed = pc.cast(_only(raw, fast), pa.int64())
    elif kind == "boolean":
        words = [*spec.get("trueValues", ["true", "True", "TRUE", "1"])]
        false_words = spec.get("falseValues", ["false", "False", "FALSE", "0"])
        known = pc.is_in(raw, pa.array(words + false_words, pa.string()))
        fast = present & _mask(known)
        truth = pc.is_in(raw, pa.array(words, pa.string()))
        typed = pc.if_else(pa.array(fast), truth, pa.scalar(None, pa.bool_()))
    elif kind == "string" and spec.get("format", "default") == "default":
        fast = present.copy()
        typed = _only(raw, present)
    elif kind == "list" and spec.get("itemType", "string") == "string":
        fast = present.copy()
        typed = pc.split_pattern(_only(raw, present), spec.get("delimiter", ","))
    else:
        fast = np.zeros(len(raw), dtype=bool)
        typed = pa.nulls(len(raw), pa.string())
    slow = present & ~fast

    # constraints on the clear-cut cells, one error per broken constraint as frictionless
    if fast.any():
        errors += _constraint_errors(raw, typed, fast, spec, reader)
    if constraints.get("required"):
        for index in np.flatnonzero(absent):
            errors.append((int(index), "constraint-error", 'constraint "required" is "True"', ""))

    # everything else through frictionless's reader
    if slow.any():
        indices = np.flatnonzero(slow)
        values, wrong = [], np.zeros(len(raw), dtype=bool)
        for index, cell in zip(indices, raw.take(pa.array(indices)).to_pylist(), strict=True):
            value, notes = reader(cell)
            if notes:
                errors += _note_errors(notes, int(index), cell)
                wrong[index] = "type" in notes
            values.append(value if _fits(value, kind) else None)
        if kind in ("integer", "boolean"):
            typed = pc.replace_with_mask(typed, pa.array(slow), pa.array(values, typed.type))
        else:  # other types keep their text as key; cells of the wrong type become null
            typed = _only(raw, slow & ~wrong)
    return _Column(typed, errors, absent)


def _fits(value: Any, kind: str) -> bool:
    """Whether frictionless's value of a cell fits the typed column (int64 or bool)."""
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    return True


def _constraint_errors(raw: Any, typed: Any, fast: Any, spec: dict[str, Any], reader: _Reader):
    """Errors of the clear-cut cells, constraint by constraint. Constraints a type does
    not support are ignored, as frictionless ignores them (e.g. a pattern on an integer).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = spec.get("type")
    bounds = {
        "minimum": pc.less,
        "maximum": pc.greater,
        "exclusiveMinimum": pc.less_equal,
        "exclusiveMaximum": pc.greater_equal,
    }
    failures: list[tuple[str, Any]] = []  # (note, bool array of failing cells)
    for name, limit in (spec.get("constraints") or {}).items():
        note = f'constraint "{name}" is "{limit}"'
        if name == "pattern" and kind == "string":
            matched, undecided = _pattern_matches(typed, limit)
            failures.append((note, pc.invert(matched)))
            failures.append((f"{note}: {UNDECIDED}", undecided))
        elif name == "enum" and kind in ("string", "integer", "boolean"):
            allowed = pa.array([reader.value(v) for v in limit], typed.type)
            failures.append((note, pc.invert(pc.is_in(typed, allowed))))
        elif name in bounds and kind == "integer":
            limit_value = pa.scalar(reader.value(limit), typed.type)
            failures.append((note, bounds[name](typed, limit_value)))
        elif name in ("minLength", "maxLength") and kind in ("string", "list"):
            length = pc.list_value_length(typed) if kind == "list" else pc.utf8_length(typed)
            compare = pc.less if name == "minLength" else pc.greater
            failures.append((note, compare(length, pa.scalar(int(limit), length.type))))
    errors = []
    for note, failing in failures:
        indices = np.flatnonzero(_mask(failing) & fast)
        if len(indices):
            cells = raw.take(pa.array(indices)).to_pylist()
            errors += [
                (int(i), "constraint-error", note, c) for i, c in zip(indices, cells, strict=True)
            ]
    return errors


def _pattern_matches(typed: Any, pattern: str) -> tuple[Any, Any]:
    r"""Whether each cell matches the pattern as a whole (null stays null), and which
    cells could not be decided in time (see :mod:`mscdata.patterns`).

    A pattern matches the whole value, "$" meaning its very end, as in JSON Schema,
    XML Schema and the Pydantic models. (frictionless's ``re.match`` lets one final
    line break through; such cells are errors here.) RE2 decides ASCII cells without
    line breaks; the others, where RE2's ASCII-only ``\d``, ``\s``, ``\w`` would
    differ from Unicode-aware engines, are matched as Python's ``re.fullmatch`` does.
    """
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(typed)
    if len(encoded.dictionary) * 2 < len(typed):  # repeated values: match each once
        matched, undecided = _match_each(encoded.dictionary, pattern)
        return pc.take(matched, encoded.indices), pc.take(undecided, encoded.indices)
    return _match_each(typed, pattern)


def _match_each(typed: Any, pattern: str) -> tuple[Any, Any]:
    """Whether each string matches the pattern as a whole: RE2 where it agrees with
    Python's ``re``, a time-bounded ``re``-compatible match elsewhere; and the cells
    left undecided."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        matched = pc.match_substring_regex(typed, f"^(?:{pattern})$")
        unsafe = ~_mask(pc.string_is_ascii(typed)) | _mask(pc.match_substring(typed, "\n"))
        unsafe &= _mask(pc.is_valid(typed))
    except pa.ArrowInvalid:  # not RE2 syntax (lookarounds, back-references)
        unsafe = _mask(pc.is_valid(typed))
        matched = pc.is_valid(typed)
    if not unsafe.any():
        return matched, pa.array(np.zeros(len(typed), bool))
    indices = np.flatnonzero(unsafe)
    verdicts = fullmatch_bounded(pattern, typed.take(pa.array(indices)).to_pylist())
    undecided = np.zeros(len(typed), bool)
    undecided[indices] = [verdict is None for verdict in verdicts]
    decided = [verdict is not False for verdict in verdicts]  # undecided: not a mismatch
    matched = pc.replace_with_mask(matched, pa.array(unsafe), pa.array(decided, pa.bool_()))
    return matched, pa.array(undecided)


def _read_file(data: bytes, dialect: dict[str, Any]) -> tuple[list[str], tuple]:
    """The header's labels and :func:`_read_rows` of the rest (nothing past a header too
    wide); the bytes must be UTF-8 (see :func:`is_utf8`)."""
    labels = read_header(data, dialect)
    if not labels or len(labels) > MAX_FIELDS:
        return labels, ((), (), (), {})
    return labels, _read_rows(data, dialect, len(labels))


def check_resource(
    base: Path, resource: dict[str, Any], retain: set[str] | None = None, file: Path | None = None
) -> tuple[CheckedTable | None, list[Issue]]:
    """Read one CSV resource and check its integrity, header, rows and cells; the
    typed table keeps the columns in ``retain`` (default: all). ``file`` is its path
    as :func:`mscdata.package_files.check_path` resolved it (checked here when None)."""
    import numpy as np

    name = resource["name"]
    schema = resource["schema"]
    fields = schema["fields"]
    missing_values = schema.get("missingValues", [""])
    path = base / resource["path"]
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
    issues += label_issues(name, labels, fields)
    expected = [
        fields[i] if i < len(fields) else {"name": labels[i], "type": "any"}
        for i in range(len(labels))
    ]
    columns: dict[str, Any] = {}
    errors: list[tuple[int, str, str, str, str]] = []  # (index, type, note, cell, field)
    blank = np.ones(len(row_numbers), dtype=bool)
    for spec, raw in zip(expected, raws, strict=True):
        column = _check_column(raw, spec, missing_values)
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


def _key_table(table: CheckedTable, names: list[str]) -> Any:
    import pyarrow as pa

    return pa.table({f"k{i}": table.columns[n] for i, n in enumerate(names)})


def _all_null(keys: Any) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    mask = np.ones(keys.num_rows, dtype=bool)
    for column in keys.columns:
        mask &= pc.is_null(column).to_numpy(zero_copy_only=False)
    return mask


def key_codes(columns: list[Any]) -> Any:
    """One int64 per row such that rows share a code exactly when they share every
    value of ``columns`` (null being a value of its own)."""
    import numpy as np
    import pyarrow.compute as pc

    code = None
    for number, column in enumerate(columns):
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        part = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        code = part if code is None else code * len(encoded.dictionary) + part
        if 0 < number < len(columns) - 1:  # keep codes below the row count
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
    return code


def _repeats(table: CheckedTable, names: list[str], skip: Any) -> list[tuple[int, int, tuple]]:
    """(row index, index of the previous row with the same key, key) of every repeat
    of a key among the rows not in ``skip``."""
    import numpy as np

    rows = np.flatnonzero(~skip)
    codes = key_codes([table.columns[n] for n in names])[rows]
    order = np.argsort(codes, kind="stable")  # equal codes keep their row order
    ordered = codes[order]
    again = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    columns = [table.columns[n] for n in names]
    repeats = []
    for later, earlier in zip(rows[order[again]], rows[order[again - 1]], strict=True):
        repeats.append((int(later), int(earlier), tuple(c[int(later)].as_py() for c in columns)))
    return sorted(repeats)


def _shown(key: tuple) -> str:
    return ", ".join("" if v is None else str(v) for v in key)


def _key_issues(table: CheckedTable) -> list[Issue]:
    """Unique fields and the primary key: repeats, and keys with no value at all."""
    import numpy as np

    schema, name, issues = table.schema, table.name, []
    for spec in schema["fields"]:
        if (spec.get("constraints") or {}).get("unique") and spec["name"] in table.columns:
            skip = _all_null(_key_table(table, [spec["name"]]))
            for later, earlier, key in _repeats(table, [spec["name"]], skip):
                issues.append(
                    Issue(
                        "unique-error",
                        f"the same value as in row {table.row(earlier)}",
                        name,
                        table.row(later),
                        spec["name"],
                        _shown(key),
                    )
                )
    primary = schema.get("primaryKey") or []
    primary = [primary] if isinstance(primary, str) else primary
    if primary and all(n in table.columns for n in primary):
        empty = _all_null(_key_table(table, primary))
        for index in np.flatnonzero(empty):
            issues.append(
                Issue(
                    "primary-key",
                    "every cell of the primary key is empty",
                    name,
                    table.row(index),
                    ", ".join(primary),
                )
            )
        for later, earlier, key in _repeats(table, primary, empty):
            issues.append(
                Issue(
                    "primary-key",
                    f"the primary key ({', '.join(primary)}) repeats row {table.row(earlier)}",
                    name,
                    table.row(later),
                    ", ".join(primary),
                    _shown(key),
                )
            )
    return issues


def _foreign_key_issues(table: CheckedTable, tables: dict[str, CheckedTable]) -> list[Issue]:
    """Rows whose foreign key matches no row of the resource it references."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    issues = []
    for key in table.schema.get("foreignKeys") or []:
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        reference = key.get("reference") or {}
        target_name = reference.get("resource") or table.name
        target_fields = reference.get("fields")
        target_fields = target_fields if isinstance(target_fields, list) else [target_fields]
        if not all(f in table.columns for f in fields):
            continue  # a missing-label error says why
        target = tables.get(target_name)
        if target is None:
            issues.append(
                Issue(
                    "resource-error",
                    f"the foreign key ({', '.join(fields)}) references {target_name!r}, "
                    "which cannot be read",
                    table.name,
                )
            )
            continue
        names = [f"k{i}" for i in range(len(fields))]
        child = _key_table(table, fields).append_column("index", pa.array(np.arange(table.rows)))
        child = child.filter(pa.array(~_all_null(child.select(names))))
        if all(f in target.columns for f in target_fields):
            parent = _key_table(target, target_fields)
        else:
            parent = pa.table({n: pa.nulls(target.rows, child[n].type) for n in names})
        complete = np.ones(child.num_rows, dtype=bool)
        for n in names:
            complete &= _mask(pc.is_valid(child[n]))
        orphans: list[int] = []
        if all(child[n].type == parent[n].type for n in names):
            found = child.filter(pa.array(complete)).join(parent, keys=names, join_type="left anti")
            orphans += found["index"].to_pylist()
            rest = child.filter(pa.array(~complete))
        else:
            rest = child
        if rest.num_rows:  # keys with an empty cell, or of another type: compared as Python does
            known = set(zip(*(parent[n].to_pylist() for n in names), strict=True))
            for row in rest.to_pylist():
                if tuple(row[n] for n in names) not in known:
                    orphans.append(row["index"])
        columns = [table.columns[f] for f in fields]
        for index in sorted(orphans):
            values = _shown(tuple(c[index].as_py() for c in columns))
            issues.append(
                Issue(
                    "foreign-key",
                    f"({', '.join(fields)}) = ({values}) is not a ({', '.join(target_fields)}) "
                    f"of {target_name}",
                    table.name,
                    table.row(index),
                    ", ".join(fields),
                    values,
                )
            )
    return issues


def _key_fields(descriptor: dict[str, Any]) -> set[str]:
    """Names of every field in a primary, unique or foreign key of the package."""
    names: set[str] = set()

    def listed(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    for resource in descriptor["resources"]:
        schema = resource.get("schema") or {}
        names.update(listed(schema.get("primaryKey")))
        names.update(
            f["name"] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")
        )
        for key in schema.get("foreignKeys") or []:
            names.update(listed(key.get("fields")))
            names.update(listed((key.get("reference") or {}).get("fields")))
    return names


def check_tables(
    base: Path,
    descriptor: dict[str, Any],
    keep: set[str] | None = None,
    files: list[Path] | None = None,
) -> tuple[dict[str, CheckedTable], list[Issue]]:
    """Every resource's checks, then keys within and across resources; ``files`` are
    the resources' files as :func:`mscdata.package_files.check_path` resolved them (by
    default, checked here).

    Resources are read side by side on every core (pyarrow releases the GIL while it
    parses and computes). The typed tables returned hold every column, or, with
    ``keep``, those fields and the key fields only (less memory held).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    retain = None if keep is None else _key_fields(descriptor) | keep
    tables: dict[str, CheckedTable] = {}
    issues: list[Issue] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(
            pool.map(
                lambda r, f: check_resource(base, r, retain, f),
                descriptor["resources"],
                files or [None] * len(descriptor["resources"]),
            )
        )
    for resource, (table, found) in zip(descriptor["resources"], results, strict=True):
        issues += found
        if table is not None:
            tables[resource["name"]] = table
    for table in tables.values():
        issues += _key_issues(table)
        issues += _foreign_key_issues(table, tables)
    order = {r["name"]: n for n, r in enumerate(descriptor["resources"])}
    last = float("inf")
    issues.sort(
        key=lambda i: (
            order.get(i.resource, -1),
            i.row if i.row is not None else last if i.type in _INTEGRITY else 0,
        )
    )
    return tables, issues
