"""Builds on a Dask cluster (``build(scheduler=...)``, ``mscdata build --scheduler``): the
same package as a build on one machine, through a lost worker, with the same failures."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_hostile_inputs import RECORD, pubmed_set

import mscdata
from mscdata import dask_cluster
from mscdata.builder import cluster
from mscdata.cli import main

from conftest import ROOT, folder_files, shared_path

distributed = pytest.importorskip(
    "distributed", reason="Dask is not installed (pip install 'mscdata[dask]')"
)

BUNDLED = ROOT / "sources"


@pytest.fixture(scope="module")
def scheduler(dask_cluster):
    """(address, client) of a local cluster of two worker processes (conftest)."""
    return dask_cluster


def _record(pmid: int, title: str = "Title", version: int | None = None) -> bytes:
    """A PubMed record whose PMID is ``pmid`` (and ``Version``), with ``title``."""
    record = RECORD % pmid
    if version is not None:
        record = record.replace(b"<PMID>", b'<PMID Version="%d">' % version, 1)
    return record.replace(b"<ArticleTitle>T<", b"<ArticleTitle>" + title.encode() + b"<", 1)


def _stream_sources(folder: Path) -> Path:
    """A baseline and two updates: replacements, a new version, a deletion and new PMIDs."""
    folder.mkdir()
    baseline = [_record(n) for n in range(1, 301)]
    update1 = [_record(n, "Revised") for n in range(100, 150)] + [_record(400, version=2)]
    deletion = b"<DeleteCitation><PMID>7</PMID><PMID>8</PMID></DeleteCitation>\n"
    update2 = [*[_record(n) for n in range(500, 520)], deletion, _record(120, "Again")]
    for name, records in (
        ("pubmed21n0001.xml.gz", baseline),
        ("pubmed21n0002.xml.gz", update1),
        ("pubmed21n0003.xml", update2),
    ):
        data = pubmed_set(*records)
        (folder / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith("gz") else data)
    return folder


def _files(folder: Path) -> list[Path]:
    """A folder's source files, in name order (PubMed files by number)."""
    return sorted(folder.iterdir())


def _built(sources, out: Path, **options) -> dict[str, bytes]:
    """The files of the package ``build`` makes of ``sources`` (a folder's files when it
    has no manifest), and the rows of its record store (a SQL dump: a store written in
    another order holds the same rows in other pages)."""
    if isinstance(sources, Path) and not (sources / "manifest.yaml").exists():
        sources = _files(sources)
    mscdata.build(sources, out, **options)
    return _package(out)


def _package(out: Path) -> dict[str, bytes]:
    """A package's files, and the dump of its record store, alone in ``.mscdata``."""
    import sqlite3

    assert [p.name for p in (out / ".mscdata").iterdir()] == ["store.sqlite"]
    store = sqlite3.connect(out / ".mscdata" / "store.sqlite")
    try:
        dump = "\n".join(store.iterdump()).encode("utf-8")
    finally:
        store.close()
    return {**folder_files(out, hidden=False), ".mscdata/store.sql": dump}


@pytest.mark.parametrize("table_format", ["csv", "parquet"])
def test_a_cluster_build_is_the_local_build_byte_for_byte(scheduler, tmp_path, table_format):
    address, _ = scheduler
    sources = _stream_sources(tmp_path / "sources")
    local = _built(sources, tmp_path / "local", table_format=table_format)
    on_cluster = _built(sources, tmp_path / "dask", table_format=table_format, scheduler=address)
    assert on_cluster == local
    assert any(name.endswith(f".{table_format}") for name in local)


