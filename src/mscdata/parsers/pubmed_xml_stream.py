"""PubMed XML streams: ``PubmedArticleSet`` from efetch, baseline and update files.

Streaming: the decompressed bytes (transcoded to UTF-8 when the checked declaration
names another encoding) are cut at record end tags into chunks of a few hundred
records, so memory stays flat however large the file; chunks are parsed with lxml
(entities never expanded, no DTD, no network) and, for large files, in worker
processes (:mod:`mscdata.parsers.chunk_pool`).
Each byte is searched for end tags once (plus a short overlap between blocks); an end
tag may hold any amount of white space before its ``>``, even across blocks. A
record that breaks the schema or the XML grammar, or is larger than
:data:`~mscdata.parsers.limits.MAX_RECORD_BYTES`, becomes a located
:class:`~mscdata.parsers.records.RecordFailure`; the other records are still read.
``DeleteCitation`` blocks become :class:`~mscdata.parsers.records.Deletion` events.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from mscdata.errors import ParseError
from mscdata.parsers.chunk_pool import pooled_events
from mscdata.parsers.limits import MAX_PROLOG_BYTES, MAX_RECORD_BYTES, mebibytes
from mscdata.parsers.pubmed_xml import record_fields
from mscdata.parsers.pubmed_xml_parts import text_of
from mscdata.parsers.records import Deletion, RecordFailure, make_article
from mscdata.parsers.streams import DAMAGE, Prefixed, Utf8Transcoder
from mscdata.parsers.workers import check_sendable, inherit
from mscdata.parsers.xml_encoding import HEAD_BYTES, xml_codec
from mscdata.parsers.xml_safety import (
    element_name,
    first_element,
    one_line,
    refuse_entity_declarations,
    root_start,
    safe_parser,
)

if TYPE_CHECKING:
    from mscdata.parsers.formats import OpenedSource, ReadContext

ROOT = b"PubmedArticleSet"
# a record end tag, or the start of one cut by the buffer's end (its white space may go
# on in the next block); linear: one name starts each run of white space it backtracks over
_END_TAG = re.compile(rb"</(?:PubmedArticle|PubmedBookArticle|DeleteCitation)[ \t\r\n]*(?:>|\Z)")
_END_TAG_NAME_OVERLAP = len(b"</PubmedBookArticle") - 1  # a name cut by a block's end
_ROOT_START = root_start(ROOT)
_ROOT_END = re.compile(rb"\s*</PubmedArticleSet\s*>\s*")
_PMID = re.compile(rb"<PMID(?:\s[^<>]{0,200})?>\s{0,20}([0-9]{1,20})\s{0,20}</PMID>")
BLOCK_SIZE = max(1 << 16, HEAD_BYTES)
CHUNK_BYTES = 1 << 19  # a chunk's tree and models fit in a core's cache (1 MiB: a tenth more CPU)
PARALLEL_MIN_BYTES = 8 << 20  # below this, starting worker processes costs more than it saves


class _EndTagScanner:
    """Finds the record end tags of a growing buffer, looking at each byte a bounded
    number of times.

    An end tag is ``</PubmedArticle``, ``</PubmedBookArticle`` or ``</DeleteCitation``,
    then any amount of XML white space, then ``>`` (XML 1.0, production [42]); the white
    space may run across any number of blocks. The scanner keeps where it stopped, so
    only the bytes added since are searched (and the last few, where a name may be cut).
    """

    def __init__(self) -> None:
        self.position = 0  # where the next scan starts, as an offset in the buffer
        self.in_end_tag = False  # the bytes before ``position`` end inside an end tag

    def scan(self, buffer: bytes | bytearray) -> list[int]:
        """The offsets just past each end tag completed in the buffer since the last scan."""
        ends = []
        position = self.position
        if self.in_end_tag:  # the white space of an end tag went on to the buffer's end
            added = buffer[position:]  # only the bytes added since: one block
            position += len(added) - len(added.lstrip(b" \t\r\n"))
            if position == len(buffer):
                self.position = position
                return ends
            self.in_end_tag = False
            if buffer[position] == 0x3E:  # ">"; anything else: a longer name, not an end
                position += 1
                ends.append(position)
        for found in _END_TAG.finditer(buffer, position):
            position = found.end()
            if buffer[position - 1] == 0x3E:  # ">"
                ends.append(position)
            else:  # the buffer ends inside the end tag
                self.in_end_tag = True
        if self.in_end_tag:
            self.position = len(buffer)
        else:
            self.position = max(position, len(buffer) - _END_TAG_NAME_OVERLAP)
        return ends

    def forget(self, count: int) -> None:
        """The first ``count`` bytes (all scanned) were removed from the buffer."""
        self.position -= count


def _event_for(element: Any, number: int, line: int, context: dict[str, Any]) -> list[Any]:
    """Article, Deletion(s) or RecordFailure for one record element."""
    tag = element.tag
    source = context["source"]
    if tag == "DeleteCitation":
        deletions = [
            Deletion(pmid=pmid, source=source, record=number)
            for e in element.iterfind("PMID")
            if (pmid := (text_of(e) or "").lstrip("0"))
        ]
        reason = "a DeleteCitation without any PMID"
        return deletions or [RecordFailure(source, number, None, line, reason)]
    try:
        if tag not in ("PubmedArticle", "PubmedBookArticle"):
            raise ValueError(f"unexpected element <{tag}> in PubmedArticleSet")
        fields = record_fields(element)
        article = make_article(fields, source=source, provenance=context["provenance"], clean=False)
    except (ValueError, ParseError) as error:
        pmid_element = element.find(".//PMID")  # looked up only for a failure: it costs
        pmid = text_of(pmid_element) if pmid_element is not None else None
        return [RecordFailure.of(error, source=source, record=number, pmid=pmid, line=line)]
    apply = context.get("apply")
    return [apply(article) if apply else article]


def parse_chunk(chunk: bytes, first_record: int, first_line: int, context: dict[str, Any]):
    """Events of one chunk of whole records (run in a worker process for big files)."""
    from lxml import etree

    wrapped = b"<PubmedArticleSet>\n" + chunk + b"</PubmedArticleSet>"
    try:
        root = etree.fromstring(wrapped, safe_parser())
    except etree.XMLSyntaxError:
        return _per_record(chunk, first_record, first_line, context)
    events: list[Any] = []
    for number, element in enumerate(root, start=first_record):
        line = first_line + (element.sourceline or 2) - 2
        events.extend(_event_for(element, number, line, context))
    return events


def _pmid_in(data: bytes | bytearray) -> str | None:
    found = _PMID.search(data)
    return (found.group(1).decode().lstrip("0") or None) if found else None


def split_records(
    chunk: bytes, first_record: int, first_line: int, source: str, elements: list | None = None
) -> Iterator[tuple[bytes, Any, int, int]]:
    """Each record of a chunk: its bytes (with the white space before them), its element
    or a located RecordFailure, its number and its line. ``elements``: the chunk's
    records already parsed together, used when there is one per record; otherwise each
    record is parsed alone, so a malformed one fails alone."""
    from lxml import etree

    ends = _EndTagScanner().scan(chunk)
    whole = elements is not None and len(elements) == len(ends)
    start = 0
    line = first_line
    for index, end in enumerate(ends):
        number = first_record + index
        piece = chunk[start:end]
        leading = len(piece) - len(piece.lstrip())
        record_line = line + piece[:leading].count(b"\n")
        if whole:
            element: Any = elements[index]  # type: ignore[index]
        else:
            try:
                element = etree.fromstring(piece.strip(), safe_parser())
            except etree.XMLSyntaxError as error:
                where = record_line + (error.lineno - 1 if error.lineno else 0)
                reason = f"malformed XML: {one_line(error)}"
                element = RecordFailure(source, number, _pmid_in(piece), where, reason)
        yield piece, element, number, record_line
        line += piece.count(b"\n")
        start = end


def _per_record(chunk: bytes, first_record: int, first_line: int, context):
    """Parse records one by one to isolate the malformed ones."""
    events: list[Any] = []
    for _, element, number, line in split_records(
        chunk, first_record, first_line, context["source"]
    ):
        if isinstance(element, RecordFailure):
            events.append(element)
        else:
            events.extend(_event_for(element, number, line, context))
    return events


def _read_block(stream: IO[bytes]) -> tuple[bytes, str | None]:
    """The next block of the stream, or b"" and why it ended early (a cut gzip, say)."""
    try:
        return stream.read(BLOCK_SIZE), None
    except DAMAGE as error:
        return b"", str(error)


def _prolog(stream: IO[bytes], source: str) -> tuple[bytes, bytearray, bool, str | None]:
    """Read past the root start tag: (prolog, rest, whether the set is empty, read error)."""
    buffer = bytearray()
    error = None
    searched = 0
    root = None
    while root is None or buffer.find(b">", root.end() - 1) < 0:
        block, error = _read_block(stream)
        buffer += block
        if root is None:
            root = _ROOT_START.search(buffer, max(0, searched - len(ROOT) - 2))
            searched = len(buffer)
            first = first_element(buffer if root is None else buffer[: root.start() + 1])
            if first is not None and (root is None or first < root.start()):
                shown = element_name(buffer, first)
                raise ParseError(
                    f"unknown root element <{shown}>; expected <PubmedArticleSet>", source=source
                )
        if len(buffer) > MAX_PROLOG_BYTES:
            what = "no <PubmedArticleSet> start tag" if root is None else "the root start tag"
            raise ParseError(
                f"{what} within the first {mebibytes(MAX_PROLOG_BYTES)}", source=source
            )
        if not block:
            if error:
                raise ParseError(f"cannot read the data: {error}", source=source)
            if root is None:
                raise ParseError("no <PubmedArticleSet> found", source=source)
            raise ParseError("the <PubmedArticleSet start tag is never closed", source=source)
    prolog = bytes(buffer[: root.start()])
    refuse_entity_declarations(prolog, source)
    close = buffer.find(b">", root.end() - 1) + 1
    empty = buffer[close - 2 : close] == b"/>"
    return bytes(buffer[:close]), buffer[close:], empty, error


def _utf8_stream(stream: IO[bytes], source: str) -> IO[bytes]:
    """The stream as UTF-8 bytes: its declared encoding checked, transcoded when needed."""
    head, error = _read_block(stream)  # a block holds HEAD_BYTES, where a declaration ends
    if error is not None and not head:
        raise ParseError(f"cannot read the data: {error}", source=source)
    codec = xml_codec(head[:HEAD_BYTES], source)
    if codec in {"utf-8", "utf-8-sig"}:
        return Prefixed(head, stream)  # type: ignore[return-value]
    return Utf8Transcoder(Prefixed(head, stream), codec)  # type: ignore[return-value]


class _Chunker:
    """Cuts a stream of records into chunks of whole records, each byte searched once."""

    def __init__(self, stream: IO[bytes], buffer: bytearray, record: int, line: int):
        self.stream = stream
        self.buffer = buffer
        self.record = record  # number of the first record in the buffer
        self.line = line  # line of the buffer's first byte
        self.ends = 0  # end tags found in the buffer
        self.first_end = 0  # offset just past the first of them (kept up while skipping)
        self.last_end = 0  # offset just past the last of them
        self.scanner = _EndTagScanner()
        self.done = False
        self.error: str | None = None

    def read(self) -> None:
        """Append the next block and find the end tags in it."""
        block, self.error = _read_block(self.stream)
        self.done = not block
        self.buffer += block
        self.scan()

    def scan(self) -> None:
        """Find the end tags in the bytes not searched yet."""
        ends = self.scanner.scan(self.buffer)
        if ends:
            if self.ends == 0:
                self.first_end = ends[0]
            self.last_end = ends[-1]
            self.ends += len(ends)

    def _drop(self, count: int) -> None:
        """Remove the buffer's first ``count`` bytes (all scanned), counting their lines."""
        self.line += self.buffer.count(b"\n", 0, count)
        del self.buffer[:count]
        self.scanner.forget(count)

    def cut(self) -> tuple[bytes, int, int]:
        """The whole records found so far, as (chunk, first record, first line)."""
        chunk = bytes(self.buffer[: self.last_end])
        first = (chunk, self.record, self.line)
        self._drop(self.last_end)
        self.record += self.ends
        self.ends = self.first_end = self.last_end = 0
        return first

    def skip_record(self, source: str) -> RecordFailure:
        """Report the open record as too large, and drop its bytes up to its end tag."""
        leading = len(self.buffer) - len(self.buffer.lstrip())
        failure = RecordFailure(
            source=source,
            record=self.record,
            pmid=_pmid_in(self.buffer[: 1 << 16]),
            line=self.line + self.buffer[:leading].count(b"\n"),
            reason=f"the record is larger than the limit of {mebibytes(MAX_RECORD_BYTES)}; "
            "it is skipped",
        )
        while self.ends == 0 and not self.done:
            self._drop(self.scanner.position)  # the scanner needs none of the bytes before
            self.read()
        if self.ends:  # the first end tag closes the skipped record
            first_end = self.first_end
            self._drop(first_end)
            self.record += 1
            self.ends -= 1
            self.last_end -= first_end
            self.first_end = 0  # not needed again: skipping starts after a cut
        return failure


