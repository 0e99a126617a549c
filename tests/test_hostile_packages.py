"""Broken and hostile packages: validate (both engines), load and the CLI never trace back,
never hang and never open a file outside the package.

Every case copies the bundled package to a temporary folder and breaks it one way
(descriptor, resource paths, schemas, CSV bytes, zip archives). For each one,
``validate`` returns a report or raises ``PackageError`` (fast and frictionless
engines), ``load`` returns a Dataset or raises ``PackageError`` naming the resource,
``mscdata validate`` exits 0, 1 or 2 with at most one line on stderr, and an audit
hook checks that no file outside the package (the planted secret, /etc/passwd,
/dev/zero) is ever opened. FIFOs are tested in a subprocess with a timeout, so a
regression fails instead of hanging the suite.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.resources import datapackage_dir

SECRET = "SECRET-OUTSIDE-THE-PACKAGE"
_watch: dict[str, Any] = {"forbidden": set(), "opened": []}


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _watch["forbidden"] and isinstance(args[0], str | bytes | Path):
        name = os.fsdecode(args[0])
        if os.path.realpath(name) in _watch["forbidden"] or name in _watch["forbidden"]:
            _watch["opened"].append(name)


sys.addaudithook(_audit)


@pytest.fixture
def watched(tmp_path: Path):
    """The package folder to break, and a secret file beside it that must stay unread."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_text(f"id,title\n{SECRET},x\n", encoding="utf-8")
    (outside / "secret.json").write_text('{"fields": [{"name": "id"}]}', encoding="utf-8")
    package = tmp_path / "work" / "pkg"
    shutil.copytree(datapackage_dir(), package)
    forbidden = {os.path.realpath(p) for p in (secret, outside / "secret.json")}
    forbidden |= {"/etc/passwd", "/dev/zero", "/dev/urandom", "/dev/null"}
    _watch["forbidden"], _watch["opened"] = forbidden, []
    yield package
    opened = list(_watch["opened"])
    _watch["forbidden"], _watch["opened"] = set(), []
    assert not opened, f"opened outside the package: {opened}"


# ---------------------------------------------------------------- building blocks


def _read(package: Path) -> dict[str, Any]:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def _write(package: Path, descriptor: Any) -> None:
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _resource(descriptor: dict[str, Any], name: str = "articles") -> dict[str, Any]:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(resource: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def _edit(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], Path]:
    """A case that edits the descriptor in place (``change`` mutates it)."""

    def make(package: Path) -> Path:
        descriptor = _read(package)
        change(descriptor)
        _write(package, descriptor)
        return package

    return make


def _edit_resource(change: Callable[[dict[str, Any]], Any], name: str = "articles"):
    return _edit(lambda d: change(_resource(d, name)))


def _set(key: str, value: Any, name: str = "articles"):
    return _edit_resource(lambda r: r.__setitem__(key, value), name)


def _set_field(field: str, key: str, value: Any, name: str = "articles"):
    return _edit_resource(lambda r: _field(r, field).__setitem__(key, value), name)


def _constraint(field: str, key: str, value: Any, name: str = "articles"):
    return _edit_resource(
        lambda r: _field(r, field).setdefault("constraints", {}).__setitem__(key, value), name
    )


def _raw_descriptor(data: bytes) -> Callable[[Path], Path]:
    def make(package: Path) -> Path:
        (package / "datapackage.json").write_bytes(data)
        return package

    return make


def _untrack(descriptor: dict[str, Any], name: str) -> None:
    """Drop the resource's hash and size, so that a deliberately changed file is
    judged by its content alone."""
    resource = _resource(descriptor, name)
    resource.pop("hash", None)
    resource.pop("bytes", None)


def _csv(data: bytes | Callable[[bytes], bytes], name: str = "articles") -> Callable:
    """A case that replaces (or rewrites) a resource's CSV bytes."""

    def make(package: Path) -> Path:
        path = package / f"{name}.csv"
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)
        descriptor = _read(package)
        _untrack(descriptor, name)
        _write(package, descriptor)
        return package

    return make


def _replace_file(make_file: Callable[[Path], None], name: str = "articles") -> Callable:
    def make(package: Path) -> Path:
        path = package / f"{name}.csv"
        path.unlink()
        make_file(path)
        return package

    return make


def _link_to(target: str | Callable[[Path], str], name: str = "articles") -> Callable:
    return _replace_file(
        lambda path: path.symlink_to(target(path) if callable(target) else target), name
    )


def _outside(path: Path) -> str:
    return str(path.parents[2] / "outside" / "secret.csv")


def _deep(levels: int) -> bytes:
    return b'{"resources": [], "x": ' + b"[" * levels + b"]" * levels + b"}"


def _schema_file(name: str, path: str, content: bytes | bool | None = None) -> Callable:
    """Move a resource's Table Schema to ``path`` (relative to the package), written
    there unless ``content`` replaces it, is False (nothing written) or the path points
    elsewhere."""

    def make(package: Path) -> Path:
        descriptor = _read(package)
        resource = _resource(descriptor, name)
        schema = resource["schema"]
        resource["schema"] = path
        target = package / path
        if content is not False and not path.startswith("/") and ".." not in path:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if content is not None else json.dumps(schema).encode())
        _write(package, descriptor)
        return package

    return make


def _wide_header(columns: int) -> Callable[[bytes], bytes]:
    return lambda data: ",".join(f"c{i}" for i in range(columns)).encode() + b"\n"


def _big_cell(data: bytes) -> bytes:
    """The article's title made 200 KiB long (a valid cell)."""
    header, row = data.decode().split("\n", 1)
    title = header.split(",").index("title")
    cells = row.split(",", title + 1)
    cells[title] = "T" * (200 << 10)
    return (header + "\n" + ",".join(cells)).encode()


def _ragged_big_cell(data: bytes) -> bytes:
    return _big_cell(data).rstrip(b"\n") + b",extra\n"


def _zip(members: list[tuple[str, bytes]], **info: Any) -> Callable[[Path], Path]:
    """A zip of the package with extra or replacing ``members`` (name, bytes)."""

    def make(package: Path) -> Path:
        archive = package.parent / "package.zip"
        with zipfile.ZipFile(archive, "w") as bundle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": written on purpose
            for path in sorted(p for p in package.iterdir() if p.is_file()):
                bundle.write(path, f"mscdata/{path.name}")
            for name, data in members:
                entry = zipfile.ZipInfo(name)
                for key, value in info.items():
                    setattr(entry, key, value)
                bundle.writestr(entry, data)
        return archive

    return make


