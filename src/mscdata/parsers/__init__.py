"""Parsers: one module per input format, behind one entry point.

* :func:`read` gives everything a source holds: articles, deletions (PubMed
  ``DeleteCitation``) and the records that failed, each located;
* :func:`parse` gives the articles, and raises :class:`~mscdata.ParseError` when any
  record failed;
* :func:`iter_events` streams them, for files too big to hold.

The format is told from the content (gzip undone first), never from the file name;
``format=`` overrides it. The formats, how each is told, read and ranked in merges, are
the rows of one table, :mod:`mscdata.parsers.formats`: this module only opens the
source, picks the row and runs its reader. Each format module turns what it reads into
the Article's fields; :mod:`mscdata.parsers.records` numbers children, derives the key and
validates.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mscdata.checksums import file_sha256
from mscdata.errors import ParseError
from mscdata.parsers import detect, formats
from mscdata.parsers.records import Deletion, ReadResult, RecordFailure
from mscdata.parsers.streams import DAMAGE, Counted, gunzipped
from mscdata.progress import RECORD_BATCH, SILENT_TASK, Progress, Task, as_progress
from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.models import Article

Source = str | bytes | os.PathLike
_PEEK = 1 << 16


@dataclass(frozen=True)
class _Input:
    """A source opened for reading: its name, file name, digest and a stream factory."""

    name: str
    file_name: str | None
    sha256: str
    size: int
    data: bytes | None  # the bytes, for sources given in memory
    path: Path | None

    def open(self, task: Task = SILENT_TASK) -> IO[bytes]:
        """The source's bytes, gzip undone; damage surfaces as ``streams.ReadFailed``.
        The bytes read from the file (before gzip is undone) are counted in ``task``."""
        try:
            if self.data is not None:
                raw: IO[bytes] = io.BytesIO(self.data)
            else:
                raw = open(self.path, "rb")  # noqa: SIM115 (closed by the caller)
        except OSError as error:  # removed or made unreadable since it was looked at
            raise ParseError(f"cannot read file: {error.strerror}", source=self.name) from None
        head = raw.read(2)
        raw.seek(0)
        if task.shown:
            raw = Counted(raw, task)  # type: ignore[assignment]
        if head == b"\x1f\x8b":
            return gunzipped(raw)
        return raw


def _text_bytes(text: str) -> bytes:
    """A text source as UTF-8, or ParseError naming a lone surrogate's position.

    A ``str`` holding half of a surrogate pair (what ``surrogateescape`` decoding leaves
    for undecodable bytes) is not Unicode text; replacing it would change the data
    silently, so it is refused.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        raise ParseError(
            f"the text holds a lone surrogate U+{ord(text[error.start]):04X} at character "
            f"{error.start}: not Unicode text (decode the bytes as UTF-8, or pass the bytes)",
            source="<text>",
            line=line,
        ) from None


def _memory(name: str, data: bytes) -> _Input:
    return _Input(name, None, hashlib.sha256(data).hexdigest(), len(data), data, None)


# what a one-line str that is meant as a file name ends with (.gz: any of them gzipped)
_FILE_SUFFIXES = (".xml", ".nxml", ".txt", ".html", ".htm", ".nbib", ".medline", ".json", ".gz")


def _looks_like_path(text: str) -> bool:
    """Whether a one-line str is a file name rather than a source's text: short, not
    markup, with a path separator or a source file's suffix."""
    if len(text) > 1024 or text.lstrip("\ufeff \t").startswith(("<", "{", "[")):
        return False
    return "/" in text or "\\" in text or text.lower().endswith(_FILE_SUFFIXES)


def _kind_of(path: Path) -> str | None:
    """ "file", "directory", "other" (a device, a pipe) or None when there is nothing."""
    try:
        if path.is_file():
            return "file"
        if path.is_dir():
            return "directory"
        return "other" if path.exists() else None
    except (OSError, ValueError):  # a name the OS cannot hold (NUL), or unreadable
        return None


_NOT_A_FILE = {None: "no such file", "directory": "is a directory", "other": "not a file"}