def iter_chunks(stream: IO[bytes], source: str, on_prolog: Callable[[bytes], Any] | None = None):
    """Yield ``("chunk", bytes, first record, first line)`` for runs of whole records,
    ``("failure", RecordFailure)`` for each record over the size limit, and at the end
    a failure when the data stops early or inside a record. ``on_prolog`` is given the
    bytes up to and including the root start tag (:mod:`mscdata.topics.selection`)."""
    prolog, rest, empty, error = _prolog(stream, source)
    if on_prolog is not None:
        on_prolog(prolog)
    chunker = _Chunker(stream, rest, 1, prolog.count(b"\n") + 1)
    if empty:
        return
    chunker.scan()
    chunker.done = error is not None
    chunker.error = error
    oversized = False
    while not chunker.done:
        chunker.read()
        if chunker.last_end and (len(chunker.buffer) >= CHUNK_BYTES or chunker.done):
            yield ("chunk", *chunker.cut())
        if len(chunker.buffer) - chunker.last_end > MAX_RECORD_BYTES:
            if chunker.last_end:
                yield ("chunk", *chunker.cut())
            yield ("failure", chunker.skip_record(source))
            oversized = chunker.done
    if chunker.last_end:
        yield ("chunk", *chunker.cut())
    failure = None
    if chunker.error is not None:
        failure = f"the data ends early ({chunker.error})"
    elif not oversized and not _ROOT_END.fullmatch(chunker.buffer):
        tail = bytes(chunker.buffer.strip()[:60]).decode("utf-8", "replace")
        failure = (
            f"the file ends inside a record (truncated?): {tail!r}"
            if tail
            else "no closing </PubmedArticleSet>: the file is truncated"
        )
    if failure:
        yield (
            "failure",
            RecordFailure(
                source=source, record=chunker.record, pmid=None, line=chunker.line, reason=failure
            ),
        )


