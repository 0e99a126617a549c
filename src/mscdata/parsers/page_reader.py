"""The shared reader of page formats: one page read whole as text, one Article.

A page format's module gives ``(text, source_name) -> fields``; :func:`page_reader`
turns it into a reader with the registry's one signature (:mod:`mscdata.parsers.formats`):
the page is read within its row's limit, decoded, checked (not empty, not too many
lines), its fields read, identifiers it does not print supplied from its URL, and the
Article made; an Article without a PMID gives a :class:`~mscdata.errors.MissingPmidWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.errors import MissingPmidWarning, ParseError
from mscdata.parsers.limits import MAX_PAGE_LINES

if TYPE_CHECKING:
    from mscdata.parsers.formats import OpenedSource, ReadContext, Reader

PageFields = Callable[[str, str], dict[str, Any]]


def outside_stacklevel() -> int:
    """The ``stacklevel`` of the caller's first frame outside mscdata: a warning is
    shown where the user's code called mscdata, whichever entry point it used."""
    import sys

    package = str(Path(__file__).resolve().parents[1])
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def page_reader(fields_of: PageFields) -> Reader:
    """The reader of a page format whose module reads a page's text into fields."""

    def read(source: OpenedSource, context: ReadContext) -> Iterator[Any]:
        from mscdata.parsers.streams import decode

        text = decode(context.read_whole(source), context.name)
        return _page_events(fields_of, text, context)

    return read


def _page_events(fields_of: PageFields, text: str, context: ReadContext) -> Iterator[Any]:
    from mscdata.addresses import ids_for_page, supply_ids
    from mscdata.parsers.records import make_article

    name, url = context.name, context.url
    if not text.strip().strip("\ufeff"):  # str.strip: every kind of white space
        raise ParseError(f"the {context.format.name} page text is empty", source=name)
    if (lines := text.count("\n")) > MAX_PAGE_LINES:
        raise ParseError(
            f"{lines:,} lines: more than the limit of {MAX_PAGE_LINES:,} for one page",
            source=name,
        )
    fields = fields_of(text, name)
    supply_ids(fields, ids_for_page(url, name), url, name)
    article = make_article(fields, source=name, provenance=context.provenance)
    if not article.pmid:
        warnings.warn(MissingPmidWarning(name, article.id), stacklevel=outside_stacklevel())
    yield article
