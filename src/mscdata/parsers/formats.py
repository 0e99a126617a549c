"""The source formats mscdata reads: one row each, in one ordered table.

A row (:class:`Format`) says how the format is told from a source's first bytes (XML
root elements, or a rule on the first lines of a text), how much of a source may be
read whole (or that it is streamed), its reader, and its rank in each merge
precedence group. Everything else is derived from the table: detection
(:mod:`mscdata.parsers.detect`), :func:`mscdata.read` (``mscdata.parsers``), merge
precedence (:mod:`mscdata.builder.merge`), ``mscdata parse --format`` and the README's tables
of formats (``scripts/regenerate.py``).

Every reader has one signature, ``reader(source, context) -> Iterator[event]``: the
opened source (``open(task)`` gives its bytes, gzip undone) and a :class:`ReadContext`;
the events are Article, Deletion and RecordFailure objects. A page format gives instead
a function ``(text, source_name) -> fields`` and ``page=True``: the shared adapter
(:mod:`mscdata.parsers.page_reader`) reads and checks the text, supplies identifiers
from the page's URL and makes the Article.

Adding a format: its module, one row below (or :func:`register`), and its name in the
``SourceFormat`` enum of ``schemas/mscdata.yaml`` (the vocabulary of
``provenance.source_format`` in the published data; ``tests/test_format_registry.py``
holds the enum and this table together).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Protocol

from mscdata.parsers.limits import MAX_PAGE_BYTES, MAX_WHOLE_SOURCE_BYTES

if TYPE_CHECKING:
    from mscdata.progress import Task

GROUPS = ("bibliographic", "content", "full_text")  # the merge precedence groups


class OpenedSource(Protocol):
    """A source opened for reading (``mscdata.parsers.open_source``)."""

    name: str
    file_name: str | None
    size: int

    def open(self, task: Task = ...) -> IO[bytes]: ...


@dataclass(frozen=True)
class ReadContext:
    """What a reader is told besides the source: the format row, the source's name for
    messages, its URL, the provenance its articles carry, and ``apply``/``workers``/
    ``task`` (see :func:`mscdata.iter_events`)."""

    format: Format
    name: str
    url: str | None
    provenance: dict[str, Any]
    apply: Callable[[Any], Any] | None
    workers: int | None
    task: Task

    def read_whole(self, source: OpenedSource) -> bytes:
        """All bytes of the source, or ParseError when damaged or over the row's limit."""
        from mscdata.errors import ParseError
        from mscdata.parsers.streams import DAMAGE, read_at_most

        limit = self.format.whole
        if limit is None:
            raise TypeError(f"{self.format.name} sources are streamed, never read whole")
        try:
            with source.open(self.task) as stream:
                return read_at_most(stream, limit, self.name, f"a {self.format.name} source")
        except DAMAGE as error:  # opening the file
            raise ParseError(f"cannot read the data: {error}", source=self.name) from None


Reader = Callable[[OpenedSource, ReadContext], Iterator[Any]]


