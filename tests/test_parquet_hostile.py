"""Broken and hostile Parquet files: validate (both engines), load and the CLI report
them, located (resource, field), and never trace back.

Each case copies a Parquet build of the seed page and breaks one file of it:
truncated, not Parquet at all, renamed or retyped columns, nested columns, parts that
disagree, a footer declaring more rows or more uncompressed data than the file can
hold.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mscdata
from mscdata.builder import parquet_tables
from mscdata.cli import main
from mscdata.validator import parquet_files

from conftest import seed_only_sources


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A Parquet build of the seed page alone (one article: small tables whose files
    the cases name), keywords (6 rows) and references split into parts of 4 rows."""
    sources = seed_only_sources(tmp_path_factory.mktemp("seed") / "sources")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "PART_ROWS", 4)
        out = tmp_path_factory.mktemp("hostile") / "package"
        return mscdata.build(sources, out, table_format="parquet")


def _truncated(package: Path) -> str:
    file = package / "references-00001.parquet"
    file.write_bytes(file.read_bytes()[:-100])
    return "references"


def _not_parquet(package: Path) -> str:
    (package / "articles.parquet").write_text("article_id,position\npmid:1,1\n")
    return "articles"


def _empty(package: Path) -> str:
    (package / "figures.parquet").write_bytes(b"")
    return "figures"


def _rewritten(name: str, change: Callable[[pa.Table], pa.Table]) -> Callable[[Path], str]:
    def edit(package: Path) -> str:
        file = package / f"{name}.parquet"
        pq.write_table(change(pq.read_table(file)), file)
        return name

    return edit


def _renamed(table: pa.Table) -> pa.Table:
    return table.rename_columns(["figure_label" if n == "label" else n for n in table.column_names])


def _retyped(table: pa.Table) -> pa.Table:  # position as text, complete as integers
    position = pa.array([str(v) for v in table.column("position").to_pylist()])
    table = table.set_column(table.column_names.index("position"), "position", position)
    complete = pa.array([1] * table.num_rows, pa.int8())
    return table.set_column(table.column_names.index("complete"), "complete", complete)


def _key_retyped(table: pa.Table) -> pa.Table:  # the primary key's article_id as integers
    ids = pa.array(range(table.num_rows), pa.int64())
    return table.set_column(0, "article_id", ids)


def _nested(table: pa.Table) -> pa.Table:
    captions = pa.array([[v] for v in table.column("caption").to_pylist()])
    return table.set_column(table.column_names.index("caption"), "caption", captions)


def _parts_disagree(package: Path) -> str:
    file = package / "keywords-00002.parquet"
    table = pq.read_table(file)
    pq.write_table(table.drop_columns(["owner"]), file)
    return "keywords"


def _part_missing(package: Path) -> str:
    (package / "keywords-00002.parquet").unlink()
    return "keywords"


def _many_rows(package: Path) -> str:  # 3 million nulls in a few kilobytes
    rows = 3_000_000
    table = pa.table({"article_id": pa.nulls(rows, pa.string())})
    pq.write_table(table, package / "provenance.parquet", compression="zstd")
    return "provenance"


CASES: dict[str, tuple[Callable[[Path], str], str, str | None]] = {
    # case: (edit, the error's type, its field)
    "truncated": (_truncated, "source-error", None),
    "not parquet": (_not_parquet, "source-error", None),
    "empty file": (_empty, "source-error", None),
    "renamed column": (_rewritten("figures", _renamed), "incorrect-label", None),
    "retyped columns": (_rewritten("figures", _retyped), "type-error", "position"),
    "key retyped": (_rewritten("authors", _key_retyped), "type-error", "article_id"),
    "nested column": (_rewritten("figures", _nested), "source-error", None),
    "parts disagree": (_parts_disagree, "source-error", None),
    "part missing": (_part_missing, "source-error", None),
    "rows beyond the file": (_many_rows, "source-error", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_parquet_file_is_a_located_error(case, built, tmp_path, capsys):
    package = Path(shutil.copytree(built, tmp_path / "package"))
    edit, kind, field = CASES[case]
    resource = edit(package)
    report = mscdata.validate(package)
    assert not report.valid
    found = [i for i in report.errors if i.type == kind and i.resource == resource]
    assert found, report.to_text()
    if field is not None:
        assert field in {i.field for i in found}, report.to_text()
    assert all("\n" not in str(issue) for issue in report.errors)
    with pytest.raises(mscdata.PackageError, match=f"resource '{resource}'"):
        mscdata.load(package)
    assert main(["validate", str(package)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("case", ["truncated", "retyped columns", "part missing", "not parquet"])
def test_the_frictionless_engine_reports_them_without_a_traceback(case, built, tmp_path):
    package = Path(shutil.copytree(built, tmp_path / "package"))
    edit, kind, _ = CASES[case]
    resource = edit(package)
    report = mscdata.validate(package, engine="frictionless")
    assert not report.valid
    assert all("\n" not in str(issue) for issue in report.errors)
    located = {i.resource for i in report.errors} | {
        resource for i in report.errors if resource in i.message
    }
    assert resource in located, report.to_text()
    if kind == "type-error":  # frictionless reads "1" as an integer: the fast engine says it
        assert ("type-error", "position") in {(i.type, i.field) for i in report.errors}


def test_a_footer_declaring_more_uncompressed_data_than_allowed_is_refused(
    built, tmp_path, monkeypatch
):
    package = Path(shutil.copytree(built, tmp_path / "package"))
    table = pa.table({"article_id": pa.array(["x" * 1000] * 5000)})
    file = package / "provenance.parquet"
    pq.write_table(table, file, compression="zstd", use_dictionary=False)
    monkeypatch.setattr(parquet_files, "_FLOOR", 1 << 20)  # 5 MB of text in a small file
    report = mscdata.validate(package)
    [issue] = [i for i in report.errors if i.resource == "provenance"]
    assert issue.type == "source-error" and "uncompressed bytes" in issue.message


def test_a_column_of_the_wrong_type_is_reported_once_and_not_cell_by_cell(built, tmp_path):
    package = Path(shutil.copytree(built, tmp_path / "package"))
    _rewritten("figures", _retyped)(package)
    report = mscdata.validate(package)
    typed = [i for i in report.errors if i.type == "type-error"]
    assert sorted(i.field for i in typed) == ["complete", "position"]
    assert all(i.row is None and "Parquet column" in i.message for i in typed)
    message = next(i.message for i in typed if i.field == "position")
    assert "type string" in message and "'integer'" in message
