"""Validation reports: data first (``to_dict``), then text, JSON and GitHub renderings.

The JSON shape is stable and described by ``schemas/mscdata.report.schema.json``
(generated from :class:`ReportDocument` by ``scripts/regenerate.py``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from mscdata.wording import counted

GITHUB_ANNOTATION_LIMIT = 10  # GitHub shows at most ten error annotations per step


@dataclass(frozen=True)
class Issue:
    """One problem found: where (resource, row, field), what, and the offending value."""

    type: str
    message: str
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    line: int | None = None  # line of the file where the row starts (quoted cells may span lines)

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"resource {self.resource}" if self.resource else None,
                f"row {self.row}" if self.row is not None else None,
                f"field {self.field}" if self.field else None,
            )
            if part
        )
        return f"[{self.type}] {where + ': ' if where else ''}{self.message}"


@dataclass
class ValidationReport:
    """The outcome of :func:`mscdata.validate`: ``valid`` and every ``errors`` item found.

    ``files`` maps each resource to its data file; ``omitted`` counts errors left out
    by ``max_errors``.
    """

    path: str
    errors: list[Issue] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    omitted: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not self.omitted

    def limit(self, max_errors: int | None) -> None:
        """Keep the first ``max_errors`` errors; count the rest in ``omitted``."""
        if max_errors is not None and len(self.errors) > max_errors:
            self.omitted += len(self.errors) - max_errors
            del self.errors[max_errors:]

    def summary(self) -> str:
        total_rows = sum(self.rows.values())
        if self.valid:
            checked = max(len(self.files), len(self.rows))
            shown = counted(checked, "resource")
            if len(self.rows) == checked:  # frictionless does not count the rows it reads
                shown += f", {counted(total_rows, 'row')}"
            return f"valid: {self.path} ({shown})"
        if self.omitted:
            count = len(self.errors) + self.omitted
            return f"invalid: {self.path}: {counted(count, 'error')} ({len(self.errors)} shown)"
        resources = len({e.resource for e in self.errors})
        errors = counted(len(self.errors), "error")
        return f"invalid: {self.path}: {errors} in {counted(resources, 'resource')}"

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (see ``schemas/mscdata.report.schema.json``)."""
        return {
            "valid": self.valid,
            "path": self.path,
            "rows": self.rows,
            "errorCount": len(self.errors) + self.omitted,
            "omitted": self.omitted,
            "notices": self.notices,
            "errors": [asdict(e) for e in self.errors],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        """The summary line, then errors grouped by resource and type, with row, field
        and value."""
        lines = [self.summary(), *(f"  notice: {n}" for n in self.notices)]
        by_resource: dict[str, list[Issue]] = {}
        for issue in self.errors:
            by_resource.setdefault(issue.resource or "(package)", []).append(issue)
        for resource, issues in by_resource.items():
            lines.append(f"  {resource}")
            for kind, count in Counter(i.type for i in issues).items():
                lines.append(f"    {kind} ({count})")
                for issue in (i for i in issues if i.type == kind):
                    where = ", ".join(
                        p
                        for p in (
                            f"row {issue.row}" if issue.row is not None else None,
                            f"field {issue.field}" if issue.field else None,
                            f"value {issue.value!r}" if issue.value is not None else None,
                        )
                        if p
                    )
                    lines.append(f"      {where + ': ' if where else ''}{issue.message}")
        if self.omitted:
            more = counted(self.omitted, "more error")
            lines.append(f"  … and {more} (raise --max-errors to see them)")
        return "\n".join(lines)

    def to_github(self) -> str:
        """GitHub workflow commands: one ``::error`` annotation per error (file and line
        where known), capped to what GitHub shows, then the summary."""
        lines = [f"::notice::{_escape_data(n)}" for n in self.notices]
        for issue in self.errors[:GITHUB_ANNOTATION_LIMIT]:
            properties = []
            file = self.files.get(issue.resource or "") or self.path
            properties.append(f"file={_escape_property(file)}")
            line = issue.line if issue.line is not None else issue.row
            if line is not None:
                properties.append(f"line={line}")
            properties.append(f"title={_escape_property(issue.type)}")
            text = str(issue) + (f" (value {issue.value!r})" if issue.value is not None else "")
            lines.append(f"::error {','.join(properties)}::{_escape_data(text)}")
        hidden = len(self.errors) + self.omitted - min(len(self.errors), GITHUB_ANNOTATION_LIMIT)
        if hidden:
            more = counted(hidden, "more error")
            lines.append(f"::notice::{more}; run mscdata validate locally")
        lines.append(self.summary())
        return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_json_schema() -> dict[str, Any]:
    """JSON Schema of ``ValidationReport.to_dict()`` (``--format json``)."""
    from pydantic import BaseModel, Field

    class IssueDocument(BaseModel):
        type: str = Field(
            description="Kind of error: frictionless's error types (type-error, "
            "constraint-error, primary-key, foreign-key, unique-error, extra-cell, "
            "missing-cell, blank-row, *-label, hash-count, byte-count, encoding-error, "
            "scheme-error…) or mscdata's own (descriptor, schema-version, missing-resource, "
            "schema-mismatch, model-error, position-gap, partial-date, date-invalid, "
            "completeness, fact-vocabulary, fact-term, fact-span)."
        )
        message: str = Field(description="What was expected and what was found.")
        resource: str | None = Field(description="Resource (table) name, if any.")
        row: int | None = Field(description="Row number in the file, the header being 1.")
        field: str | None = Field(description="Field (column) name, if any.")
        value: str | None = Field(description="The offending value, when known.")
        line: int | None = Field(
            description="Line of the file where the row starts (differs from the row when "
            "quoted cells span lines), when known."
        )

    class ReportDocument(BaseModel):
        valid: bool = Field(description="True when no error was found.")
        path: str = Field(description="The descriptor validated.")
        rows: dict[str, int] = Field(description="Data rows per resource that could be read.")
        errorCount: int = Field(description="Errors found, shown or not.")
        omitted: int = Field(description="Errors left out by --max-errors.")
        notices: list[str] = Field(
            description="Things worth knowing that are not errors "
            "(e.g. an older, compatible schema version)."
        )
        errors: list[IssueDocument] = Field(description="The errors shown, in order.")

    schema = ReportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mscdata validation report"
    return schema
