"""A build on a Dask cluster: the files read and PubMed's update stream applied there.

``mscdata build --scheduler local|ADDRESS`` (``build(scheduler=...)``) runs in two rounds
of tasks, with the build's staging folder (which the workers must share) between them:

1. a task per source file reads it (:func:`file_records`: parsing, topic selection,
   the table rows of every article) and files each record under its PMID's *shard*
   (:func:`shard_of`, one of :func:`shard_count`), in a file of that shard's records;
2. a task per shard applies its records, file after file in the manifest's order, to a
   record store of its own, exactly as a build on one machine applies them (a later
   PubMed record of a PMID replacing the earlier one, a ``DeleteCitation`` removing the
   PMID's records read before it): every record and deletion of a PMID is in one
   shard, and each record keeps the slot it would have had on one machine
   (:func:`~mscdata.builder.record_store.slot_of`).

The build then takes the shards' stores into its own
(:meth:`~mscdata.builder.record_store.RecordStore.absorb`: SQLite copying rows, no
record read in Python) and merges the records that are one article from several
formats; tasks then write the tables (:mod:`mscdata.builder.cluster_tables`) and check
them (:mod:`mscdata.validator.cluster_checks`). The package is byte for byte the
one a build on one machine makes, and its record store holds the same rows.

Workers must see the source files and the output folder's parent (where the build
stages the package) at the paths the build names (a shared folder) and have mscdata
installed. Dask recovers from a lost worker by running its tasks again on another: a
reading task writes each of its files whole (written under another name, then
renamed), and the other tasks write files of their own run, so a task run twice never
writes into the other run's files; a task lost with its worker again and again (on a local cluster,
:data:`mscdata.dask_cluster.ALLOWED_FAILURES` times) fails the build, named. The
cluster is :func:`mscdata.dask_cluster.dask_client`'s.
"""

from __future__ import annotations

import os
import pickle
import shutil
import uuid
import warnings
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.builder.source_rows import file_size, stored_events
from mscdata.dask_cluster import task_result
from mscdata.errors import BuildError

if TYPE_CHECKING:
    from mscdata.builder.manifest import SourceEntry
    from mscdata.builder.record_store import RecordStore
    from mscdata.builder.source_rows import BuildReport
    from mscdata.progress import Task
    from mscdata.topics import Topic

SHARDS_PER_WORKER = 2  # shards the records are applied in, per worker at the start
MIN_SHARDS = 8  # at least: a cluster that grows as the build runs still spreads them


def file_records(
    path: str | os.PathLike,
    *,
    format: str | None = None,
    url: str | None = None,
    topic: str | os.PathLike | Topic | None = None,
) -> list[Any]:
    """Every record of one source file as a build applies it, in the file's order: a
    :class:`~mscdata.builder.stored_records.StoredRecord` per article (its table rows;
    none for an article off ``topic``), a :class:`~mscdata.Deletion` per PMID a
    ``DeleteCitation`` names, a :class:`~mscdata.RecordFailure` per record that failed.

    This is the function a Dask build maps over its files (see the module's
    docstring), and what a Spark job's
    ``mapPartitions`` can call on file paths. It reads in the calling process
    (``workers=1``); a file it cannot read at all raises :class:`~mscdata.ParseError`.
    """
    return _read_file(path, format=format, url=url, topic=topic)[0]


def _read_file(
    path: str | os.PathLike, *, format: str | None, url: str | None, topic: Any
) -> tuple[list[Any], int]:
    """:func:`file_records`, and how many records were read (those off the topic too)."""
    events = list(stored_events(path, url=url, format=format, topic=topic, workers=1))
    return [event for event in events if event is not None], len(events)  # None: off topic


def read_on_cluster(
    files: list[SourceEntry], store: RecordStore, task: Task, client: Any
) -> BuildReport:
    """The records of every file read and applied on the cluster of ``client`` (see the
    module's docstring), then taken into ``store``; the report of the stream's counts
    and the failures, as :func:`~mscdata.builder.source_rows.read_here` gives it.
    ``task`` counts the bytes and records of each file as its reading ends; warnings a
    file gave on its worker are given again here, in the files' order."""
    from mscdata.builder.source_rows import BuildReport

    if store.first_file():
        raise BuildError(  # an update applies its files to records held: on one machine
            f"{store.named}: a Dask build applies its files to a new record store only"
        )
    job = uuid.uuid4().hex[:12]  # keys of this build's tasks, whoever else uses the cluster
    folder = (store.path.parent / f"shards-{job}").absolute()
    folder.mkdir()
    shards = shard_count(len(client.nthreads()))
    topics: dict[str, Topic] = {}
    futures: list[Any] = []
    report = BuildReport()
    try:
        for number, entry in enumerate(files):
            futures.append(
                client.submit(
                    _file_task,
                    Path(entry.path).absolute(),  # type: ignore[arg-type]
                    folder,
                    number,  # the store holds no file before: numbered from 0
                    shards,
                    format=entry.format,
                    url=entry.url,
                    topic=_topic_of(entry, topics),
                    key=f"mscdata-read-{job}-{number}-{entry.path.name}",  # type: ignore[union-attr]
                    pure=False,
                )
            )
        for entry, future in zip(files, futures, strict=True):
            failures, read, caught = _result(future, str(entry.path))
            for warning in caught:
                warnings.warn(warning, stacklevel=2)
            report.failures += failures
            task.update(file_size(entry.path), records=read)
        numbers = list(range(len(files)))
        futures = [
            client.submit(
                _shard_task, folder, shard, numbers, key=f"mscdata-apply-{job}-{shard}", pure=False
            )
            for shard in range(shards)
        ]
        deleted: list[tuple[int, str]] = []
        applied: list[Path] = []
        for shard, future in enumerate(futures):
            counts, removed, path = _result(future, f"applying the records of shard {shard}")
            store.counts += counts
            deleted += removed
            applied.append(path)
        store.absorb(applied)
        store.deleted += [pmid for _, pmid in sorted(deleted)]  # in reading order
    finally:
        client.cancel([future for future in futures if not future.done()])
        shutil.rmtree(folder, ignore_errors=True)
    report.deleted, report.stream = store.deleted, store.counts
    return report