def _symlink_zip(package: Path) -> Path:
    archive = package.parent / "package.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(p for p in package.iterdir() if p.is_file()):
            if path.name != "articles.csv":
                bundle.write(path, f"mscdata/{path.name}")
        link = zipfile.ZipInfo("mscdata/articles.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        bundle.writestr(link, "/etc/passwd")
    return archive


def _deflated_zeros(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mebibytes`` MiB of zeros (about 1 KiB per MiB) and
    its CRC-32, made without compressing the whole: one fully flushed block repeated."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return block * mebibytes + b"\x03\x00", crc


def write_raw_zip(
    archive: Path, members: list[tuple[str, bytes, int, int]], flags: int = 0
) -> Path:
    """A zip written byte by byte: each member is (name, deflated data, CRC-32, the
    size its headers declare), so that sizes can be honest or lie; ``flags`` are the
    general purpose bits of every member (1: encrypted)."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(local)
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0, crc, len(data), size, len(encoded), 0
        )
        local += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            8,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    archive.write_bytes(bytes(local + central + end))
    return archive


def _bomb(mebibytes: int, declared: int | None = None) -> Callable[[Path], Path]:
    def make(package: Path) -> Path:
        data, crc = _deflated_zeros(mebibytes)
        size = (mebibytes << 20) if declared is None else declared
        members = [
            (f"mscdata/{p.name}", p.read_bytes())
            for p in sorted(p for p in package.iterdir() if p.is_file())
        ]
        raw = []
        for name, content in members:
            if name == "mscdata/articles.csv":
                raw.append((name, data, crc, size))
                continue
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            deflated = compressor.compress(content) + compressor.flush()
            raw.append((name, deflated, zlib.crc32(content), len(content)))
        return write_raw_zip(package.parent / "bomb.zip", raw)

    return make


def _many_members(package: Path) -> Path:
    archive = package.parent / "package.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(package / "datapackage.json", "mscdata/datapackage.json")
        for number in range(10_001):
            bundle.writestr(f"mscdata/extra/{number}.txt", b"")
    return archive


def _garbage_zip(package: Path) -> Path:
    archive = package.parent / "package.zip"
    archive.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    return archive


def _deflated_zip(package: Path, flags: int = 0, corrupt: str = "") -> Path:
    """The package zipped byte by byte, with general purpose ``flags`` on every member
    and the deflated data of the member named ``corrupt`` overwritten."""
    members = []
    for path in sorted(p for p in package.iterdir() if p.is_file()):
        content = path.read_bytes()
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(content) + compressor.flush()
        if path.name == corrupt:
            deflated = b"\xff" * len(deflated)
        members.append((f"mscdata/{path.name}", deflated, zlib.crc32(content), len(content)))
    return write_raw_zip(package.parent / "package.zip", members, flags)


def _corrupt_deflate_zip(package: Path) -> Path:
    return _deflated_zip(package, corrupt="articles.csv")


def _two_packages_zip(package: Path) -> Path:
    archive = package.parent / "package.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for folder in ("a", "b"):
            for path in sorted(p for p in package.iterdir() if p.is_file()):
                bundle.write(path, f"{folder}/{path.name}")
    return archive


def _recoded(name: str, change: Callable[[dict[str, Any]], Any], rewrite: Callable) -> Callable:
    """A resource whose file is rewritten (``rewrite`` of its text) and whose
    descriptor entry is changed to match (a valid variant of the package)."""

    def make(package: Path) -> Path:
        path = package / f"{name}.csv"
        path.write_bytes(rewrite(path.read_text(encoding="utf-8")))
        descriptor = _read(package)
        _untrack(descriptor, name)
        change(_resource(descriptor, name))
        _write(package, descriptor)
        return package

    return make


def _descriptor_link(package: Path) -> Path:
    """datapackage.json a symlink to a JSON file outside the package."""
    (package / "datapackage.json").unlink()
    (package / "datapackage.json").symlink_to(package.parents[1] / "outside" / "secret.json")
    return package


def _without_field(name: str, field: str) -> Callable[[Path], Path]:
    """A case whose resource has neither the field in its schema nor the column."""

    def make(package: Path) -> Path:
        descriptor = _read(package)
        resource = _resource(descriptor, name)
        resource["schema"]["fields"].remove(_field(resource, field))
        _write(package, descriptor)
        path = package / f"{name}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        column = rows[0].index(field)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(r[:column] + r[column + 1 :] for r in rows)
        return _csv(out.getvalue().encode("utf-8"), name)(package)

    return make


def _positions_near_the_end(data: bytes) -> bytes:
    """authors.csv whose first article has authors at positions 2**63 - 1 and 2**63 - 2
    (floats cannot tell them apart)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    column = rows[0].index("position")
    second = list(rows[1])  # a second author of the first article
    rows[1][column], second[column] = str(2**63 - 1), str(2**63 - 2)
    rows.insert(2, second)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _with_extra_column(name: str) -> Callable[[Path], Path]:
    """A case whose resource has one more field and column than mscdata's."""

    def make(package: Path) -> Path:
        descriptor = _read(package)
        _resource(descriptor, name)["schema"]["fields"].append({"name": "extra", "type": "string"})
        _write(package, descriptor)
        path = package / f"{name}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        rows = [[*rows[0], "extra"]] + [[*row, "x"] for row in rows[1:]]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return _csv(out.getvalue().encode("utf-8"), name)(package)

    return make


def _split(name: str) -> Callable[[Path], Path]:
    """A resource's file split in two (the header in the first), named as a path list."""

    def make(package: Path) -> Path:
        lines = (package / f"{name}.csv").read_bytes().splitlines(keepends=True)
        (package / f"{name}.csv").unlink()
        (package / f"{name}-1.csv").write_bytes(b"".join(lines[:3]))
        (package / f"{name}-2.csv").write_bytes(b"".join(lines[3:]))
        descriptor = _read(package)
        _untrack(descriptor, name)
        _resource(descriptor, name)["path"] = [f"{name}-1.csv", f"{name}-2.csv"]
        _write(package, descriptor)
        return package

    return make


def _socket_file(path: Path) -> None:
    # a socket's path must be short: bind in a short folder, then link to it
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"mscdata-sock-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    where = folder / f"s{time.monotonic_ns() % 10**9}"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(where))
        os.replace(where, path)
    finally:
        server.close()
        folder.rmdir()


def _loop(path: Path) -> None:
    other = path.with_name("loop.csv")
    other.symlink_to(path.name)
    path.symlink_to(other.name)


def _inside_link(package: Path) -> Path:
    """articles.csv a symlink to a copy elsewhere inside the package: allowed."""
    (package / "data").mkdir()
    (package / "articles.csv").rename(package / "data" / "articles.csv")
    (package / "articles.csv").symlink_to("data/articles.csv")
    return package


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    validate: str  # "valid", "invalid" (a report with errors), "refused" (PackageError)
    load: str  # "loads", "refused" or "either"
    says: str = ""  # a phrase the validate error or report must contain


CASES: dict[str, Case] = {
    # the descriptor
    "descriptor-not-json": Case(_raw_descriptor(b'{"resources": ['), "refused", "refused"),
    "descriptor-not-utf8": Case(
        _raw_descriptor('{"name": "caf\u00e9", "resources": []}'.encode("latin-1")),
        "refused",
        "refused",
    ),
    "descriptor-binary": Case(_raw_descriptor(bytes(range(256)) * 4), "refused", "refused"),
    "descriptor-empty": Case(_raw_descriptor(b""), "refused", "refused"),
    "descriptor-array": Case(_raw_descriptor(b"[]"), "refused", "refused"),
    "descriptor-string": Case(_raw_descriptor(b'"datapackage"'), "refused", "refused"),
    "descriptor-null": Case(_raw_descriptor(b"null"), "refused", "refused"),
    "descriptor-symlink-outside": Case(_descriptor_link, "refused", "refused", "outside"),
    "resources-not-list": Case(
        _edit(lambda d: d.__setitem__("resources", {})), "refused", "refused"
    ),
    "resources-missing": Case(_edit(lambda d: d.pop("resources")), "refused", "refused"),
    "resource-not-object": Case(
        _edit(lambda d: d["resources"].__setitem__(0, "articles.csv")), "invalid", "refused"
    ),
    "resource-name-missing": Case(_edit_resource(lambda r: r.pop("name")), "invalid", "refused"),
    "resource-name-not-string": Case(_set("name", 5), "invalid", "refused"),
    "resource-duplicated": Case(
        _edit(lambda d: d["resources"].append(d["resources"][0])), "invalid", "refused"
    ),
    "deep-descriptor-100k": Case(_raw_descriptor(_deep(100_000)), "refused", "refused", "deep"),
    "deep-descriptor-1000": Case(_raw_descriptor(_deep(1000)), "refused", "refused", "deep"),
    "deep-schema": Case(
        _set_field("title", "description", json.loads("[" * 200 + "]" * 200)),
        "refused",
        "refused",
        "deep",
    ),
    "huge-json-integer": Case(
        _raw_descriptor(b'{"resources": [], "bytes": ' + b"9" * 5000 + b"}"), "refused", "refused"
    ),
    "schema-version-5000-digits": Case(
        _edit(lambda d: d["mscdata"].__setitem__("schemaVersion", "1" * 5000)),
        "invalid",
        "refused",
        "schema",
    ),
    "schema-version-not-string": Case(
        _edit(lambda d: d["mscdata"].__setitem__("schemaVersion", 2)), "invalid", "refused"
    ),
    "too-many-fields": Case(
        _edit_resource(
            lambda r: r["schema"]["fields"].extend(
                {"name": f"x{i}", "type": "string"} for i in range(2_001)
            )
        ),
        "invalid",
        "refused",
        "2000",
    ),
    # resource paths
    "path-missing": Case(_edit_resource(lambda r: r.pop("path")), "invalid", "refused"),
    "path-list": Case(_set("path", ["articles.csv", "articles.csv"]), "invalid", "refused"),
    "path-not-string": Case(_set("path", 5), "invalid", "refused"),
    "path-empty": Case(_set("path", ""), "invalid", "refused"),
    "path-dot": Case(_set("path", "."), "invalid", "refused"),
    "path-etc-passwd": Case(_set("path", "/etc/passwd"), "invalid", "refused", "absolute"),
    "path-absolute-secret": Case(
        lambda p: _set("path", _outside(p / "x"))(p), "invalid", "refused", "absolute"
    ),
    "path-dotdot": Case(_set("path", "../../outside/secret.csv"), "invalid", "refused", ".."),
    "path-inner-dotdot": Case(
        _set("path", "data/../../../outside/secret.csv"), "invalid", "refused", ".."
    ),
    "path-backslash": Case(_set("path", "..\\..\\outside\\secret.csv"), "invalid", "refused"),
    "path-file-url": Case(_set("path", "file:///etc/passwd"), "invalid", "refused", "URL"),
    "path-http-url": Case(_set("path", "http://127.0.0.1:9/articles.csv"), "invalid", "refused"),
    "path-drive-letter": Case(_set("path", "C:/articles.csv"), "invalid", "refused", "drive"),
    "path-nul-byte": Case(_set("path", "articles\x00.csv"), "invalid", "refused"),
    "path-too-long": Case(_set("path", "a" * 5000 + ".csv"), "invalid", "refused"),
    "path-dev-zero": Case(_set("path", "/dev/zero"), "invalid", "refused"),
    "symlink-outside": Case(_link_to(_outside), "invalid", "refused", "outside"),
    "symlink-etc-passwd": Case(_link_to("/etc/passwd"), "invalid", "refused", "outside"),
    "symlink-dev-zero": Case(_link_to("/dev/zero"), "invalid", "refused", "outside"),
    "symlink-dangling-outside": Case(_link_to("/nonexistent/x.csv"), "invalid", "refused"),
    "symlink-loop": Case(_replace_file(_loop), "invalid", "refused"),
    "symlink-inside": Case(_inside_link, "valid", "loads"),
    "directory": Case(_replace_file(lambda p: p.mkdir()), "invalid", "refused", "not a regular"),
    "socket": Case(_replace_file(_socket_file), "invalid", "refused", "not a regular"),
    "missing-file": Case(_replace_file(lambda p: None), "invalid", "refused"),
    # Table Schemas
    "schema-path-inside": Case(_schema_file("keywords", "schemas/keywords.json"), "valid", "loads"),
    "schema-path-outside": Case(
        _schema_file("keywords", "../../outside/secret.json"), "invalid", "refused", ".."
    ),
    "schema-path-absolute": Case(
        lambda p: _schema_file("keywords", str(p.parents[1] / "outside" / "secret.json"))(p),
        "invalid",
        "refused",
        "absolute",
    ),
    "schema-path-missing": Case(
        _schema_file("keywords", "nowhere.json", False), "invalid", "refused"
    ),
    "schema-path-not-json": Case(
        _schema_file("keywords", "schema.json", b"{not json"), "invalid", "refused"
    ),
    "schema-path-not-object": Case(
        _schema_file("keywords", "schema.json", b"[1, 2]"), "invalid", "refused"
    ),
    "schema-path-deep": Case(
        _schema_file("keywords", "schema.json", _deep(100_000)), "invalid", "refused", "deep"
    ),
    "schema-path-url": Case(
        _set("schema", "http://127.0.0.1:9/schema.json", "keywords"), "invalid", "refused"
    ),
    "schema-not-object": Case(_set("schema", 5), "invalid", "refused"),
    "schema-missing": Case(_edit_resource(lambda r: r.pop("schema")), "invalid", "refused"),
    "fields-not-list": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("fields", {})), "invalid", "refused"
    ),
    "field-not-object": Case(
        _edit_resource(lambda r: r["schema"]["fields"].__setitem__(0, "id")), "invalid", "refused"
    ),
    "field-name-missing": Case(
        _edit_resource(lambda r: r["schema"]["fields"][1].pop("name")), "invalid", "refused"
    ),
    "field-name-not-string": Case(_set_field("pmid", "name", 5), "invalid", "refused"),
    "field-type-unknown": Case(_set_field("pmid", "type", "bogus"), "invalid", "refused"),
    "list-delimiter-empty": Case(
        _set_field("isbns", "delimiter", ""), "invalid", "either", "delimiter"
    ),
    "list-item-type-unknown": Case(
        _set_field("isbns", "itemType", "year"), "invalid", "either", "item type"
    ),
    "field-type-not-string": Case(_set_field("pmid", "type", ["string"]), "invalid", "refused"),
    "pattern-bad-syntax": Case(
        _constraint("title", "pattern", "(["), "invalid", "refused", "title"
    ),
    "pattern-not-string": Case(_constraint("title", "pattern", 5), "invalid", "refused"),
    "maximum-huge": Case(
        _constraint("position", "maximum", 10**30, "keywords"), "invalid", "refused"
    ),
    "minimum-float-inf": Case(
        _constraint("position", "minimum", 1e308, "keywords"),
        "invalid",
        "refused",
    ),
    "min-length-huge": Case(_constraint("title", "minLength", 10**30), "invalid", "refused"),
    "min-length-not-integer": Case(_constraint("title", "minLength", "abc"), "invalid", "refused"),
    "enum-not-list": Case(
        _constraint("relation", "enum", 5, "linked_articles"), "invalid", "refused"
    ),
    "missing-values-not-list": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("missingValues", 5)), "invalid", "refused"
    ),
    "missing-values-not-strings": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("missingValues", [1, None])),
        "invalid",
        "refused",
    ),
    "primary-key-unknown-field": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("primaryKey", ["nope"])),
        "invalid",
        "loads",  # load keys the tables by mscdata's own schema
    ),
    "primary-key-not-a-list": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("primaryKey", 5)), "invalid", "refused"
    ),
    "foreign-key-without-fields": Case(
        _edit_resource(lambda r: r["schema"]["foreignKeys"][0].pop("fields"), "keywords"),
        "invalid",
        "refused",
    ),
    "unique-not-boolean": Case(_constraint("title", "unique", "yes"), "invalid", "loads"),
    "true-values-not-list": Case(
        _set_field("complete", "trueValues", 5, "keywords"), "invalid", "refused"
    ),
    "field-names-repeated": Case(_set_field("pmid", "name", "id"), "invalid", "refused"),
    "foreign-key-malformed": Case(
        _edit_resource(lambda r: r["schema"].__setitem__("foreignKeys", [5]), "keywords"),
        "invalid",
        "refused",
    ),
    "foreign-key-unknown-resource": Case(
        _edit_resource(
            lambda r: r["schema"]["foreignKeys"][0]["reference"].__setitem__("resource", "nope"),
            "keywords",
        ),
        "invalid",
        "refused",  # one error, by validate and load alike: the package lacks 'nope'
        "lacks the resource 'nope' that foreign keys reference: keywords (article_id)",
    ),
    "delimiter-empty": Case(_set("dialect", {"delimiter": ""}), "invalid", "refused"),
    "delimiter-not-string": Case(_set("dialect", {"delimiter": 5}), "invalid", "refused"),
    "dialect-path-outside": Case(
        _set("dialect", "../../outside/secret.json"), "invalid", "refused", ".."
    ),
    # what pyarrow and the csv module both read: one printable ASCII character or a tab
    "dialect-quote-non-ascii": Case(
        _set("dialect", {"quoteChar": "\u00e9"}), "invalid", "refused", "printable ASCII"
    ),
    "dialect-delimiter-non-ascii": Case(
        _set("dialect", {"delimiter": "\u00e9"}), "invalid", "refused", "printable ASCII"
    ),
    "dialect-delimiter-nul": Case(
        _set("dialect", {"delimiter": "\x00"}), "invalid", "refused", "printable ASCII"
    ),
    "dialect-quote-is-delimiter": Case(
        _set("dialect", {"quoteChar": ","}), "invalid", "refused", "must differ"
    ),
    "dialect-delimiter-is-quote": Case(
        _set("dialect", {"delimiter": '"'}), "invalid", "refused", "must differ"
    ),
    "encoding-utf-16-no-bom": Case(_set("encoding", "utf-16"), "invalid", "refused"),
    "encoding-punycode": Case(
        _set("encoding", "punycode"), "invalid", "refused", "not a text encoding"
    ),
    "encoding-undefined": Case(
        _set("encoding", "undefined"), "invalid", "refused", "not a text encoding"
    ),
    "encoding-with-nul": Case(
        _set("encoding", "utf\x008"), "invalid", "refused", "not a text encoding"
    ),
    "abstract-sections-without-text": Case(
        _without_field("abstract_sections", "text"), "invalid", "refused", "text"
    ),
    "field-without-type": Case(
        _edit_resource(lambda r: _field(r, "title").pop("type")), "invalid", "refused", "title"
    ),
    "positions-near-int64-max": Case(
        _csv(lambda data: _positions_near_the_end(data), "authors"),
        "invalid",
        "either",
        "position",
    ),
    "path-trailing-slash": Case(_set("path", "articles.csv/"), "invalid", "refused", "'/'"),
    "encoding-not-text": Case(_set("encoding", "rot13"), "invalid", "refused"),
    "encoding-unknown": Case(_set("encoding", "no-such-codec"), "invalid", "refused"),
    "bytes-not-integer": Case(_set("bytes", "many"), "invalid", "refused"),
    "hash-not-string": Case(_set("hash", 5), "invalid", "refused"),
    # CSV bytes
    "header-1m-columns": Case(_csv(_wide_header(1_000_000)), "invalid", "refused", "2000"),
    "header-too-wide": Case(_csv(_wide_header(2_001)), "invalid", "refused", "2000"),
    "cell-200kib": Case(_csv(_big_cell), "valid", "loads"),
    "cell-200kib-ragged": Case(_csv(_ragged_big_cell), "invalid", "refused"),
    "label-200kib": Case(_csv(lambda d: b"x" * (200 << 10) + d), "invalid", "refused"),
    "binary-garbage": Case(_csv(bytes(range(256)) * 64), "invalid", "refused"),
    "not-utf8": Case(
        _csv(lambda d: d.replace(b"Rheumatic", b"Rh\xe9umatic")), "invalid", "refused"
    ),
    "bom": Case(_csv(lambda d: b"\xef\xbb\xbf" + d), "valid", "loads"),
    "crlf": Case(_csv(lambda d: d.replace(b"\n", b"\r\n")), "valid", "loads"),
    "cr-only": Case(_csv(lambda d: d.replace(b"\n", b"\r")), "valid", "loads"),
    "empty-file": Case(_csv(b""), "invalid", "refused"),
    "header-only": Case(_csv(lambda d: d.split(b"\n")[0] + b"\n", "keywords"), "valid", "loads"),
    "ragged-rows": Case(
        _csv(
            lambda d: d.replace(b",true\n", b",true,extra\n", 1).replace(b",true\n", b"\n", 1),
            "keywords",
        ),
        "invalid",
        "refused",
    ),
    "nul-bytes": Case(
        _csv(lambda d: d.replace(b"immune", b"imm\x00une"), "keywords"), "valid", "loads"
    ),
    "unclosed-quote": Case(
        _csv(lambda d: d + b'pmid:26237144,7,"open', "keywords"), "invalid", "refused"
    ),
    "integer-5000-digits": Case(
        _csv(lambda d: d.replace(b",1,", b"," + b"9" * 5000 + b",", 1), "keywords"),
        "invalid",
        "refused",
    ),
    "integer-overflow": Case(
        _csv(lambda d: d.replace(b",1,", b",99999999999999999999999,", 1), "keywords"),
        "valid",  # an integer of the Table Schema, beyond 64 bits
        "loads",
    ),
    "key-cell-empty": Case(
        _csv(lambda d: d.replace(b",2,", b",,", 1), "keywords"), "invalid", "refused"
    ),
    "primary-key-repeated": Case(
        _csv(lambda d: d.replace(b",2,", b",1,", 1), "keywords"), "invalid", "refused"
    ),
    "boolean-garbage": Case(
        _csv(lambda d: d.replace(b",true\n", b",maybe\n", 1), "keywords"), "invalid", "refused"
    ),
    "positions-at-int64-limits": Case(
        _csv(
            lambda d: d.replace(b",1,", b",-9223372036854775808,", 1).replace(
                b",2,", b",9223372036854775807,", 1
            ),
            "keywords",
        ),
        "invalid",
        "refused",
    ),
    "date-with-unicode-digits": Case(
        _csv(lambda d: d.replace(b"2013 Oct 23,,", "2013 Oct 23,2013-\u00b21-01,".encode())),
        "invalid",
        "either",
    ),
    "list-100k-items": Case(
        _csv(lambda d: d.replace(b",Review,", b"," + b"|".join([b"Review"] * 100_000) + b",")),
        "valid",
        "loads",
    ),
    # valid variants: what validate accepts, load must load
    "dialect-semicolon": Case(
        _recoded(
            "keywords",
            lambda r: r.__setitem__("dialect", {"delimiter": ";"}),
            lambda text: text.replace(",", ";").encode(),
        ),
        "valid",
        "loads",
    ),
    "dialect-no-header": Case(
        _recoded(
            "keywords",
            lambda r: r.__setitem__("dialect", {"header": False}),
            lambda text: text.split("\n", 1)[1].encode(),
        ),
        "valid",
        "loads",
    ),
    "extra-column": Case(_with_extra_column("articles"), "valid", "loads"),
    "path-list-split-file": Case(_split("keywords"), "valid", "loads"),
    "encoding-latin-1": Case(
        _recoded(
            "articles",
            lambda r: r.__setitem__("encoding", "latin-1"),
            # the bundled titles hold Greek letters: those become "?" in latin-1
            lambda text: text.replace("Rheumatic", "Rh\u00e9umatic").encode("latin-1", "replace"),
        ),
        "valid",
        "loads",
    ),
    # zip archives
    "zip-duplicate-descriptor": Case(
        _zip([("mscdata/datapackage.json", b'{"resources": []}')]), "refused", "refused", "twice"
    ),
    "zip-slip": Case(_zip([("../../outside/evil.csv", b"x")]), "refused", "refused", "unsafe"),
    "zip-absolute": Case(_zip([("/tmp/mscdata-evil.csv", b"x")]), "refused", "refused", "unsafe"),
    "zip-backslash": Case(_zip([("..\\..\\evil.csv", b"x")]), "refused", "refused", "unsafe"),
    "zip-symlink": Case(_symlink_zip, "refused", "refused", "link"),
    "zip-bomb-1.5gib": Case(_bomb(1536), "refused", "refused", "ratio"),
    "zip-bomb-lying-header": Case(_bomb(64, declared=100), "refused", "refused"),
    "zip-many-members": Case(_many_members, "refused", "refused", "members"),
    "zip-garbage": Case(_garbage_zip, "refused", "refused"),
    "zip-corrupt-deflate": Case(_corrupt_deflate_zip, "refused", "refused"),
    "zip-encrypted": Case(lambda p: _deflated_zip(p, flags=0x1), "refused", "refused", "encrypted"),
    "zip-two-packages": Case(_two_packages_zip, "refused", "refused", "datapackage.json"),
    "zip-file-and-folder": Case(
        _zip([("mscdata/articles.csv/inner.txt", b"x")]), "refused", "refused"
    ),
}


