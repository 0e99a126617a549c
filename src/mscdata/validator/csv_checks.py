"""File-level checks of a CSV resource for the fast engine (:mod:`mscdata.validator.tablecheck`):
declared size and hash, UTF-8, the header row, row widths (the labels are matched
to the fields by :mod:`mscdata.validator.table_header`).

A header is read with at most :data:`mscdata.validator.package_files.MAX_FIELDS` columns, and
cells of any size are accepted (the ``csv`` module's 128 KiB default is raised to
the file's size).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator.csv_files import text_rows
from mscdata.validator.package_files import MAX_FIELDS
from mscdata.validator.report import Issue

MAX_REPORTED_CELLS = 100  # extra cells of one row reported one by one; the rest counted


def header_end(data: bytes, quote: bytes) -> int:
    """Offset just past the header row (a quoted label may hold a line break)."""
    pattern = re.compile(b"[" + re.escape(quote) + rb"\r\n]" if quote else rb"[\r\n]")
    quoted = False
    for match in pattern.finditer(data):
        if quote and match.group() == quote:
            quoted = not quoted
        elif not quoted:
            index = match.start()
            return index + 2 if data[index : index + 2] == b"\r\n" else index + 1
    return len(data)


def read_header(data: bytes, dialect: dict[str, Any]) -> list[str]:
    """The header row's labels; UnicodeDecodeError when it is not UTF-8."""
    quote = dialect.get("quoteChar", '"')
    text = data[: header_end(data, quote.encode())].decode("utf-8")
    return next(iter(text_rows(text, dialect)), [])


def wide_header_issue(name: str, path: Any, resource: dict[str, Any]) -> Issue | None:
    """An error when the first line of a local file holds more than :data:`MAX_FIELDS`
    delimiters: checked before either engine parses the file (a header of a million
    columns would take gigabytes). Reads at most the first line (or 64 MiB)."""
    from mscdata.validator.package_files import open_regular

    dialect = resource.get("dialect")
    delimiter = dialect.get("delimiter", ",") if isinstance(dialect, dict) else ","
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        return None
    encoding = resource.get("encoding", "utf-8")
    try:
        marker = delimiter.encode(encoding if isinstance(encoding, str) else "utf-8")
    except (LookupError, UnicodeError, TypeError):
        return None
    if len(marker) != 1:  # an encoding that is not ASCII-compatible: left to the engines
        return None
    count, read = 0, 0
    try:
        with open_regular(path) as handle:
            while read < 64 << 20:
                block = handle.read(1 << 20)
                line = block.split(b"\n", 1)[0].split(b"\r", 1)[0]  # CR-only lines too
                count += line.count(marker)
                read += len(block)
                if len(line) < len(block) or not block:
                    break
    except (OSError, PackageError):  # unreadable files are reported by the engines
        return None
    if count + 1 > MAX_FIELDS:
        return Issue(
            "header-error",
            f"the header has more than {MAX_FIELDS} columns ({count + 1} or so): refused",
            name,
            1,
        )
    return None


def wide_row_issue(name: str, path: Any, resource: dict[str, Any]) -> Issue | None:
    """An error for the first row of a local file holding more than :data:`MAX_FIELDS`
    cells, read with the resource's encoding, compression and CSV dialect. Checked
    before frictionless reads a table: it builds one error per extra cell, each copying
    the row, so one row of 50,000 cells keeps it busy for minutes. None when the file
    cannot be read (the engines report why)."""
    import zipfile
    import zlib

    from mscdata.validator.csv_files import csv_rows

    broken = (OSError, EOFError, ValueError, TypeError, PackageError, csv.Error)
    try:
        with csv_rows(resource, [path], errors="replace") as rows:
            for number, cells in enumerate(rows, start=1):
                if len(cells) > MAX_FIELDS:
                    reason = f"the row has {len(cells):,} cells, more than the {MAX_FIELDS:,} "
                    return Issue("extra-cell", reason + "allowed: refused", name, number)
    except (*broken, zlib.error, zipfile.BadZipFile):
        return None
    return None


