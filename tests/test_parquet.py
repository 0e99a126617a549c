"""Parquet packages: ``mscdata build --format parquet`` writes the tables with the same
Table Schemas; validate (both engines), load and to_pandas read them as they read CSV;
the files are reproducible, and large tables are split into parts."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

import mscdata
from mscdata.builder import parquet_tables
from mscdata.builder.build import write_package
from mscdata.cli import main
from mscdata.resources import table_schemas

from conftest import ROOT, folder_files, seed_only_sources
from strategies import article_sets

TABLES = len(table_schemas()["resources"])  # the package's tables


def _build(out: Path, table_format: str = "parquet", **options) -> Path:
    """A build of the seed page alone (one article, small tables)."""
    sources = seed_only_sources(out.parent / f"{out.name}-sources")
    return mscdata.build(sources, out, table_format=table_format, **options)


def _paths(resource: dict) -> list[str]:
    path = resource["path"]
    return path if isinstance(path, list) else [path]


@pytest.fixture(scope="module")
def parquet_package(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("parquet") / "package")


@pytest.fixture(scope="module")
def parted_package(tmp_path_factory) -> Path:
    """The seed page built with parts of 2 rows: every table of 3 or more rows is
    split."""
    patch = pytest.MonkeyPatch()
    patch.setattr(parquet_tables, "PART_ROWS", 2)
    try:
        return _build(tmp_path_factory.mktemp("parted") / "package")
    finally:
        patch.undo()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_sets())
def test_a_parquet_package_validates_and_loads_as_the_csv_one(articles):
    # parts of 3 rows: the generated tables of more rows are split
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "PART_ROWS", 3)
        csv_out, parquet_out = Path(folder) / "csv", Path(folder) / "parquet"
        write_package(articles, csv_out)
        write_package(articles, parquet_out, table_format="parquet")
        report = mscdata.validate(parquet_out)
        assert report.valid, report.to_text()
        from_csv, from_parquet = mscdata.load(csv_out), mscdata.load(parquet_out)
        assert from_parquet.articles == from_csv.articles == sorted(articles, key=lambda a: a.id)
        assert from_parquet.tables == from_csv.tables
        assert report.rows == {name: len(rows) for name, rows in from_csv.tables.items()}


def test_every_resource_is_described_as_parquet_with_its_files_size_and_hash(parquet_package):
    descriptor = json.loads((parquet_package / "datapackage.json").read_text("utf-8"))
    expected = {r["name"]: r["schema"] for r in table_schemas()["resources"]}
    assert {r["name"] for r in descriptor["resources"]} == set(expected)
    for resource in descriptor["resources"]:
        assert resource["format"] == "parquet"
        assert resource["mediatype"] == "application/vnd.apache.parquet"
        assert "encoding" not in resource
        assert resource["schema"] == expected[resource["name"]]  # the CSV build's schema
        data = (parquet_package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert not list(parquet_package.glob("*.csv"))


def test_parquet_columns_have_the_types_of_their_fields(parquet_package):
    wanted = {"string": "string", "list": "string", "integer": "int64", "boolean": "bool"}
    for resource in table_schemas()["resources"]:
        schema = pq.read_schema(parquet_package / f"{resource['name']}.parquet")
        assert schema.names == [f["name"] for f in resource["schema"]["fields"]]
        for spec in resource["schema"]["fields"]:
            assert str(schema.field(spec["name"]).type) == wanted[spec["type"]], spec
        assert schema.metadata is None  # no key-value metadata: nothing that changes


def test_list_fields_keep_the_text_of_the_csv_build(parquet_package):
    [row] = pq.read_table(parquet_package / "articles.parquet").to_pylist()
    loaded = mscdata.load(parquet_package).articles[0]
    assert row["publication_types"] == "|".join(loaded.publication_types)
    assert row["pmid"] == loaded.pmid and row["publication_year"] == loaded.publication_year


def test_a_rebuild_is_byte_identical(parquet_package, tmp_path):
    again = _build(tmp_path / "again")
    assert folder_files(parquet_package) == folder_files(again)


def test_the_parquet_and_csv_builds_load_the_same_and_give_the_same_frames(
    parquet_package, tmp_path
):
    from_csv = mscdata.load(_build(tmp_path / "csv", table_format="csv"))  # same sources
    from_parquet = mscdata.load(parquet_package)
    assert from_parquet.articles == from_csv.articles
    csv_frames, parquet_frames = from_csv.to_pandas(), from_parquet.to_pandas()
    assert csv_frames.keys() == parquet_frames.keys()
    for name, frame in csv_frames.items():
        assert frame.equals(parquet_frames[name]), name


def test_large_tables_are_split_into_parts_listed_in_order(parted_package, parquet_package):
    descriptor = json.loads((parted_package / "datapackage.json").read_text("utf-8"))
    parted = [r for r in descriptor["resources"] if isinstance(r["path"], list)]
    assert parted, "no table was split"
    for resource in parted:
        name = resource["name"]
        assert resource["path"] == [
            f"{name}-{n:05d}.parquet" for n in range(1, 1 + len(_paths(resource)))
        ]
        parts = [(parted_package / p).read_bytes() for p in resource["path"]]
        assert all(pq.read_metadata(parted_package / p).num_rows <= 2 for p in resource["path"])
        assert resource["bytes"] == sum(map(len, parts))
        assert resource["hash"] == "sha256:" + hashlib.sha256(b"".join(parts)).hexdigest()
    report = mscdata.validate(parted_package)
    assert report.valid, report.to_text()
    assert report.rows == mscdata.validate(parquet_package).rows
    assert mscdata.load(parted_package).tables == mscdata.load(parquet_package).tables


def test_frictionless_checks_what_it_reads_and_says_what_it_cannot(parted_package):
    report = mscdata.validate(parted_package, engine="frictionless")
    assert report.valid, report.to_text()
    notices = " ".join(report.notices)
    assert "frictionless counts no bytes or hash of a Parquet file" in notices
    assert f"checked them ({TABLES} resources)" in notices
    assert "only the first part of a multi-part Parquet resource" in notices


def test_without_pandas_frictionless_leaves_parquet_to_the_fast_engine(parted_package, monkeypatch):
    from mscdata.validator import frictionless_parquet

    monkeypatch.setattr(frictionless_parquet, "has_pandas", lambda: False)
    report = mscdata.validate(parted_package, engine="frictionless")
    assert report.valid, report.to_text()
    assert any("through pandas, which is not installed" in n for n in report.notices)


def test_frictionless_finds_a_repeated_key_in_a_parquet_table(parquet_package, tmp_path):
    import shutil

    import pyarrow as pa

    package = Path(shutil.copytree(parquet_package, tmp_path / "package"))
    file = package / "keywords.parquet"
    table = pq.read_table(file)
    position = pa.array([1] * table.num_rows, pa.int64())
    pq.write_table(table.set_column(1, "position", position), file)
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(package, engine=engine)
        kinds = {(i.type, i.resource) for i in report.errors}
        assert ("primary-key", "keywords") in kinds, (engine, report.to_text())
        assert ("hash-count", "keywords") in kinds, (engine, report.to_text())


def test_mscdata_build_format_parquet_on_the_command_line(tmp_path, capsys):
    out, sources = tmp_path / "package", seed_only_sources(tmp_path / "sources")
    assert main(["build", "--sources", str(sources), "--out", str(out), "--format", "parquet"]) == 0
    assert "built and validated" in capsys.readouterr().out
    assert (
        sorted(p.suffix for p in out.iterdir() if p.is_file()) == [".json"] + [".parquet"] * TABLES
    )
    assert main(["validate", str(out)]) == 0


def test_an_unknown_table_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="table_format"):
        _build(tmp_path / "package", table_format="xlsx")


def test_an_invalid_parquet_build_leaves_the_old_package_untouched(tmp_path, monkeypatch):
    from mscdata.builder import build as package

    out = _build(tmp_path / "package", table_format="csv")
    before = folder_files(out)
    original = package.write_rows

    def truncating(rows, total, folder, *rest, **options):
        original(rows, total, folder, *rest, **options)
        file = folder / "articles.parquet"
        file.write_bytes(file.read_bytes()[:-50])

    monkeypatch.setattr(package, "write_rows", truncating)
    with pytest.raises(mscdata.BuildError, match=r"articles\.parquet: not a readable Parquet"):
        _build(out)
    assert folder_files(out) == before
    assert not list(tmp_path.glob(".package.build-*"))


def test_row_groups_are_cut_by_text_size_alike_however_the_csv_is_read(tmp_path):
    """A row group holds at most ROW_GROUP_ROWS rows and ROW_GROUP_BYTES of text (a
    long-text table gets smaller ones, so a build's memory stays bounded), cut by the
    rows alone: reading the CSV in other blocks gives the same files."""
    csv_package = ROOT / "datapackage"  # the bundled package: 424 kB of references
    fields = {r["name"]: r["schema"]["fields"] for r in table_schemas()["resources"]}
    name = "references"
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "ROW_GROUP_BYTES", 20_000)
        for block in (1 << 12, 1 << 20):
            patch.setattr(parquet_tables, "READ_BLOCK_BYTES", block)
            out = tmp_path / f"block-{block}"
            out.mkdir()
            parquet_tables.convert(csv_package / f"{name}.csv", name, fields[name], out)
            made[block] = (out / f"{name}.parquet").read_bytes()
    assert made[1 << 12] == made[1 << 20]
    groups = pq.ParquetFile(tmp_path / f"block-{1 << 12}" / f"{name}.parquet").metadata
    assert groups.num_row_groups > 3
    table = pq.read_table(tmp_path / f"block-{1 << 12}" / f"{name}.parquet")
    start = 0
    for number in range(groups.num_row_groups):
        rows = groups.row_group(number).num_rows
        text = sum(
            len(value.encode("utf-8"))
            for column in table.slice(start, rows).columns
            for value in column.to_pylist()
            if value is not None and isinstance(value, str)
        )
        assert rows == 1 or text <= 20_000
        start += rows
    assert start == table.num_rows
