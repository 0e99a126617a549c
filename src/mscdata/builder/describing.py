"""Describe a folder of mscdata tables: write (or refresh) its ``datapackage.json``.

A file is an mscdata table when its name is one of mscdata's resources with ``.csv``
(``articles.csv``, ``authors.csv``, …); any subset of them makes a package. Each table
gets mscdata's Table Schema, its size and SHA-256; the descriptor gets the Data
Package v2 ``$schema`` and the mscdata schema version. Other files are reported, never
included. Parquet files are refused: describe reads CSV headers only; a Parquet
package is written with its descriptor by ``mscdata build --format parquet``
(:mod:`mscdata.builder.parquet_tables`), which validate and load read.

With ``update``, an existing descriptor keeps what its author wrote (title,
description, licences, sources, resources of their own, a table's own title or
extra fields…); the tables, their schemas, hashes and sizes are refreshed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.csv_files import header_labels

DESCRIPTOR = "datapackage.json"
PARQUET_SUFFIXES = (".parquet", ".parq")
# what describe decides for a table; everything else a descriptor says is its author's
_REFRESHED = ("name", "type", "path", "scheme", "format", "mediatype", "hash", "bytes", "schema")


@dataclass
class Description:
    """What :func:`describe` wrote and what it noticed."""

    path: Path  # the descriptor written
    tables: list[str] = field(default_factory=list)  # mscdata tables described, in order
    created: bool = True  # False when an existing descriptor was refreshed
    left_out: list[str] = field(default_factory=list)  # files that are not mscdata tables
    kept: list[str] = field(default_factory=list)  # resources of the author's own, kept
    removed: list[str] = field(default_factory=list)  # tables whose file is gone
    warnings: list[str] = field(default_factory=list)  # what validate will report


def _table_names() -> list[str]:
    from mscdata.resources import table_schemas

    return [r["name"] for r in table_schemas()["resources"]]


def _hint(name: str, tables: list[str]) -> str:
    """Why a file is not an mscdata table, with the likely name meant."""
    wanted = [f"{t}.csv" for t in tables]
    close = difflib.get_close_matches(name.lower(), wanted, n=1, cutoff=0.75)
    if close:
        return f"{name}: not an mscdata table (did you mean {close[0]}?)"
    return f"{name}: not an mscdata table ({', '.join(wanted[:3])}, … are)"


def _sha256_and_size(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return f"sha256:{digest.hexdigest()}", size


def _fields(
    file: str, header: list[str] | None, mscdata_fields: list[dict], old: list[dict]
) -> tuple[list[dict[str, Any]], list[str]]:
    """mscdata's fields, then the file's own trailing columns (as the author declared
    them, else as strings); and warnings on a header that does not fit."""
    names = [f["name"] for f in mscdata_fields]
    if header is None:
        return mscdata_fields, [
            f"{file}: no header row could be read (with the table's encoding, compression "
            "and dialect, within its first MiB, at most 2,000 columns)"
        ]
    if header[: len(names)] == names:
        declared = {f.get("name"): f for f in old if isinstance(f, dict)}
        own = [
            declared.get(label, {"name": label, "type": "string"}) for label in header[len(names) :]
        ]
        return mscdata_fields + own, []
    labels = set(header)
    missing = [name for name in names if name not in labels]
    extra = [label for label in header if label not in names]
    problems = []
    if missing:
        problems.append(f"lacks the columns {', '.join(missing)}")
    if extra:
        problems.append(f"has columns mscdata's table does not: {', '.join(extra)}")
    if not problems:
        problems.append("has mscdata's columns in another order")
    order = ",".join(names)
    warning = f"{file}: {'; '.join(problems)} (mscdata validate will report them; the header "
    warning += f"must start with mscdata's {len(names)} columns, in order: {order}; "
    warning += "cells may be empty where no value is required; your own columns go after them)"
    return mscdata_fields, [warning]


def _table_file(base: Path, name: str, old: dict[str, Any], files: list[str]) -> str | None:
    """Where table ``name`` is: the path the author's descriptor gives it, when that is a
    file inside the package (e.g. ``data/authors.csv``), else ``<name>.csv`` here."""
    from mscdata.validator.package_files import check_path

    path = old.get("path")
    if isinstance(path, str) and path != f"{name}.csv":
        try:
            if Path(check_path(base, path)).is_file():
                return path
        except PackageError:
            pass  # an unsafe or odd path: the table is looked for by its name
    return f"{name}.csv" if f"{name}.csv" in files else None


def _table_resource(
    folder: Path, schema_resource: dict[str, Any], old: dict[str, Any], file: str
) -> tuple[dict[str, Any], list[str]]:
    """One table's resource: the author's own properties, then what describe decides."""
    name = schema_resource["name"]
    digest, size = _sha256_and_size(folder / file)
    old_schema = old.get("schema") if isinstance(old.get("schema"), dict) else {}
    old_fields = old_schema.get("fields") if isinstance(old_schema.get("fields"), list) else []
    header = header_labels(old, folder / file)
    fields, warnings = _fields(file, header, schema_resource["schema"]["fields"], old_fields)
    own = {key: value for key, value in old.items() if key not in _REFRESHED}
    resource = {
        "name": name,
        "type": "table",
        "path": file,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": own.pop("encoding", "utf-8"),
        "title": own.pop("title", name.replace("_", " ").capitalize()),
        "description": own.pop("description", schema_resource["description"]),
        **own,
        "hash": digest,
        "bytes": size,
        "schema": {**schema_resource["schema"], "fields": fields},
    }
    return resource, warnings


def _slug(name: str) -> str | None:
    """A Data Package name made of a folder's name, when one can be."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return slug or None


