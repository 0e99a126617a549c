"""A build's sources read into table rows: every record parsed (in worker processes for
bulk files) and applied in order as PubMed's update stream (later PubMed records of a
PMID replacing earlier ones, deletions applied: :mod:`mscdata.builder.update_stream`),
the same article from several formats merged, each article made into the rows of
every table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mscdata.builder.article_rows import article_dump
from mscdata.builder.manifest import SourceEntry
from mscdata.builder.update_stream import AppliedRecords, StreamCounts, check_order
from mscdata.errors import BuildError, MscdataError
from mscdata.held_records import OutOfCollectorSight
from mscdata.progress import RECORD_BATCH, Progress, Task, as_progress
from mscdata.wording import counted


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


def read_sources(
    entries: Iterable[SourceEntry],
    *,
    skip_failures: bool = False,
    progress: Progress | bool | None = None,
) -> tuple[dict[str, dict[str, list[list[str]]]], BuildReport]:
    """Every source's articles as table rows, keyed by article id.

    Sources apply in order as PubMed's update stream
    (:mod:`mscdata.builder.update_stream`): PubMed files named ``pubmedYYnNNNN.xml`` must be
    listed by number, a later PubMed record of a PMID replaces the earlier one whole,
    and a ``DeleteCitation`` removes the PMID's records read before it. The same article
    from several formats (shared PMID, DOI or PMCID) is then merged into one record (see
    :mod:`mscdata.builder.merge`). Failed records stop the build unless
    ``skip_failures``; they are counted either way. ``progress`` (see
    :mod:`mscdata.progress`) is shown the bytes read of all sources with the records
    found, then the articles made into rows.
    """
    progress = as_progress(progress)
    files = [entry for entry in entries if entry.path is not None]  # others name a source
    check_order(entry.path for entry in files)
    size = sum(_size(entry.path) for entry in files)
    label = f"reading {files[0].path.name}" if len(files) == 1 else f"reading {len(files)} files"
    with OutOfCollectorSight() as held:  # records and rows pile up: see held_records
        with progress.task(label, total=size, unit="B") as task:
            records, report = _read_records(files, task, held)
        if report.failures and not skip_failures:
            first = report.failures[0]
            raise BuildError(
                f"{counted(len(report.failures), 'record')} failed; first: {first}. "
                "Fix the sources, or build without them with --skip-failures"
            )
        by_id = _articles_as_rows(records, report, progress, held)
    report.articles = len(by_id)
    return by_id, report


def _read_records(
    files: list[SourceEntry], task: Task, held: OutOfCollectorSight
) -> tuple[list[dict[str, Any]], BuildReport]:
    """The records of every file applied in order (the update stream's latest record of
    each PMID, deletions applied), and a report of the counts and failures."""
    from mscdata.parsers import open_source, source_events
    from mscdata.parsers.records import Deletion, RecordFailure

    applied = AppliedRecords()
    report = BuildReport()
    for entry in files:
        topic = _topic_of(entry)
        try:
            events = source_events(
                open_source(entry.path),
                url=entry.url,
                format=entry.format,
                apply=article_dump,
                task=task,
            )
            for event in events:
                if isinstance(event, RecordFailure):
                    report.failures.append(event)
                elif isinstance(event, Deletion):
                    applied.delete(event.pmid)
                elif topic is None or topic.matches(event):
                    applied.add(event)
                    held.added()
        except MscdataError as error:
            raise BuildError(str(error)) from None
    report.deleted, report.stream = applied.deleted, applied.counts
    return applied.current(), report


def _topic_of(entry: SourceEntry) -> Any:
    """The topic a manifest entry keeps the records of, or None for all of them."""
    if entry.topic is None:
        return None
    from mscdata.topics import load_topic

    try:
        return load_topic(entry.topic)
    except MscdataError as error:
        raise BuildError(str(error)) from None


def _articles_as_rows(
    records: list[dict[str, Any]],
    report: BuildReport,
    progress: Progress,
    held: OutOfCollectorSight,
) -> dict[str, dict[str, list[list[str]]]]:
    """Each article's table rows by id, the articles read more than once merged."""
    from mscdata.builder.article_rows import cells
    from mscdata.builder.merge import group_by_identity, merge_records
    from mscdata.models import Article

    by_id: dict[str, dict[str, list[list[str]]]] = {}
    groups = group_by_identity(records)
    with progress.task("making rows", total=len(groups), unit="articles") as task:
        for number, group in enumerate(groups, start=1):
            if len(group) == 1:
                data = group[0]
            else:
                merged, conflicts = merge_records(group)
                report.merged += 1
                report.conflicts += conflicts
                data = Article.model_validate(merged).model_dump()
            by_id[data["id"]] = cells(data)
            held.added()
            if number % RECORD_BATCH == 0:
                task.update(RECORD_BATCH)
        task.update(len(groups) % RECORD_BATCH)
    return by_id


def _size(path: Any) -> int:
    """A file's size, or 0 when it cannot be told (reading it then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
