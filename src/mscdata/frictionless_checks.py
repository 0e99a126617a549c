"""frictionless's side of validation: the Data Package profile of a descriptor, and
the reference engine (``engine="frictionless"``), its errors located as the fast
engine locates them. frictionless is imported only when called; any exception it
raises on a malformed package becomes one located issue, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from mscdata.progress import SILENT_TASK, Task
from mscdata.report import Issue

_LABEL_ERRORS = {
    "extra-label",
    "missing-label",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
}


def frictionless_issues(
    descriptor_path: Path, descriptor: dict[str, Any], task: Task = SILENT_TASK
) -> list[Issue]:
    """frictionless's own checks of every table, located as the fast engine locates them
    (labels on row 1, keys by their fields and values); each resource checked is
    counted in ``task``."""
    import frictionless

    stripped, patterns = _without_patterns(descriptor)
    try:
        package = frictionless.Package(stripped, basepath=str(descriptor_path.parent))
        checks = [_pattern_check(patterns)] + ([_counting_check(task)] if task.shown else [])
        checks = frictionless.Checklist(checks=checks)
        report = package.validate(checklist=checks)
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


def _without_patterns(
    descriptor: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """A copy of the descriptor with no field's ``pattern`` constraint (frictionless
    matches them with Python's ``re``, with no time bound), and the patterns of string
    fields by resource and field, for :func:`_pattern_check`. Only the dicts on the way
    to a constraint are copied."""
    patterns: dict[str, dict[str, str]] = {}
    resources = []
    for resource in descriptor["resources"]:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            resources.append(resource)
            continue
        fields = []
        for spec in schema["fields"]:
            constraints = spec.get("constraints") if isinstance(spec, dict) else None
            if not isinstance(constraints, dict) or "pattern" not in constraints:
                fields.append(spec)
                continue
            if spec.get("type") == "string" and isinstance(constraints["pattern"], str):
                named = patterns.setdefault(str(resource.get("name")), {})
                named[spec["name"]] = constraints["pattern"]
            kept = {k: v for k, v in constraints.items() if k != "pattern"}
            fields.append({**spec, "constraints": kept})
        resources.append({**resource, "schema": {**schema, "fields": fields}})
    return {**descriptor, "resources": resources}, patterns


def _pattern_check(patterns: dict[str, dict[str, str]]) -> Any:
    """A frictionless check that matches the patterns with the bounded matcher of
    :mod:`mscdata.patterns` (the whole value, as the fast engine does), each failing
    cell a ``constraint-error`` as frictionless reports its own; a cell not decided in
    time is an error saying so."""
    import frictionless
    from frictionless import errors

    from mscdata.patterns import UNDECIDED, BoundedMatcher

    class BoundedPatterns(frictionless.Check):
        type = "mscdata-bounded-patterns"
        Errors: ClassVar[list[type]] = [errors.ConstraintError]

        def connect(self, resource: Any) -> None:
            super().connect(resource)
            wanted = patterns.get(resource.name, {})
            self.matchers = {name: BoundedMatcher(p) for name, p in wanted.items()}

        def validate_row(self, row: Any) -> Any:
            for name, matcher in self.matchers.items():
                cell = row[name] if name in row.field_names else None
                verdict = matcher(cell) if isinstance(cell, str) else True
                if verdict is not True:
                    note = f'constraint "pattern" is "{matcher.pattern}"'
                    note += "" if verdict is False else f": {UNDECIDED}"
                    yield errors.ConstraintError.from_row(row, note=note, field_name=name)

    return BoundedPatterns()


def _counting_check(task: Task) -> Any:
    """A frictionless check that counts the resources checked in ``task``."""
    import frictionless

    class CountResources(frictionless.Check):
        type = "mscdata-count-resources"
        Errors: ClassVar[list[type]] = []

        def connect(self, resource: Any) -> None:
            super().connect(resource)
            task.describe(f"validating: {resource.name} (frictionless)")

        def validate_end(self) -> Any:
            task.update(1)
            return []

    return CountResources()


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