class TextHead:
    """The first bytes of a text source as text, with the views text rules look at."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def lines(self) -> list[str]:
        """The lines (``\\n``, ``\\r\\n``), a byte order mark dropped."""
        return self.text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")

    @cached_property
    def first(self) -> str:
        """The first line, stripped."""
        return self.lines[0].strip() if self.lines else ""

    @cached_property
    def first_filled(self) -> str:
        """The first line that is not blank, stripped."""
        return next((line for line in self.text.splitlines() if line.strip()), "").strip()


@dataclass(frozen=True)
class Format:
    """One source format: how it is told, read and ranked.

    * ``name``: its value of the schema's ``SourceFormat`` enum;
    * ``label``: its name in the README's merge table (formats sharing a label next to
      each other in a precedence group are shown as one);
    * ``ranks``: its place in each merge group (:data:`GROUPS`), lower trusted first;
      steps of 10 leave room for a new format between two;
    * ``reader``: ``"module:function"`` (imported on first use) or the function itself,
      ``None`` for a value only ever recorded in provenance (never detected or forced);
    * ``page``: the reader is a page reader ``(text, source_name) -> fields``;
    * ``applies``: the reader runs ``context.apply`` itself (in worker processes);
    * ``whole``: the bytes it may read whole (:mod:`mscdata.parsers.limits`); ``None``
      when it streams;
    * ``roots``: root elements of an XML/HTML source in this format (named in the
      message for an unknown root), ``other_roots`` those of fragments, not named;
    * ``text_rule``: for a text format, whether a source's head is in this format;
      ``told_by`` says it in words (for the README).
    """

    name: str
    label: str
    ranks: tuple[int, int, int]
    reader: str | Reader | None
    page: bool = False
    applies: bool = False
    whole: int | None = MAX_PAGE_BYTES
    roots: tuple[str, ...] = ()
    other_roots: tuple[str, ...] = ()
    text_rule: Callable[[TextHead], bool] | None = None
    told_by: str = ""

    @property
    def readable(self) -> bool:
        """Whether sources are read in this format (else it is only a provenance value)."""
        return self.reader is not None

    def load(self) -> Reader:
        """The reader, with the one signature ``(source, context) -> events``."""
        reader = self.reader
        if reader is None:
            raise TypeError(f"{self.name} is recorded in provenance, never read")
        if isinstance(reader, str):
            module, _, function = reader.partition(":")
            reader = getattr(importlib.import_module(module), function)
        if self.page:
            from mscdata.parsers.page_reader import page_reader

            return page_reader(reader)
        return reader

    def describe_detection(self) -> str:
        """How the format is told, in words."""
        if self.roots:
            return "root element " + ", ".join(f"`<{r}>`" for r in self.roots + self.other_roots)
        return self.told_by


# ------------------------------------------------------------------ text rules

_MEDLINE_FIRST = re.compile(r"^PMID- ?[0-9]+\s*$")
_LEGACY_FIRST = {"Send to", "Send to:", "Format", "Display Settings:"}


def _medline(head: TextHead) -> bool:
    return bool(_MEDLINE_FIRST.match(head.first_filled))


def _chrome(head: TextHead) -> bool:
    return head.first == "Skip to main page content"


def _legacy(head: TextHead) -> bool:
    return head.first in _LEGACY_FIRST or head.first.startswith(("Format:", "Display Settings"))


def _pmc_page(head: TextHead) -> bool:
    return head.first == "Skip to main content"


def _compact(head: TextHead) -> bool:
    return len(head.lines) > 1 and head.lines[1].startswith("- PMID:")


def _plain(head: TextHead) -> bool:
    from mscdata.parsers.citation import looks_like_citation

    lines = head.lines
    return bool(
        head.first
        and any(looks_like_citation(line.strip()) for line in lines[1:4])
        and (len(lines) < 2 or not lines[1].strip())
    )


# ------------------------------------------------------------------ the table

_PAGE_TEXT = "PubMed page text"
_P = "mscdata.parsers."

PUBMED_XML = Format(
    "pubmed_xml",
    label="PubMed XML",
    ranks=(10, 10, 20),
    reader=_P + "pubmed_xml_stream:read_source",
    applies=True,
    whole=None,
    roots=("PubmedArticleSet",),
)
MEDLINE_TEXT = Format(
    "medline_text",
    label="MEDLINE",
    ranks=(20, 30, 30),
    reader=_P + "medline:read_source",
    whole=MAX_WHOLE_SOURCE_BYTES,
    text_rule=_medline,
    told_by="first line that is not blank: `PMID- <number>`",
)
PMC_JATS = Format(
    "pmc_jats",
    label="PMC JATS",
    ranks=(30, 20, 10),
    reader=_P + "jats:read_source",
    whole=MAX_WHOLE_SOURCE_BYTES,
    roots=("pmc-articleset", "article"),
)
PUBMED_HTML = Format(
    "pubmed_html",
    label="PubMed HTML",
    ranks=(40, 40, 40),
    reader=_P + "html_page:read_source",
    roots=("html",),
    other_roots=("head", "body", "pre"),
)
PUBMED_PAGE_CHROME = Format(
    "pubmed_page_chrome",
    label=_PAGE_TEXT,
    ranks=(60, 70, 70),
    reader=_P + "pubmed_page:read_chrome",
    page=True,
    text_rule=_chrome,
    told_by="first line `Skip to main page content`",
)
PUBMED_PAGE_LEGACY = Format(
    "pubmed_page_legacy",
    label=_PAGE_TEXT,
    ranks=(90, 100, 100),
    reader=_P + "legacy_page:read_legacy",
    page=True,
    text_rule=_legacy,
    told_by="first line `Send to`, `Format:` or `Display Settings`",
)
PMC_PAGE = Format(
    "pmc_page",
    label="PMC page text",
    ranks=(100, 60, 60),
    reader=_P + "pmc_page:read_pmc",
    page=True,
    text_rule=_pmc_page,
    told_by="first line `Skip to main content`",
)
PUBMED_PAGE_COMPACT = Format(
    "pubmed_page_compact",
    label=_PAGE_TEXT,
    ranks=(80, 90, 90),
    reader=_P + "pubmed_page:read_compact",
    page=True,
    text_rule=_compact,
    told_by="second line starting `- PMID:`",
)
PUBMED_PAGE_PLAIN = Format(
    "pubmed_page_plain",
    label=_PAGE_TEXT,
    ranks=(70, 80, 80),
    reader=_P + "pubmed_page:read_plain",
    page=True,
    text_rule=_plain,
    told_by="a title, a blank line, then a citation line (`J Clin Med. 2013 Oct 23;2(4):201-13.`)",
)
# what the HTML reader records for a page read through its citation_*, Dublin Core,
# PRISM or JSON-LD metadata (a publisher's page): such a page is detected and read as
# pubmed_html, so html_meta is a provenance value only, never detected or forced (the
# same reader records a report=xml page's records as pubmed_xml)
HTML_META = Format(
    "html_meta",
    label="page metadata",
    ranks=(50, 50, 50),
    reader=None,
    whole=None,
    told_by="an HTML page that is not a PubMed page, read by the `pubmed_html` reader",
)

# In detection order: roots are unique; text rules are tried top down (MEDLINE before
# the pages, since its first line could pass for a page's title; the plain page last,
# since its rule, a title then a citation, is the loosest).
_TABLE: list[Format] = [
    PUBMED_XML,
    MEDLINE_TEXT,
    PMC_JATS,
    PUBMED_HTML,
    PUBMED_PAGE_CHROME,
    PUBMED_PAGE_LEGACY,
    PMC_PAGE,
    PUBMED_PAGE_COMPACT,
    PUBMED_PAGE_PLAIN,
    HTML_META,
]
_derived: dict[str, Any] = {}  # what is computed from the table, until it changes


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    if key not in _derived:
        _derived[key] = compute()
    return _derived[key]


def table() -> tuple[Format, ...]:
    """Every row, in detection order."""
    return _cached("table", lambda: tuple(_TABLE))


def get(name: str) -> Format:
    """The row of a format name (KeyError when there is none)."""
    return _cached("by_name", lambda: {row.name: row for row in _TABLE})[name]


def readable_names() -> tuple[str, ...]:
    """The names of the formats mscdata reads (what ``format=`` accepts)."""
    return _cached("readable", lambda: tuple(row.name for row in _TABLE if row.readable))


def root_formats() -> dict[str, str]:
    """Root element name -> format name, for every format told by its root."""
    return _cached(
        "roots",
        lambda: {
            root: row.name for row in _TABLE if row.readable for root in row.roots + row.other_roots
        },
    )


def named_roots() -> list[str]:
    """The root elements named when a source's root is unknown, in table order."""
    return _cached("named_roots", lambda: [r for row in _TABLE if row.readable for r in row.roots])