def _validate(path: Path, engine: str) -> mscdata.ValidationReport | str:
    try:
        return mscdata.validate(path, engine=engine)
    except mscdata.PackageError as error:
        return str(error)


@pytest.mark.parametrize("name", list(CASES))
def test_a_broken_package_gives_a_report_or_a_package_error(name, watched, capsys):
    case = CASES[name]
    target = case.make(watched)
    for engine in ("fast", "frictionless"):
        outcome = _validate(target, engine)
        if isinstance(outcome, str):
            assert case.validate == "refused", f"{engine}: refused: {outcome}"
            assert "\n" not in outcome and case.says in outcome, outcome
            continue
        assert case.validate == ("valid" if outcome.valid else "invalid"), (
            f"{engine}: {outcome.to_text()[:2000]}"
        )
        if case.says and not outcome.valid:
            assert case.says in outcome.to_text(), outcome.to_text()[:2000]
    try:
        dataset = mscdata.load(target)
    except mscdata.PackageError as error:
        assert case.load in ("refused", "either"), f"load refused: {error}"
        assert "\n" not in str(error).strip(), str(error)
    else:
        assert case.load in ("loads", "either"), f"load returned {dataset!r}"
    from mscdata.cli import main

    capsys.readouterr()
    code = main(["validate", str(target)])
    err = capsys.readouterr().err
    assert code == {"valid": 0, "invalid": 1, "refused": 2}[case.validate]
    assert len(err.strip().splitlines()) <= 1 and "Traceback" not in err, err