def read_source(source: OpenedSource, context: ReadContext) -> Iterator[Any]:
    """The format table's reader (:mod:`mscdata.parsers.formats`): the source streamed."""
    with source.open(context.task) as stream:
        yield from read_pubmed_xml(
            stream,
            context.name,
            context.provenance,
            apply=context.apply,
            workers=context.workers,
            size_hint=source.size,
        )


def read_pubmed_xml(
    stream: IO[bytes],
    source: str,
    provenance: dict[str, Any],
    *,
    apply: Callable[[Any], Any] | None = None,
    workers: int | None = None,
    size_hint: int | None = None,
) -> Iterator[Any]:
    """Events (Article, Deletion, RecordFailure) of a PubmedArticleSet stream, in order.

    Large inputs (``size_hint`` of at least :data:`PARALLEL_MIN_BYTES`) are parsed in
    worker processes, one per core and at most two unless ``workers`` says otherwise;
    each worker validates its Articles and sends them back as models
    (:mod:`mscdata.parsers.chunk_pool`). With ``apply`` (a module-level function), each
    Article is replaced by ``apply(article)``, computed where the article was made.
    ``workers=1`` reads in this process. Unless ``workers=1``, an ``apply`` workers
    cannot import (a lambda) is a TypeError.
    """
    if apply is not None and (workers is None or workers > 1):
        check_sendable(apply)  # whatever the input's size, so a small test file tells
    chunks = iter_chunks(_utf8_stream(stream, source), source)
    context = {"source": source, "provenance": provenance, "apply": apply}
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if (size_hint or 0) >= PARALLEL_MIN_BYTES else 1
    if workers <= 1:
        for kind, *payload in chunks:
            if kind == "chunk":
                yield from parse_chunk(payload[0], payload[1], payload[2], context)
            else:
                yield payload[0]
        return
    inherit("lxml.etree", "mscdata.models")  # what parse_chunk imports in each worker
    yield from pooled_events(chunks, parse_chunk, context, workers, source)
