"""Broken and hostile data packages, made from a real one: a descriptor edited at any
depth, damaged bytes in a table, special files where tables should be, resources that
point outside the package, and zip archives that lie."""

from __future__ import annotations

import json
import os
import random
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

from .mutate import mutate
from .seeds import ROOT

BASES = [ROOT / "datapackage", ROOT / "tests" / "data" / "packages" / "made-with-0.1.0"]
SECRET = "outside/secret.csv"  # beside the package folder: nothing may read it
FORBIDDEN = ("/etc/passwd", "/dev/zero", "/dev/urandom")
_HUGE = "__HUGE_INTEGER__"

HOSTILE_VALUES: list[Any] = [
    "é",
    "\x00",
    ",",
    '"',
    "\n",
    "utf-16",
    "punycode",
    "undefined",
    "latin-1",
    2**63 - 1,
    -(2**63),
    2**63,
    "(a|aa)+",
    "(a+)+b",
    {"delimiter": "é"},
    {"quoteChar": ","},
    {"header": False},
    None,
    True,
    0,
    -1,
    1.5,
    10**30,
    _HUGE,
    "",
    "x",
    "/etc/passwd",
    "../outside/secret.csv",
    "ABSOLUTE_SECRET",
    "http://127.0.0.1:9/x.csv",
    "file:///etc/passwd",
    "schema.json",
    "../schema.json",
    "([",
    "^(a+)+$",
    "\udcff",
    [],
    {},
    [None],
    {"fields": "x"},
    {"fields": [{"name": "x", "type": "nonsense"}]},
    "a" * 100_000,
]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON tree (keys and indexes), the root included."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _hostile(rng: random.Random, secret: Path) -> Any:
    value = rng.choice(HOSTILE_VALUES)
    if value == "ABSOLUTE_SECRET":
        return str(secret)
    if rng.random() < 0.05:
        depth = rng.choice([100, 1_000, 100_000])
        return "[" * depth + "]" * depth  # spliced in as raw JSON below
    return value


# keys a descriptor, resource, schema or field may have, added where they were not
ADDED_KEYS = [
    "dialect",
    "encoding",
    "schema",
    "delimiter",
    "quoteChar",
    "itemType",
    "missingValues",
    "format",
    "bareNumber",
    "trueValues",
    "groupChar",
    "decimalChar",
    "constraints",
    "primaryKey",
    "foreignKeys",
    "path",
    "profile",
    "compression",
    "mediatype",
    "$schema",
]
# cells that stress typing and keys: 64-bit limits, odd numbers, digits of other scripts,
# a huge cell, a cell that makes a backtracking pattern slow
HOSTILE_CELLS = [
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-0",
    "1e999",
    "NaN",
    "²",
    "٣",
    "0x10",
    " 1",
    "a" * 200_000,
    "a" * 45 + "é",
    '"',
    "\r",
    "",
]


def _edit_tree(rng: random.Random, tree: Any, secret: Path) -> Any:
    path = rng.choice(_paths(tree))
    if not path:
        return _hostile(rng, secret)
    node = tree
    for step in path:
        node = node[step]
    if isinstance(node, dict) and rng.random() < 0.3:
        node[rng.choice(ADDED_KEYS)] = _hostile(rng, secret)
        return tree
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.random()
    if action < 0.25 and isinstance(parent, dict):
        del parent[last]
    elif action < 0.35 and isinstance(parent, list):
        parent.insert(last, parent[last])
    else:
        parent[last] = _hostile(rng, secret)
    return tree


def _descriptor_text(tree: Any) -> str:
    text = json.dumps(tree, ensure_ascii=False)
    text = text.replace(json.dumps(_HUGE), "9" * 5_000)
    for depth in (100, 1_000, 100_000):
        text = text.replace(json.dumps("[" * depth + "]" * depth), "[" * depth + "]" * depth)
    return text


SPECIAL_KINDS = ["fifo", "directory", "symlink-out", "symlink-zero", "missing", "empty"]


def make_special(folder: Path, special: dict[str, str], secret: Path) -> None:
    """Put a special entry (a FIFO, a folder, a link out of the package or to
    /dev/zero, nothing, an empty file) where a table should be."""
    target = folder / special["path"]
    if target.is_dir() and not target.is_symlink():
        target.rmdir()  # an earlier special entry
    elif target.exists() or target.is_symlink():
        target.unlink()
    kind = special["kind"]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "symlink-out":
        target.symlink_to(secret)
    elif kind == "symlink-zero":
        target.symlink_to("/dev/zero")
    elif kind == "empty":
        target.write_bytes(b"")