def _read_old(descriptor: Path) -> dict[str, Any]:
    from mscdata.validator.package_files import read_json

    old = read_json(descriptor)
    if not isinstance(old, dict) or not isinstance(old.get("resources", []), list):
        raise PackageError(f"{descriptor}: not a data package descriptor (no 'resources' list)")
    return old


def describe(folder: str | os.PathLike, *, update: bool = False) -> Description:
    """Write ``FOLDER/datapackage.json`` describing the mscdata tables in the folder.

    Without ``update`` an existing descriptor is refused; with it, the descriptor is
    refreshed (or written when absent), keeping its author's own properties. Raises
    :class:`mscdata.PackageError` when the folder holds no mscdata table, holds a
    Parquet file, or the descriptor cannot be read.
    """
    from mscdata.resources import DATA_PACKAGE_PROFILE, table_schemas
    from mscdata.validator.table_subsets import absent_targets

    base = Path(folder)
    if not base.is_dir():
        raise PackageError(f"{base}: not a folder (describe a folder of CSV tables)")
    target = base / DESCRIPTOR
    exists = target.is_file()
    if exists and not update:
        raise PackageError(
            f"{target} exists: `mscdata describe --update {base}` refreshes it, keeping "
            "your own title, description, licences and other properties"
        )
    document = table_schemas()
    tables = [r["name"] for r in document["resources"]]
    files = sorted(p.name for p in base.iterdir() if p.is_file() and p.name[:1] != ".")
    parquet = [f for f in files if f.lower().endswith(PARQUET_SUFFIXES)]
    if parquet:
        stem = parquet[0].rsplit(".", 1)[0]
        raise PackageError(
            f"{base / parquet[0]}: Parquet tables cannot be described (describe reads CSV "
            "tables; `mscdata build --format parquet` writes a Parquet package with its "
            "descriptor); write it as CSV, e.g. with pandas: "
            f"pandas.read_parquet('{parquet[0]}').to_csv('{stem}.csv', index=False)"
        )
    old = _read_old(target) if exists else {}
    old_resources = [r for r in old.get("resources", []) if isinstance(r, dict)]
    own_resources = [r for r in old_resources if r.get("name") not in tables]
    own_paths = {r.get("path") for r in own_resources if isinstance(r.get("path"), str)}
    by_name = {r.get("name"): r for r in old_resources}
    placed = {t: _table_file(base, t, by_name.get(t, {}), files) for t in tables}
    found = [t for t in tables if placed[t] is not None]
    if not found:
        raise PackageError(
            f"{base}: no mscdata table here: name each CSV file after an mscdata table "
            f"({', '.join(f'{t}.csv' for t in tables[:4])}, …; `mscdata schema export "
            "--format tableschema` lists them all)"
        )
    result = Description(target, created=not exists)
    resources = []
    for schema_resource in document["resources"]:
        name = schema_resource["name"]
        file = placed[name]
        if file is None:
            if name in by_name:
                result.removed.append(name)
            continue
        try:
            resource, warnings = _table_resource(base, schema_resource, by_name.get(name, {}), file)
        except OSError as error:
            raise PackageError(f"{base / file}: cannot read: {error.strerror}") from None
        resources.append(resource)
        result.warnings += warnings
    result.tables = found
    result.kept = [str(r.get("name")) for r in own_resources]
    result.left_out = [
        _hint(f, tables)
        for f in files
        if f != DESCRIPTOR and f not in {placed[t] for t in found} | own_paths
    ]
    profile = old.get("mscdata") if isinstance(old.get("mscdata"), dict) else {}
    slug = _slug(base.resolve().name)
    # the author's properties keep their places; a new descriptor starts with these
    descriptor = {"$schema": DATA_PACKAGE_PROFILE, **({"name": slug} if slug else {}), **old}
    descriptor["$schema"] = DATA_PACKAGE_PROFILE
    descriptor["mscdata"] = {
        **profile,
        "schemaName": document["schemaName"],
        "schemaVersion": document["schemaVersion"],
    }
    descriptor["resources"] = resources + own_resources
    for target_name, referrers in absent_targets(descriptor).items():
        names = ", ".join(f"{name}.csv" for name, _ in referrers)
        result.warnings.append(
            f"{names} need {target_name}.csv (a foreign key): mscdata validate will report "
            f"its absence; add {target_name}.csv and run describe --update again"
        )
    try:
        _write_atomically(target, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise PackageError(f"{target}: cannot write: {error.strerror}") from None
    return result


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step (a reader never sees half a descriptor)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