def shard_count(workers: int) -> int:
    """How many shards a build on ``workers`` workers (when it starts) applies its
    records in: a few per worker, so that a slow one holds up little, and at least
    :data:`MIN_SHARDS` (the package does not depend on it)."""
    return max(MIN_SHARDS, SHARDS_PER_WORKER * workers)


def shard_of(event: Any, shards: int) -> int:
    """The shard of a record or deletion: by its PMID (every record and deletion of a
    PMID in one), else by its article id; the same in every process."""
    key = event.pmid or getattr(event, "article_id", "")
    return zlib.crc32(key.encode("utf-8")) % shards


def _result(future: Any, what: str) -> Any:
    """A task's result; any failure of it as a BuildError (a file that cannot be read:
    its own located error)."""
    from mscdata.errors import ClusterError, MscdataError

    try:
        return task_result(future, what)
    except ClusterError:
        raise
    except MscdataError as error:
        raise BuildError(str(error)) from None


def _file_task(
    path: Path, folder: Path, number: int, shards: int, **options: Any
) -> tuple[list[Any], int, list[Warning]]:
    """What a task of round 1 runs: :func:`file_records` of one file, its records and
    deletions written in ``folder`` by shard (with their slots, file ``number``); returns
    its failures, the count of records read (off the topic too) and the warnings they
    gave, for the client to show."""
    from mscdata.builder.record_store import slot_of
    from mscdata.parsers.records import RecordFailure

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events, read = _read_file(path, **options)
    failures: list[Any] = []
    by_shard: dict[int, list[tuple[int, Any]]] = {}
    for position, event in enumerate(events):
        if isinstance(event, RecordFailure):
            failures.append(event)
        else:
            by_shard.setdefault(shard_of(event, shards), []).append(
                (slot_of(number, position), event)
            )
    for shard, held in by_shard.items():
        _write_whole(folder / _bucket_name(number, shard), pickle.dumps(held, protocol=5))
    return failures, read, [warning.message for warning in caught]  # type: ignore[misc]


def _shard_task(
    folder: Path, shard: int, numbers: list[int]
) -> tuple[Any, list[tuple[int, str]], Path]:
    """What a task of round 2 runs: the records and deletions of one shard applied, file
    by file, to a store of its own in ``folder``; returns the stream's counts, the
    (slot, PMID) of each deletion that removed records, and the store."""
    from mscdata.builder.record_store import RecordStore
    from mscdata.parsers.records import Deletion

    if not folder.is_dir():  # the build stopped, and removed it: nothing to make again
        raise BuildError(f"{folder}: gone; the build this task belongs to has stopped")
    path = folder / _store_name(shard, uuid.uuid4().hex[:8])  # a store of this run's own
    removed: list[tuple[int, str]] = []
    with RecordStore(path, create=True) as store:
        for number in numbers:
            bucket = folder / _bucket_name(number, shard)
            if not bucket.exists():
                continue
            for slot, event in pickle.loads(bucket.read_bytes()):
                if isinstance(event, Deletion):
                    before = len(store.deleted)
                    store.delete(event.pmid)
                    if len(store.deleted) > before:
                        removed.append((slot, event.pmid))
                else:
                    store.add(event, slot)
        store.flush()  # on disk for the client, whichever host it is on
        return store.counts, removed, path


def _bucket_name(number: int, shard: int) -> str:
    """The file of one shard's records of file ``number``."""
    return f"file-{number:06d}-shard-{shard:04d}.pickle"


def _store_name(shard: int, run: str) -> str:
    """The record store of one shard, made by one run of its task."""
    return f"shard-{shard:04d}-{run}.sqlite"


def _write_whole(path: Path, data: bytes) -> None:
    """A file written whole or not at all (a task run again after its worker was lost
    rewrites it)."""
    partial = path.with_name(path.name + f".{uuid.uuid4().hex[:8]}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _topic_of(entry: SourceEntry, loaded: dict[str, Topic]) -> Topic | None:
    """The entry's topic, loaded here (once) and sent whole: workers need not find its
    file."""
    if entry.topic is None:
        return None
    if entry.topic not in loaded:
        from mscdata.topics import load_topic

        loaded[entry.topic] = load_topic(entry.topic)
    return loaded[entry.topic]
