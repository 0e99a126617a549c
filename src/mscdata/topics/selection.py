"""``mscdata select``: the records of bulk PubMed XML files on a topic, copied byte for byte.

Each input is streamed through the PubMed XML chunker
(:func:`mscdata.parsers.pubmed_xml_stream.iter_chunks`), so memory stays flat; each
record of a chunk is parsed into the parser's fields and matched against the topic
(:meth:`mscdata.topics.Topic.matches`). A matching record is also made into an Article
(so the output reads without failures) and written as its original bytes, with the white
space before it, into one PubMed XML file: the first input's prolog (XML declaration,
DOCTYPE, and its comments, such as an earlier selection's), a comment naming the topic
and every input with its SHA-256, then
``<PubmedArticleSet>``, the records in input order, ``</PubmedArticleSet>``.

``DeleteCitation`` elements are copied whole (byte for byte, in their place) unless
``deletions=False``: a selection from update files then still deletes, downstream, the
PMIDs NLM withdrew, whatever their topic (a deletion of a PMID not in the corpus does
nothing). The output is written to a temporary file beside it and renamed into place
when complete; ``.gz`` output is gzipped reproducibly (no name, mtime 0). A record that
fails (malformed, or not an Article) stops the selection with its place unless
``skip_failures``; nothing is written then. Inputs must be UTF-8, as NLM's are: bytes
are copied, never transcoded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mscdata.errors import ParseError, TopicError
from mscdata.progress import Progress, Task, as_progress
from mscdata.wording import counted

RECORD_ELEMENTS = ("PubmedArticle", "PubmedBookArticle")
_ROOT_START = re.compile(rb"<PubmedArticleSet[\s>/]")


class SelectionFailed(ParseError):
    """Records of the inputs failed to parse: nothing was written (exit status 1)."""

    exit_status = 1


@dataclass
class Selection:
    """What a selection read and wrote."""

    out: Path
    topic: str
    records: int = 0  # PubmedArticle and PubmedBookArticle elements read
    selected: int = 0
    deletions: int = 0  # DeleteCitation elements copied
    failures: list[Any] = field(default_factory=list)  # skipped (skip_failures)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (file name, SHA-256)

    def summary(self) -> str:
        """One line: what was selected from how many records, into which file."""
        kept = f", {counted(self.deletions, 'DeleteCitation')} kept" if self.deletions else ""
        return (
            f"selected {counted(self.selected, 'record')} of {self.records:,} on topic "
            f"{self.topic} from {counted(len(self.sources), 'file')}{kept}: {self.out}"
        )


def select(
    sources: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    *,
    topic: Any = "msc",
    deletions: bool = True,
    skip_failures: bool = False,
    progress: Progress | bool | None = None,
) -> Selection:
    """Write the records of PubMed XML ``sources`` (gzipped or not) on ``topic`` (a name,
    a topic file or a :class:`~mscdata.topics.Topic`) into ``out`` (gzipped when it ends
    in ``.gz``); see the module's docstring. Raises ParseError for an unreadable input,
    :class:`SelectionFailed` for failed records, TopicError for a bad topic."""
    from mscdata.parsers import open_source
    from mscdata.topics import load_topic

    chosen = load_topic(topic)
    out = Path(out)
    opened = [open_source(Path(s)) for s in sources]
    if not opened:
        raise TopicError("nothing to select from: give PubMed XML files")
    for source in opened:
        if source.path is not None and out.exists() and source.path.samefile(out):
            raise TopicError(f"{out}: the output would overwrite an input")
    selection = Selection(out, chosen.name, sources=[(s.file_name, s.sha256) for s in opened])
    progress = as_progress(progress)
    total = sum(s.size for s in opened)
    label = f"selecting from {opened[0].file_name}" if len(opened) == 1 else "selecting"
    with _AtomicOutput(out) as stream, progress.task(label, total=total, unit="B") as task:
        writer = _Writer(stream, chosen, selection)
        for source in opened:
            _select_from(source, chosen, writer, deletions, task)
        writer.finish()
        if selection.failures and not skip_failures:
            first = selection.failures[0]
            more = len(selection.failures) - 1
            extra = f" (and {counted(more, 'more failed record')})" if more else ""
            raise SelectionFailed(
                f"{first.describe()}{extra}; nothing written (--skip-failures writes the rest)",
                source=first.source,
                line=first.line,
            )
    return selection


class _AtomicOutput:
    """A file written under a temporary name beside ``out`` and renamed to it only when
    the block ends without an error; gzipped (name empty, mtime 0) for ``.gz``."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> IO[bytes]:
        import gzip
        import tempfile

        if not self.out.parent.is_dir():
            raise TopicError(f"{self.out}: no such folder {self.out.parent}")
        handle, name = tempfile.mkstemp(prefix=f".{self.out.name}.", dir=self.out.parent)
        self.temporary = Path(name)
        self.raw = os.fdopen(handle, "wb")
        self.stream: IO[bytes] = self.raw
        if self.out.name.endswith(".gz"):
            self.stream = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0)
        return self.stream

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if self.stream is not self.raw:
                self.stream.close()
            self.raw.flush()
            if kind is None:
                os.fsync(self.raw.fileno())
            self.raw.close()
            if kind is None:
                os.chmod(self.temporary, 0o644)
                os.replace(self.temporary, self.out)
        finally:
            if self.temporary.exists():
                self.temporary.unlink()


