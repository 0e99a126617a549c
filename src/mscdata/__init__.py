"""mscdata: open data on the literature of mesenchymal stromal/stem cells.

The public API is small and re-exported here; heavy dependencies (frictionless,
linkml_runtime, lxml) are imported only by the functions that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mscdata.errors import (
    BuildError,
    ClusterError,
    FetchError,
    MissingPmidWarning,
    MscdataError,
    PackageError,
    ParseError,
    TopicError,
)
from mscdata.version import __version__

__all__ = [
    "BuildError",
    "BuildReport",
    "ClusterError",
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
    "Topic",
    "TopicError",
    "UploadReport",
    "ValidationReport",
    "__version__",
    "build",
    "describe",
    "download",
    "fetch",
    "file_records",
    "iter_events",
    "load",
    "load_topic",
    "parse",
    "read",
    "select",
    "update",
    "upload",
    "validate",
]

_LAZY = {
    "parse": ("mscdata.parsers", "parse"),
    "read": ("mscdata.parsers", "read"),
    "iter_events": ("mscdata.parsers", "iter_events"),
    "ReadResult": ("mscdata.parsers.records", "ReadResult"),
    "Deletion": ("mscdata.parsers.records", "Deletion"),
    "RecordFailure": ("mscdata.parsers.records", "RecordFailure"),
    "build": ("mscdata.builder.build", "build"),
    "update": ("mscdata.builder.update", "update"),
    "upload": ("mscdata.builder.upload", "upload"),
    "UploadReport": ("mscdata.builder.upload", "UploadReport"),
    "BuildReport": ("mscdata.builder.source_rows", "BuildReport"),
    "file_records": ("mscdata.builder.cluster", "file_records"),
    "validate": ("mscdata.validator.validation", "validate"),
    "ValidationReport": ("mscdata.validator.report", "ValidationReport"),
    "load": ("mscdata.dataset", "load"),
    "Dataset": ("mscdata.dataset", "Dataset"),
    "fetch": ("mscdata.remote.fetching", "fetch"),
    "download": ("mscdata.remote.downloads", "download"),
    "describe": ("mscdata.builder.describing", "describe"),
    "Description": ("mscdata.builder.describing", "Description"),
    "FetchResult": ("mscdata.remote.fetching", "FetchResult"),
    "load_topic": ("mscdata.topics", "load_topic"),
    "Topic": ("mscdata.topics", "Topic"),
    "select": ("mscdata.topics.selection", "select"),
}

if TYPE_CHECKING:
    from mscdata.builder.build import build
    from mscdata.builder.cluster import file_records
    from mscdata.builder.describing import Description, describe
    from mscdata.builder.source_rows import BuildReport
    from mscdata.builder.update import update
    from mscdata.builder.upload import UploadReport, upload
    from mscdata.dataset import Dataset, load
    from mscdata.parsers import iter_events, parse, read
    from mscdata.parsers.records import Deletion, ReadResult, RecordFailure
    from mscdata.remote.downloads import download
    from mscdata.remote.fetching import FetchResult, fetch
    from mscdata.topics import Topic, load_topic
    from mscdata.topics.selection import select
    from mscdata.validator.report import ValidationReport
    from mscdata.validator.validation import validate


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
