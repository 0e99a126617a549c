"""Locate the data package and schemas shipped with mscdata.

An installed wheel carries them under ``mscdata/_bundled``; a development checkout
(editable install) finds them at the top of the repository.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def _bundled(name: str) -> Path:
    packaged = Path(str(resources.files("mscdata").joinpath("_bundled", name)))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"mscdata's bundled {name!r} folder is missing from this installation")


def datapackage_dir() -> Path:
    """Folder of the bundled data package (holding ``datapackage.json``)."""
    return _bundled("datapackage")


def schemas_dir() -> Path:
    """Folder of the bundled schemas (LinkML, JSON Schema, Table Schemas)."""
    return _bundled("schemas")


def table_schemas_path() -> Path:
    """The generated Table Schemas of every resource of the package."""
    return schemas_dir() / "mscdata.tableschema.json"


@functools.cache
def shared_table_schemas() -> dict[str, Any]:
    """The document parsed once, for read-only use on hot paths."""
    return json.loads(table_schemas_path().read_text(encoding="utf-8"))


def table_schemas() -> dict[str, Any]:
    """The generated Table Schema document shipped with mscdata (a fresh copy)."""
    return copy.deepcopy(shared_table_schemas())


def archived_schemas_dir() -> Path:
    """Folder of the schemas of earlier releases, one sub-folder per schema version."""
    return schemas_dir() / "archive"


def schema_versions() -> list[str]:
    """Every schema version this mscdata has: the shipped one last, earlier ones first."""
    import json

    shipped = json.loads(table_schemas_path().read_text(encoding="utf-8"))["schemaVersion"]
    archive = archived_schemas_dir()
    earlier = [p.name for p in archive.iterdir() if p.is_dir()] if archive.is_dir() else []
    return [*sorted(earlier, key=_parts), shipped]


def schema_file(name: str, version: str | None = None) -> Path:
    """A schema file (e.g. ``mscdata.schema.json``) of a schema version (default: the
    shipped one); LookupError names the versions there are."""
    versions = schema_versions()
    if version is None or version == versions[-1]:
        return schemas_dir() / name
    path = archived_schemas_dir() / version / name
    if version not in versions:
        newer = _parts(version) > _parts(versions[-1])
        raise LookupError(
            f"no schema {version} in this mscdata (it has {', '.join(versions)})"
            + (
                "; a newer schema comes with a newer mscdata: install it from its repository "
                "or a release wheel (no package index serves it yet)"
                if newer
                else ""
            )
        )
    return path


def _parts(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split(".") if x.isdigit())
