"""The packages that paths given to ``mscdata validate`` belong to.

A pre-commit hook passes the files that changed (``articles.csv``, ``datapackage.json``,
a Parquet file…); each package holding one of them is validated once. A data file
belongs to the nearest ``datapackage.json`` in its folder or above, up to the root of
its git repository (the folder holding ``.git``) or of the file system.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DESCRIPTOR = "datapackage.json"


def _is_package_path(text: str) -> bool:
    """Whether ``validate`` takes the path as it is: a folder, a descriptor (``*.json``),
    a zip archive, a URL, or a path that does not exist (reported as such)."""
    path = Path(text)
    lowered = text.lower()
    return (
        "://" in text or lowered.endswith((".json", ".zip")) or path.is_dir() or not path.exists()
    )


def nearest_descriptor(file: str | os.PathLike) -> Path | None:
    """The ``datapackage.json`` in the file's folder or the nearest one above it, or None."""
    folder = Path(file).absolute().parent
    for candidate in (folder, *folder.parents):
        descriptor = candidate / DESCRIPTOR
        if descriptor.is_file():
            return Path(os.path.relpath(descriptor)) if _below_cwd(descriptor) else descriptor
        if (candidate / ".git").exists():  # the repository's root: no package above it
            return None
    return None


def _below_cwd(path: Path) -> bool:
    try:
        path.relative_to(Path.cwd())
    except ValueError:
        return False
    return True


def packages_of(paths: list[str]) -> tuple[list[str], list[str]]:
    """The packages to validate, each once, in the order first named; and a note on
    every file that belongs to no package (it is not validated)."""
    packages: list[str] = []
    seen: set[str] = set()
    notes: list[str] = []
    for text in paths:
        if _is_package_path(text):
            package = text
        else:
            descriptor = nearest_descriptor(text)
            if descriptor is None:
                notes.append(
                    f"{text} is in no data package (no {DESCRIPTOR} in its folder or above): "
                    "not validated; `mscdata describe FOLDER` writes one"
                )
                continue
            package = str(descriptor)
        key = _identity(package)
        if key not in seen:
            seen.add(key)
            packages.append(package)
    return packages, notes


def _identity(package: str) -> str:
    """One key per package, however it is named (folder, descriptor, relative path)."""
    if "://" in package:
        return package
    path = Path(package)
    if path.is_dir():
        path = path / DESCRIPTOR
    return str(path.resolve())


def packages_to_validate(paths: list[str]) -> list[str | None]:
    """What ``mscdata validate PATH…`` validates: the packages the paths belong to, each
    once (a note on stderr for each file in no package), or the bundled package (None)
    when no path is given."""
    if not paths:
        return [None]
    packages, notes = packages_of(paths)
    for note in notes:
        print(f"mscdata validate: note: {note}", file=sys.stderr)
    return list(packages)
