"""Validate a data package: the descriptor, every table, then what no Table Schema says.

Before any table is read, every path the descriptor names goes through the guard of
:mod:`mscdata.validator.package_files` (inside the package, regular files only; Table Schemas
and dialects given by path are read in from there) and every schema through
:mod:`mscdata.validator.schema_checks`; a package failing either is reported without reading
its tables. Then, in layers, all reported together:

1. the descriptor: the Data Package v2 profile (checked by frictionless), the
   mscdata schema version it declares, the mscdata resources it holds (any subset of
   them) with every field of that schema version, and no foreign key to a resource
   it lacks (one error per such resource; the keys are then left out of the checks);
2. the tables: structure, types, constraints, primary, unique and foreign keys,
   ``hash`` and ``bytes``, by the fast engine (:mod:`mscdata.validator.tablecheck`) or, with
   ``engine="frictionless"`` or for resources the fast engine cannot read, by
   frictionless itself (handed the schemas without ``pattern`` constraints: both
   engines match patterns with the time bound of :mod:`mscdata.validator.patterns`);
3. semantics (:mod:`mscdata.validator.semantics`): positions 1..n without gaps, dates that
   exist, partial-date parts, completeness flags.

Row numbers count the header as row 1, as frictionless does.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from mscdata.arrow_memory import returning_pool
from mscdata.errors import PackageError
from mscdata.progress import SILENT, Progress, Task, as_progress
from mscdata.validator.fact_checks import ISSUE_TYPES as FACT_ISSUES
from mscdata.validator.frictionless_checks import profile_issues
from mscdata.validator.frictionless_handoff import frictionless_table_issues, too_wide
from mscdata.validator.report import Issue, ValidationReport
from mscdata.validator.table_subsets import subset_issues, subset_notice, without_absent_references

ENGINES = ("fast", "frictionless")
NEWER_MSCDATA = (
    "install a newer mscdata (from its repository or a release wheel; no package index "
    "serves it yet)"
)


def _descriptor_path(path: str | os.PathLike | None) -> Path:
    if path is None:
        from mscdata.resources import datapackage_dir

        return datapackage_dir() / "datapackage.json"
    path = Path(path)
    if path.is_dir():  # a package folder: its descriptor must be a file inside it
        from mscdata.validator.package_files import check_path

        try:
            check_path(path, "datapackage.json", what="descriptor")
        except PackageError as error:
            raise PackageError(f"{path}: {error}") from None
        path = path / "datapackage.json"
    if not path.is_file():
        raise PackageError(f"{path}: no such data package descriptor")
    return path


def read_descriptor(path: str | os.PathLike | None) -> tuple[Path, dict[str, Any]]:
    """The descriptor's path and content; PackageError when it cannot be used at all
    (unreadable, not UTF-8 JSON, nested too deep, not an object with a 'resources' list)."""
    from mscdata.validator.package_files import read_json

    descriptor_path = _descriptor_path(path)
    descriptor = read_json(descriptor_path)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(f"{descriptor_path}: not a data package (no 'resources' list)")
    return descriptor_path, descriptor


def _version(text: Any) -> tuple[int, ...] | None:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9}){0,2}", text):
        return None
    return tuple(int(part) for part in text.split("."))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}… ({len(text)} characters)"


def _check_descriptor(
    descriptor: dict[str, Any], expected: dict[str, Any]
) -> tuple[list[Issue], list[str]]:
    """Descriptor errors, and notices (an older, compatible schema version)."""
    from mscdata.resources import DATA_PACKAGE_PROFILE

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
                f'"mscdata": {{"schemaVersion": "{shipped}"}}; found {_shown(profile)}',
            )
        )
        return issues, notices
    if _version(declared) > _version(shipped):
        issues.append(
            Issue(
                "schema-version",
                f"made with mscdata schema {declared}, newer than the {shipped} this mscdata "
                f"knows: {NEWER_MSCDATA}",
            )
        )
        return issues, notices
    issues += subset_issues(descriptor, expected)
    if _version(declared) == _version(shipped):
        found, absent = _resource_issues(descriptor, expected, declared, shipped)
        if not issues + found and absent:
            notices.append(subset_notice(expected, absent))
        return issues + found, notices
    own = _archived_table_schemas(declared)
    if own is not None:  # the package must match its own version exactly
        issues += _resource_issues(descriptor, own, declared, declared)[0]
    compatibility, absent = _resource_issues(descriptor, expected, declared, shipped)
    issues += compatibility
    if not issues:
        shown = ", ".join(absent[:8]) + (" …" if len(absent) > 8 else "")
        notices.append(
            f"made with mscdata schema {declared}"
            + (" (matching its table schemas)" if own is not None else "")
            + f", validated against the compatible {shipped}"
            + (f"; absent from this package: {shown}" if absent else "")
        )
    return issues, notices


def _archived_table_schemas(version: str) -> dict[str, Any] | None:
    """The Table Schemas an earlier release shipped, when this mscdata archives them."""
    from mscdata.resources import schema_file

    try:
        return json.loads(schema_file("mscdata.tableschema.json", version).read_text("utf-8"))
    except LookupError:
        return None


def _resource_issues(
    descriptor: dict[str, Any], expected: dict[str, Any], declared: str, version: str
) -> tuple[list[Issue], list[str]]:
    """The package's resources and fields against the Table Schemas of ``version``:
    errors, and what the package lacks when it declares an older ``declared``."""
    older = _version(declared) < _version(version)
    present = {
        r["name"]: r
        for r in descriptor["resources"]
        if isinstance(r, dict) and isinstance(r.get("name"), str)
    }
    issues, absent = [], []
    for resource in expected["resources"]:
        name = resource["name"]
        if name not in present:  # a package may hold any subset of mscdata's tables
            absent.append(name)
            continue
        schema = present[name].get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        fields = fields if isinstance(fields, list) else []
        found = {
            f["name"]: f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
        }
        for want in resource["schema"]["fields"]:
            got = found.get(want["name"])
            if got is None:
                if older:
                    absent.append(f"{name}.{want['name']}")
                    continue
                issues.append(
                    Issue(
                        "schema-mismatch",
                        f"field of schema {version} missing from the resource's schema "
                        "(`mscdata describe --update FOLDER` writes mscdata's schema)",
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
                            f" (schema {declared} is not compatible with {version}: validate with "
                            f"the mscdata release that shipped schema {declared})"
                            if older
                            else ""
                        ),
                        resource=name,
                        field=want["name"],
                    )
                )
    return issues, absent


def validate(
    path: str | os.PathLike | None = None,
    *,
    max_errors: int | None = None,
    engine: str = "fast",
    progress: Progress | bool | None = None,
    temp_dir: str | os.PathLike | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
) -> ValidationReport:
    """Validate a data package (default: the bundled package): a folder, a
    datapackage.json, a zip archive, the URL of either, or a storage URL
    (``s3://bucket/mscdata``, read through fsspec with the file system's own
    configuration).

    ``engine="fast"`` (default) checks the tables column by column;
    ``engine="frictionless"`` lets frictionless check them row by row (the
    reference for the standard's semantics, much slower). Raises
    :class:`mscdata.PackageError` when the descriptor is missing, unreadable or
    malformed; every other problem is an entry of the returned report's ``errors``
    (the first ``max_errors`` of them, the rest counted in ``omitted``).
    ``progress`` (see :mod:`mscdata.progress`) is shown the download of a remote
    package, then the resources checked and the step validation is at. ``temp_dir``
    is the folder for the key columns set aside while tables are checked, and for an
    archive or download unpacked (default: the system's, ``TMPDIR``; a large package
    wants a disk there, not a memory-backed ``/tmp``).

    ``scheduler`` checks the tables on a Dask cluster (``pip install 'mscdata[dask]'``),
    with the same report: ``"local"`` starts ``workers`` worker processes here, an
    address (``"tcp://host:8786"``) joins a running scheduler, whose workers must see
    the package and ``temp_dir`` at the same paths; ``client``: a Dask client already
    open, used instead (see :mod:`mscdata.validator.cluster_checks`).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler is not None or workers is not None:
        from mscdata.dask_cluster import check_engine, dask_client

        if client is not None:
            raise ValueError("give a Dask client or a scheduler to start one, not both")
        check_engine(scheduler or "", workers)
        with dask_client(scheduler or "", workers) as opened:
            return validate(
                path,
                max_errors=max_errors,
                engine=engine,
                progress=progress,
                temp_dir=temp_dir,
                client=opened,
            )
    return _validate(path, max_errors, engine, as_progress(progress), temp_dir, client)


def _validate(
    path: str | os.PathLike | None,
    max_errors: int | None,
    engine: str,
    progress: Progress,
    temp_dir: str | os.PathLike | None,
    client: Any,
) -> ValidationReport:
    """:func:`validate`, on the cluster of ``client`` when it is not None."""
    import tempfile

    from mscdata.storage_urls import local_path
    from mscdata.validator.fetch_package import fetch, is_remote, unpack_zip

    if temp_dir is not None and not Path(temp_dir).is_dir():
        raise PackageError(f"{temp_dir}: the temporary folder given does not exist")
    spill = Path(temp_dir) if temp_dir is not None else None
    path = local_path(path)  # file:// addresses are folders
    with returning_pool():
        text = str(path) if path is not None else ""
        if is_remote(text) or (text.lower().endswith(".zip") and not Path(text).is_dir()):
            with tempfile.TemporaryDirectory(prefix="mscdata-validate-", dir=spill) as folder:
                local = (
                    fetch(text, Path(folder), progress)
                    if is_remote(text)
                    else unpack_zip(Path(text), Path(folder))
                )
                report = _validate_folder(local, max_errors, engine, progress, spill, client)
                report.path = text
                return report
        return _validate_folder(path, max_errors, engine, progress, spill, client)


def _with_lines(issues: list[Issue], tables: dict[str, Any]) -> list[Issue]:
    """The issues with the line each row starts on, where the table was read."""
    from dataclasses import replace

    located = []
    for issue in issues:
        table = tables.get(issue.resource)
        if issue.line is None and issue.row is not None and table is not None:
            issue = replace(issue, line=table.line(issue.row))
        located.append(issue)
    return located


def _validate_folder(
    path: str | os.PathLike | None,
    max_errors: int | None,
    engine: str,
    progress: Progress = SILENT,
    spill: Path | None = None,
    client: Any = None,
) -> ValidationReport:
    descriptor_path, descriptor = read_descriptor(path)
    count = len(descriptor["resources"])
    with progress.task("validating: descriptor", total=count, unit="resources") as task:
        return _validate_package(
            descriptor_path, descriptor, max_errors, engine, task, spill, client
        )


def _validate_package(
    descriptor_path: Path,
    descriptor: dict[str, Any],
    max_errors: int | None,
    engine: str,
    task: Task,
    spill: Path | None = None,
    client: Any = None,
) -> ValidationReport:
    from mscdata.resources import table_schemas
    from mscdata.validator.package_files import guard_package
    from mscdata.validator.parquet_files import is_parquet
    from mscdata.validator.schema_checks import schema_issues
    from mscdata.validator.semantics import FIELDS_USED, semantic_issues
    from mscdata.validator.tablecheck import check_tables, unsupported

    base = descriptor_path.parent
    expected = table_schemas()
    report = ValidationReport(str(descriptor_path))
    report.files = {
        r["name"]: str(base / r["path"])
        for r in descriptor["resources"]
        if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str)
    }
    # schemas and dialects given by path are read in, from inside the package only
    guarded = guard_package(base, descriptor, urls=True)
    descriptor, unsafe = guarded.descriptor, guarded.problems
    descriptor_issues, report.notices = _check_descriptor(descriptor, expected)
    report.errors += descriptor_issues
    report.errors += [Issue("resource-error", reason, resource=name) for name, reason in unsafe]
    if not unsafe:
        report.errors += schema_issues(descriptor) or profile_issues(descriptor)
        descriptor = without_absent_references(descriptor)
    if not report.errors[len(descriptor_issues) :]:
        report.errors += too_wide(descriptor, guarded.files)
    if unsafe or len(report.errors) > len(descriptor_issues):
        # resources cannot be trusted to name safe, readable files and sound schemas
        report.limit(max_errors)
        return report
    readable = [
        (resource, guarded.files[index] if is_parquet(resource) else guarded.files[index][0])
        for index, resource in enumerate(descriptor["resources"])
        if unsupported(resource) is None
    ]
    if engine == "fast" and len(readable) < len(descriptor["resources"]):
        engine = "frictionless"
        report.notices += [
            f"resource {r.get('name')} is checked by frictionless: {unsupported(r)}"
            for r in descriptor["resources"]
            if unsupported(r) is not None
        ]
    task.describe(f"validating: {len(readable)} tables")
    checked = {**descriptor, "resources": [resource for resource, _ in readable]}
    # each resource counted as it is checked; by frictionless when it checks them
    done = (lambda name: task.update(1)) if engine == "fast" and task.shown else None
    files = [file for _, file in readable]
    if client is None:
        tables, table_issues = check_tables(
            base, checked, keep=FIELDS_USED, files=files, done=done, folder=spill
        )
    else:
        from mscdata.validator.cluster_checks import check_on_cluster

        tables, table_issues, on_cluster = check_on_cluster(
            client, base, checked, expected, keep=FIELDS_USED, files=files, done=done, folder=spill
        )
    if engine == "frictionless":  # patterns matched with a time bound there too
        # the MSC facts' own checks, which frictionless does not make, are kept
        own = [issue for issue in table_issues if issue.type in FACT_ISSUES]
        table_issues, notices = frictionless_table_issues(
            descriptor_path, descriptor, guarded.files, table_issues, task
        )
        table_issues += [issue for issue in own if issue not in table_issues]
        report.notices += notices
    task.describe("validating: positions, dates, flags")
    report.errors += _with_lines(table_issues, tables)
    # a row with a table error may break a semantic check only through that error
    seen = {(i.resource, i.row) for i in table_issues}
    semantic = semantic_issues(tables, expected) if client is None else on_cluster
    semantic = [i for i in semantic if (i.resource, i.row) not in seen]
    report.errors += _with_lines(semantic, tables)
    report.rows = {name: table.rows for name, table in tables.items()}
    report.limit(max_errors)
    return report