def test_the_catalogue_is_broad():
    assert len(CASES) >= 50


def test_the_watch_sees_a_file_opened_outside_the_package(watched):
    secret = watched.parents[1] / "outside" / "secret.csv"
    with secret.open(encoding="utf-8") as handle:
        assert SECRET in handle.read()
    assert _watch["opened"] == [str(secret)]
    _watch["opened"].clear()  # the fixture would fail the test otherwise


def test_a_200_kib_cell_validates_and_loads_intact(watched):
    _csv(_big_cell)(watched)
    assert mscdata.validate(watched).valid
    article = mscdata.load(watched).by_pmid(26237144)  # the first row: the seed's
    assert article.title == "T" * (200 << 10)


def test_a_schema_given_by_path_is_read_from_inside_the_package(watched):
    keywords = mscdata.validate(watched).rows["keywords"]
    _schema_file("keywords", "schemas/keywords.json")(watched)
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(watched, engine=engine)
        assert report.valid and report.rows["keywords"] == keywords, report.to_text()
    article = mscdata.load(watched).by_pmid(26237144)
    assert len(article.keywords) == 6


def test_load_names_the_resource_and_the_reason(watched):
    _set("path", "/etc/passwd")(watched)
    with pytest.raises(mscdata.PackageError, match=r"resource 'articles'.*absolute"):
        mscdata.load(watched)