def test_an_update_of_a_cluster_build_is_the_update_of_the_local_build(scheduler, tmp_path):
    address, _ = scheduler
    sources = _stream_sources(tmp_path / "sources")
    later = tmp_path / "pubmed21n0004.xml"
    deletion = b"<DeleteCitation><PMID>9</PMID><PMID>120</PMID></DeleteCitation>\n"
    later.write_bytes(pubmed_set(_record(130, "Updated"), deletion, _record(600)))
    updated = []
    for options in ({}, {"scheduler": address}):
        out = tmp_path / f"out{len(updated)}"
        _built(sources, out, **options)
        mscdata.update(out, [later])
        updated.append(_package(out))
    assert updated[0] == updated[1]
    assert b"pmid:600" in updated[0]["articles.csv"]


def test_the_bundled_sources_build_the_same_on_a_cluster(scheduler, tmp_path):
    address, _ = scheduler
    local = _built(BUNDLED, tmp_path / "local")
    assert _built(BUNDLED, tmp_path / "dask", scheduler=address) == local


@pytest.mark.parametrize("table_format", ["csv", "parquet"])
def test_tables_written_in_many_pieces_are_the_same_bytes(
    scheduler, tmp_path, monkeypatch, table_format
):
    # pieces of 7 records: the bundled sources' 115 articles written by 17 tasks and
    # joined in id order
    from mscdata.builder import cluster_tables
    from mscdata.builder.record_store import RecordStore

    address, _ = scheduler
    local = _built(BUNDLED, tmp_path / "local", table_format=table_format)
    monkeypatch.setattr(cluster_tables, "PIECE_RECORDS", 7)
    bounds = []
    id_bounds = RecordStore.id_bounds

    def seen(store, size):
        bounds.extend(id_bounds(store, size))
        return bounds

    monkeypatch.setattr(RecordStore, "id_bounds", seen)
    assert _built(BUNDLED, tmp_path / "dask", table_format=table_format, scheduler=address) == local
    assert len(bounds) == 16 and bounds == sorted(bounds)  # 17 pieces


@pytest.mark.slow
def test_real_baseline_update_and_tiled_files_build_the_same_on_a_cluster(scheduler, tmp_path):
    from test_tiled_sources import tiled_sources

    baseline = shared_path("corpus", "peers", "pubmed-xml", "pubmed20n0014.xml.gz")
    update = shared_path("corpus", "bulk", "pubmed21n1298.xml.gz")
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(baseline, sources / baseline.name)
    tiled_sources.write_tile(baseline, 5_000, 1, sources / tiled_sources.tile_name(1))
    shutil.copy(update, sources / update.name)
    address, _ = scheduler
    local = _built(sources, tmp_path / "local")
    on_cluster = _built(sources, tmp_path / "dask", scheduler=address)
    assert on_cluster == local
    assert len(local["articles.csv"].splitlines()) > 50_000


def test_a_killed_worker_is_replaced_and_the_package_is_unchanged(scheduler, tmp_path):
    address, client = scheduler
    sources = tmp_path / "sources"
    sources.mkdir()
    for number in range(1, 5):  # big enough files that a worker is killed mid-file
        records = [_record(n) for n in range(number * 100_000, number * 100_000 + 10_000)]
        (sources / f"pubmed21n{number:04d}.xml").write_bytes(pubmed_set(*records))
    local = _built(sources, tmp_path / "local")
    pids = set(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_one_reading_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            busy = [w for w, tasks in client.processing().items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1]).popitem()[1]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_reading_worker)
    killer.start()
    try:
        on_cluster = _built(sources, tmp_path / "dask", scheduler=address)
    finally:
        killer.join()
        client.wait_for_workers(2, timeout=60)  # the nanny started a new one
    assert killed and killed[0] in pids
    assert on_cluster == local


