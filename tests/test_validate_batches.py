"""The fast engine reads tables in batches of bounded size: its reports do not depend
on the batch size, nor on whether a table is sorted by its keys (the batch-by-batch
key checks of sorted tables and the whole-column checks of unsorted ones agree)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.resources import table_schemas
from mscdata.validator import csv_batches, sorted_keys

from conftest import csv_rows, write_csv_rows

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = {
    resource["name"]: [field["name"] for field in resource["schema"]["fields"]]
    for resource in table_schemas()["resources"]
}
# the tables the bundled package fills (a fault in an empty table adds a row)
CELLS = ["", "x", "0", "-3", "abc", "true", "maybe", "pmid:1", "pmid:999999999", "a\nb", '"q"']
TINY_ROWS, TINY_BYTES = 40, 1500  # every filled table in several batches and blocks
EDITS = ("cell", "duplicate", "delete", "swap", "orphan", "blank", "extra", "short", "newline")


@st.composite
def faults(draw):
    """(resource, what, row, column, cell) edits: bad cells, repeated and missing rows,
    rows out of order, orphans, blank and ragged rows, cells with line breaks."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        resource = draw(st.sampled_from(sorted(COLUMNS)))
        edits.append(
            (
                resource,
                draw(st.sampled_from(EDITS)),
                draw(st.integers(0, 60)),
                draw(st.integers(0, len(COLUMNS[resource]) - 1)),
                draw(st.sampled_from(CELLS)),
            )
        )
    return edits


