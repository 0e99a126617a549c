"""frictionless's side of validation: the Data Package profile of a descriptor, and
the reference engine (``engine="frictionless"``), its errors located as the fast
engine locates them. frictionless is imported only when called; any exception it
raises on a malformed package becomes one located issue, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mscdata.report import Issue

_LABEL_ERRORS = {
    "extra-label",
    "missing-label",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
}


def frictionless_issues(descriptor_path: Path, descriptor: dict[str, Any]) -> list[Issue]:
    """frictionless's own checks of every table, located as the fast engine locates them
    (labels on row 1, keys by their fields and values)."""
    import frictionless

    try:
        package = frictionless.Package(str(descriptor_path))
        report = package.validate()
    except frictionless.FrictionlessException as error:
        return [Issue(error.error.type, error.error.message)]
    except Exception as error:  # frictionless fails on some malformed packages
        return [Issue("package-error", f"frictionless cannot read the package: {_reason(error)}")]
    schemas = {
        r["name"]: r.get("schema") or {}
        for r in descriptor["resources"]
        if isinstance(r, dict) and "name" in r
    }
    issues = [Issue(e.type, e.message) for e in report.errors]
    for task in report.tasks:
        for error in task.errors:
            row, field_name = getattr(error, "row_number", None), getattr(error, "field_name", None)
            value = _offending_value(error)
            if error.type in _LABEL_ERRORS:
                row, value = 1, getattr(error, "label", None) or None
            elif error.type == "foreign-key":
                field_name = ", ".join(error.field_names)
                value = ", ".join(error.field_cells)
            elif error.type == "primary-key":
                field_name, value = _key_cells(schemas.get(task.name, {}), error.cells)
            elif error.type in ("blank-row", "missing-cell"):
                value = None
            issues.append(
                Issue(
                    error.type,
                    error.note or error.message,
                    resource=task.name,
                    row=row,
                    field=field_name or None,
                    value=value,
                )
            )
    return issues


def _reason(error: Exception) -> str:
    """An unexpected exception as one short line."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}"


def _key_cells(schema: dict[str, Any], cells: list[str]) -> tuple[str | None, str | None]:
    """The primary key's field names and its cells in a row (fields matched by position)."""
    names = [f.get("name") for f in schema.get("fields", [])]
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    if not key or not all(k in names for k in key):
        return None, None
    values = [cells[names.index(k)] if names.index(k) < len(cells) else "" for k in key]
    return ", ".join(key), ", ".join(values) if any(values) else None


def _offending_value(error: Any) -> str | None:
    """The cell a frictionless row error is about, or (for other row errors) the row."""
    for attribute in ("cell", "cells"):
        value = getattr(error, attribute, None)
        if value not in (None, "", []):
            return value if isinstance(value, str) else ", ".join(str(v) for v in value)
    return None


def profile_issues(descriptor: dict[str, Any]) -> list[Issue]:
    """The descriptor's errors against the Data Package profile, as frictionless sees them."""
    import frictionless

    try:
        report = frictionless.Package.validate_descriptor(descriptor)
    except frictionless.FrictionlessException as error:
        return [Issue(error.error.type, error.error.message)]
    except Exception as error:  # frictionless fails on some malformed descriptors
        return [Issue("package-error", f"the descriptor cannot be read: {_reason(error)}")]
    return [Issue(e.type, e.message) for e in report.errors]