def test_a_failed_record_is_reported_as_a_local_build_reports_it(scheduler, tmp_path):
    address, _ = scheduler
    sources = tmp_path / "sources"
    sources.mkdir()
    broken = _record(2).replace(b"</ArticleTitle>", b"</ArticleTitel>", 1)  # malformed
    (sources / "pubmed21n0001.xml").write_bytes(pubmed_set(_record(1), broken, _record(3)))
    errors = []
    for options in ({}, {"scheduler": address}):
        with pytest.raises(mscdata.BuildError) as raised:
            mscdata.build(_files(sources), tmp_path / f"out{len(errors)}", **options)
        errors.append(str(raised.value).replace(str(tmp_path / f"out{len(errors)}"), "OUT"))
    assert errors[0] == errors[1]
    assert "pubmed21n0001.xml" in errors[0] and "record 2" in errors[0]
    reports = []
    for options in ({}, {"scheduler": address}):
        report = mscdata.BuildReport()
        out = tmp_path / f"skip{len(reports)}"
        mscdata.build(_files(sources), out, skip_failures=True, report=report, **options)
        reports.append([str(failure) for failure in report.failures])
    assert reports[0] == reports[1] and len(reports[0]) == 1


def test_an_unreadable_file_fails_as_it_does_locally(scheduler, tmp_path):
    address, _ = scheduler
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "pubmed21n0001.xml").write_bytes(b"\x1f\x8b\x08\x00 not gzip at all")
    messages = []
    for options in ({}, {"scheduler": address}):
        with pytest.raises(mscdata.BuildError) as raised:
            mscdata.build(_files(sources), tmp_path / "out", **options)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert "pubmed21n0001.xml" in messages[0]