REDESCRIBE = "mscdata describe --update <package folder>"


def changed_file_note(detail: str) -> str:
    """A size or hash mismatch explained: the file changed after the descriptor was
    written, and the command that describes it again."""
    return (
        f"{detail}: the file changed after the descriptor was written; if the change is "
        f"wanted, record the new size and hash with `{REDESCRIBE}`"
    )


def integrity_issues(name: str, resource: dict[str, Any], data: bytes) -> list[Issue]:
    """The declared ``bytes`` and ``hash`` of a resource against its file's."""
    return counted_integrity_issues(
        name, resource, len(data), lambda algorithm: hashlib.new(algorithm, data).hexdigest()
    )


def hash_algorithm(resource: dict[str, Any]) -> str | None:
    """The algorithm of the resource's declared ``hash`` (md5 when unnamed), or None."""
    declared_hash = resource.get("hash")
    if isinstance(declared_hash, str) and declared_hash:
        return declared_hash.rpartition(":")[0] or "md5"
    return None


def counted_integrity_issues(
    name: str, resource: dict[str, Any], size: int, digest: Callable[[str], str]
) -> list[Issue]:
    """The declared ``bytes`` and ``hash`` against a file of ``size`` bytes whose
    digest by an algorithm ``digest`` gives (ValueError: an unknown algorithm)."""
    issues = []
    declared_bytes = resource.get("bytes")
    if isinstance(declared_bytes, int) and declared_bytes != size:
        issues.append(
            Issue(
                "byte-count",
                changed_file_note(
                    f"the descriptor says {declared_bytes} bytes, the file has {size}"
                ),
                name,
                value=str(size),
            )
        )
    algorithm = hash_algorithm(resource)
    if algorithm is not None:
        digest_declared = resource["hash"].rpartition(":")[2]
        try:
            actual = digest(algorithm)
        except ValueError:
            issues.append(Issue("hash-count", f"unknown hash algorithm {algorithm!r}", name))
        else:
            if actual != digest_declared.lower():
                issues.append(
                    Issue(
                        "hash-count",
                        changed_file_note(
                            f"the descriptor's {algorithm} is {digest_declared}, "
                            f"the file's is {actual}"
                        ),
                        name,
                        value=actual,
                    )
                )
    return issues


def is_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8, checked by pyarrow (vectorised, no copy): bad bytes
    must never reach pyarrow's CSV reader, whose handler of a ragged row cannot decode
    them (it prints an ignored exception instead)."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    blob = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        blob.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def decode_issues(name: str, data: bytes) -> tuple[list[Issue], bytes]:
    """An encoding error (located by line) and the bytes with bad sequences replaced,
    so that every other check still runs."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        issue = Issue(
            "encoding-error",
            f"not UTF-8 at byte {error.start} (line {line}): {error.reason}",
            name,
            value=repr(data[error.start : error.end]),
            line=line,
        )
        return [issue], data.decode("utf-8", "replace").encode("utf-8")
    return [], data


def width_issues(
    name: str, row: int, cells: list[str], expected: list[dict[str, Any]]
) -> list[Issue]:
    """An extra-cell error per cell beyond the header, a missing-cell one per field short."""
    surplus = cells[len(expected) :]
    extra = [
        Issue("extra-cell", "a cell beyond the header's last column", name, row, None, cell)
        for cell in surplus[:MAX_REPORTED_CELLS]
    ]
    if len(surplus) > MAX_REPORTED_CELLS:
        more = len(surplus) - MAX_REPORTED_CELLS
        extra.append(Issue("extra-cell", f"and {more} more cells beyond the header", name, row))
    lacking = [
        Issue("missing-cell", "the row has no cell for this field", name, row, spec["name"])
        for spec in expected[len(cells) :]
    ]
    return extra + lacking


def resource_format(resource: dict[str, Any]) -> Any:
    """The format a resource declares; an empty one is none, as frictionless reads it
    (the format then comes from the path's extension)."""
    return resource.get("format") or None
