"""Package addresses beyond the local disk: fsspec URLs such as ``s3://bucket/mscdata``.

A package can be published to, and read back from, any file system fsspec knows
(``s3://``, ``gs://``, ``az://``, ``abfs://``…) when its implementation is installed
(``pip install "mscdata[cloud]" s3fs``). ``http(s)://`` addresses are not storage URLs
here: they are read as downloads (:mod:`mscdata.validator.fetch_package`), and
``file://`` addresses are plain folders.

Credentials and endpoints are the file system's own (environment variables, its config
files, fsspec's ``FSSPEC_<PROTOCOL>_<OPTION>`` variables), or given as
``storage_options`` (``--storage-option KEY=VALUE``), which are passed to it as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from mscdata.errors import MscdataError, PackageError

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
NOT_STORAGE = {"file", "local", "http", "https"}  # folders, and downloads


def scheme(text: str) -> str | None:
    """The URL scheme of ``text`` (lower case), or None for a path."""
    found = _SCHEME.match(text)
    return found.group(1).lower() if found else None


def is_storage_url(path: Any) -> bool:
    """Whether ``path`` is an fsspec URL a package can be written to or read from."""
    return isinstance(path, str) and scheme(path) not in NOT_STORAGE | {None}


def local_path(path: Any) -> Any:
    """``path`` with a ``file://`` prefix removed (a folder, as fsspec reads it)."""
    if isinstance(path, str) and scheme(path) in {"file", "local"}:
        return path.split("://", 1)[1]
    return path


def parse_options(pairs: Iterable[str]) -> dict[str, Any]:
    """``KEY=VALUE`` texts as storage options; ``true`` and ``false`` become booleans and
    plain integers (``9000``, not ``0012``) integers, everything else stays text (a
    password or token is passed as written). ValueError names a text without ``=``."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"storage option {pair!r} is not KEY=VALUE")
        options[key.strip()] = _typed(value)
    return options


def _typed(value: str) -> Any:
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if re.fullmatch(r"-?(0|[1-9][0-9]{0,17})", value):
        return int(value)
    return value


def filesystem(
    url: str,
    storage_options: Mapping[str, Any] | None = None,
    *,
    error: type[MscdataError] = PackageError,
) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path within it; ``error`` (one line,
    naming what to install) when fsspec or the URL's implementation is missing, or the
    protocol is unknown."""
    try:
        import fsspec
    except ImportError:
        raise error(
            f'{url}: writing and reading storage URLs needs fsspec: pip install "mscdata[cloud]"'
        ) from None
    try:
        return fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except ImportError as missing:  # fsspec names the package to install
        raise error(f"{url}: {missing}") from None
    except (ValueError, TypeError) as wrong:  # an unknown protocol, a bad option
        raise error(f"{url}: {wrong}") from None