def text_formats() -> tuple[Format, ...]:
    """The rows told by a rule on the first lines, in the order they are tried."""
    return _cached(
        "text", lambda: tuple(row for row in _TABLE if row.readable and row.text_rule is not None)
    )


def precedence(group: str) -> tuple[str, ...]:
    """The format names in the order they are trusted in a merge ``group`` (:data:`GROUPS`)."""
    column = GROUPS.index(group)
    return _cached(
        f"precedence:{group}",
        lambda: tuple(row.name for row in sorted(_TABLE, key=lambda r: r.ranks[column])),
    )


class MergeOrder(Sequence[str]):
    """The live precedence list of one merge group, read from the table on each use."""

    def __init__(self, group: str):
        if group not in GROUPS:
            raise ValueError(f"unknown merge group {group!r}; known: {', '.join(GROUPS)}")
        self.group = group

    def __getitem__(self, index):  # type: ignore[override]
        return precedence(self.group)[index]

    def __len__(self) -> int:
        return len(precedence(self.group))

    def __contains__(self, name: object) -> bool:
        return name in precedence(self.group)

    def __iter__(self) -> Iterator[str]:
        return iter(precedence(self.group))

    def index(self, name: Any, start: int = 0, stop: int | None = None) -> int:
        return precedence(self.group).index(name, start, len(self) if stop is None else stop)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"MergeOrder({self.group!r}: {list(self)!r})"


def register(row: Format, *, before: str | None = None) -> None:
    """Add a format to the table, at the end or before the row named ``before`` (which
    decides the order its text rule is tried in)."""
    if any(existing.name == row.name for existing in _TABLE):
        raise ValueError(f"format {row.name!r} is already registered")
    if len(row.ranks) != len(GROUPS):
        raise ValueError(f"format {row.name!r}: one rank for each of {', '.join(GROUPS)}")
    at = len(_TABLE) if before is None else _TABLE.index(get(before))
    _TABLE.insert(at, row)
    _derived.clear()


def unregister(name: str) -> Format:
    """Remove a format from the table (a test's toy format, say); returns its row."""
    row = get(name)
    _TABLE.remove(row)
    _derived.clear()
    return row