def test_a_bad_pattern_is_a_located_error(watched):
    _constraint("title", "pattern", "([")(watched)
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(watched, engine=engine)
        assert ("articles", "title") in {(e.resource, e.field) for e in report.errors}


def _backtracking_terms(package: Path, cell: str) -> int:
    """keywords.term given the pattern (a|aa)+ and ``cell`` in every row; the rows."""
    _constraint("term", "pattern", "(a|aa)+", "keywords")(package)
    rows = list(csv.reader((package / "keywords.csv").open(encoding="utf-8", newline="")))
    term = rows[0].index("term")
    for row in rows[1:]:
        row[term] = cell
    with (package / "keywords.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    descriptor = _read(package)
    _untrack(descriptor, "keywords")
    _write(package, descriptor)
    return len(rows) - 1


def _year_broken(package: Path) -> None:
    """articles.publication_year of the first row not an integer (a type error)."""
    _csv(lambda data: _replace_cell(data, "publication_year", b"not-a-year"))(package)


def _replace_cell(data: bytes, column: str, value: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    rows[1][rows[0].index(column)] = value.decode("utf-8")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def short_pattern_bound(monkeypatch):
    """Give up on a backtracking cell after 0.1 s instead of 0.5 s: the same bound at
    work, each undecided cell costing less (several such cells per test, per engine)."""
    from mscdata.validator import patterns

    monkeypatch.setattr(patterns, "CELL_SECONDS", 0.1)


@pytest.mark.usefixtures("short_pattern_bound")
def test_a_pattern_that_backtracks_without_end_leaves_cells_undecided(watched):
    # Python's re takes exponential time on (a|aa)+ against a's and a final non-ASCII
    # letter, a cell RE2 leaves to it; the bounded matcher gives up on such cells, with
    # either engine, and frictionless still checks everything else
    from mscdata.validator.patterns import UNDECIDED

    cells = _backtracking_terms(watched, "a" * 45 + "é")
    _year_broken(watched)
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(watched, engine=engine)
        undecided = [e for e in report.errors if UNDECIDED in e.message]
        assert [(e.type, e.resource, e.field) for e in undecided] == [
            ("constraint-error", "keywords", "term")
        ] * cells, report.to_text()
        assert ("type-error", "articles", "publication_year") in {
            (e.type, e.resource, e.field) for e in report.errors
        }, report.to_text()


@pytest.mark.usefixtures("short_pattern_bound")
def test_a_resource_only_frictionless_reads_has_its_patterns_bounded_too(watched):
    # an encoding the fast engine does not read hands every table to frictionless;
    # its patterns are matched by the bounded matcher, ASCII cells included
    from mscdata.validator.patterns import UNDECIDED

    cells = _backtracking_terms(watched, "a" * 45 + "!")
    _set("encoding", "latin-1", "keywords")(watched)
    report = mscdata.validate(watched)
    assert any("checked by frictionless" in notice for notice in report.notices)
    undecided = [e for e in report.errors if UNDECIDED in e.message]
    assert len(undecided) == cells and {e.row for e in undecided} == set(range(2, cells + 2))
    assert undecided[0].message.startswith('constraint "pattern" is "(a|aa)+"')


def test_both_engines_report_a_pattern_error_alike(watched):
    # frictionless is handed the schema without patterns; the bounded matcher's errors
    # have its form: constraint-error, row, field, cell, 'constraint "pattern" is ...'
    _constraint("term", "pattern", "[a-z]", "keywords")(watched)
    descriptor = _read(watched)
    _untrack(descriptor, "keywords")
    _write(watched, descriptor)
    found = {}
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(watched, engine=engine)
        found[engine] = {
            (e.type, e.resource, e.row, e.field, e.value, e.message)
            for e in report.errors
            if e.field == "term"
        }
    assert found["fast"] == found["frictionless"] and found["fast"]
    assert all(m == 'constraint "pattern" is "[a-z]"' for *_, m in found["fast"])


def test_the_bounded_matcher_agrees_with_re_and_gives_up_after_a_few_slow_cells(monkeypatch):
    import re

    from mscdata.validator import patterns

    monkeypatch.setattr(patterns, "CELL_SECONDS", 0.05)
    quick = ["abc", "ab", "é", "aa", "", "abc\n"]
    slow = ["a" * 45 + "é"] * (patterns.MAX_UNDECIDED + 5)
    verdicts = patterns.fullmatch_bounded("(a|aa)+|abc|é", quick + slow)
    assert verdicts[: len(quick)] == [
        re.fullmatch("(a|aa)+|abc|é", cell) is not None for cell in quick
    ]
    assert verdicts[len(quick) :] == [None] * len(slow)


def test_frictionless_is_not_given_a_package_the_fast_engine_found_full_of_errors(watched):
    # frictionless builds every error again for each foreign key reading the table:
    # 200,000 broken rows in articles took it many minutes (found by the fuzz harness)
    from mscdata.validator.frictionless_handoff import FRICTIONLESS_MAX_ERRORS

    articles = watched / "articles.csv"
    articles.write_bytes(articles.read_bytes() + b",\n" * (FRICTIONLESS_MAX_ERRORS + 1))
    report = mscdata.validate(watched, engine="frictionless")
    assert len(report.errors) > FRICTIONLESS_MAX_ERRORS
    assert any("frictionless was not run" in notice for notice in report.notices)


def test_a_zip_bomb_is_refused_quickly_and_not_cached(watched, file_server, monkeypatch):
    from mscdata.checksums import file_sha256

    root, base = file_server
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(watched.parent / "cache"))
    archive = _bomb(1536)(watched)
    assert archive.stat().st_size < 2 << 20
    shutil.copy(archive, root / "bomb.zip")
    started = time.monotonic()
    with pytest.raises(mscdata.PackageError, match="ratio"):
        mscdata.download(url=f"{base}/bomb.zip", sha256=file_sha256(archive))
    assert time.monotonic() - started < 5
    assert not list((watched.parent / "cache").rglob("*.csv"))


# ---------------------------------------------------------------- FIFOs (may hang)

_FIFO_SCRIPT = """
import sys
from mscdata.cli import main
import mscdata
path = sys.argv[1]
for engine in ("fast", "frictionless"):
    try:
        report = mscdata.validate(path, engine=engine)
        print(engine, "report", report.valid, flush=True)
    except mscdata.PackageError as error:
        print(engine, "refused", error, flush=True)
try:
    mscdata.load(path)
    print("load loaded", flush=True)
except mscdata.PackageError as error:
    print("load refused", error, flush=True)
print("cli", main(["validate", path]), flush=True)
"""


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("resource", "is a FIFO"),
        ("schema", "is a FIFO"),
        ("link-inside", "is a FIFO"),
        ("link-outside", "leads outside the package"),
        ("descriptor", "is a FIFO"),
    ],
)
def test_a_fifo_is_refused_without_being_opened(tmp_path, where, reason):
    package = tmp_path / "pkg"
    shutil.copytree(datapackage_dir(), package)
    if where == "resource":
        (package / "articles.csv").unlink()
        os.mkfifo(package / "articles.csv")
    elif where == "descriptor":
        (package / "datapackage.json").unlink()
        os.mkfifo(package / "datapackage.json")
    elif where == "schema":
        _schema_file("keywords", "schema.json", b"{}")(package)
        (package / "schema.json").unlink()
        os.mkfifo(package / "schema.json")
    else:
        fifo = tmp_path / "fifo" if where == "link-outside" else package / "fifo"
        os.mkfifo(fifo)
        (package / "articles.csv").unlink()
        (package / "articles.csv").symlink_to(fifo)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", _FIFO_SCRIPT, str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    if where == "descriptor":  # no package to report on at all
        assert [line.split()[:2] for line in lines[:3]] == [
            ["fast", "refused"],
            ["frictionless", "refused"],
            ["load", "refused"],
        ]
        assert reason in lines[0] and lines[-1] == "cli 2"
    else:
        assert lines[0] == "fast report False" and lines[1] == "frictionless report False"
        assert lines[2].startswith("load refused") and reason in lines[2]
        assert lines[-1] == "cli 1"
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- remote and cached packages