def open_source(source: Source) -> _Input:
    """Open a path, text or bytes. A ``str`` is a path when it has no line break and
    names something on disk, or looks like a file name (``missing.txt``, ``data/x``:
    then ParseError says there is no such file); otherwise it is the text itself."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _memory("<bytes>", bytes(source))
    if isinstance(source, str) and ("\n" in source or len(source) > 4096 or not source):
        return _memory("<text>", _text_bytes(source))
    path = Path(source)
    kind = _kind_of(path)
    if kind != "file":
        if isinstance(source, str) and kind is None and not _looks_like_path(source):
            return _memory("<text>", _text_bytes(source))
        if isinstance(source, str) and source.startswith(("http://", "https://")):
            raise ParseError(
                "a URL is not a source: parse a file, its text or its bytes "
                "(mscdata fetch downloads PubMed records)",
                source=source,
            )
        raise ParseError(_NOT_A_FILE[kind], source=os.fspath(source))
    try:
        return _Input(str(path), path.name, file_sha256(path), path.stat().st_size, None, path)
    except OSError as error:
        raise ParseError(f"cannot read file: {error.strerror}", source=str(path)) from None


def _peek(source: _Input) -> bytes:
    try:
        with source.open() as stream:
            return stream.read(_PEEK)
    except DAMAGE as error:
        raise ParseError(f"cannot read the data: {error}", source=source.name) from None


def iter_events(
    source: Source,
    *,
    url: str | None = None,
    format: str | None = None,
    apply: Callable[[Any], Any] | None = None,
    workers: int | None = None,
    progress: Progress | bool | None = None,
) -> Iterator[Any]:
    """Stream the events of a source: Article, Deletion and RecordFailure objects.

    Large PubMed XML files (8 MiB or more as stored) are parsed in ``workers`` processes (default:
    one per core, at most two; ``workers=1`` reads in this process), which validate the
    Articles and send them back as models, in the file's order. ``apply`` (a
    module-level function) replaces each Article by ``apply(article)``, run where the
    article was made: in the workers for such files. ``progress`` (see
    :mod:`mscdata.progress`) is shown the bytes read and the records found. Raises
    ParseError when the source as a whole cannot be read (unknown format, unreadable
    file, entity declarations); a bad record is a RecordFailure instead.
    """
    opened = open_source(source)
    label = f"reading {opened.file_name or opened.name}"
    with as_progress(progress).task(label, total=opened.size, unit="B") as task:
        yield from source_events(
            opened, url=url, format=format, apply=apply, workers=workers, task=task
        )


def source_events(
    opened: _Input,
    *,
    url: str | None = None,
    format: str | None = None,
    apply: Callable[[Any], Any] | None = None,
    workers: int | None = None,
    task: Task = SILENT_TASK,
) -> Iterator[Any]:
    """The events of a source :func:`open_source` opened (see :func:`iter_events`); the
    bytes read and the records found are counted in ``task``."""
    events = _events(opened, url, format, apply, workers, task)
    if not task.shown:
        yield from events
        return
    count = 0
    for event in events:
        count += 1
        if count == RECORD_BATCH:
            task.update(records=count)
            count = 0
        yield event
    task.update(records=count)


def _events(
    opened: _Input,
    url: str | None,
    format: str | None,
    apply: Callable[[Any], Any] | None,
    workers: int | None,
    task: Task,
) -> Iterator[Any]:
    head = _peek(opened)
    fmt = format or detect.detect_bytes(head, source=opened.name)
    if fmt not in formats.readable_names():
        known = ", ".join(formats.readable_names())
        raise ParseError(f"unknown format {fmt!r}; known: {known}", source=opened.name)
    row = formats.get(fmt)
    provenance = {
        "source_format": fmt,
        "source_file": opened.file_name,
        "source_url": url,
        "source_sha256": opened.sha256,
    }
    context = formats.ReadContext(row, opened.name, url, provenance, apply, workers, task)
    events = row.load()(opened, context)
    if row.applies or apply is None:
        yield from events
        return
    for event in events:
        is_article = not isinstance(event, (Deletion, RecordFailure))
        yield apply(event) if is_article else event


def read(
    source: Source,
    *,
    url: str | None = None,
    format: str | None = None,
    progress: Progress | bool | None = None,
) -> ReadResult:
    """Everything a source holds: ``articles``, ``deletions`` and located ``failures``
    (``progress``: see :mod:`mscdata.progress`)."""
    from mscdata.held_records import OutOfCollectorSight

    result = ReadResult()
    with OutOfCollectorSight():
        for event in iter_events(source, url=url, format=format, progress=progress):
            result.add(event)
    return result


def parse(source: Source, *, url: str | None = None, format: str | None = None) -> list[Article]:
    """Read articles from a source: a path, the text itself (str), or its bytes.

    A one-line ``str`` that looks like a file name (``missing.txt``, ``data/x``) is a
    path: ParseError ``no such file`` (or ``is a directory``) when it names no file.

    ``url`` is where the source was retrieved from; it supplies identifiers a page does
    not print (a PubMed page shows no PMID: without a PubMed ``url`` such a page gives a
    :class:`~mscdata.errors.MissingPmidWarning`). ``format`` overrides detection. Raises
    :class:`mscdata.ParseError` with a one-line reason when the source or any record in
    it cannot be read; :func:`read` returns the good records and the failures instead.
    Deletions (PubMed ``DeleteCitation``) are only in :func:`read`; ``parse`` warns.
    """
    result = read(source, url=url, format=format)
    if result.failures:
        first = result.failures[0]
        more = len(result.failures) - 1
        extra = f" (and {counted(more, 'more failed record')})" if more else ""
        raise ParseError(f"{first.describe()}{extra}", source=first.source, line=first.line)
    if result.deletions:
        warnings.warn(
            f"{counted(len(result.deletions), 'PMID is', 'PMIDs are')} deleted by this source "
            "(DeleteCitation); "
            "mscdata.read() returns them",
            stacklevel=2,
        )
    return result.articles
