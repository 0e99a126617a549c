"""Validation on a Dask cluster: ``validate(scheduler=...)``, ``mscdata validate
--scheduler``, and the check of every package a Dask build makes. The report must be
the one validation on one machine gives, issue for issue, whatever is broken, with the
keys of a table checked across all its parts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_engines import _break, breakages

import mscdata
from mscdata import dask_cluster
from mscdata.builder import parquet_tables
from mscdata.cli import main

from conftest import ROOT

distributed = pytest.importorskip(
    "distributed", reason="Dask is not installed (pip install 'mscdata[dask]')"
)


@pytest.fixture(scope="module")
def client(dask_cluster):
    """A client of a local cluster of two worker processes (conftest)."""
    return dask_cluster[1]


@pytest.fixture(scope="module")
def parted_package(tmp_path_factory) -> Path:
    """The bundled sources built as Parquet in parts of 40 rows: articles, authors and
    the larger tables are split, and their keys run across parts."""
    out = tmp_path_factory.mktemp("parted") / "package"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "PART_ROWS", 40)
        mscdata.build(ROOT / "sources", out, table_format="parquet")
    return out


def _reports(package: Path, client, **options) -> tuple[dict, dict]:
    """The reports of validation here and on the cluster, as JSON documents."""
    here = json.loads(mscdata.validate(package, **options).to_json())
    there = json.loads(mscdata.validate(package, client=client, **options).to_json())
    return here, there


def test_a_valid_package_gets_the_same_report(built_package, client):
    here, there = _reports(built_package, client)
    assert here["valid"] and here == there


def test_every_kind_of_error_at_once_is_reported_the_same(built_package, client):
    edits = [
        ("authors", "cell", 0, "position", "x"),  # type
        ("authors", "duplicate", 0, "article_id", ""),  # primary key, positions
        ("articles", "cell", 0, "publication_month", "13"),  # maximum
        ("articles", "cell", 0, "publication_day", "31"),  # a date
        ("keywords", "cell", 0, "article_id", "pmid:999"),  # foreign key
        ("keywords", "blank", 2, "article_id", ""),  # blank row
        ("references", "extra", 0, "article_id", "more"),  # extra cell
        ("accessions", "label", 0, "databank", "db"),  # incorrect label
    ]
    _break(built_package, edits)
    here, there = _reports(built_package, client)
    kinds = {error["type"] for error in here["errors"]}
    assert {"type-error", "primary-key", "foreign-key", "blank-row", "extra-cell"} <= kinds
    assert here == there


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=breakages())
def test_a_package_broken_at_random_gets_the_same_report(built_package, client, edits):
    package = built_package.parent / "broken"
    shutil.rmtree(package, ignore_errors=True)
    shutil.copytree(built_package, package)
    _break(package, edits)
    here, there = _reports(package, client, max_errors=50)
    assert here == there


def _part_rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _rewrite_part(package: Path, part: str, rows: list[dict]) -> None:
    """A part file written again with ``rows``, its resource's hash and bytes kept true."""
    import hashlib

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = package / part
    schema = pq.read_schema(path)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        if part in paths:
            data = b"".join((package / p).read_bytes() for p in paths)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            resource["bytes"] = len(data)
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")


def test_keys_are_checked_across_the_parts_of_a_table(parted_package, client, tmp_path):
    package = Path(shutil.copytree(parted_package, tmp_path / "package"))
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    assert isinstance(paths["authors"], list) and isinstance(paths["articles"], list)
    first, last = paths["authors"][0], paths["authors"][-1]
    # an author of the first part again in the last: a primary key repeated across parts
    _rewrite_part(package, last, [*_part_rows(package / last), _part_rows(package / first)[0]])
    # an article of the first part gone: its rows in other tables' parts are orphans
    articles = _part_rows(package / paths["articles"][0])
    _rewrite_part(package, paths["articles"][0], articles[1:])
    here, there = _reports(package, client)
    found = {(error["type"], error["resource"]) for error in here["errors"]}
    assert ("primary-key", "authors") in found
    assert ("foreign-key", "authors") in found
    assert here == there


def test_the_key_files_are_removed_and_kept_in_the_folder_given(built_package, client, tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    report = mscdata.validate(built_package, client=client, temp_dir=spill)
    assert report.valid
    assert list(spill.iterdir()) == []


def test_the_command_line_prints_the_same_report(built_package, capsys):
    _break(built_package, [("keywords", "cell", 0, "article_id", "pmid:999")])
    code = main(["validate", str(built_package), "--format", "json"])
    here = capsys.readouterr().out
    on_cluster = ["--scheduler", "local", "--workers", "1"]
    code_there = main(["validate", str(built_package), "--format", "json", *on_cluster])
    captured = capsys.readouterr()
    assert (code, code_there) == (1, 1), captured.err
    assert here == captured.out
    assert "foreign-key" in here


def test_a_scheduler_that_cannot_be_reached_is_one_line_and_exit_2(built_package, capsys):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
        code = main(["validate", str(built_package), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 2}, "size of a local Dask cluster"),
        ({"scheduler": "local", "workers": 0}, "at least 1, not 0"),
    ],
)
def test_a_validation_that_cannot_run_as_asked_is_refused(built_package, options, message):
    with pytest.raises(mscdata.ClusterError, match=message):
        mscdata.validate(built_package, **options)


def test_records_files_are_not_sent_to_a_cluster(tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    records.write_text("{}\n", encoding="utf-8")
    code = main(["validate", "--records", str(records), "--scheduler", "local"])
    err = capsys.readouterr().err
    assert code == 2 and "--records files are checked here" in err


def test_a_client_and_a_scheduler_are_not_both_given(built_package, client):
    with pytest.raises(ValueError, match="not both"):
        mscdata.validate(built_package, scheduler="local", client=client)


def test_workers_that_cannot_see_the_folders_are_named(tmp_path):
    from mscdata.validator import cluster_checks

    class Blind:
        def run(self, function, *args):
            return {"tcp://10.0.0.7:4000": False, "tcp://10.0.0.8:4000": True}

    with pytest.raises(
        mscdata.ClusterError, match=r"not seen by the Dask workers tcp://10\.0\.0\.7"
    ):
        cluster_checks._check_seen(Blind(), tmp_path / "keys", tmp_path)
