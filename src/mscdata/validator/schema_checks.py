"""What a Table Schema must be for the tables to be checked at all, beyond the Data
Package profile: patterns that compile, constraint values of the field's type and
range (64-bit integers), missing values that are strings, and at most
:data:`mscdata.validator.package_files.MAX_FIELDS` fields.

Each problem is an :class:`~mscdata.validator.report.Issue` located by resource and field;
validation stops before reading any table when there is one, so neither engine
meets a schema it cannot use.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.parsers.xml_encoding import text_codec
from mscdata.validator.package_files import MAX_FIELDS, resource_label
from mscdata.validator.report import Issue

KNOWN_TYPES = {  # the field types of Table Schema v2
    "any",
    "array",
    "boolean",
    "date",
    "datetime",
    "duration",
    "geojson",
    "geopoint",
    "integer",
    "list",
    "number",
    "object",
    "string",
    "time",
    "year",
    "yearmonth",
}
# the item types Table Schema v2 allows in a list field
LIST_ITEM_TYPES = {"boolean", "date", "datetime", "integer", "number", "string", "time"}
_INT64 = range(-(2**63), 2**63)
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_LENGTHS = ("minLength", "maxLength")
# what both readers (pyarrow's, which takes one ASCII byte, and the csv module) accept
_DIALECT_MARKS = {"delimiter": ",", "quoteChar": '"'}
_MARK_CHARACTERS = {chr(c) for c in range(0x20, 0x7F)} | {"\t"}
_ENUM_TYPES = {"string": str, "integer": (int, str), "boolean": (bool, str)}


def schema_issues(descriptor: dict[str, Any]) -> list[Issue]:
    """Schema errors of every resource whose schema is inline (paths are read in
    before: see :func:`mscdata.validator.package_files.guard_resources`)."""
    issues: list[Issue] = []
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            continue
        label = resource_label(resource, index)
        issues += [Issue("resource-error", r, label) for r in _resource_issues(resource)]
        if isinstance(resource.get("schema"), dict):
            issues += _schema_issues(label, resource["schema"])
    return issues


def _resource_issues(resource: dict[str, Any]) -> list[str]:
    """Why a resource's integrity or dialect properties cannot be used."""
    reasons = []
    if "hash" in resource and not isinstance(resource["hash"], str):
        reasons.append("'hash' must be a string")
    if "bytes" in resource and not (_is_int64(resource["bytes"]) and resource["bytes"] >= 0):
        reasons.append("'bytes' must be a non-negative integer")
    if "encoding" in resource and text_codec(resource["encoding"]) is None:
        reasons.append(f"the encoding {_short(resource['encoding'])} is not a text encoding")
    dialect = resource.get("dialect")
    if dialect is not None and not isinstance(dialect, dict):
        reasons.append("the dialect must be an object")
    if isinstance(dialect, dict):
        marks = {key: dialect.get(key, default) for key, default in _DIALECT_MARKS.items()}
        for key, value in marks.items():
            if not (isinstance(value, str) and value in _MARK_CHARACTERS):
                reasons.append(
                    f"the dialect's {key} must be one printable ASCII character or a tab, "
                    f"found {_short(value)}"
                )
        escape = dialect.get("escapeChar")
        if escape is not None and not (isinstance(escape, str) and escape in _MARK_CHARACTERS):
            reasons.append(
                "the dialect's escapeChar must be one printable ASCII character or a tab, "
                f"found {_short(escape)}"
            )
        if marks["delimiter"] == marks["quoteChar"]:
            shown = _short(marks["quoteChar"])
            reasons.append(f"the dialect's quoteChar and delimiter must differ, both are {shown}")
        for key in ("doubleQuote", "header", "skipInitialSpace"):
            if key in dialect and not isinstance(dialect[key], bool):
                reasons.append(f"the dialect's {key} must be true or false")
    return reasons