def test_a_remote_package_brings_its_schema_by_path_and_nothing_unsafe(watched, file_server):
    root, base = file_server
    rows = mscdata.validate(watched).rows
    _schema_file("keywords", "schemas/keywords.json")(watched)
    shutil.copytree(watched, root / "pkg")
    report = mscdata.validate(f"{base}/pkg/datapackage.json")
    assert report.valid and report.rows["keywords"] == rows["keywords"], report.to_text()
    assert len(mscdata.load(f"{base}/pkg/datapackage.json")) == rows["articles"]
    for path in ("../secret.csv", "/etc/passwd", "file:///etc/passwd", "a\\..\\b.csv"):
        _set("path", path)(root / "pkg")
        with pytest.raises(mscdata.PackageError, match="path"):
            mscdata.validate(f"{base}/pkg/datapackage.json")
    (root / "deep.json").write_bytes(_deep(100_000))
    with pytest.raises(mscdata.PackageError, match="deep"):
        mscdata.validate(f"{base}/deep.json")


def test_download_refuses_a_zip_whose_descriptor_reaches_outside(watched, file_server, monkeypatch):
    from mscdata.checksums import file_sha256

    root, base = file_server
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(watched.parent / "cache"))
    _set("path", "/etc/passwd")(watched)
    archive = _zip([])(watched)
    shutil.copy(archive, root / "evil.zip")
    with pytest.raises(mscdata.PackageError, match=r"absolute.*nothing was cached"):
        mscdata.download(url=f"{base}/evil.zip", sha256=file_sha256(archive))
    assert not list((watched.parent / "cache").rglob("datapackage.json"))