class _Writer:
    """Writes the output: the prolog (once, from the first input), then records."""

    def __init__(self, stream: IO[bytes], topic: Any, selection: Selection) -> None:
        self.stream = stream
        self.topic = topic
        self.selection = selection
        self.started = False

    def start(self, prolog: bytes) -> None:
        """The first input's declaration and DOCTYPE, the provenance comment, the root."""
        if self.started:
            return
        self.started = True
        at = prolog.rfind(b"<PubmedArticleSet")
        head, root = prolog[:at], prolog[at:]
        if root.endswith(b"/>"):  # an empty set: the output's root needs an end tag
            root = root[:-2].rstrip() + b">"
        self.stream.write(head + _provenance(self.topic, self.selection) + root)

    def record(self, data: bytes) -> None:
        self.stream.write(data)

    def finish(self) -> None:
        if not self.started:
            self.start(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>')
        self.stream.write(b"\n</PubmedArticleSet>\n")


def _comment_safe(text: str) -> str:
    """Text that can stand in an XML comment: no ``--``, not ending in ``-``."""
    text = text.replace("--", "-%2D")
    return text[:-1] + "%2D" if text.endswith("-") else text


def _provenance(topic: Any, selection: Selection) -> bytes:
    """The comment naming the topic and the inputs (``mscdata.read`` skips it)."""
    lines = [
        "<!-- mscdata select: the records on topic "
        f"{_comment_safe(topic.name)} (topic file sha256 {topic.sha256}) from:"
    ]
    lines += [f"     {_comment_safe(name)} sha256 {digest}" for name, digest in selection.sources]
    return ("\n".join(lines) + "\n-->\n").encode("utf-8")


def _utf8_checked(stream: IO[bytes], source: str) -> IO[bytes]:
    """The stream, after checking that its declared encoding is UTF-8."""
    from mscdata.parsers.streams import DAMAGE, Prefixed
    from mscdata.parsers.xml_encoding import HEAD_BYTES, xml_codec

    try:
        head = stream.read(HEAD_BYTES)
    except DAMAGE as error:
        raise ParseError(f"cannot read the data: {error}", source=source) from None
    codec = xml_codec(head, source)
    if codec not in ("utf-8", "utf-8-sig"):
        raise ParseError(
            f"the file is in {codec}, not UTF-8: select copies records byte for byte, so it "
            "reads UTF-8 files only (NLM's are); convert it first",
            source=source,
        )
    return Prefixed(head, stream)  # type: ignore[return-value]


def _select_from(source: Any, topic: Any, writer: _Writer, deletions: bool, task: Task) -> None:
    """Stream one input, writing its records on the topic."""
    from mscdata.parsers.pubmed_xml_stream import iter_chunks
    from mscdata.parsers.streams import DAMAGE

    provenance = {
        "source_format": "pubmed_xml",
        "source_file": source.file_name,
        "source_url": None,
        "source_sha256": source.sha256,
    }
    try:
        with source.open(task) as raw:
            stream = _utf8_checked(raw, source.name)
            for kind, *payload in iter_chunks(stream, source.name, on_prolog=writer.start):
                if kind != "chunk":
                    writer.selection.failures.append(payload[0])
                    continue
                before = writer.selection.records
                for record in _records(*payload, source.name):
                    _one_record(record, source.name, provenance, topic, writer, deletions)
                task.update(records=writer.selection.records - before)
    except DAMAGE as error:
        raise ParseError(f"cannot read the data: {error}", source=source.name) from None


def _records(chunk: bytes, first: int, line: int, source: str):
    """Each record of a chunk as (bytes with the white space before it, element or a
    RecordFailure, number, line): the chunk parsed at once, each record alone when
    that fails."""
    from lxml import etree

    from mscdata.parsers.pubmed_xml_stream import split_records
    from mscdata.parsers.xml_safety import safe_parser

    try:
        wrapped = b"<PubmedArticleSet>" + chunk + b"</PubmedArticleSet>"
        root = etree.fromstring(wrapped, safe_parser())
        elements: list | None = [e for e in root if isinstance(e.tag, str)]
    except etree.XMLSyntaxError:
        elements = None
    return split_records(chunk, first, line, source, elements)


def _one_record(
    record: tuple[bytes, Any, int, int],
    source: str,
    provenance: dict[str, Any],
    topic: Any,
    writer: _Writer,
    deletions: bool,
) -> None:
    """Match one record against the topic; write it (or a DeleteCitation) when kept."""
    from mscdata.parsers.pubmed_xml import record_fields
    from mscdata.parsers.pubmed_xml_parts import text_of
    from mscdata.parsers.records import RecordFailure, make_article

    data, element, number, line = record
    selection = writer.selection
    if isinstance(element, RecordFailure):
        selection.failures.append(element)
        return
    if element.tag == "DeleteCitation":
        if deletions:
            writer.record(data)
            selection.deletions += 1
        return
    pmid_element = element.find(".//PMID")
    pmid = text_of(pmid_element) if pmid_element is not None else None
    selection.records += 1
    try:
        if element.tag not in RECORD_ELEMENTS:
            raise ValueError(f"unexpected element <{element.tag}> in PubmedArticleSet")
        fields = record_fields(element)
        if not topic.matches(fields):
            return
        make_article(fields, source=source, provenance=provenance, clean=False)
    except (ValueError, ParseError) as error:
        failure = RecordFailure.of(error, source=source, record=number, pmid=pmid, line=line)
        selection.failures.append(failure)
        return
    writer.record(data)
    selection.selected += 1
