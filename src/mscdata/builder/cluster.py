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
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.builder.source_rows import file_size, stored_events
from mscdata.errors import BuildError, MscdataError

if TYPE_CHECKING:
    from mscdata.builder.manifest import SourceEntry
    from mscdata.progress import Task
    from mscdata.topics import Topic

FILES_AHEAD = 2  # per worker: files read ahead of the one the build applies
ALLOWED_FAILURES = 3  # workers lost while reading one file before the build fails
CONNECT_SECONDS = 30  # to reach a scheduler given by address
# a local cluster's scheduler: no dashboard, and its HTTP server (health checks) on a free
# port rather than 8787, which another cluster of the user's may hold
LOCAL_SCHEDULER = {
    "allowed_failures": ALLOWED_FAILURES - 1,
    "dashboard": False,
    "dashboard_address": ":0",
}


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


def check_engine(scheduler: str, workers: int | None) -> None:
    """BuildError, before a build starts, when it cannot run on Dask as asked: Dask not
    installed, no scheduler named, ``workers`` below 1 or given for a cluster that is
    not local."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise BuildError("--scheduler needs Dask: pip install 'mscdata[dask]'") from None
    if workers is not None and scheduler != "local":
        raise BuildError(
            "--workers (workers=) is the size of a local Dask cluster: use it with "
            "--scheduler local; a running cluster has the workers it has"
        )
    if not scheduler.strip():
        raise BuildError("--scheduler is 'local' or a scheduler's address (tcp://host:8786)")
    if workers is not None and workers < 1:
        raise BuildError(f"--workers (workers=) must be at least 1, not {workers}")


@contextlib.contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: of a new local cluster of ``workers`` processes (``"local"``; one
    per usable core when None), or of the scheduler at an address, with at least one
    worker, once :func:`check_engine` passed (the build checks before it starts).
    BuildError when the scheduler cannot be reached or has no workers."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        try:
            cluster = LocalCluster(
                n_workers=workers or _usable_cores(),
                threads_per_worker=1,  # parsing holds the interpreter: a process per core
                processes=True,
                silence_logs=40,  # logging.ERROR: Dask's own chatter stays off stderr
                scheduler_kwargs=LOCAL_SCHEDULER,
            )
        except (RuntimeError, OSError) as error:  # Dask: "Nanny failed to start."
            raise BuildError(
                f"the local Dask cluster's worker processes did not start ({error}). Dask "
                "starts them afresh, importing the script that called the build again: in "
                "a script, call mscdata.build(scheduler='local') under "
                "if __name__ == '__main__':"
            ) from None
        with cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            raise BuildError(
                f"the Dask scheduler at {scheduler} has no workers (waited "
                f"{CONNECT_SECONDS} s): {error}"
            ) from None
        yield client


def cluster_file_events(
    files: Iterable[SourceEntry], task: Task, client: Any
) -> Iterator[tuple[SourceEntry, list[Any]]]:
    """Each file with its records (:func:`file_records`), read on the cluster, given in
    the files' order; ``task`` counts the bytes and records of each file as it comes.
    Warnings a file gave on its worker are given again here."""
    from distributed import KilledWorker

    build = uuid.uuid4().hex[:12]  # keys of this build's tasks, whoever else uses the cluster
    topics: dict[str, Topic] = {}
    pending: deque[tuple[SourceEntry, Any]] = deque()

    def finished(entry: SourceEntry, future: Any) -> tuple[SourceEntry, list[Any]]:
        try:
            events, read, caught = future.result()
        except MscdataError:
            raise
        except KilledWorker:
            raise BuildError(
                f"{entry.path}: the Dask workers reading it were lost again and again (out "
                "of memory, or killed); the build stops"
            ) from None
        except Exception as error:  # the cluster's own trouble: a lost scheduler, a worker
            raise BuildError(  # without mscdata, a connection closed
                f"{entry.path}: its Dask task failed: {type(error).__name__}: {error}"
            ) from None
        finally:
            future.release()
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


def _usable_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every platform
        return max(1, os.cpu_count() or 1)