def _zip(rng: random.Random, folder: Path, archive: Path) -> None:
    trick = rng.choice(["plain", "plain", "duplicate", "link", "slip", "bomb"])
    with warnings.catch_warnings(), zipfile.ZipFile(archive, "w") as bundle:
        warnings.simplefilter("ignore")  # a duplicate name is the point
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.is_symlink():
                bundle.write(path, path.name, compress_type=zipfile.ZIP_DEFLATED)
        if trick == "duplicate":
            bundle.writestr("datapackage.json", b'{"resources": []}')
        elif trick == "link":
            info = zipfile.ZipInfo("articles.csv.link")
            info.external_attr = 0o120777 << 16
            bundle.writestr(info, "/etc/passwd")
        elif trick == "slip":
            bundle.writestr("../../evil.csv", b"x")
        elif trick == "bomb":
            bundle.writestr("bomb.csv", b"0" * (64 << 20), compress_type=zipfile.ZIP_DEFLATED)


def _replace_cell(rng: random.Random, table: Path) -> None:
    """One cell of a table (any row but the header) set to a hostile value."""
    import csv
    import io

    try:
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return
    if len(rows) < 2 or not rows[1]:
        return
    row = rng.choice(rows[1:]) or rows[1]
    row[rng.randrange(len(row))] = rng.choice(HOSTILE_CELLS)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    table.write_text(buffer.getvalue(), encoding="utf-8")


def _share_one_schema(descriptor: Path) -> None:
    """Every resource names one Table Schema file by path (read once, or memory grows)."""
    try:
        tree = json.loads(descriptor.read_bytes())
        resources = tree["resources"]
        (descriptor.parent / "schema.json").write_text(json.dumps(resources[0]["schema"]))
        for resource in resources:
            resource["schema"] = "schema.json"
    except (ValueError, RecursionError, KeyError, IndexError, TypeError):
        return
    descriptor.write_text(json.dumps(tree), encoding="utf-8")


def make_package(rng: random.Random, work: Path) -> tuple[Path, list[dict[str, str]], str]:
    """A broken package under ``work``: (what to validate, special entries, description)."""
    base = rng.choice(BASES)
    folder = work / "package"
    shutil.copytree(base, folder)
    secret = work / SECRET
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("id\nSECRET-CONTENT\n", encoding="utf-8")
    descriptor = folder / "datapackage.json"
    tables = sorted(p for p in folder.glob("*.csv"))
    specials: list[dict[str, str]] = []
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        kind = rng.choices(
            ["tree", "descriptor", "table", "cell", "shared-schema", "special"],
            [40, 12, 25, 12, 3, 8],
        )[0]
        done.append(kind)
        if kind == "tree":
            try:
                tree = json.loads(descriptor.read_bytes())
            except (ValueError, RecursionError):  # an earlier edit broke the JSON
                tree = None
            if tree is not None:
                text = _descriptor_text(_edit_tree(rng, tree, secret))
                descriptor.write_text(text, encoding="utf-8", errors="surrogatepass")
                continue
            kind = done[-1] = "descriptor"
        if kind == "descriptor":
            descriptor.write_bytes(mutate(rng, descriptor.read_bytes()))
        elif kind == "table" and tables:
            table = rng.choice(tables)
            if table.is_file() and not table.is_symlink():
                table.write_bytes(mutate(rng, table.read_bytes()))
        elif kind == "cell" and tables:
            table = rng.choice(tables)
            if table.is_file() and not table.is_symlink():
                _replace_cell(rng, table)
        elif kind == "shared-schema":
            _share_one_schema(descriptor)
        elif kind == "special" and tables:
            special = {"path": rng.choice(tables).name, "kind": rng.choice(SPECIAL_KINDS)}
            make_special(folder, special, secret)
            specials.append(special)
    target = folder
    if rng.random() < 0.1 and not specials:
        target = work / "package.zip"
        _zip(rng, folder, target)
        done.append("zip")
    return target, specials, f"{base.name}: {'+'.join(done)}"
