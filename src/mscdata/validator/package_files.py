"""The one guard between a package's descriptor and the files it names.

Every reader of packages (``load``, ``download``, ``validate`` with either engine,
the fetch of a remote ``datapackage.json``) goes through :func:`check_path` before
it opens a file a descriptor names, and reads JSON with :func:`read_json`:

* a path must be a non-empty POSIX path relative to the package: no absolute path,
  no ``..``, no backslash, no NUL byte, no final ``/``, and no URL unless the caller allows
  ``http(s)://`` (validate hands remote data to frictionless; load never reads it);
* after symlinks are followed it must still lie inside the package folder;
* it must be a regular file: FIFOs, devices, sockets and directories are refused
  from ``os.stat`` before anything is opened (opening a FIFO blocks forever, a
  device such as ``/dev/zero`` never ends);
* JSON (descriptors, Table Schemas, dialects) is at most :data:`MAX_JSON_BYTES`,
  nested at most :data:`MAX_JSON_DEPTH` levels, and has no integer literal longer
  than Python converts (4,300 digits);
* a Table Schema has at most :data:`MAX_FIELDS` fields and a CSV header at most as
  many columns.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from mscdata.errors import PackageError

MAX_JSON_BYTES = 64 << 20  # 64 MiB: a descriptor or Table Schema (mscdata's is ~100 KiB)
MAX_JSON_DEPTH = 64  # nesting levels of a descriptor or Table Schema (mscdata's use 6)
# fields of a Table Schema, columns of a CSV header: mscdata's widest table has 35, and
# frictionless's label checks grow faster than the width (4,000 columns: 15 s)
MAX_FIELDS = 2_000
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # any scheme ("file:", "http:", "C:")
_REMOTE = ("http://", "https://")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_path(base: Path, path: Any, *, urls: bool = False, what: str = "path") -> Path | str:
    """The file ``path`` names inside the package folder ``base`` (resolved), or the
    URL itself when ``urls`` allows remote data; PackageError saying why otherwise.

    A file that does not exist passes (its reader reports it as missing); one that
    exists must be a regular file, which is checked without opening it.
    """
    if not isinstance(path, str) or not path:
        raise PackageError(f"{what} must be a non-empty string, found {_shown(path)}")
    if "\x00" in path:
        raise PackageError(f"{what} {_shown(path)} holds a NUL byte")
    if re.match(r"^[A-Za-z]:", path):
        raise PackageError(f"{what} {_shown(path)} is absolute (a drive letter)")
    if _URL.match(path):
        if urls and path.lower().startswith(_REMOTE):
            return path
        raise PackageError(f"{what} {_shown(path)} is a URL, not a file of the package")
    if path.endswith("/"):
        raise PackageError(f"{what} {_shown(path)} ends with '/': it names no file")
    if "\\" in path:
        raise PackageError(f"{what} {_shown(path)} is not a POSIX path (it holds a backslash)")
    relative = PurePosixPath(path)
    if relative.is_absolute():
        raise PackageError(f"{what} {_shown(path)} is absolute: it must be inside the package")
    if ".." in relative.parts:
        raise PackageError(f"{what} {_shown(path)} holds '..': it must stay inside the package")
    root = os.path.realpath(base)
    target = os.path.realpath(os.path.join(root, *relative.parts))
    if os.path.commonpath([root, target]) != root:
        raise PackageError(f"{what} {_shown(path)} leads outside the package (a symlink)")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return Path(target)
    except OSError as error:  # a symlink loop, a name too long, no permission
        raise PackageError(f"{what} {_shown(path)} cannot be read: {error.strerror}") from None
    if not stat.S_ISREG(mode) or target == root:
        raise PackageError(f"{what} {_shown(path)} is {_kind(mode)}, not a regular file")
    return Path(target)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}… ({len(text)} characters)"


def open_regular(path: Path) -> BinaryIO:
    """A regular file opened for reading, checked to be one before it is opened (and
    again on the open descriptor); PackageError for a special file, OSError when it
    cannot be opened."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise PackageError(f"{path}: {_kind(mode)}, not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.fdopen(os.open(path, flags), "rb")
    mode = os.fstat(handle.fileno()).st_mode
    if not stat.S_ISREG(mode):  # replaced between the two looks
        handle.close()
        raise PackageError(f"{path}: {_kind(mode)}, not a regular file")
    return handle


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes (see :func:`open_regular`); PackageError when it holds
    more than ``limit`` bytes."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if limit is not None and size > limit:
            raise PackageError(f"{path}: {size} bytes, more than the {limit} allowed")
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise PackageError(f"{path}: more than the {limit} bytes allowed")
    return data


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests lists and objects more than ``limit`` levels."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(data: bytes, where: str) -> Any:
    """JSON text (UTF-8, a BOM allowed) parsed with the limits above; PackageError
    naming ``where`` and the line otherwise."""
    if len(data) > MAX_JSON_BYTES:
        raise PackageError(f"{where}: {len(data)} bytes, more than the {MAX_JSON_BYTES} allowed")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PackageError(f"{where}:{line}: not UTF-8 ({error.reason})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{where}:{error.lineno}:{error.colno}"
        raise PackageError(f"{where}: malformed JSON: {error.msg}") from None
    except RecursionError:
        raise PackageError(f"{where}: nested too deep (over {MAX_JSON_DEPTH} levels)") from None
    except ValueError as error:  # an integer literal of more digits than Python converts
        raise PackageError(f"{where}: unreadable JSON: {error}") from None
    if too_deep(value):
        raise PackageError(f"{where}: nested too deep (over {MAX_JSON_DEPTH} levels)")
    return value


def read_json(path: Path, where: str | None = None) -> Any:
    """A JSON file read with :func:`read_regular` and :func:`parse_json`."""
    where = where or str(path)
    try:
        data = read_regular(path, MAX_JSON_BYTES)
    except OSError as error:
        raise PackageError(f"{where}: cannot read: {error.strerror}") from None
    return parse_json(data, where)


def resource_label(resource: Any, index: int) -> str:
    """A resource's name, or its position when it has none."""
    name = resource.get("name") if isinstance(resource, dict) else None
    return name if isinstance(name, str) else f"#{index + 1}"


@dataclass
class GuardedPackage:
    """A descriptor whose paths passed :func:`check_path`: Table Schemas and dialects
    given by path read in, the problems found, and the file (resolved path, or URL)
    of every path of every resource, by the resource's position."""

    descriptor: dict[str, Any]
    problems: list[tuple[str, str]]
    files: dict[int, list[Path | str]] = field(default_factory=dict)


def guard_package(base: Path, descriptor: dict[str, Any], *, urls: bool) -> GuardedPackage:
    """Every path of ``descriptor`` checked once; each JSON file that Table Schemas and
    dialects name read once (however many resources name it), all of them together at
    most :data:`MAX_JSON_BYTES`. Problems are (resource, reason) for each unsafe or
    unreadable path, special file or schema that is not an object."""
    guarded = GuardedPackage({}, [])
    read: dict[Path, Any] = {}
    budget = MAX_JSON_BYTES
    resources = []
    for index, resource in enumerate(descriptor["resources"]):
        label = resource_label(resource, index)
        if not isinstance(resource, dict):
            guarded.problems.append((label, "the resource is not an object"))
            resources.append(resource)
            continue
        resource = dict(resource)
        paths = resource.get("path")
        files = guarded.files[index] = []
        for path in paths if isinstance(paths, list) else [paths] if "path" in resource else []:
            try:
                files.append(check_path(base, path, urls=urls))
            except PackageError as error:
                guarded.problems.append((label, str(error)))
        for key in ("schema", "dialect"):
            if not isinstance(resource.get(key), str):
                continue
            where = f"{key} {resource[key]!r}"
            try:
                target = Path(check_path(base, resource[key], urls=False, what=key))
                if target not in read:
                    if target.is_file() and target.stat().st_size > budget:
                        raise PackageError(
                            f"{where}: the package's JSON files together exceed "
                            f"{MAX_JSON_BYTES} bytes"
                        )
                    data = read_regular(target, budget)
                    budget -= len(data)
                    read[target] = parse_json(data, where)
                content = read[target]
            except PackageError as error:
                guarded.problems.append((label, str(error)))
                continue
            except OSError as error:
                guarded.problems.append((label, f"{where}: cannot read: {error.strerror}"))
                continue
            if not isinstance(content, dict):
                guarded.problems.append((label, f"{where} is not a JSON object"))
                continue
            resource[key] = content
        resources.append(resource)
    guarded.descriptor = {**descriptor, "resources": resources}
    return guarded


def guard_resources(
    base: Path, descriptor: dict[str, Any], *, urls: bool
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """:func:`guard_package`'s descriptor and problems."""
    guarded = guard_package(base, descriptor, urls=urls)
    return guarded.descriptor, guarded.problems
