"""Bring a remote or zipped data package to a local folder for validation.

Zip archives are unpacked safely: no absolute paths, no ``..``, no links, and a size
limit. A ``datapackage.json`` URL is downloaded with the resource files it names by
relative path; nothing else is fetched.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from mscdata.errors import PackageError

MAX_BYTES = 2 << 30  # 2 GiB unpacked or downloaded, whichever the package needs
TIMEOUT_SECONDS = 60


def is_remote(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def unpack_zip(archive: Path, folder: Path) -> Path:
    """Unpack ``archive`` into ``folder``; return the folder holding datapackage.json."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            total = 0
            for member in members:
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts or member.filename.startswith("\\"):
                    raise PackageError(f"{archive}: unsafe path in the archive: {member.filename}")
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise PackageError(f"{archive}: the archive holds a link: {member.filename}")
                total += member.file_size
                if total > MAX_BYTES:
                    raise PackageError(f"{archive}: unpacks to more than {MAX_BYTES} bytes")
            bundle.extractall(folder)
    except zipfile.BadZipFile as error:
        raise PackageError(f"{archive}: not a zip archive ({error})") from None
    found = sorted(folder.rglob("datapackage.json"), key=lambda p: len(p.parts))
    if not found:
        raise PackageError(f"{archive}: no datapackage.json in the archive")
    return found[0].parent


def download_file(url: str, target: Path) -> None:
    """Stream ``url`` into ``target``: OSError when it cannot be had (no network, HTTP
    error, timeout), PackageError when it is larger than the size limit."""
    import urllib.request

    with (
        urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response,
        target.open("wb") as handle,
    ):
        size = 0
        for block in iter(lambda: response.read(1 << 20), b""):
            size += len(block)
            if size > MAX_BYTES:
                raise PackageError(f"{url}: more than {MAX_BYTES} bytes")
            handle.write(block)


def _download(url: str, target: Path) -> None:
    try:
        download_file(url, target)
    except OSError as error:  # URLError, HTTPError and TimeoutError included
        raise PackageError(f"{url}: cannot download: {error}") from None


def fetch(url: str, folder: Path) -> Path:
    """Download a ``datapackage.json`` URL (with its resources) or a zip URL into
    ``folder``; return the local package folder."""
    name = PurePosixPath(url.split("?", 1)[0]).name or "download"
    target = folder / name
    _download(url, target)
    if zipfile.is_zipfile(target):
        return unpack_zip(target, folder / "unpacked")
    try:
        descriptor = json.loads(target.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{url}: neither a zip nor a datapackage.json ({error})") from None
    package = folder / "package"
    package.mkdir()
    shutil.move(target, package / "datapackage.json")
    base = url.rsplit("/", 1)[0]
    for resource in descriptor.get("resources") or []:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or is_remote(path):
            continue  # frictionless reports what cannot be read
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise PackageError(f"{url}: unsafe resource path {path!r}")
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        _download(f"{base}/{path}", package / relative)
    return package
