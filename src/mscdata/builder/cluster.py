"""A build's sources read on a Dask cluster: one task per source file.

``mscdata build --scheduler local|ADDRESS`` (``build(scheduler=...)``) sends each source
file to a Dask worker, which reads it into the records a build stores
(:func:`file_records`: parsing, topic selection and the table rows of every article).
The build applies each file's records to its record store in the manifest's order, as
a build on one machine does (PubMed's update stream, deletions, the merge of formats),
then writes and validates the tables: the package is byte for byte the one a build on
one machine makes. At most :data:`FILES_AHEAD` files per worker are read ahead of the
one being applied, so the client's memory holds a few files' records, however many
files there are.

Workers must see the source files at the paths the build names (a shared folder) and
have mscdata installed. Dask recovers from a lost worker by reading its files again on
another; a file whose reading is lost with its worker again and again (on a local
cluster, :data:`mscdata.dask_cluster.ALLOWED_FAILURES` times) fails the build, named.
The cluster is :func:`mscdata.dask_cluster.dask_client`'s.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.builder.source_rows import file_size, stored_events
from mscdata.dask_cluster import task_result

if TYPE_CHECKING:
    from mscdata.builder.manifest import SourceEntry
    from mscdata.progress import Task
    from mscdata.topics import Topic

FILES_AHEAD = 2  # per worker: files read ahead of the one the build applies


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

    This is the function a Dask build maps over its files, and what a Spark job's
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


def cluster_file_events(
    files: Iterable[SourceEntry], task: Task, client: Any
) -> Iterator[tuple[SourceEntry, list[Any]]]:
    """Each file with its records (:func:`file_records`), read on the cluster, given in
    the files' order; ``task`` counts the bytes and records of each file as it comes.
    Warnings a file gave on its worker are given again here."""
    build = uuid.uuid4().hex[:12]  # keys of this build's tasks, whoever else uses the cluster
    topics: dict[str, Topic] = {}
    pending: deque[tuple[SourceEntry, Any]] = deque()

    def finished(entry: SourceEntry, future: Any) -> tuple[SourceEntry, list[Any]]:
        events, read, caught = task_result(future, str(entry.path))
        for warning in caught:
            warnings.warn(warning, stacklevel=2)
        task.update(file_size(entry.path), records=read)
        return entry, events

    try:
        for number, entry in enumerate(files):
            future = client.submit(
                _file_task,
                Path(entry.path).absolute(),  # type: ignore[arg-type]
                format=entry.format,
                url=entry.url,
                topic=_topic_of(entry, topics),
                key=f"mscdata-{build}-{number}-{entry.path.name}",  # type: ignore[union-attr]
                pure=False,
            )
            pending.append((entry, future))
            workers = max(1, len(client.nthreads()))  # again each time: clusters scale
            if len(pending) > FILES_AHEAD * workers:
                yield finished(*pending.popleft())
        while pending:
            yield finished(*pending.popleft())
    finally:
        if pending:  # a failure or an interrupt: nothing left running
            client.cancel([future for _, future in pending])


def _file_task(path: Path, **options: Any) -> tuple[list[Any], int, list[Warning]]:
    """What a Dask task runs: :func:`file_records`, with the count of records read (off
    the topic too) and the warnings they gave, for the client to show."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events, read = _read_file(path, **options)
    return events, read, [warning.message for warning in caught]  # type: ignore[misc]


def _topic_of(entry: SourceEntry, loaded: dict[str, Topic]) -> Topic | None:
    """The entry's topic, loaded here (once) and sent whole: workers need not find its
    file."""
    if entry.topic is None:
        return None
    if entry.topic not in loaded:
        from mscdata.topics import load_topic

        loaded[entry.topic] = load_topic(entry.topic)
    return loaded[entry.topic]
