"""Validate a data package: the descriptor, frictionless checks, then mscdata's models.

Layers, all reported together:

1. the descriptor: Data Package v2, every mscdata resource present with the fields
   of the shipped schema;
2. frictionless: structure, types, constraints, primary and foreign keys, hash, bytes;
3. semantics: every row re-validated by its Pydantic model, positions 1..n without
   gaps per article, and every article reassembled.

Row numbers count the header as row 1, as frictionless does.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.report import Issue, ValidationReport

# frictionless error types after which mscdata's own row checks would only repeat them
_STRUCTURAL = {
    "scheme-error",
    "format-error",
    "encoding-error",
    "source-error",
    "resource-error",
    "missing-label",
    "extra-label",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
    "missing-cell",
    "extra-cell",
    "type-error",
    "package-error",
}


def _descriptor_path(path: str | os.PathLike | None) -> Path:
    if path is None:
        from mscdata.resources import datapackage_dir

        return datapackage_dir() / "datapackage.json"
    path = Path(path)
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.is_file():
        raise PackageError(f"{path}: no such data package descriptor")
    return path


def read_descriptor(path: str | os.PathLike | None) -> tuple[Path, dict[str, Any]]:
    """The descriptor's path and content; PackageError when it cannot be used at all."""
    descriptor_path = _descriptor_path(path)
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise PackageError(f"{descriptor_path}: not UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise PackageError(
            f"{descriptor_path}:{error.lineno}:{error.colno}: malformed JSON: {error.msg}"
        ) from None
    except OSError as error:
        raise PackageError(f"{descriptor_path}: cannot read: {error.strerror}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(f"{descriptor_path}: not a data package (no 'resources' list)")
    return descriptor_path, descriptor


def _version(text: Any) -> tuple[int, ...] | None:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", text):
        return None
    return tuple(int(part) for part in text.split("."))


def _check_descriptor(
    descriptor: dict[str, Any], expected: dict[str, Any]
) -> tuple[list[Issue], list[str]]:
    """Descriptor errors, and notices (an older, compatible schema version)."""
    from mscdata.package import DATA_PACKAGE_PROFILE

    issues, notices = [], []
    if descriptor.get("$schema") != DATA_PACKAGE_PROFILE:
        issues.append(
            Issue(
                "descriptor",
                f"'$schema' must be {DATA_PACKAGE_PROFILE!r} "
                f"(Data Package v2), found {descriptor.get('$schema')!r}",
            )
        )
    shipped = expected["schemaVersion"]
    profile = descriptor.get("mscdata")
    declared = profile.get("schemaVersion") if isinstance(profile, dict) else None
    if _version(declared) is None:
        issues.append(
            Issue(
                "schema-version",
                "the descriptor must declare the mscdata schema it follows, as "
                f'"mscdata": {{"schemaVersion": "{shipped}"}}; found {profile!r}',
            )
        )
        return issues, notices
    if _version(declared) > _version(shipped):
        issues.append(
            Issue(
                "schema-version",
                f"made with mscdata schema {declared}, newer than the {shipped} this mscdata "
                f"knows: upgrade mscdata (pip install -U mscdata)",
            )
        )
        return issues, notices
    older = _version(declared) < _version(shipped)
    present = {r.get("name"): r for r in descriptor["resources"] if isinstance(r, dict)}
    absent = []
    for resource in expected["resources"]:
        name = resource["name"]
        if name not in present:
            if older:
                absent.append(name)
                continue
            issues.append(
                Issue("missing-resource", "the package lacks this mscdata resource", resource=name)
            )
            continue
        fields = (present[name].get("schema") or {}).get("fields") or []
        found = {f.get("name"): f for f in fields if isinstance(f, dict)}
        for want in resource["schema"]["fields"]:
            got = found.get(want["name"])
            if got is None:
                if older:
                    absent.append(f"{name}.{want['name']}")
                    continue
                issues.append(
                    Issue(
                        "schema-mismatch",
                        "field missing from the resource's schema",
                        resource=name,
                        field=want["name"],
                    )
                )
            elif got.get("type") != want["type"]:
                issues.append(
                    Issue(
                        "schema-mismatch",
                        f"type {got.get('type')!r}, expected {want['type']!r}"
                        + (
                            f" (schema {declared} is not compatible with {shipped}: validate with "
                            f"the mscdata release that shipped schema {declared})"
                            if older
                            else ""
                        ),
                        resource=name,
                        field=want["name"],
                    )
                )
    if older and not issues:
        shown = ", ".join(absent[:8]) + (" …" if len(absent) > 8 else "")
        notices.append(
            f"made with mscdata schema {declared}, validated against the compatible {shipped}"
            + (f"; absent from this package: {shown}" if absent else "")
        )
    return issues, notices


def _frictionless_issues(descriptor_path: Path) -> list[Issue]:
    import frictionless

    try:
        package = frictionless.Package(str(descriptor_path))
        report = package.validate()
    except frictionless.FrictionlessException as error:
        return [Issue(error.error.type, error.error.message)]
    issues = [Issue(e.type, e.message) for e in report.errors]
    for task in report.tasks:
        for error in task.errors:
            issues.append(
                Issue(
                    error.type,
                    error.message,
                    resource=task.name,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                    value=_offending_value(error),
                )
            )
    return issues


def _offending_value(error: Any) -> str | None:
    """The cell a frictionless row error is about: the cell, the foreign-key cells, or
    (for a duplicate key) the whole row."""
    for attribute in ("cell", "field_cells", "cells"):
        value = getattr(error, attribute, None)
        if value not in (None, "", []):
            return value if isinstance(value, str) else ", ".join(str(v) for v in value)
    return None


def _model_issues(model: Any, data: Any, *, resource: str, row: int) -> list[Issue]:
    """The model's validation errors for one record, each located by field and value."""
    from pydantic import ValidationError

    try:
        model.model_validate(data)
    except ValidationError as error:
        return [
            Issue(
                "model-error",
                problem["msg"],
                resource=resource,
                row=row,
                field=".".join(str(p) for p in problem["loc"]) or None,
                value=None if problem.get("input") is None else str(problem["input"])[:200],
            )
            for problem in error.errors()
        ]
    return []


_FLAG_OF = {
    "keywords": "keywords_complete",
    "figures": "figures_complete",
    "references": "references_complete",
    "abstract_sections": "abstract_complete",
}


def _date_issues(article: dict[str, Any], resource: str, row: int) -> list[Issue]:
    """Partial dates whose parts do not fit together, and dates that do not exist."""
    import datetime as dt

    year, month, day = (article.get(f"publication_{p}") for p in ("year", "month", "day"))
    issues = []
    for part, needed, field_name, message in (
        (day, month, "publication_day", "a day without a month"),
        (month, year, "publication_month", "a month without a year"),
    ):
        if part is not None and needed is None:
            issues.append(
                Issue(
                    "partial-date",
                    message,
                    resource=resource,
                    row=row,
                    field=field_name,
                    value=str(part),
                )
            )
    exact = []  # (field, ISO date) of each date stated to the day
    if None not in (year, month, day):
        exact.append(("publication_day", f"{year:04d}-{month:02d}-{day:02d}"))
    electronic = article.get("electronic_date")
    if isinstance(electronic, str) and len(electronic) == 10:
        exact.append(("electronic_date", electronic))
    for field_name, iso in exact:
        try:
            dt.date.fromisoformat(iso)
        except ValueError:
            issues.append(
                Issue(
                    "date-invalid",
                    "this date does not exist",
                    resource=resource,
                    row=row,
                    field=field_name,
                    value=iso,
                )
            )
    return issues


def _semantic_issues(
    base: Path,
    descriptor: dict[str, Any],
    expected: dict[str, Any],
    skip: set[str],
    counts: dict[str, int],
) -> list[Issue]:
    """Model, position, date and completeness checks; fills ``counts`` with rows read."""

    from mscdata import models
    from mscdata.dataset import read_table

    issues: list[Issue] = []
    resources = {r["name"]: r for r in descriptor["resources"] if isinstance(r, dict)}
    flags: dict[str, dict[str, Any]] = {}  # article id -> its *_complete flags
    for resource in expected["resources"]:
        name = resource["name"]
        if name in skip or name not in resources:
            continue
        model = getattr(models, resource["class"])
        parent_keys = resource["schema"]["primaryKey"][:-1] if resource["path"] else []
        positions: dict[tuple, list[tuple[int, int]]] = {}
        counts[name] = 0
        for row_number, row in read_table(base, resources[name]):
            counts[name] += 1
            data = {k: v for k, v in row.items() if v is not None}
            if parent_keys:
                parent = tuple(data.pop(k, None) for k in parent_keys)
                if isinstance(data.get("position"), int):
                    positions.setdefault(parent, []).append((data["position"], row_number))
            elif "id" not in data:
                continue  # reported by frictionless (required)
            if not parent_keys:
                flags[data["id"]] = data
                issues += _date_issues(data, name, row_number)
            elif data.get("complete") is False and data.get("abstract_type") is None:
                flag = _FLAG_OF.get(name)
                if flag and flags.get(parent[0], {}).get(flag) is True:
                    issues.append(
                        Issue(
                            "completeness",
                            f"the item is marked cut short, but the article's {flag} is true",
                            resource=name,
                            row=row_number,
                            field="complete",
                            value="false",
                        )
                    )
            issues += _model_issues(model, data, resource=name, row=row_number)
        for parent, found in positions.items():
            found.sort()
            for expected_position, (position, row_number) in enumerate(found, start=1):
                if position != expected_position:
                    issues.append(
                        Issue(
                            "position-gap",
                            f"positions under {'/'.join(map(str, parent))} must run "
                            f"1..{len(found)} without gaps; found {position} where "
                            f"{expected_position} was due",
                            resource=name,
                            row=row_number,
                            field="position",
                        )
                    )
                    break
    return issues


def validate(
    path: str | os.PathLike | None = None, *, max_errors: int | None = None
) -> ValidationReport:
    """Validate a data package (default: the bundled package): a folder, a
    datapackage.json, a zip archive, or the URL of either.

    Raises :class:`mscdata.PackageError` when the descriptor is missing, unreadable or
    malformed; every other problem is an entry of the returned report's ``errors``
    (the first ``max_errors`` of them, the rest counted in ``omitted``).
    """
    import tempfile

    from mscdata.fetch_package import fetch, is_remote, unpack_zip

    text = str(path) if path is not None else ""
    if is_remote(text) or text.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory(prefix="mscdata-validate-") as folder:
            local = (
                fetch(text, Path(folder))
                if is_remote(text)
                else unpack_zip(Path(text), Path(folder))
            )
            report = _validate_folder(local, max_errors)
            report.path = text
            return report
    return _validate_folder(path, max_errors)


def _validate_folder(path: str | os.PathLike | None, max_errors: int | None) -> ValidationReport:
    from mscdata.package import table_schemas

    descriptor_path, descriptor = read_descriptor(path)
    expected = table_schemas()
    report = ValidationReport(str(descriptor_path))
    report.files = {
        r["name"]: str(descriptor_path.parent / r["path"])
        for r in descriptor["resources"]
        if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str)
    }
    descriptor_issues, report.notices = _check_descriptor(descriptor, expected)
    report.errors += descriptor_issues
    structural = _frictionless_issues(descriptor_path)
    report.errors += structural
    broken = {i.resource for i in structural if i.type in _STRUCTURAL or i.resource is None}
    if any(i.resource is None for i in structural):
        report.limit(max_errors)
        return report
    seen = {(i.resource, i.row, i.field) for i in structural}
    counts: dict[str, int] = {}
    semantic = _semantic_issues(descriptor_path.parent, descriptor, expected, broken, counts)
    report.errors += [i for i in semantic if (i.resource, i.row, i.field) not in seen]
    for resource in descriptor["resources"]:  # resources of the package in its own order
        name = resource.get("name") if isinstance(resource, dict) else None
        if name in counts:
            report.rows[name] = counts[name]
        elif name is not None and name not in broken:
            from mscdata.dataset import count_rows

            report.rows[name] = count_rows(descriptor_path.parent, resource)
    report.limit(max_errors)
    return report


