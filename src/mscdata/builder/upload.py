"""Publish a package folder at a storage URL (``s3://bucket/mscdata``…): ``mscdata
upload``, and ``mscdata build --out URL``.

An object store renames nothing and swaps no folders, so a package is published the way
table formats on object stores publish a version: under new names first, then one
object that points at them.

1. Every file of the package goes to ``URL/versions/<id>/`` under its own name, the
   package's own ``datapackage.json`` (byte for byte the local one) last. ``<id>`` is
   the first 16 hex digits of that descriptor's SHA-256, which holds every table's hash:
   the same package always goes to the same place. With a Dask client the workers upload
   (a task per file, from the folder they share); otherwise a few threads do.
2. Each object's size is checked against its file.
3. ``URL/datapackage.json`` is written: the same descriptor with each resource's ``path``
   under ``versions/<id>/``. Writing one object is atomic on object stores: a reader
   sees the previous package or the new one, never a mix.
4. Versions other than the new one and the one the previous descriptor named are
   removed; a reader who read the previous descriptor a moment ago can finish.

A failure before step 3 leaves the previous package as it was; the next upload removes
what the failed one left. One upload into a URL at a time: builds sharing a work folder
wait for each other (its lock), other writers must not publish to the same URL at once.
The record store (``.mscdata/``) is not uploaded; it stays in the local folder, where
``mscdata update`` takes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mscdata.errors import BuildError, MscdataError
from mscdata.progress import Progress, as_progress
from mscdata.storage_urls import filesystem, is_storage_url

DESCRIPTOR = "datapackage.json"
VERSIONS = "versions"  # the folder of every uploaded package, under the URL
ID_DIGITS = 16  # hex digits of the descriptor's SHA-256 naming a version
UPLOAD_THREADS = 8  # files uploaded at once without a cluster
LINKED = ("schema", "dialect")  # resource properties that may name a file of the package


@dataclass
class UploadReport:
    """What :func:`upload` did: the package's ``url``, the ``version`` folder it points
    at, the files and bytes sent (none when the URL already held this package), and the
    older versions removed."""

    url: str
    version: str
    files: int = 0
    bytes: int = 0
    unchanged: bool = False
    removed: list[str] = field(default_factory=list)


def upload(
    package: str | os.PathLike,
    url: str,
    *,
    storage_options: dict[str, Any] | None = None,
    validate: bool = True,
    progress: Progress | bool | None = None,
    client: Any = None,
) -> UploadReport:
    """Publish the package in folder ``package`` at the storage ``url`` (see the module's
    steps); with ``validate`` (the default) it must pass :func:`mscdata.validate` first.
    ``storage_options`` go to the URL's fsspec file system (endpoint, credentials…);
    with a Dask ``client``, its workers upload the files, which they must see at the
    same paths. The folder's lock is held meanwhile (an update waits). BuildError,
    naming the file or object, when anything fails."""
    from mscdata.builder.publish import holding_lock

    with holding_lock(package):
        return upload_held(package, url, storage_options, validate, progress, client)


def upload_held(
    package: str | os.PathLike,
    url: str,
    storage_options: dict[str, Any] | None = None,
    validate: bool = True,
    progress: Progress | bool | None = None,
    client: Any = None,
) -> UploadReport:
    """:func:`upload`, by a caller holding the folder's lock (a build)."""
    progress = as_progress(progress)
    url = storage_url(url)
    fs, root = published_at(url, storage_options)
    folder = Path(package)
    text, files = _package_files(folder)
    if validate:
        from mscdata.builder.package_check import check_built

        check_built(folder, progress, str(folder))
    version = f"{VERSIONS}/{_content_id(folder, text, files)}"
    pointer = _pointer(text, version)
    report = UploadReport(url=url, version=version)
    with _storage_errors(url):
        previous, current = _published(fs, root, url)
        if current == pointer and _complete(fs, root, version, files, folder):
            report.unchanged = True  # the same id: the same bytes (_content_id)
            return report
        sent = [(folder / name, f"{root}/{version}/{name}") for name in files]
        sent.append((folder / DESCRIPTOR, f"{root}/{version}/{DESCRIPTOR}"))
        send = _on_cluster(client, url, storage_options) if client else _here(fs)
        with progress.task("uploading", total=len(sent), unit="files") as task:
            # the version's own descriptor last: a version folder holding it is whole
            report.bytes = sum(send(sent[:-1], task.update)) + sum(send(sent[-1:], task.update))
        report.files = len(sent)
        _write_whole(fs, f"{root}/{DESCRIPTOR}", pointer)
    report.removed = _remove_versions(fs, root, keep={version, previous})
    return report