def test_an_interrupted_cluster_build_leaves_the_previous_package(scheduler, tmp_path, monkeypatch):
    address, _ = scheduler
    sources = _stream_sources(tmp_path / "sources")
    out = tmp_path / "out"
    before = _built(sources, out)
    (sources / "pubmed21n0004.xml").write_bytes(pubmed_set(_record(900)))
    results = []
    result = cluster.task_result

    def interrupted(future, what):
        if results:  # the second file's result: the build is stopped on the client
            raise KeyboardInterrupt
        results.append(result(future, what))
        return results[-1]

    monkeypatch.setattr(cluster, "task_result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        mscdata.build(_files(sources), out, scheduler=address)
    assert _package(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "sources"]


def test_the_command_line_builds_on_a_local_cluster_of_its_own(tmp_path, capsys):
    local = _built(BUNDLED, tmp_path / "local")
    code = main(
        [
            "build",
            "--sources",
            str(BUNDLED),
            "--out",
            str(tmp_path / "dask"),
            "--scheduler",
            "local",
            "--workers",
            "2",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert _package(tmp_path / "dask") == local


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    code = main(
        [
            "build",
            "--sources",
            str(BUNDLED),
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            "tcp://127.0.0.1:9",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 2}, "size of a local Dask cluster"),
        ({"scheduler": "tcp://127.0.0.1:9", "workers": 2}, "size of a local Dask cluster"),
        ({"scheduler": "local", "workers": 0}, "at least 1, not 0"),
        ({"scheduler": " "}, "'local' or a scheduler's address"),
    ],
)
def test_a_build_that_cannot_run_as_asked_is_refused_before_anything_starts(
    tmp_path, options, message
):
    with pytest.raises(mscdata.BuildError, match=message):
        mscdata.build(BUNDLED, tmp_path / "out", **options)
    assert list(tmp_path.iterdir()) == []  # no lock, no staging folder


def test_without_dask_the_build_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    with pytest.raises(mscdata.BuildError, match=r"pip install 'mscdata\[dask\]'"):
        mscdata.build(BUNDLED, tmp_path / "out", scheduler="local")
    assert list(tmp_path.iterdir()) == []


def test_a_scheduler_without_workers_is_one_error_not_a_hang(tmp_path, monkeypatch):
    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    with (
        distributed.LocalCluster(
            n_workers=0,
            processes=False,
            silence_logs=40,
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        ) as empty,
        pytest.raises(mscdata.BuildError, match="has no workers"),
    ):
        mscdata.build(BUNDLED, tmp_path / "out", scheduler=empty.scheduler_address)
    assert not (tmp_path / "out").exists()


def test_warnings_given_on_the_workers_are_given_on_the_client(scheduler, tmp_path):
    from test_actionable_errors import NO_PMID_PAGE

    address, _ = scheduler
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(NO_PMID_PAGE, sources / NO_PMID_PAGE.name)  # a page that prints no PMID
    seen = []
    for options in ({}, {"scheduler": address}):
        with pytest.warns(mscdata.MissingPmidWarning) as caught:
            mscdata.build(_files(sources), tmp_path / f"out{len(seen)}", **options)
        seen.append(sorted(str(w.message) for w in caught))
    assert seen[0] == seen[1]


class _Future:
    """A Dask future stand-in: its result, or the error it raises."""

    def __init__(self, outcome):
        self.outcome, self.released, self.cancelled = outcome, False, False

    def result(self):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def release(self):
        self.released = True

    def done(self):
        return self.released

    def cancel(self):
        self.cancelled = True


class _Client:
    """A Dask client stand-in whose tasks end as ``outcomes`` says, one per file."""

    def __init__(self, outcomes):
        self.outcomes, self.futures, self.keys = list(outcomes), [], []

    def nthreads(self):
        return {"a": 1}

    def cancel(self, futures):
        for future in futures:
            future.cancel()

    def submit(self, function, *args, **options):
        self.keys.append(options["key"])
        self.futures.append(_Future(self.outcomes.pop(0)))
        return self.futures[-1]


def _read_on(client, files, folder: Path):
    """:func:`cluster.read_on_cluster` of ``files`` into a new store in ``folder``."""
    from mscdata.builder.record_store import RecordStore
    from mscdata.progress import SILENT_TASK

    with RecordStore(folder / "store.sqlite", create=True) as store:
        return cluster.read_on_cluster(files, store, SILENT_TASK, client)


def test_a_file_whose_workers_keep_dying_fails_the_build_named_and_stops_the_rest(tmp_path):
    from mscdata.builder.manifest import SourceEntry

    files = [SourceEntry(path=tmp_path / f"pubmed21n000{n}.xml") for n in range(1, 6)]
    done = ([], 0, [])
    client = _Client([done, distributed.KilledWorker("task", "worker", 3), done, done, done])
    with pytest.raises(mscdata.ClusterError, match=r"pubmed21n0002\.xml: the Dask workers"):
        _read_on(client, files, tmp_path)
    assert all(f.released for f in client.futures[:2])
    assert all(f.cancelled for f in client.futures[2:])  # still reading: stopped
    assert len(set(client.keys)) == len(client.keys)
    assert [p.name for p in tmp_path.iterdir()] == ["store.sqlite"]  # no shard files left


def test_two_builds_never_share_task_keys(tmp_path):
    from mscdata.builder.manifest import SourceEntry

    files = [SourceEntry(path=tmp_path / "pubmed21n0001.xml")]
    stop = distributed.KilledWorker("task", "worker", 3)
    one, other = _Client([stop]), _Client([stop])
    for client in (one, other):
        with pytest.raises(mscdata.ClusterError):
            _read_on(client, files, tmp_path)
    assert one.keys[0] != other.keys[0]


def test_a_task_failing_for_the_cluster_s_own_reasons_is_a_cluster_error_naming_the_file(
    tmp_path,
):
    from mscdata.builder.manifest import SourceEntry

    files = [SourceEntry(path=tmp_path / "pubmed21n0001.xml")]
    client = _Client([ModuleNotFoundError("No module named 'mscdata'")])
    with pytest.raises(mscdata.ClusterError, match=r"pubmed21n0001\.xml: its Dask task failed: "):
        _read_on(client, files, tmp_path)


def test_a_cluster_build_applies_its_files_to_a_new_store_only(tmp_path):
    from mscdata.builder.manifest import SourceEntry
    from mscdata.builder.record_store import RecordStore, slot_of
    from mscdata.progress import SILENT_TASK

    path = tmp_path / "pubmed21n0001.xml"
    path.write_bytes(pubmed_set(_record(1)))
    with RecordStore(tmp_path / "store.sqlite", create=True) as store:
        store.add(mscdata.file_records(path)[0], slot_of(0, 0))
        with pytest.raises(mscdata.BuildError, match="to a new record store only"):
            cluster.read_on_cluster([SourceEntry(path=path)], store, SILENT_TASK, _Client([]))


def test_a_shard_that_cannot_be_absorbed_leaves_the_store_as_it_was(tmp_path):
    import sqlite3

    from mscdata.builder.record_store import RecordStore, slot_of

    path = tmp_path / "pubmed21n0001.xml"
    path.write_bytes(pubmed_set(_record(1), _record(2)))
    first, second = mscdata.file_records(path)
    with RecordStore(tmp_path / "shard.sqlite", create=True) as shard:
        shard.add(second, slot_of(0, 1))
        shard.add(first, slot_of(0, 0))
        shard.commit()
    with RecordStore(tmp_path / "store.sqlite", create=True) as store:
        store.add(first, slot_of(0, 0))  # PMID 1 held already: the shard's copy clashes
        with pytest.raises(sqlite3.IntegrityError):
            store.absorb([tmp_path / "shard.sqlite"])
        assert store.articles() == 1  # nothing of the shard was kept
        store.add(second, slot_of(0, 1))  # and the store is in use as before
        store.commit()
        assert store.articles() == 2


@given(
    pmid=st.integers(1, 10**9).map(str),
    shards=st.integers(1, 64),
)
def test_every_record_and_deletion_of_a_pmid_is_in_one_shard(pmid, shards):
    from mscdata.parsers.records import Deletion

    # a stand-in with the attributes of a StoredRecord that shard_of reads
    record = type("Record", (), {"pmid": pmid, "article_id": f"pmid:{pmid}"})()
    shard = cluster.shard_of(record, shards)
    assert 0 <= shard < shards
    assert cluster.shard_of(Deletion(pmid, "pubmed21n0002.xml"), shards) == shard


def test_file_records_is_the_public_per_file_function(tmp_path):
    path = tmp_path / "pubmed21n0001.xml"
    deletion = b"<DeleteCitation><PMID>5</PMID></DeleteCitation>\n"
    path.write_bytes(pubmed_set(_record(1), _record(2, "Other"), deletion))
    records = mscdata.file_records(path)
    assert [type(r).__name__ for r in records] == ["StoredRecord", "StoredRecord", "Deletion"]
    assert [r.article_id for r in records[:2]] == ["pmid:1", "pmid:2"]
    assert records[2].pmid == "5"
    assert mscdata.file_records(path, topic="msc") == [records[2]]  # only the deletion


def test_a_stored_record_gives_its_rows_of_any_table_as_the_package_holds_them(tmp_path):
    import csv

    path = tmp_path / "pubmed21n0001.xml"
    path.write_bytes(pubmed_set(_record(1, 'A "quoted", title'), _record(2)))
    records = mscdata.file_records(path)
    mscdata.build([path], tmp_path / "package")
    with (tmp_path / "package" / "articles.csv").open(encoding="utf-8", newline="") as handle:
        built = list(csv.DictReader(handle))
    assert [row for r in records for row in r.table_rows("articles")] == built
    assert records[0].table_rows("authors") == []
    with pytest.raises(ValueError, match="no table 'nope'"):
        records[0].table_rows("nope")


def test_a_script_without_a_main_guard_gets_one_error_saying_so(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "build_on_dask.py"
    out = tmp_path / "out"
    body = (
        "import mscdata\n"
        f"mscdata.build({str(BUNDLED)!r}, {str(out)!r}, scheduler='local', workers=1)\n"
    )
    script.write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode != 0
    assert "if __name__ == '__main__':" in done.stderr.splitlines()[-1]
    script.write_text(
        "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines())
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "datapackage.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build_on_dask.py", "out"]
