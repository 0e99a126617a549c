"""mscdata: open data on the literature of mesenchymal stromal/stem cells.

The public API is small and re-exported here; heavy dependencies (frictionless,
linkml_runtime, lxml) are imported only by the functions that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mscdata.errors import (
    BuildError,
    FetchError,
    MissingPmidWarning,
    MscdataError,
    PackageError,
    ParseError,
)

__version__ = "0.3.0"

__all__ = [
    "BuildError",
    "Dataset",
    "Deletion",
    "Description",
    "FetchError",
    "FetchResult",
    "MissingPmidWarning",
    "MscdataError",
    "PackageError",
    "ParseError",
    "ReadResult",
    "RecordFailure",
    "ValidationReport",
    "__version__",
    "build",
    "describe",
    "download",
    "fetch",
    "iter_events",
    "load",
    "parse",
    "read",
    "validate",
]

_LAZY = {
    "parse": ("mscdata.parsers", "parse"),
    "read": ("mscdata.parsers", "read"),
    "iter_events": ("mscdata.parsers", "iter_events"),
    "ReadResult": ("mscdata.records", "ReadResult"),
    "Deletion": ("mscdata.records", "Deletion"),
    "RecordFailure": ("mscdata.records", "RecordFailure"),
    "build": ("mscdata.package", "build"),
    "validate": ("mscdata.validation", "validate"),
    "ValidationReport": ("mscdata.report", "ValidationReport"),
    "load": ("mscdata.dataset", "load"),
    "Dataset": ("mscdata.dataset", "Dataset"),
    "fetch": ("mscdata.fetching", "fetch"),
    "download": ("mscdata.downloads", "download"),
    "describe": ("mscdata.describing", "describe"),
    "Description": ("mscdata.describing", "Description"),
    "FetchResult": ("mscdata.fetching", "FetchResult"),
}

if TYPE_CHECKING:
    from mscdata.dataset import Dataset, load
    from mscdata.describing import Description, describe
    from mscdata.downloads import download
    from mscdata.fetching import FetchResult, fetch
    from mscdata.package import build
    from mscdata.parsers import iter_events, parse, read
    from mscdata.records import Deletion, ReadResult, RecordFailure
    from mscdata.report import ValidationReport
    from mscdata.validation import validate


def __getattr__(name: str) -> Any:
    """Import the public functions on first use, keeping ``import mscdata`` fast."""
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module_name), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mscdata' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