def test_a_zip_that_is_a_fifo_is_refused_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "package.zip")
    script = (
        "import sys, mscdata\n"
        "try:\n    mscdata.validate(sys.argv[1])\n"
        "except mscdata.PackageError as e:\n    print(e)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "package.zip")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "a FIFO, not a regular file" in result.stdout, result.stderr


# ---------------------------------------------------------------- descriptors mutated anywhere

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _nodes(value: Any, where: tuple = ()) -> list[tuple]:
    """The path (keys and indices) of every node of parsed JSON below the root."""
    found = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, child in items:
        found.append((*where, key))
        found += _nodes(child, (*where, key))
    return found


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_descriptor_changed_anywhere_gives_a_report_or_a_package_error(data, tmp_path_factory):
    package = tmp_path_factory.mktemp("mutated") / "pkg"
    shutil.copytree(datapackage_dir(), package)
    descriptor = _read(package)
    where = data.draw(st.sampled_from(_nodes(descriptor)))
    parent = descriptor
    for key in where[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = data.draw(_JSON)
    _write(package, descriptor)
    report = _validate(package, "fast")  # a report, or a PackageError's message
    try:
        mscdata.load(package)
    except mscdata.PackageError as error:
        # what validate accepts, load loads
        assert isinstance(report, str) or not report.valid, f"valid, yet load: {error}"


_CSV_NAMES = sorted(p.stem for p in datapackage_dir().glob("*.csv"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(_CSV_NAMES),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=12)),
        min_size=1,
        max_size=4,
    ),
)
def test_a_table_changed_anywhere_gives_a_report_or_a_package_error(name, edits, tmp_path_factory):
    """Bytes of one CSV file cut out and replaced (quotes, delimiters, line breaks,
    invalid UTF-8 included): validate and load raise nothing but PackageError, and
    load loads whatever validate finds valid."""
    package = tmp_path_factory.mktemp("mutated") / "pkg"
    shutil.copytree(datapackage_dir(), package)
    path = package / f"{name}.csv"
    data = bytearray(path.read_bytes())
    for where, cut, replacement in edits:
        start = int(where * len(data))
        data[start : start + cut] = replacement
    path.write_bytes(bytes(data))
    descriptor = _read(package)
    _untrack(descriptor, name)
    _write(package, descriptor)
    report = _validate(package, "fast")
    try:
        mscdata.load(package)
    except mscdata.PackageError as error:
        assert isinstance(report, str) or not report.valid, f"valid, yet load: {error}"


