"""The limits every parser enforces, so no input can take unbounded time or memory.

Each limit sits far above anything a real source comes near; input past a limit is
never cut silently: it becomes a located :class:`~mscdata.parsers.records.RecordFailure` (one
record of a PubMed XML or MEDLINE file) or a :class:`~mscdata.ParseError` (a source
read whole, such as a page). The README's "Reliability" section publishes these.

* ``MAX_RECORD_BYTES`` (32 MiB): one PubMed XML record, start tag to end tag. The
  biggest real records, papers with thousands of authors and their affiliations, are a
  few MB; a bigger record is reported and skipped while the stream reads on, so a
  128 MB text node costs one pass over its bytes.
* ``MAX_TEXT_NODE_CHARS`` (10,000,000): one XML text node. This is libxml2's own limit,
  kept by never enabling lxml's ``huge_tree``; longer text fails the record.
* ``MAX_WHOLE_SOURCE_BYTES`` (64 MiB): a file read whole (MEDLINE text, PMC JATS
  XML): efetch answers and PMC articles are a few MB at most; split anything larger.
* ``MAX_PAGE_BYTES`` (16 MiB): one page, as text (PubMed or PMC) or HTML. Real pages
  are tens to hundreds of KB, a PMC article page with its full text a few MB.
* ``MAX_PAGE_LINES`` (500,000): lines of one page as text; real pages have a few
  thousand. With the byte limit, it bounds the memory a page's lines take.
* ``MAX_CHILD_ROWS`` (100,000): rows of one list of one article (authors,
  investigators, keywords, references, MeSH headings, identifiers, ...). The longest
  real lists, the collaborator lists of global surgery studies, hold some 15,000 names.
* ``MAX_PROLOG_BYTES`` (1 MiB): the bytes before a PubMed XML file's root element
  (XML declaration, DOCTYPE, comments); real files have a few hundred.
* ``MAX_NUMBER_DIGITS`` (9): digits of any number read from text (dates, counts);
  a longer run of digits is not a number any field holds.
"""

from __future__ import annotations

from mscdata.dates import MAX_NUMBER_DIGITS  # defined where numbers are read
from mscdata.errors import ParseError

MAX_RECORD_BYTES = 32 << 20
MAX_TEXT_NODE_CHARS = 10_000_000
MAX_WHOLE_SOURCE_BYTES = 64 << 20
MAX_PAGE_BYTES = 16 << 20
MAX_PAGE_LINES = 500_000
MAX_CHILD_ROWS = 100_000
MAX_PROLOG_BYTES = 1 << 20

__all__ = [
    "MAX_CHILD_ROWS",
    "MAX_NUMBER_DIGITS",
    "MAX_PAGE_BYTES",
    "MAX_PAGE_LINES",
    "MAX_PROLOG_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_TEXT_NODE_CHARS",
    "MAX_WHOLE_SOURCE_BYTES",
    "check_rows",
    "mebibytes",
]


def mebibytes(size: int) -> str:
    """A byte count as ``32 MiB`` for messages."""
    return f"{size / (1 << 20):g} MiB"


def check_rows(count: int, what: str, source: str | None = None) -> None:
    """Raise ParseError when one article's list ``what`` has more than MAX_CHILD_ROWS rows."""
    if count > MAX_CHILD_ROWS:
        raise ParseError(
            f"{count:,} {what} in one article: more than the limit of {MAX_CHILD_ROWS:,}",
            source=source,
        )