def storage_url(url: str) -> str:
    """``url`` checked to be a storage URL, without a trailing slash."""
    if not is_storage_url(url):
        raise BuildError(f"{url}: not a storage URL (such as s3://bucket/folder)")
    return url.rstrip("/")


def published_at(url: str, storage_options: dict[str, Any] | None) -> tuple[Any, str]:
    """The file system and root of ``url``, once it is known to answer and to hold a
    package or nothing (credentials, endpoint and bucket checked before anything is
    built or validated); BuildError otherwise."""
    fs, root = filesystem(url, storage_options, error=BuildError)
    root = root.rstrip("/")
    with _storage_errors(url):
        fs.invalidate_cache(root)  # listings another writer may have changed since
        _published(fs, root, url)
    return fs, root


def _content_id(folder: Path, text: bytes, files: list[str]) -> str:
    """The version's name: the SHA-256 of the descriptor and of every file it names, so
    that other bytes never go where readers may be reading (a package's descriptor need
    not hold its files' hashes)."""
    from mscdata.checksums import file_sha256

    digest = hashlib.sha256(text)
    for name in files:
        digest.update(f"\0{name}\0{file_sha256(folder / name)}".encode())
    return digest.hexdigest()[:ID_DIGITS]


def _write_whole(fs: Any, path: str, data: bytes) -> None:
    """``data`` written at ``path`` in one step: under another name first, then moved
    (an object store copies it whole; a file system with folders renames it)."""
    partial = f"{path}.partial-{uuid.uuid4().hex[:12]}"
    fs.pipe_file(partial, data)
    try:
        fs.mv(partial, path)
    finally:
        if fs.exists(partial):
            fs.rm(partial)


def _package_files(folder: Path) -> tuple[bytes, list[str]]:
    """The descriptor's bytes and the files its resources name (relative, inside the
    folder, present)."""
    from mscdata.validator.package_files import check_path

    try:
        text = (folder / DESCRIPTOR).read_bytes()
        descriptor = json.loads(text)
    except OSError as error:
        raise BuildError(f"{folder / DESCRIPTOR}: {error.strerror or error}") from None
    except ValueError as error:
        raise BuildError(f"{folder / DESCRIPTOR}: not JSON ({error})") from None
    names: list[str] = []
    for resource in descriptor.get("resources", []) if isinstance(descriptor, dict) else []:
        for path in _named(resource):
            try:
                check_path(folder, path)
            except MscdataError as error:
                raise BuildError(f"{folder / DESCRIPTOR}: {error}") from None
            if not (folder / path).is_file():
                raise BuildError(f"{folder / path}: named by the descriptor, not found")
            if path not in names:
                names.append(path)
    return text, names


def _named(resource: Any) -> list[str]:
    """The files a resource names: its data, and its schema and dialect given by path."""
    if not isinstance(resource, dict):
        return []
    paths = resource.get("path")
    named = list(paths) if isinstance(paths, list) else [paths]
    named += [resource.get(key) for key in LINKED]
    return [path for path in named if isinstance(path, str)]


def _pointer(text: bytes, version: str) -> bytes:
    """The descriptor published at the URL: the package's, its paths under ``version``."""
    descriptor = json.loads(text)
    for resource in descriptor["resources"]:
        path = resource.get("path")
        if isinstance(path, list):
            resource["path"] = [f"{version}/{item}" for item in path]
        elif isinstance(path, str):
            resource["path"] = f"{version}/{path}"
        for key in LINKED:
            if isinstance(resource.get(key), str):
                resource[key] = f"{version}/{resource[key]}"
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _published(fs: Any, root: str, url: str) -> tuple[str | None, bytes | None]:
    """The version the URL's descriptor points at (None when none), and its bytes;
    BuildError when the URL holds other things and no package."""
    try:
        current = fs.cat_file(f"{root}/{DESCRIPTOR}")
    except FileNotFoundError:
        if _holds_anything(fs, root):
            raise BuildError(
                f"{url}: holds objects but no {DESCRIPTOR}; refusing to publish a package there"
            ) from None
        return None, None
    try:
        resources = json.loads(current)["resources"]
        paths = [
            item
            for resource in resources
            for item in (
                resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
            )
        ]
    except (ValueError, KeyError, TypeError):
        return None, current  # not one of ours: replaced, its files left alone
    folders = {"/".join(PurePosixPath(p).parts[:2]) for p in paths if isinstance(p, str)}
    versions = {f for f in folders if f.startswith(f"{VERSIONS}/")}
    return (versions.pop() if len(versions) == 1 else None), current