def test_a_folder_named_like_a_zip_is_a_folder(tmp_path):
    folder = tmp_path / "package.zip"
    shutil.copytree(datapackage_dir(), folder)
    assert mscdata.validate(folder).valid


def _alias_bomb(levels: int = 12) -> bytes:
    """YAML whose aliases multiply: level n lists level n-1 four times (4**12 leaves)."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(levels):
        before, name = chr(97 + level), chr(98 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{before}"] * 4) + "]")
    return "\n".join(lines).encode() + b"\n"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("deep.json", _deep(100_000), "deep"),
        ("deep-1000.json", b"[" * 1000 + b"]" * 1000, "deep"),
        ("digits.json", b"[" + b"9" * 5000 + b"]", "unreadable"),
        ("deep.jsonl", b'{"title": "x"}\n' + b"[" * 100_000 + b"]" * 100_000, ":2"),
        ("aliases.yaml", _alias_bomb(), "aliases"),
        ("deep.yaml", b"[" * 100_000 + b"]" * 100_000, "YAML"),
        ("latin.csv", "title\nRh\u00e9umatic\n".encode("latin-1"), "not UTF-8"),
        ("broken.yaml", b"a: [b, c", "YAML"),
    ],
)
def test_a_hostile_record_file_is_a_package_error(tmp_path, name, content, says):
    from mscdata.validator.record_files import validate_records

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(mscdata.PackageError, match=says):
        validate_records(path)


def test_a_record_with_a_200_kib_cell_is_validated(tmp_path):
    from mscdata.validator.record_files import validate_records

    path = tmp_path / "records.csv"
    path.write_text("id,title\npmid:1," + "T" * (200 << 10) + "\n", encoding="utf-8")
    report = validate_records(path)
    assert report.rows == {"Article": 1}


def test_a_table_split_in_two_files_loads_whole(watched):
    _split("keywords")(watched)
    assert mscdata.validate(watched).valid
    article = mscdata.load(watched).by_pmid(26237144)
    assert [k.term for k in article.keywords][:2] == ["autoimmune diseases", "immune tolerance"]
    assert len(article.keywords) == 6


def test_a_schema_file_named_by_many_resources_is_read_once(tmp_path, monkeypatch):
    from mscdata.validator import package_files

    monkeypatch.setattr(package_files, "MAX_JSON_BYTES", 10_000)
    padding = "x" * 6_000  # each file fits the budget; two together do not
    for name in ("s.json", "t.json"):
        schema = {"fields": [{"name": "a", "type": "string"}], "description": padding}
        (tmp_path / name).write_text(json.dumps(schema), encoding="utf-8")
    reads = []
    read_regular = package_files.read_regular
    monkeypatch.setattr(
        package_files, "read_regular", lambda path, *a: reads.append(path) or read_regular(path, *a)
    )
    many = {
        "resources": [{"name": f"r{i}", "path": "a.csv", "schema": "s.json"} for i in range(40)]
    }
    guarded = package_files.guard_package(tmp_path, many, urls=False)
    assert guarded.problems == [] and len(reads) == 1
    assert all(r["schema"]["fields"][0]["name"] == "a" for r in guarded.descriptor["resources"])
    two = {"resources": [{"name": "r", "path": "a.csv", "schema": n} for n in ("s.json", "t.json")]}
    problems = package_files.guard_package(tmp_path, two, urls=False).problems
    assert len(problems) == 1 and "together exceed 10000 bytes" in problems[0][1]


def test_each_path_is_checked_once_and_its_resolved_file_is_read(watched, monkeypatch):
    from collections import Counter

    from mscdata.validator import package_files, tablecheck

    checked = Counter()
    check_path = package_files.check_path

    def counted(base, path, **options):
        checked[path] += 1
        return check_path(base, path, **options)

    monkeypatch.setattr(package_files, "check_path", counted)
    monkeypatch.setattr(tablecheck, "check_path", counted)
    names = [r["path"] for r in _read(watched)["resources"]]
    assert mscdata.validate(watched).valid
    assert {path: checked[path] for path in names} == dict.fromkeys(names, 1)
    checked.clear()
    mscdata.load(watched)
    assert {path: checked[path] for path in names} == dict.fromkeys(names, 1)


def test_a_field_without_a_type_outside_mscdata_resources_loads_into_pandas(watched):
    pytest.importorskip("pandas")
    (watched / "extra.csv").write_text("note\nhello\n", encoding="utf-8")
    descriptor = _read(watched)
    schema = {"fields": [{"name": "note"}]}
    descriptor["resources"].append({"name": "extra", "path": "extra.csv", "schema": schema})
    _write(watched, descriptor)
    frame = mscdata.load(watched).to_pandas("extra")
    assert list(frame["note"]) == ["hello"]
