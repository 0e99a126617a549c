"""mscdata's disk cache: raw E-utilities responses and downloaded data packages.

The folder is ``MSCDATA_CACHE_DIR`` when set, else the platform's user cache folder
(``platformdirs``). A response is stored under a key made from the request (the
endpoint and its parameters, without ``api_key``, ``tool`` and ``email``), written to
a temporary file and renamed, so a cache is never left half-written and can be
moved or shared between machines.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

# parameters that say who asks, not what is asked: never part of a cache key
PERSONAL_PARAMETERS = frozenset({"api_key", "tool", "email"})


def cache_dir() -> Path:
    """The cache folder (not created)."""
    configured = os.environ.get("MSCDATA_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("mscdata", appauthor=False))


def request_key(endpoint: str, params: dict[str, Any]) -> str:
    """A stable key for a request: what is asked, not who asks or how it is sent."""
    asked = sorted((k, str(v)) for k, v in params.items() if k not in PERSONAL_PARAMETERS)
    text = json.dumps([endpoint, asked], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class ResponseCache:
    """Raw responses on disk, one file per request plus a small JSON note of what was
    asked and from where."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (folder or cache_dir()) / "eutils"

    def path(self, endpoint: str, params: dict[str, Any]) -> Path:
        key = request_key(endpoint, params)
        name = endpoint.rsplit("/", 1)[-1].removesuffix(".fcgi")
        db = params.get("db", "")
        return self.folder / key[:2] / f"{name}-{db}-{key[:16]}.xml"

    def get(self, endpoint: str, params: dict[str, Any]) -> Path | None:
        path = self.path(endpoint, params)
        return path if path.is_file() else None

    def put(self, endpoint: str, params: dict[str, Any], body: bytes, url: str) -> Path:
        path = self.path(endpoint, params)
        asked = {k: v for k, v in params.items() if k not in PERSONAL_PARAMETERS}
        note = {"url": url, "endpoint": endpoint, "params": asked}
        write_atomically(path.with_suffix(".json"), json.dumps(note, indent=1).encode())
        write_atomically(path, body)
        return path
