"""The CSV-to-Parquet conversion of a Parquet build: every cell comes through whatever
the blocks the CSV is read in and the row groups and parts it is written in, and memory
holds one row group at a time, not the table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.builder import parquet_tables
from mscdata.builder.stored_records import csv_text

from conftest import folder_files, seed_only_sources

FIELDS = [
    {"name": "id", "type": "string"},
    {"name": "text", "type": "string"},
    {"name": "count", "type": "integer"},
]
# cells that test CSV quoting: quotes, commas, line breaks (a carriage return never
# reaches a cell: the parsers fold every run of white space into one space)
CELLS = st.text(st.sampled_from(['"', ",", "\n", "a", "é", " ", "\u2028", "\x00"]), max_size=12)
ROWS = st.lists(
    st.tuples(CELLS, CELLS, st.one_of(st.just(""), st.integers(-(2**40), 2**40).map(str))),
    max_size=40,
)


def _csv(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = folder / "table.csv"
    header = ",".join(spec["name"] for spec in FIELDS) + "\n"
    path.write_bytes((header + csv_text([list(row) for row in rows])).encode("utf-8"))
    return path


def _read_back(folder: Path, properties: dict) -> list[tuple]:
    paths = properties["path"] if isinstance(properties["path"], list) else [properties["path"]]
    table = pa.concat_tables(pq.read_table(folder / path) for path in paths)
    return list(zip(*(table.column(spec["name"]).to_pylist() for spec in FIELDS), strict=True))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=ROWS,
    block=st.integers(1, 64),
    group_bytes=st.integers(1, 80),
    part_rows=st.integers(1, 7),
)
def test_every_cell_comes_through_whatever_the_blocks_groups_and_parts(
    tmp_path_factory, rows, block, group_bytes, part_rows
):
    folder = tmp_path_factory.mktemp("conversion")
    csv_path = _csv(folder, rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "READ_BLOCK_BYTES", block)
        patch.setattr(parquet_tables, "ROW_GROUP_BYTES", group_bytes)
        properties = parquet_tables.convert(csv_path, "table", FIELDS, folder, part_rows)
    expected = [
        (id_ or None, text or None, int(count) if count else None) for id_, text, count in rows
    ]
    assert _read_back(folder, properties) == expected


def test_the_csv_is_read_a_block_at_a_time_not_ahead(tmp_path, monkeypatch):
    """No more than one block and one row group are held: pyarrow's streaming CSV
    reader read ahead of the conversion, holding most of a large table."""
    rows = [(f"id{n}", "word " * 40, str(n)) for n in range(3_000)]
    csv_path = _csv(tmp_path, rows)
    monkeypatch.setattr(parquet_tables, "READ_BLOCK_BYTES", 4_096)
    monkeypatch.setattr(parquet_tables, "ROW_GROUP_BYTES", 16_384)
    pool = pa.default_memory_pool()
    held = []
    blocks = parquet_tables._csv_batches

    def counted(path, names):
        for batch in blocks(path, names):
            held.append(pool.bytes_allocated())
            yield batch

    monkeypatch.setattr(parquet_tables, "_csv_batches", counted)
    start = pool.bytes_allocated()
    properties = parquet_tables.convert(csv_path, "table", FIELDS, tmp_path)
    assert len(held) > 100  # the table's 600 kB came in many blocks
    assert max(held) - start < 1 << 20  # never the whole table
    assert len(_read_back(tmp_path, properties)) == len(rows)


@pytest.mark.parametrize("failing", [("references",), ("references", "authors")])
def test_a_table_that_cannot_be_converted_fails_the_build_by_name(tmp_path, monkeypatch, failing):
    """Tables are converted two at a time; a table pyarrow cannot write fails the build
    with its file named, stops the conversions not yet started, and leaves the old
    package as it was."""
    sources = seed_only_sources(tmp_path / "sources")
    out = mscdata.build(sources, tmp_path / "package", table_format="parquet")
    before = folder_files(out)
    convert = parquet_tables.convert
    started = []

    def refusing(csv_path, name, *rest, **options):
        started.append(name)
        if name in failing:
            raise pa.ArrowInvalid("a cell pyarrow refuses")
        return convert(csv_path, name, *rest, **options)

    monkeypatch.setattr(parquet_tables, "convert", refusing)
    names = "|".join(failing)
    with pytest.raises(mscdata.BuildError, match=rf"/({names})\.csv: cannot be written as Parquet"):
        mscdata.build(sources, out, table_format="parquet")
    assert folder_files(out) == before
    assert not list(tmp_path.glob(".package.build-*"))
    tables = [name for name in before if name.endswith(".parquet")]
    assert len(started) < len(tables)  # the tables after the failure were left


def test_a_failure_stops_the_other_conversion_at_its_next_row_group(tmp_path, monkeypatch):
    """The table converting beside the one that fails leaves off at its next row group
    (its CSV file stays, for the build to remove with its staging folder)."""
    from mscdata.builder import table_files

    big = _csv(tmp_path, [(f"id{n}", "text " * 20, str(n)) for n in range(20_000)])
    big.rename(tmp_path / "big.csv")
    (tmp_path / "bad.csv").write_text("id,text,count\nx,y,1\n")
    monkeypatch.setattr(parquet_tables, "ROW_GROUP_BYTES", 2_000)  # about 1,000 groups
    convert, groups = parquet_tables.convert, []

    def failing_fast(csv_path, name, fields, out, part_rows=0, stop=None):
        if name == "bad":
            raise pa.ArrowInvalid("a cell pyarrow refuses")

        def counted() -> bool:
            groups.append(1)
            return stop()

        return convert(csv_path, name, fields, out, part_rows, stop=counted)

    monkeypatch.setattr(parquet_tables, "convert", failing_fast)
    fields = {"big": FIELDS, "bad": FIELDS}
    with pytest.raises(mscdata.BuildError, match=r"bad\.csv: cannot be written as Parquet"):
        table_files._converted(tmp_path, fields, ["big", "bad"], lambda count: None)
    assert (tmp_path / "big.csv").exists()
    assert 0 < len(groups) < 500


def test_stop_is_asked_before_each_row_group(tmp_path, monkeypatch):
    csv_path = _csv(tmp_path, [(f"id{n}", "text", str(n)) for n in range(100)])
    monkeypatch.setattr(parquet_tables, "ROW_GROUP_BYTES", 100)
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(parquet_tables.Stopped):
        parquet_tables.convert(csv_path, "table", FIELDS, tmp_path, stop=stop)
    assert len(asked) == 4