def _record_rows(path: Path) -> list[tuple[int, Any]]:
    """(row or line number, record) of a JSON, JSON Lines, YAML or CSV record file."""
    import csv
    import io

    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))  # quoted cells may span lines
        return [
            (n, {k: v for k, v in row.items() if v not in ("", None)})
            for n, row in enumerate(reader, start=2)
        ]
    if suffix in {".jsonl", ".ndjson"}:
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append((n, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise PackageError(f"{path}:{n}: malformed JSON: {error.msg}") from None
        return rows
    try:
        if suffix in {".yaml", ".yml"}:
            import yaml

            document = yaml.safe_load(text)
        else:
            document = json.loads(text)
    except (ValueError, ImportError) as error:
        raise PackageError(f"{path}: unreadable records: {error}") from None
    records = document if isinstance(document, list) else [document]
    return list(enumerate(records, start=1))


def validate_records(
    path: str | os.PathLike, *, class_name: str = "Article", max_errors: int | None = None
) -> ValidationReport:
    """Validate a file of records (JSON, JSON Lines, YAML or CSV) against one mscdata class.

    Each error names the record (its row, line or 1-based index) and the field.
    """

    from mscdata import models

    path = Path(path)
    if not path.is_file():
        raise PackageError(f"{path}: no such record file")
    model = getattr(models, class_name, None)
    if not isinstance(model, type) or not hasattr(model, "model_validate"):
        raise PackageError(f"unknown class {class_name!r}")
    report = ValidationReport(str(path))
    rows = _record_rows(path)
    for number, record in rows:
        report.errors += _model_issues(model, record, resource=class_name, row=number)
    report.rows = {class_name: len(rows)}
    report.files = {class_name: str(path)}
    report.limit(max_errors)
    return report