def _break(package: Path, edits) -> None:
    """Apply the edits (the row counted from 1, wrapping around) without updating the
    descriptor's sizes and hashes (their errors are compared too)."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    for name, what, row, column, cell in edits:
        path = package / paths[name]
        rows = csv_rows(path)
        width = len(rows[0])
        if len(rows) == 1:
            rows.append([cell] * width)
            write_csv_rows(path, rows)
            continue
        row = 1 + row % (len(rows) - 1)
        if not rows[row]:
            rows[row] = [""] * width
        if what == "cell":
            rows[row][column] = cell
        elif what == "duplicate":
            rows.insert(row, list(rows[row]))
        elif what == "delete":
            del rows[row]
        elif what == "swap" and row + 1 < len(rows):
            rows[row], rows[row + 1] = rows[row + 1], rows[row]
        elif what == "orphan":
            rows[row][0] = rows[row][0] + "7"  # an id no article has (or a repeated one)
        elif what == "blank":
            rows.insert(row, [])
        elif what == "extra":
            rows[row] = [*rows[row], cell]
        elif what == "short":
            rows[row] = rows[row][:column]
        elif what == "newline":
            rows[row][-1] = f"{rows[row][-1]}\nmore"
        write_csv_rows(path, rows)


def _report(package: Path) -> tuple:
    report = mscdata.validate(package)
    errors = [
        (e.type, e.message, e.resource, e.row, e.field, e.value, e.line) for e in report.errors
    ]
    return errors, report.rows, report.omitted, report.notices


def _reports(package: Path, monkeypatch) -> dict[str, tuple]:
    """The package's report read in one batch, in batches of a few rows (blocks of a
    few rows), and with every table taken as unsorted (whole-column key checks)."""
    found = {"one batch": _report(package)}
    with monkeypatch.context() as patch:
        patch.setattr(csv_batches, "BATCH_ROWS", TINY_ROWS)
        patch.setattr(csv_batches, "BLOCK_BYTES", TINY_BYTES)
        found["tiny batches"] = _report(package)

    def unsorted(*args, **options):
        raise sorted_keys._Unsorted
        yield

    with monkeypatch.context() as patch:
        patch.setattr(sorted_keys, "_ordered", unsorted)
        patch.setattr(csv_batches, "BATCH_ROWS", TINY_ROWS + 1)
        found["unsorted"] = _report(package)
    return found


def _agree(found: dict[str, tuple]) -> None:
    first = found["one batch"]
    for way, report in found.items():
        assert report == first, way


@pytest.mark.slow
@settings(
    max_examples=6,  # each validates a package three times (~1 s)
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=faults())
def test_batch_size_and_order_do_not_change_a_report(
    built_package, tmp_path_factory, monkeypatch, edits
):
    package = Path(shutil.copytree(built_package, tmp_path_factory.mktemp("faults") / "p"))
    _break(package, edits)
    _agree(_reports(package, monkeypatch))


def test_every_fault_at_once_is_reported_alike_in_batches(built_package, monkeypatch):
    edits = [
        ("mesh_headings", "duplicate", 3, 0, ""),
        ("mesh_headings", "orphan", 9, 0, ""),
        ("mesh_headings", "cell", 12, 1, "abc"),
        ("authors", "swap", 5, 0, ""),
        ("authors", "delete", 20, 0, ""),
        ("articles", "duplicate", 4, 0, ""),
        ("articles", "newline", 7, 0, ""),
        ("keywords", "extra", 2, 0, "x"),
        ("references", "cell", 3, 7, "1999"),
        ("abstract_sections", "cell", 2, 6, "false"),
    ]
    _break(built_package, edits)
    found = _reports(built_package, monkeypatch)
    _agree(found)
    kinds = {error[0] for error in found["one batch"][0]}
    assert {"primary-key", "foreign-key", "type-error", "unique-error", "extra-cell"} <= kinds


def test_sorted_and_unsorted_key_checks_agree_on_a_valid_package(built_package, monkeypatch):
    found = _reports(built_package, monkeypatch)
    _agree(found)
    assert found["one batch"][0] == []


def test_a_sorted_table_is_checked_without_reading_its_keys_whole(built_package, monkeypatch):
    from mscdata.validator import table_store

    def whole(self, names):
        raise AssertionError(f"{self.name} read whole")

    monkeypatch.setattr(table_store.StoredTable, "whole", whole)
    assert mscdata.validate(built_package).valid


def test_an_unsorted_table_is_read_whole_and_its_repeats_found(built_package, monkeypatch):
    from mscdata.validator import table_store

    read = []
    whole = table_store.StoredTable.whole

    def watched(self, names):
        read.append(self.name)
        return whole(self, names)

    monkeypatch.setattr(table_store.StoredTable, "whole", watched)
    rows = csv_rows(built_package / "authors.csv")
    rows = [rows[0], *reversed(rows[1:]), rows[-1]]  # the last row again, first in order
    write_csv_rows(built_package / "authors.csv", rows)
    errors = _report(built_package)[0]
    assert "authors" in read and "mesh_headings" not in read
    assert [e[3] for e in errors if e[0] == "primary-key"] == [len(rows)]


def test_a_parent_out_of_order_past_the_last_child_key_makes_no_orphan(tmp_path):
    """A referenced table in order up to the children's last key and out of order after
    it, in a later batch: the merge join must not report the child's key as missing
    (the rest of the parent is read, found unsorted, and the whole-table check used)."""
    import pyarrow as pa

    from mscdata.validator.table_store import StoredTable

    articles = StoredTable("articles", {}, tmp_path / "articles.arrow")
    for ids in (["a", "c"], ["b"]):
        articles.write({"id": pa.array(ids)}, len(ids))
    authors = StoredTable("authors", {}, tmp_path / "authors.arrow")
    authors.write({"article_id": pa.array(["b"])}, 1)
    for table in (articles, authors):
        table.close()
    assert sorted_keys.sorted_orphans(authors, ["article_id"], articles, ["id"]) is None


def _parquet_package(tmp_path: Path) -> Path:
    from conftest import seed_only_sources

    sources = seed_only_sources(tmp_path / "sources")
    return mscdata.build(sources, tmp_path / "parquet", table_format="parquet")


def test_parquet_batches_report_alike(tmp_path, monkeypatch):
    package = _parquet_package(tmp_path)
    path = package / "keywords.parquet"
    table = pq.read_table(path)
    assert table.num_rows >= 2
    # rows out of order, a repeated key and a gap in the positions, in row groups of two
    rows = table.take(pa.array([1, 0, *range(2, table.num_rows), 0]))
    pq.write_table(rows, path, row_group_size=2)
    found = _reports(package, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(csv_batches, "BATCH_ROWS", 1)
        found["single rows"] = _report(package)
    _agree(found)
    kinds = {error[0] for error in found["one batch"][0]}
    assert {"primary-key", "hash-count"} <= kinds


def test_a_quote_inside_an_unquoted_cell_where_a_block_is_cut(built_package, monkeypatch):
    # a quote character inside an unquoted cell makes the quote count lie about where
    # rows end: the block read notices and reads the file whole, with the same report
    path = built_package / "mesh_headings.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    for number in range(5, len(lines) - 1, 7):
        cells = lines[number].split(",")
        if len(cells) > 2 and '"' not in lines[number]:
            cells[2] = f'{cells[2]}"'
            lines[number] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    found = _reports(built_package, monkeypatch)
    _agree(found)
    assert not [error for error in found["one batch"][0] if error[0] != "hash-count"]


def test_a_stray_quote_early_in_a_file_costs_no_rescans_of_the_rest(built_package, monkeypatch):
    """After a quote inside an unquoted cell of a file with no other quote, no later line
    break looks like a row end: the block reader gives up after a few blocks and reads
    the file whole, rather than rescanning an ever longer buffer (quadratic time)."""
    path = built_package / "identifiers.csv"
    text = path.read_text(encoding="utf-8")
    assert '"' not in text
    lines = text.split("\n")
    cells = lines[3].split(",")
    cells[-1] = f'{cells[-1]}"x'
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    scanned = []
    row_end = csv_batches.row_end

    def counted(buffer, quote):
        scanned.append(len(buffer))
        return row_end(buffer, quote)

    whole = _report(built_package)
    block = 100
    monkeypatch.setattr(csv_batches, "BLOCK_BYTES", block)
    assert _report(built_package) == whole
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == "identifiers"]
    monkeypatch.setattr(csv_batches, "row_end", counted)
    source = csv_batches.csv_source("identifiers", resource, path)
    with pytest.raises(csv_batches.Restart):  # then read whole, as the report above was
        list(source.batches)
    limit = csv_batches.UNCUT_BLOCKS * block
    assert path.stat().st_size > 30 * limit
    assert sum(scanned) < (csv_batches.UNCUT_BLOCKS + 2) * limit  # not the file, again and again


def test_a_year_of_more_digits_than_an_integer_holds_is_checked_without_overflow():
    import warnings

    import numpy as np

    from mscdata.validator import semantics
    from mscdata.validator.table_store import CheckedTable

    table = CheckedTable("articles", {}, np.arange(2, 4))
    year, month, day = np.array([1e30, 2024.0]), np.array([2.0, 2.0]), np.array([30.0, 29.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's cast of an overflowing float warns
        issues = semantics._impossible_days(table, year, month, day, "publication_day")
    assert [issue.row for issue in issues] == [2]  # 30 February; 2024-02-29 exists
