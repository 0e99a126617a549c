"""A build's sources read into its record store: every record parsed and made into its
table rows (in worker processes for bulk files), applied in order as PubMed's update
stream (later PubMed records of a PMID replacing earlier ones, deletions applied:
:mod:`mscdata.builder.update_stream`) in the on-disk store
(:mod:`mscdata.builder.record_store`), and the same article from several formats merged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mscdata.builder.manifest import SourceEntry
from mscdata.builder.record_store import RecordStore
from mscdata.builder.stored_records import stored_form
from mscdata.builder.update_stream import StreamCounts, check_order, last_pubmed_file
from mscdata.errors import BuildError, MscdataError
from mscdata.progress import SILENT_TASK, Progress, Task, as_progress
from mscdata.wording import counted

# how a build reads its files and applies their records to its store: here
# (read_here), or on a Dask cluster (mscdata.builder.cluster.read_on_cluster)
Reader = Callable[[list[SourceEntry], RecordStore, Task], "BuildReport"]


@dataclass
class BuildReport:
    """What a build read: articles kept, merges and conflicts, deletions, failures, and
    the counts of PubMed's update stream (``stream``)."""

    articles: int = 0
    merged: int = 0
    deleted: list[str] = field(default_factory=list)  # the PMIDs a DeleteCitation removed
    failures: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. articles without PMC full text
    stream: StreamCounts = field(default_factory=StreamCounts)
    changed: int | None = None  # an update's: the articles whose rows it changed


def read_sources(
    entries: Iterable[SourceEntry],
    store: RecordStore,
    *,
    skip_failures: bool = False,
    progress: Progress | bool | None = None,
    after: str | None = None,
    reader: Reader | None = None,
) -> BuildReport:
    """Every source's articles applied to ``store``, then merged across formats.

    Sources apply in order as PubMed's update stream
    (:mod:`mscdata.builder.update_stream`): PubMed files named ``pubmedYYnNNNN.xml`` must be
    listed by number (after ``after``, the last one the store holds), a later PubMed
    record of a PMID replaces the earlier one whole, and a ``DeleteCitation`` removes the
    PMID's records read before it. The same article from several formats (shared PMID,
    DOI or PMCID) is then merged into one record (see :mod:`mscdata.builder.merge`).
    Failed records stop the build unless ``skip_failures``; they are counted either way.
    ``progress`` (see :mod:`mscdata.progress`) is shown the bytes read of all sources
    with the records found. ``reader`` reads the files and applies them (default:
    :func:`read_here`; :func:`mscdata.builder.cluster.read_on_cluster` on a Dask
    cluster).
    """
    from mscdata.facts.lexicon import compile_lexicons

    compile_lexicons()  # once here, not in each worker process a fork starts from here
    progress = as_progress(progress)
    files = [entry for entry in entries if entry.path is not None]  # others name a source
    check_order((entry.path for entry in files), after=after)
    size = sum(file_size(entry.path) for entry in files)
    label = f"reading {files[0].path.name}" if len(files) == 1 else f"reading {len(files)} files"
    with progress.task(label, total=size, unit="B") as task:
        report = (reader or read_here)(files, store, task)
    if report.failures and not skip_failures:
        first = report.failures[0]
        raise BuildError(
            f"{counted(len(report.failures), 'record')} failed; first: {first}. "
            "Fix the sources, or build without them with --skip-failures"
        )
    with progress.task("merging formats", total=None, unit="articles"):
        report.merged, report.conflicts = store.merge_formats()
    report.articles = store.articles()
    last = last_pubmed_file(entry.path for entry in files)
    if last is not None:
        store.set_fact("last_pubmed_file", last)
    return report


def stored_events(
    path: str | os.PathLike,
    *,
    url: str | None = None,
    format: str | None = None,
    topic: Any = None,
    workers: int | None = None,
    task: Task = SILENT_TASK,
) -> Iterator[Any]:
    """The events of one source file with each article as the store keeps it
    (:func:`~mscdata.builder.stored_records.stored_form`; None for one off ``topic``, a
    topic name, file or :class:`~mscdata.Topic`), Deletions and RecordFailures."""
    from mscdata.parsers import open_source, source_events

    apply = stored_form if topic is None else partial(stored_form, topic=topic)
    return source_events(
        open_source(path), url=url, format=format, apply=apply, workers=workers, task=task
    )


def read_here(files: list[SourceEntry], store: RecordStore, task: Task) -> BuildReport:
    """The records of every file read in this process (and its worker processes, for
    bulk files) and applied to the store in order, each at its slot
    (:func:`~mscdata.builder.record_store.slot_of`); a report of the stream's counts and
    the failures."""
    from mscdata.builder.record_store import slot_of
    from mscdata.parsers.records import Deletion, RecordFailure

    report = BuildReport()
    first = store.first_file()
    try:
        for number, entry in enumerate(files):
            topic = None if entry.topic is None else topic_file(entry)
            events = stored_events(
                entry.path, url=entry.url, format=entry.format, topic=topic, task=task
            )
            # a record's position: among the file's events on the topic, as file_records
            # gives them (None: an article off the entry's topic)
            kept = (event for event in events if event is not None)
            for position, event in enumerate(kept):
                if isinstance(event, RecordFailure):
                    report.failures.append(event)
                elif isinstance(event, Deletion):
                    store.delete(event.pmid)
                else:
                    store.add(event, slot_of(first + number, position))
    except MscdataError as error:
        raise BuildError(str(error)) from None
    report.deleted, report.stream = store.deleted, store.counts
    return report


def topic_file(entry: SourceEntry) -> str:
    """The topic file of a manifest entry (checked here, read again by each worker)."""
    from mscdata.topics import load_topic, topic_path

    try:
        load_topic(entry.topic)  # type: ignore[arg-type]
        return str(topic_path(entry.topic))  # type: ignore[arg-type]
    except MscdataError as error:
        raise BuildError(str(error)) from None


def file_size(path: Any) -> int:
    """A file's size, or 0 when it cannot be told (reading it then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
