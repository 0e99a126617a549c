"""A built package refused unless :func:`mscdata.validate` finds it valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mscdata.builder.record_store import STORE_PATH
from mscdata.errors import BuildError
from mscdata.progress import Progress
from mscdata.wording import counted


def check_built(
    folder: Path, progress: Progress, what: str = "the built package", *, client: Any = None
) -> None:
    """Refuse a built package that :func:`mscdata.validate` finds invalid (``what``
    names it in the error); with a Dask ``client``, its tables are checked on the
    cluster."""
    from mscdata.builder import publish
    from mscdata.validator.validation import validate as validate_package

    beside = folder / STORE_PATH.parent  # the build's own disk, not a memory-backed /tmp
    checked = validate_package(
        folder, progress=progress, temp_dir=beside if beside.is_dir() else None, client=client
    )
    if not checked.valid:
        first = checked.errors[0]
        raise BuildError(
            f"{what} is invalid ({counted(len(checked.errors), 'error')}); first: {first}"
        )
    publish.checkpoint("validated")
