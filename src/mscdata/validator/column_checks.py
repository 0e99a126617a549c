"""Type and constraint checks of one column of a CSV table, for the fast engine
(:mod:`mscdata.validator.tablecheck`).

Only clear-cut cells are typed column-wise (plain ASCII integers, the declared
boolean words, strings, lists of strings); every other cell goes through
frictionless's own cell reader, each distinct value once. A pattern must match the
whole value (RE2 decides ASCII cells, Python's ``re.fullmatch`` the others), as in
JSON Schema and the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mscdata.validator.patterns import UNDECIDED, fullmatch_bounded

_PLAIN_INTEGER = r"^-?[0-9]{1,18}$"


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


def mask(array: Any) -> Any:
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


def check_column(raw: Any, spec: dict[str, Any], missing_values: list[str]) -> _Column:
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
        absent |= mask(pc.equal(pc.binary_length(raw), 0))
    else:
        absent |= mask(pc.is_in(raw, pa.array(missing_values, pa.string())))
    present = ~absent
    reader = _Reader(spec, missing_values)
    errors: list[tuple[int, str, str, str]] = []

    # decide which present cells are clear-cut (fast) and which frictionless reads (slow)
    if kind == "integer" and spec.get("bareNumber", True) is True:
        fast = present & mask(pc.match_substring_regex(raw, _PLAIN_INTEGER))
        typed = pc.cast(_only(raw, fast), pa.int64())
    elif kind == "boolean":
        words = [*spec.get("trueValues", ["true", "True", "TRUE", "1"])]
        false_words = spec.get("falseValues", ["false", "False", "FALSE", "0"])
        known = pc.is_in(raw, pa.array(words + false_words, pa.string()))
        fast = present & mask(known)
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
        indices = np.flatnonzero(mask(failing) & fast)
        if len(indices):
            cells = raw.take(pa.array(indices)).to_pylist()
            errors += [
                (int(i), "constraint-error", note, c) for i, c in zip(indices, cells, strict=True)
            ]
    return errors


def _pattern_matches(typed: Any, pattern: str) -> tuple[Any, Any]:
    r"""Whether each cell matches the pattern as a whole (null stays null), and which
    cells could not be decided in time (see :mod:`mscdata.validator.patterns`).

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
        unsafe = ~mask(pc.string_is_ascii(typed)) | mask(pc.match_substring(typed, "\n"))
        unsafe &= mask(pc.is_valid(typed))
    except pa.ArrowInvalid:  # not RE2 syntax (lookarounds, back-references)
        unsafe = mask(pc.is_valid(typed))
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
