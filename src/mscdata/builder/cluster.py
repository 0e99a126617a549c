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
cluster, :data:`ALLOWED_FAILURES` times) fails the build, named. ``local`` starts a
:class:`distributed.LocalCluster` of worker processes on this machine; an address
(``tcp://host:8786``) joins a running scheduler (SLURM through dask-jobqueue,
Kubernetes through dask-kubernetes, or any other).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from mscdata.builder.stored_records import stored_form
from mscdata.errors import BuildError

if TYPE_CHECKING:
    from mscdata.builder.manifest import SourceEntry
    from mscdata.progress import Task
    from mscdata.topics import Topic

FILES_AHEAD = 2  # per worker: files read ahead of the one the build applies
ALLOWED_FAILURES = 3  # workers lost while reading one file before the build fails
CONNECT_SECONDS = 30  # to reach a scheduler given by address


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
    from mscdata.parsers import open_source, source_events

    apply = stored_form if topic is None else partial(stored_form, topic=topic)
    events = source_events(open_source(path), url=url, format=format, apply=apply, workers=1)
    return [event for event in events if event is not None]  # None: off the topic


@contextlib.contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: of a new local cluster of ``workers`` processes (``"local"``; one
    per core when None), or of the scheduler at an address. BuildError when Dask is not
    installed or the scheduler cannot be reached."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError("--scheduler needs Dask: pip install 'mscdata[dask]'") from None
    if workers is not None and workers < 1:
        raise BuildError(f"--workers must be at least 1, not {workers}")
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES - 1}):
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,  # parsing holds the interpreter: a process per core
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: Dask's own chatter stays off stderr
            )
            with cluster, Client(cluster) as client:
                yield client
            return
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        with client:
            yield client


def cluster_file_events(
    files: Iterable[SourceEntry], task: Task, client: Any
) -> Iterator[tuple[SourceEntry, list[Any]]]:
    """Each file with its records (:func:`file_records`), read on the cluster, given in
    the files' order; ``task`` counts the bytes and records of each file as it comes."""
    from distributed import KilledWorker

    workers = max(1, len(client.scheduler_info().get("workers", ())))
    build = uuid.uuid4().hex[:12]  # keys of this build's tasks, whoever else uses the cluster
    pending: deque[tuple[SourceEntry, Any]] = deque()

    def finished(entry: SourceEntry, future: Any) -> tuple[SourceEntry, list[Any]]:
        try:
            events = future.result()
        except KilledWorker:
            raise BuildError(
                f"{entry.path}: the Dask workers reading it were lost again and again (out "
                "of memory, or killed); the build stops"
            ) from None
        finally:
            future.release()
        task.update(_size(entry), records=len(events))
        return entry, events

    try:
        for number, entry in enumerate(files):
            future = client.submit(
                file_records,
                os.fspath(entry.path),  # type: ignore[arg-type]
                format=entry.format,
                url=entry.url,
                topic=_topic_of(entry),
                key=f"mscdata-{build}-{number}-{entry.path.name}",  # type: ignore[union-attr]
                pure=False,
            )
            pending.append((entry, future))
            if len(pending) > FILES_AHEAD * workers:
                yield finished(*pending.popleft())
        while pending:
            yield finished(*pending.popleft())
    finally:
        for _, future in pending:  # a failure or an interrupt: nothing left running
            future.cancel()


def _topic_of(entry: SourceEntry) -> Topic | None:
    """The entry's topic, loaded here and sent whole: workers need not find its file."""
    if entry.topic is None:
        return None
    from mscdata.topics import load_topic

    return load_topic(entry.topic)


def _size(entry: SourceEntry) -> int:
    try:
        return entry.path.stat().st_size  # type: ignore[union-attr]
    except OSError:
        return 0
