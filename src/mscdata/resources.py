"""Locate the data package and schemas shipped with mscdata.

An installed wheel carries them under ``mscdata/_bundled``; a development checkout
(editable install) finds them at the top of the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


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
