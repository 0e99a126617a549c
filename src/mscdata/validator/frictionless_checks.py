"""frictionless's side of validation: the Data Package profile of a descriptor, and
the reference engine (``engine="frictionless"``), its errors located as the fast
engine locates them. frictionless is imported only when called; any exception it
raises on a malformed package becomes one located issue, never a traceback.

Columns are matched to fields by name, as the fast engine matches them: a schema
with the default ``fieldsMatch`` ("exact") is handed to frictionless as "equal"
(frictionless then reads each column as the field of its name, so a missing column
does not shift the others), and the header's errors are those of
:func:`mscdata.validator.table_header.match_header` on the labels frictionless reads, which
adds what "equal" tolerates and "exact" does not: columns out of order. A header
whose labels repeat cannot be matched by name by frictionless: its table is checked
again as "exact" (its rows are then read by position).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from mscdata.progress import SILENT_TASK, Task
from mscdata.validator.csv_checks import changed_file_note
from mscdata.validator.report import Issue
from mscdata.validator.table_header import HeaderMatch, match_header

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
    base = descriptor_path.parent
    exact = _exact(stripped)
    try:
        report = _validated(_fields_match(stripped, exact), base, patterns, task)
        if any(_needs_unique_labels(t) for t in report.tasks):
            # frictionless cannot match repeated labels by name: those tables by position
            labels = {name: _labels(stripped, name, base) for name in exact}
            repeated = {name for name, found in labels.items() if len(set(found)) < len(found)}
            report = _validated(_fields_match(stripped, exact - repeated), base, patterns)
    except frictionless.FrictionlessException as error:
        return [Issue(error.error.type, error.error.message)]
    except Exception as error:  # frictionless fails on some malformed packages
        return [Issue("package-error", f"frictionless cannot read the package: {_reason(error)}")]
    tasks = report.tasks
    schemas = {
        r["name"]: r.get("schema") or {}
        for r in descriptor["resources"]
        if isinstance(r, dict) and "name" in r
    }
    headers = {
        t.name: (list(t.labels), match_header(t.name, list(t.labels), schemas[t.name]))
        for t in tasks
        if t.name in exact and t.labels
    }
    issues = [Issue(e.type, e.message) for e in report.errors]
    for task in tasks:
        labels, header = headers.get(task.name, (None, None))
        issues += header.issues if header else []  # the header's, columns matched by name
        unreadable = _keys_to_missing_columns(schemas.get(task.name, {}), task.name, headers)
        for error in task.errors:
            if labels is not None and error.type in _LABEL_ERRORS:
                continue
            if error.type == "foreign-key" and tuple(error.field_names) in unreadable:
                continue  # its referenced column is missing: reported once, as missing
            row, field_name = getattr(error, "row_number", None), getattr(error, "field_name", None)
            value = _offending_value(error)
            if error.type in _LABEL_ERRORS:
                row, value = 1, getattr(error, "label", None) or None
            elif error.type == "foreign-key":
                field_name = ", ".join(error.field_names)
                value = ", ".join(error.field_cells)
            elif error.type == "primary-key":
                field_name, value = _key_cells(schemas.get(task.name, {}), error.cells, labels)
            elif error.type in ("blank-row", "missing-cell"):
                value = None
            note = error.note or error.message
            if error.type in ("hash-count", "byte-count"):
                note = changed_file_note(note)
            issues.append(
                Issue(
                    error.type,
                    note,
                    resource=task.name,
                    row=row,
                    field=field_name or None,
                    value=value,
                )
            )
    return issues


def _keys_to_missing_columns(
    schema: dict[str, Any], name: str, headers: dict[str, tuple[list[str], HeaderMatch]]
) -> set[tuple[str, ...]]:
    """The fields of each foreign key whose referenced columns are missing from their
    file (its rows are not checked, as the fast engine does not check them)."""
    keys = set()
    for key in schema.get("foreignKeys") or []:
        if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
            continue
        fields, reference = key.get("fields"), key["reference"]
        target = reference.get("resource") or name
        wanted = reference.get("fields")
        wanted = [wanted] if isinstance(wanted, str) else wanted or []
        header = headers.get(target, (None, None))[1]
        if header is not None and set(header.missing) & set(wanted):
            keys.add(tuple([fields] if isinstance(fields, str) else fields or []))
    return keys


def _exact(descriptor: dict[str, Any]) -> set[str]:
    """Names of the resources whose schema matches fields "exact" (the default)."""
    return {
        resource["name"]
        for resource in descriptor["resources"]
        if isinstance(resource, dict)
        and isinstance(resource.get("name"), str)
        and isinstance(resource.get("schema"), dict)
        and resource["schema"].get("fieldsMatch", "exact") == "exact"
    }


def _fields_match(descriptor: dict[str, Any], by_name: set[str]) -> dict[str, Any]:
    """A copy of the descriptor whose resources in ``by_name`` match fields "equal"."""
    resources = [
        {**r, "schema": {**r["schema"], "fieldsMatch": "equal"}}
        if isinstance(r, dict) and r.get("name") in by_name
        else r
        for r in descriptor["resources"]
    ]
    return {**descriptor, "resources": resources}


def _needs_unique_labels(task: Any) -> bool:
    """Whether frictionless failed a table because "equal" met repeated labels (in its
    header, or in that of a table one of its foreign keys reads)."""
    return any(e.type == "error" and "unique labels" in (e.note or "") for e in task.errors)


def _labels(descriptor: dict[str, Any], name: str, base: Path) -> list[str]:
    """A resource's labels as frictionless reads them ([] when it cannot)."""
    import frictionless

    from mscdata.validator.frictionless_dialect import standard_dialect

    resource = next(r for r in descriptor["resources"] if r.get("name") == name)
    schema = {k: v for k, v in resource["schema"].items() if k != "foreignKeys"}
    try:
        with (
            standard_dialect(),
            frictionless.Resource({**resource, "schema": schema}, basepath=str(base)) as table,
        ):
            return [str(label) for label in table.labels or []]
    except Exception:  # the validation reports why the table cannot be read
        return []


def _validated(
    descriptor: dict[str, Any],
    base: Path,
    patterns: dict[str, dict[str, str]],
    task: Task = SILENT_TASK,
) -> Any:
    """frictionless's report on the package (patterns matched with a time bound), each
    resource checked counted in ``task``."""
    import frictionless

    from mscdata.validator.frictionless_dialect import standard_dialect

    package = frictionless.Package(descriptor, basepath=str(base))
    checks = [_pattern_check(patterns)] + ([_counting_check(task)] if task.shown else [])
    with standard_dialect():  # the standard's defaults, not csv.Sniffer's slow guesses
        return package.validate(checklist=frictionless.Checklist(checks=checks))


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
    :mod:`mscdata.validator.patterns` (the whole value, as the fast engine does), each failing
    cell a ``constraint-error`` as frictionless reports its own; a cell not decided in
    time is an error saying so."""
    import frictionless
    from frictionless import errors

    from mscdata.validator.patterns import UNDECIDED, BoundedMatcher

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


def _key_cells(
    schema: dict[str, Any], cells: list[str], labels: list[str] | None
) -> tuple[str | None, str | None]:
    """The primary key's field names and its cells in a row: the columns are those the
    ``labels`` name, or else the schema's fields in order."""
    names = labels if labels is not None else [f.get("name") for f in schema.get("fields", [])]
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