def _schema_issues(name: str, schema: dict[str, Any]) -> list[Issue]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return [Issue("schema-error", "the schema's 'fields' must be a list", name)]
    if len(fields) > MAX_FIELDS:
        return [
            Issue("schema-error", f"{len(fields)} fields, more than the {MAX_FIELDS} allowed", name)
        ]
    issues = [Issue("schema-error", reason, name) for reason in _key_issues(schema)]
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        issues.append(Issue("schema-error", "'missingValues' must be a list of strings", name))
    for spec in fields:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            issues.append(Issue("schema-error", "a field is not an object with a name", name))
            continue
        reasons = _field_issues(spec)
        issues += [Issue("schema-error", r, name, field=spec["name"]) for r in reasons]
    return issues


def _names(value: Any) -> bool:
    """Whether a key names fields: one name, or a list of names."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _key_issues(schema: dict[str, Any]) -> list[str]:
    """Why the primary or foreign keys cannot be checked."""
    reasons = []
    if "primaryKey" in schema and not _names(schema["primaryKey"]):
        reasons.append("'primaryKey' must be a field name or a list of them")
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        return [*reasons, "'foreignKeys' must be a list"]
    for number, key in enumerate(keys, start=1):
        reference = key.get("reference") if isinstance(key, dict) else None
        if not (
            isinstance(reference, dict)
            and _names(key.get("fields"))
            and _names(reference.get("fields"))
            and isinstance(reference.get("resource", ""), str)
        ):
            reasons.append(
                f"foreign key {number} must have 'fields' and a 'reference' with 'fields' "
                "(and a 'resource' name)"
            )
        elif len(_listed(key["fields"])) != len(_listed(reference["fields"])):
            reasons.append(f"foreign key {number} must refer to as many fields as it has")
    return reasons


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _field_issues(spec: dict[str, Any]) -> list[str]:
    """Why a field's description cannot be used to check its cells."""
    reasons = []
    missing = spec.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        reasons.append("'missingValues' must be a list of strings")
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*reasons, "'constraints' must be an object"]
    for key in ("trueValues", "falseValues"):
        if key in spec and not (
            isinstance(spec[key], list) and all(isinstance(v, str) for v in spec[key])
        ):
            reasons.append(f"'{key}' must be a list of strings")
    kind = spec.get("type", "any")
    if not isinstance(kind, str) or kind not in KNOWN_TYPES:
        return [*reasons, f"unknown field type {_short(kind)}"]
    if kind == "list":
        delimiter = spec.get("delimiter", ",")
        if not isinstance(delimiter, str) or not delimiter:
            reasons.append(
                f"a list's 'delimiter' must be a non-empty string, found {_short(delimiter)}"
            )
        item = spec.get("itemType", "string")
        if not isinstance(item, str) or item not in LIST_ITEM_TYPES:
            reasons.append(f"unknown list item type {_short(item)}")
    pattern = constraints.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            reasons.append(f"the pattern must be a string, found {type(pattern).__name__}")
        else:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as error:
                shown = _short(pattern)
                reasons.append(f"the pattern {shown} is not a regular expression: {error}")
    for key in _BOUNDS:
        if key in constraints and kind == "integer" and not _is_int64(constraints[key]):
            shown = _short(constraints[key])
            reasons.append(f"constraint {key!r} must be a 64-bit integer, found {shown}")
    for key in _LENGTHS:
        value = constraints.get(key)
        if key in constraints and not (_is_int64(value) and value >= 0):
            shown = _short(value)
            reasons.append(f"constraint {key!r} must be a non-negative integer, found {shown}")
    enum = constraints.get("enum", [])
    if not isinstance(enum, list):
        reasons.append("constraint 'enum' must be a list")
    elif kind in _ENUM_TYPES and not all(isinstance(v, _ENUM_TYPES[kind]) for v in enum):
        reasons.append(f"constraint 'enum' must list values of type {kind}")
    return reasons


def _is_int64(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in _INT64


def _short(value: Any) -> str:
    text = repr(value) if len(str(value)) < 4000 else f"<{len(str(value))} characters>"
    return text if len(text) <= 80 else f"{text[:60]}… ({len(text)} characters)"
