"""Validate a file of records (JSON, JSON Lines, YAML or CSV) against one mscdata
class, each error located by record and field: for data made outside mscdata that
is not a data package."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.report import Issue, ValidationReport


def _model_issues(
    model: Any, data: Any, *, resource: str, row: int, text: bool = False
) -> list[Issue]:
    """The model's validation errors for one record, each located by field and value;
    ``text`` for a CSV row, whose cells are all text (``"1"`` a number, ``"true"`` a
    boolean, which the strict models refuse in a JSON, JSON Lines or YAML record). A
    valid MscFact, or Article with facts, is then checked by the facts' own rules
    (vocabulary, ontology term, span: :mod:`mscdata.validator.fact_checks`)."""
    from pydantic import ValidationError

    from mscdata.validator.fact_checks import record_fact_issues

    try:
        record = model.model_validate(data, strict=False if text else None)
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
    if model.__name__ == "MscFact":
        return record_fact_issues([record], resource, row)
    if getattr(record, "msc_facts", None):
        return record_fact_issues(record.msc_facts, resource, row, article=record)
    return []


def _record_rows(path: Path) -> list[tuple[int, Any]]:
    """(row or line number, record) of a JSON, JSON Lines, YAML or CSV record file;
    PackageError, located, when it cannot be read (JSON and YAML with the limits of
    :mod:`mscdata.validator.package_files`; YAML without aliases, which can multiply a document)."""
    import csv

    from mscdata.validator.csv_files import text_rows
    from mscdata.validator.package_files import parse_json, read_regular, too_deep

    try:
        data = read_regular(path)
    except OSError as error:
        raise PackageError(f"{path}: cannot read: {error.strerror}") from None
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        document = _yaml_records(path, data)
    elif suffix in {".jsonl", ".ndjson"}:
        rows = []
        for n, line in enumerate(data.splitlines(), start=1):
            if line.strip():
                rows.append((n, parse_json(line, f"{path}:{n}")))
        return rows
    elif suffix != ".csv":
        document = parse_json(data, str(path))
    else:
        try:
            rows = [row for row in text_rows(data.decode("utf-8-sig"), {}) if row]
            header = rows[0] if rows else []
            return [
                (n, {k: v for k, v in zip(header, row, strict=False) if v})
                for n, row in enumerate(rows[1:], start=2)
            ]
        except UnicodeDecodeError as error:
            raise PackageError(f"{path}: not UTF-8 ({error.reason})") from None
        except csv.Error as error:
            raise PackageError(f"{path}: malformed CSV: {error}") from None
    if too_deep(document):
        raise PackageError(f"{path}: nested too deep")
    records = document if isinstance(document, list) else [document]
    return list(enumerate(records, start=1))


def _yaml_records(path: Path, data: bytes) -> Any:
    try:
        import yaml
    except ImportError as error:
        raise PackageError(f"{path}: reading YAML needs PyYAML ({error})") from None

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases (*name) are not allowed in record files")
            return super().compose_node(parent, index)

    try:
        return yaml.load(data, Loader=NoAliases)  # a SafeLoader that refuses aliases
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        reason = " ".join(str(error).split())[:300]
        raise PackageError(f"{path}: unreadable YAML: {reason}") from None


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
    text = path.suffix.lower() == ".csv"
    for number, record in rows:
        report.errors += _model_issues(model, record, resource=class_name, row=number, text=text)
    report.rows = {class_name: len(rows)}
    report.files = {class_name: str(path)}
    report.limit(max_errors)
    return report
