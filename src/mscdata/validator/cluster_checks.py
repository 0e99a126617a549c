"""The fast engine's table checks run on a Dask cluster: ``validate(scheduler=...)``, and
the check of every package a Dask build makes.

Two rounds of tasks, the same checks as on one machine (:mod:`mscdata.validator.tablecheck`,
:mod:`mscdata.validator.semantics`) and the same report, issue for issue:

1. a task per resource reads its file (every part of a Parquet resource) and checks its
   header, rows and cells, and writes the typed key columns to a key file in a folder
   the workers and this process share;
2. a task per table checks its primary and unique keys across all its parts, joins each
   of its foreign keys with the keys of the table it references (a merge of the two
   key files, both sorted as mscdata writes them, or a hash join), and runs the
   table's semantic checks (positions, dates, completeness against its articles).

The client only orders what the tasks found. The key files live in a folder made for
this validation inside ``folder`` and removed with it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mscdata.validator.report import Issue
from mscdata.validator.table_store import StoredTable


def check_on_cluster(
    client: Any,
    base: Path,
    descriptor: dict[str, Any],
    expected: dict[str, Any],
    *,
    keep: set[str] | None = None,
    files: list[Any] | None = None,
    done: Callable[[str], None] | None = None,
    folder: Path | None = None,
) -> tuple[dict[str, StoredTable], list[Issue], list[Issue]]:
    """(tables, table issues, semantic issues) of ``descriptor``'s resources, as
    :func:`~mscdata.validator.tablecheck.check_tables` and
    :func:`~mscdata.validator.semantics.semantic_issues` give them, found by tasks on
    the cluster of ``client``. The tables returned describe what was read (rows, line
    numbers); their key files are gone."""
    from mscdata.dask_cluster import task_result
    from mscdata.validator.semantics import COMPLETENESS_FLAGS
    from mscdata.validator.table_keys import key_fields
    from mscdata.validator.tablecheck import sort_issues

    job = uuid.uuid4().hex[:12]
    retain = None if keep is None else key_fields(descriptor) | keep
    resources = descriptor["resources"]
    files = files or [None] * len(resources)
    spill = Path(tempfile.mkdtemp(prefix="mscdata-keys-", dir=folder)).absolute()
    checking: list[Any] = []
    keyed: dict[str, Any] = {}
    try:
        _check_seen(client, spill, base)
        checking = [
            client.submit(
                _check_task,
                base.absolute(),
                resource,
                retain,
                _absolute(file),
                spill,
                key=f"mscdata-check-{job}-{number}",
                pure=False,
            )
            for number, (resource, file) in enumerate(zip(resources, files, strict=True))
        ]
        tables: dict[str, StoredTable] = {}
        issues: list[Issue] = []
        for resource, future in zip(resources, checking, strict=True):
            table, found = task_result(future, f"checking resource {resource.get('name')}")
            if done is not None:
                done(str(resource.get("name")))
            issues += found
            if table is not None:
                tables[resource["name"]] = table
        expected_by_name = {r["name"]: r for r in expected["resources"]}
        keyed = {
            name: client.submit(
                _table_task,
                name,
                tables,
                expected_by_name.get(name),
                key=f"mscdata-keys-{job}-{name}",
                pure=False,
            )
            for name in tables
        }
        semantic: dict[str, list[Issue]] = {}
        complete: dict[str, list[Issue]] = {}
        for name, future in keyed.items():
            keys, semantic[name], complete[name] = task_result(future, f"checking keys of {name}")
            issues += keys
    finally:
        client.cancel([f for f in [*checking, *keyed.values()] if not f.done()])
        shutil.rmtree(spill, ignore_errors=True)
    order = [r["name"] for r in expected["resources"] if r["name"] in semantic]
    found_semantic = [issue for name in order for issue in semantic[name]]
    found_semantic += [issue for name in COMPLETENESS_FLAGS for issue in complete.get(name, [])]
    return tables, sort_issues(issues, descriptor), found_semantic


def _check_seen(client: Any, spill: Path, base: Path) -> None:
    """ClusterError unless every worker sees the package and the folder of key files:
    a remote cluster's workers must share them (``temp_dir``)."""
    from mscdata.errors import ClusterError

    for folder, what in ((base, "the package"), (spill, "the temporary folder (temp_dir)")):
        seen = client.run(os.path.isdir, str(folder))
        blind = sorted(worker for worker, found in seen.items() if not found)
        if blind:
            raise ClusterError(
                f"{folder}: {what} is not seen by the Dask workers {', '.join(blind)}: "
                "validate on a folder they share (--temp-dir on a shared filesystem)"
            )


def _absolute(file: Any) -> Any:
    """A resource's file (or list of part files) as an absolute path: workers may not
    share this process's working folder."""
    if isinstance(file, list):
        return [Path(part).absolute() for part in file]
    return None if file is None else Path(file).absolute()


def _check_task(
    base: Path, resource: dict[str, Any], retain: set[str] | None, file: Any, folder: Path
) -> tuple[StoredTable | None, list[Issue]]:
    """What a task of round 1 runs: one resource checked, its key file left for round 2."""
    from mscdata.arrow_memory import returning_pool
    from mscdata.validator.tablecheck import check_resource

    with returning_pool():
        table, issues = check_resource(base, resource, retain, file, folder)
    if table is not None:
        table.keep_file()
    return table, issues


def _table_task(
    name: str, tables: dict[str, StoredTable], resource: dict[str, Any] | None
) -> tuple[list[Issue], list[Issue], list[Issue]]:
    """What a task of round 2 runs: table ``name``'s key issues (its own keys, and its
    foreign keys joined with the tables they reference), its position or date issues
    (``resource``: its resource in mscdata's Table Schemas; None for another table) and
    its completeness issues."""
    from mscdata.arrow_memory import returning_pool
    from mscdata.validator.semantics import completeness_issues, table_semantic_issues
    from mscdata.validator.table_keys import foreign_key_issues, key_issues

    table = tables[name]  # copies that own no file: the client removes the folder
    with returning_pool():
        keys = key_issues(table) + foreign_key_issues(table, tables)
        semantic = [] if resource is None else table_semantic_issues(table, resource)
        complete = completeness_issues(tables, name)
    return keys, semantic, complete
