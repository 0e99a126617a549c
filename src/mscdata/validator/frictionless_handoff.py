"""What frictionless is handed when it checks a package's tables (``engine="frictionless"``,
or resources the fast engine cannot read), and when it is not: a package it could not
finish in time gets the fast engine's errors instead, with a notice saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mscdata.progress import Task
from mscdata.validator.frictionless_checks import frictionless_issues
from mscdata.validator.package_files import MAX_FIELDS
from mscdata.validator.report import Issue

# table errors the fast engine may find before frictionless is still run on a package
FRICTIONLESS_MAX_ERRORS = 10_000


def too_wide(
    descriptor: dict[str, Any], files: dict[int, list[Any]], *, rows: bool = False
) -> list[Issue]:
    """Files whose header (or, with ``rows``, any row) holds more than
    :data:`~mscdata.validator.package_files.MAX_FIELDS` cells, found before an engine reads them
    (``files``: each resource's paths as the path guard resolved them)."""
    from mscdata.validator.csv_checks import wide_header_issue, wide_row_issue
    from mscdata.validator.package_files import resource_label
    from mscdata.validator.parquet_files import is_parquet

    check = wide_row_issue if rows else wide_header_issue
    issues = []
    for index, resource in enumerate(descriptor["resources"]):
        if isinstance(resource, dict) and is_parquet(resource):
            continue  # no text lines: its columns are counted from its footer
        for file in files.get(index, []):
            if isinstance(file, Path):
                issue = check(resource_label(resource, index), file, resource)
                issues += [issue] if issue is not None else []
    return issues


def frictionless_table_issues(
    descriptor_path: Path,
    descriptor: dict[str, Any],
    files: dict[int, list[Any]],
    fast_issues: list[Issue],
    task: Task,
) -> tuple[list[Issue], list[str]]:
    """frictionless's table errors and notices, where it can finish in time: not given
    a package whose tables the fast engine found to hold over
    :data:`FRICTIONLESS_MAX_ERRORS` errors (it builds an object for every error, again
    for every foreign key that reads the table), nor one with a row of over
    :data:`~mscdata.validator.package_files.MAX_FIELDS` cells (quadratic in the row's width); the
    fast engine's errors stand instead, and the wide rows of the resources only
    frictionless reads are reported."""
    from mscdata.validator.frictionless_parquet import (
        combined_issues,
        for_frictionless,
        has_parquet,
    )
    from mscdata.validator.tablecheck import unsupported

    unchecked = [r.get("name") for r in descriptor["resources"] if unsupported(r) is not None]
    not_checked = f"; not checked: {', '.join(map(str, unchecked))}" if unchecked else ""
    if len(fast_issues) > FRICTIONLESS_MAX_ERRORS:
        count = f"{len(fast_issues):,}"
        note = f"the fast engine found {count} table errors, more than the "
        note += f"{FRICTIONLESS_MAX_ERRORS:,} frictionless is given"
        return fast_issues, [f"frictionless was not run: {note}{not_checked}"]
    wide = too_wide(descriptor, files, rows=True)
    if wide:
        where = f"row {wide[0].row} of {wide[0].resource}"
        note = f"{where} has more than {MAX_FIELDS:,} cells{not_checked}"
        only_frictionless = {str(name) for name in unchecked}
        wide = [issue for issue in wide if issue.resource in only_frictionless]
        return fast_issues + wide, [f"frictionless was not run: {note}"]
    task.describe("validating: tables (frictionless)")
    if not has_parquet(descriptor):
        return frictionless_issues(descriptor_path, descriptor, task), []
    handed, left_out = for_frictionless(descriptor)  # what frictionless reads of Parquet
    found = frictionless_issues(descriptor_path, handed, task)
    return combined_issues(descriptor, left_out, found, fast_issues)