def _holds_anything(fs: Any, root: str) -> bool:
    try:
        return bool(fs.ls(root, detail=False))
    except FileNotFoundError:
        return False


def _complete(fs: Any, root: str, version: str, files: list[str], folder: Path) -> bool:
    """Whether every file of the package is at ``version`` with its size."""
    wanted = [*files, DESCRIPTOR]
    try:
        sizes = [fs.size(f"{root}/{version}/{name}") for name in wanted]
    except FileNotFoundError:
        return False
    return sizes == [(folder / name).stat().st_size for name in wanted]


Sender = Callable[[list[tuple[Path, str]], Callable[[int], None]], list[int]]


def _here(fs: Any) -> Sender:
    """Files uploaded by threads of this process; their sizes as stored."""

    def send(pairs: list[tuple[Path, str]], done: Callable[[int], None]) -> list[int]:
        pool = ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="mscdata-upload")
        try:
            sizes = []
            for size in pool.map(lambda pair: put_file(fs, *pair), pairs):
                sizes.append(size)
                done(1)
            return sizes
        finally:  # after a failure, the files not yet started are not sent
            pool.shutdown(wait=True, cancel_futures=True)

    return send


def _on_cluster(client: Any, url: str, storage_options: dict[str, Any] | None) -> Sender:
    """Files uploaded by tasks on the Dask cluster of ``client``, a task per file."""
    from mscdata.dask_cluster import task_result

    def send(pairs: list[tuple[Path, str]], done: Callable[[int], None]) -> list[int]:
        futures = [
            client.submit(_upload_task, url, storage_options, local.absolute(), remote, pure=False)
            for local, remote in pairs
        ]
        sizes = []
        try:
            for future, (local, _) in zip(futures, pairs, strict=True):
                sizes.append(task_result(future, f"{local}: uploading it"))
                done(1)
        finally:
            client.cancel([future for future in futures if not future.done()])
        return sizes

    return send


def _upload_task(url: str, storage_options: dict[str, Any] | None, local: Path, remote: str) -> int:
    """What a Dask task runs: one file uploaded; its size as stored."""
    fs, _ = filesystem(url, storage_options, error=BuildError)
    return put_file(fs, local, remote)


def put_file(fs: Any, local: Path, remote: str) -> int:
    """``local`` written at ``remote`` of ``fs``, its stored size checked; the size."""
    try:
        try:
            fs.put_file(str(local), remote)
        except FileNotFoundError:  # a file system with real folders (sftp, smb…)
            fs.makedirs(remote.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(local), remote)
        stored = fs.size(remote)
    except MscdataError:
        raise
    except Exception as error:  # each file system has errors of its own
        raise BuildError(f"{remote}: cannot upload {local}: {error}") from None
    size = local.stat().st_size
    if stored != size:
        raise BuildError(f"{remote}: {stored} bytes stored of {local}'s {size}")
    return size


def _remove_versions(fs: Any, root: str, keep: set[str | None]) -> list[str]:
    """Every version under the URL but those in ``keep`` removed; the names of those
    removed (one that cannot be removed now is left for the next upload)."""
    try:
        found = fs.ls(f"{root}/{VERSIONS}", detail=False)
    except Exception:
        return []
    removed = []
    for path in sorted(found):
        name = f"{VERSIONS}/{PurePosixPath(path).name}"
        if name in keep:
            continue
        try:
            fs.rm(path, recursive=True)
        except Exception:
            continue
        removed.append(name)
    return removed


@contextlib.contextmanager
def _storage_errors(url: str) -> Iterator[None]:
    """The storage's errors (an OSError, or a file system's own: no credentials, no
    endpoint, a bad bucket name) as one-line BuildErrors naming the URL."""
    try:
        yield
    except MscdataError:
        raise
    except OSError as error:
        raise BuildError(f"{url}: {error.strerror or error}") from None
    except Exception as error:  # each file system has errors of its own (botocore's…)
        raise BuildError(f"{url}: {type(error).__name__}: {error}") from None
