"""Wheel build hook: bundle the data package's own files, not the record store a local
`mscdata build` keeps beside them (`datapackage/.mscdata/`): hatchling's `exclude` does
not apply to `force-include`, so the package's files are listed here one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BundledPackageHook(BuildHookInterface):
    """Force-include every file of `datapackage/` but hidden ones."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        folder = Path(self.root) / "datapackage"
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                target = f"mscdata/_bundled/datapackage/{relative.as_posix()}"
                build_data["force_include"][str(path)] = target
