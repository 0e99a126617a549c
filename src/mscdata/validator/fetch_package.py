"""Bring a remote or zipped data package to a local folder for validation.

Zip archives are unpacked safely: no absolute paths, no ``..``, no links, and a size
limit. A ``datapackage.json`` URL, on the web or in storage (``s3://…``, through fsspec:
:mod:`mscdata.storage_urls`), is downloaded with the resource files it names by relative
path; nothing else is fetched.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from mscdata.errors import PackageError
from mscdata.progress import SILENT, Progress
from mscdata.storage_urls import filesystem, is_storage_url

MAX_BYTES = 2 << 30  # 2 GiB downloaded, or unpacked from one archive (or storage URL)
MAX_RATIO = 100  # a member larger than RATIO_FLOOR may unpack to at most 100x its size
RATIO_FLOOR = 1 << 20  # 1 MiB: smaller members are never refused for their ratio
MAX_MEMBERS = 10_000  # entries of one archive (a package has a few dozen)
TIMEOUT_SECONDS = 60
_CHUNK = 1 << 20


def is_remote(path: str) -> bool:
    """Whether ``path`` is a web address or a storage URL (``s3://…``): a package to fetch."""
    return path.startswith(("http://", "https://")) or is_storage_url(path)


def _member_name(archive: Path, info: zipfile.ZipInfo) -> PurePosixPath | None:
    """A member's safe relative path (None for a folder); PackageError for absolute
    paths, ``..``, backslashes, drive letters and links."""
    name = info.filename
    relative = PurePosixPath(name)
    if (
        relative.is_absolute()
        or ".." in relative.parts
        or "\\" in name
        or (relative.parts and ":" in relative.parts[0])
    ):
        raise PackageError(f"{archive}: unsafe path in the archive: {name!r}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageError(f"{archive}: the archive holds a link: {name!r}")
    if info.is_dir() or not relative.parts:
        return None
    return relative


def _check_members(archive: Path, members: list[zipfile.ZipInfo]) -> list[tuple[Any, Any]]:
    """(member, relative path) of every file to unpack, once the archive's directory
    is found safe: names, no duplicates, sizes and ratios as declared."""
    if len(members) > MAX_MEMBERS:
        raise PackageError(
            f"{archive}: {len(members)} members, more than the {MAX_MEMBERS} allowed"
        )
    seen: set[str] = set()
    files, total = [], 0
    for info in members:
        relative = _member_name(archive, info)
        key = "/".join(PurePosixPath(info.filename).parts).casefold()
        if key in seen:
            raise PackageError(f"{archive}: {info.filename!r} appears twice in the archive")
        seen.add(key)
        if relative is None:
            continue
        _check_size(archive, info.filename, info.file_size, info.compress_size)
        total += info.file_size
        if total > MAX_BYTES:
            raise PackageError(f"{archive}: unpacks to more than {MAX_BYTES} bytes")
        files.append((info, relative))
    return files


def _check_size(archive: Path, name: str, size: int, packed: int) -> None:
    if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
        raise PackageError(
            f"{archive}: {name!r} unpacks to {size} bytes from {packed}: a compression ratio "
            f"over {MAX_RATIO}:1 (a zip bomb?)"
        )


def _extract(archive: Path, bundle: zipfile.ZipFile, info: Any, target: Path, budget: int) -> int:
    """Stream one member to ``target`` with a byte cap (the header may lie); its size."""
    written = 0
    with bundle.open(info) as source, target.open("xb") as handle:
        while block := source.read(_CHUNK):
            written += len(block)
            if written > info.file_size or written > budget:
                raise PackageError(f"{archive}: {info.filename!r} unpacks to more than it declares")
            _check_size(archive, info.filename, written, info.compress_size)
            handle.write(block)
    return written


def unpack_zip(archive: Path, folder: Path) -> Path:
    """Unpack ``archive`` into ``folder``; return the folder holding datapackage.json.

    Refused (PackageError), before anything is written when the archive's directory
    tells: unsafe paths, links, duplicate names, more than :data:`MAX_MEMBERS`
    members, more than :data:`MAX_BYTES` in all, a member over 1 MiB compressed more
    than :data:`MAX_RATIO` to 1; and, while unpacking, a member yielding more than
    its header declares. The archive must hold exactly one shallowest datapackage.json.
    """
    from mscdata.validator.package_files import open_regular

    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open_regular(archive) as handle, zipfile.ZipFile(handle) as bundle:
            budget = MAX_BYTES
            for info, relative in _check_members(archive, bundle.infolist()):
                target = folder.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                budget -= _extract(archive, bundle, info, target, budget)
    except PackageError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise PackageError(f"{archive}: not a readable zip archive ({error})") from None
    except (RuntimeError, NotImplementedError) as error:  # encrypted, unknown compression
        raise PackageError(f"{archive}: cannot unpack: {error}") from None
    except OSError as error:  # a file where a folder should be, and the like
        raise PackageError(f"{archive}: cannot unpack: {error.strerror or error}") from None
    found = sorted(folder.rglob("datapackage.json"), key=lambda p: len(p.parts))
    if not found:
        raise PackageError(f"{archive}: no datapackage.json in the archive")
    if len(found) > 1 and len(found[1].parts) == len(found[0].parts):
        raise PackageError(f"{archive}: more than one datapackage.json at the top of the archive")
    return found[0].parent


def download_file(
    url: str, target: Path, limit: int = MAX_BYTES, progress: Progress = SILENT
) -> int:
    """Stream ``url`` into ``target``; its size. OSError when it cannot be had (no
    network, HTTP error, timeout), PackageError when it is larger than ``limit``.
    ``progress`` is shown the bytes downloaded (of the size the server announces)."""
    import urllib.request

    with (
        urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response,
        target.open("wb") as handle,
    ):
        announced = response.headers.get("Content-Length", "")
        total = int(announced) if announced.isdigit() else None
        name = PurePosixPath(url.split("?", 1)[0]).name or url
        with progress.task(f"downloading {name}", total=total, unit="B") as task:
            return _copy_limited(response, handle, url, limit, task)


def _copy_limited(source: Any, handle: Any, url: str, limit: int, task: Any) -> int:
    """``source`` (read in blocks) copied into ``handle``, each block shown to ``task``;
    the bytes copied. PackageError naming ``url`` past ``limit`` bytes."""
    size = 0
    for block in iter(lambda: source.read(_CHUNK), b""):
        size += len(block)
        if size > limit:
            raise PackageError(f"{url}: more than {limit} bytes")
        handle.write(block)
        task.update(len(block))
    return size


def _download(url: str, target: Path, limit: int, progress: Progress = SILENT) -> int:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_storage_url(url):
            return copy_object(url, target, limit, progress)
        return download_file(url, target, limit, progress)
    except PackageError:
        raise
    except OSError as error:  # URLError, HTTPError and TimeoutError included
        raise PackageError(f"{url}: cannot download: {error}") from None
    except Exception as error:  # a storage file system's own (no credentials, endpoint…)
        raise PackageError(f"{url}: cannot download: {type(error).__name__}: {error}") from None


def copy_object(url: str, target: Path, limit: int, progress: Progress = SILENT) -> int:
    """Stream the object at storage ``url`` into ``target`` (the file system's own
    configuration: credentials, endpoint); its size. PackageError when larger than
    ``limit``."""
    fs, path = filesystem(url)
    try:
        total = fs.size(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such object: {path}") from None
    if total is not None and total > limit:
        raise PackageError(f"{url}: more than {limit} bytes")
    with (
        fs.open(path, "rb") as source,
        target.open("wb") as handle,
        progress.task(f"downloading {PurePosixPath(path).name}", total=total, unit="B") as task,
    ):
        return _copy_limited(source, handle, url, limit, task)


def _local_paths(resource: Any) -> list[str]:
    """The package files a resource names: its data, and its schema and dialect when
    given by path (remote data is left to the validator)."""
    if not isinstance(resource, dict):
        return []
    paths = resource.get("path")
    named = paths if isinstance(paths, list) else [paths]
    named += [resource.get("schema"), resource.get("dialect")]
    return [p for p in named if isinstance(p, str) and not is_remote(p)]


def fetch(url: str, folder: Path, progress: Progress = SILENT) -> Path:
    """Download a ``datapackage.json`` URL (with the files it names by relative path)
    or a zip URL into ``folder``; return the local package folder. A storage URL
    (``s3://bucket/mscdata``) may also name the package's folder. Every path is
    checked by :func:`mscdata.validator.package_files.check_path` before anything is fetched,
    and the whole download is limited to :data:`MAX_BYTES`; ``progress`` is shown
    each file's download."""
    from mscdata.validator.package_files import check_path, parse_json

    if is_storage_url(url) and not url.lower().endswith((".json", ".zip")):
        url = url.rstrip("/") + "/datapackage.json"  # a package's folder
    target = folder / "download"
    budget = MAX_BYTES - _download(url, target, MAX_BYTES, progress)
    if zipfile.is_zipfile(target):
        return unpack_zip(target, folder / "unpacked")
    try:
        descriptor = parse_json(target.read_bytes(), url)
    except PackageError as error:
        raise PackageError(f"neither a zip nor a datapackage.json: {error}") from None
    package = folder / "package"
    package.mkdir()
    shutil.move(target, package / "datapackage.json")
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    base = url.split("?", 1)[0].rsplit("/", 1)[0]
    for resource in resources if isinstance(resources, list) else []:
        for path in _local_paths(resource):
            try:
                check_path(package, path)
            except PackageError as error:
                raise PackageError(f"{url}: {error}") from None
            local = package.joinpath(*PurePosixPath(path).parts)
            if not local.exists():
                budget -= _download(f"{base}/{path}", local, budget, progress)
    return package
