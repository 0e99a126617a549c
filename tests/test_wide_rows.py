"""A row of more than MAX_FIELDS cells is refused before frictionless reads it: one
error per extra cell, each copying the row, kept frictionless busy for minutes on a
single row of 50,000 cells (fuzz campaign 4242, case 6803)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

import mscdata
from mscdata.validator.package_files import MAX_FIELDS

WIDTH = 3 * MAX_FIELDS


def _declare(package: Path, name: str, **changes) -> dict:
    """Change resource ``name`` in the descriptor (its hash and size dropped)."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == name]
    resource.pop("hash", None)
    resource.pop("bytes", None)
    resource.update(changes)
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    return resource


def _with_wide_row(table: Path, encoding: str = "utf-8") -> bytes:
    """The table's text with one more row of WIDTH cells, in ``encoding`` (a character
    it lacks, such as a Greek letter of the bundled keywords in latin-1, becomes "?")."""
    text = table.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    wide = [*rows[1], *(["café"] * (WIDTH - len(rows[1])))]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([*rows, wide])
    return out.getvalue().encode(encoding, "replace")


@pytest.fixture
def package(built_package: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "package"
    shutil.copytree(built_package, copy)
    return copy


def _wide_row_errors(report) -> list:
    return [e for e in report.errors if e.type == "extra-cell" and f"{WIDTH:,} cells" in e.message]


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_resource_only_frictionless_reads_has_its_wide_row_refused(package, engine):
    table = package / "keywords.csv"
    table.write_bytes(_with_wide_row(table, "latin-1"))
    _declare(package, "keywords", encoding="latin-1")
    report = mscdata.validate(package, engine=engine)
    rows = len(table.read_bytes().splitlines())
    [error] = _wide_row_errors(report)
    assert (error.resource, error.row) == ("keywords", rows)
    assert any(
        n.startswith("frictionless was not run: row") and "not checked: keywords" in n
        for n in report.notices
    )


def test_a_compressed_resource_has_its_wide_row_refused(package):
    table = package / "keywords.csv"
    (package / "keywords.csv.gz").write_bytes(gzip.compress(_with_wide_row(table)))
    table.unlink()
    _declare(package, "keywords", path="keywords.csv.gz", compression="gz")
    report = mscdata.validate(package)
    [error] = _wide_row_errors(report)
    assert error.resource == "keywords"


def test_the_fast_engines_errors_stand_for_a_wide_row_it_reads(package):
    table = package / "keywords.csv"
    table.write_bytes(_with_wide_row(table))
    _declare(package, "keywords")
    fast = mscdata.validate(package)
    reference = mscdata.validate(package, engine="frictionless")
    assert not _wide_row_errors(reference)  # the fast engine's extra-cell errors, once
    assert reference.errors == fast.errors
    assert len({(e.resource, e.row) for e in fast.errors}) == 1
    [note] = [n for n in reference.notices if n.startswith("frictionless was not run")]
    assert f"row {len(table.read_bytes().splitlines())} of keywords" in note


def test_a_package_without_wide_rows_still_goes_to_frictionless(package):
    table = package / "keywords.csv"
    table.write_bytes(table.read_bytes().decode("utf-8").encode("latin-1", "replace"))
    _declare(package, "keywords", encoding="latin-1")
    report = mscdata.validate(package, engine="frictionless")
    assert report.valid, report.errors
    assert not any(n.startswith("frictionless was not run") for n in report.notices)
