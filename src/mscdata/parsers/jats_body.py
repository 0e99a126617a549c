"""The body text of a JATS article, one row per section (``Article.body_sections``).

Every ``sec`` of the article's own ``body`` is a section, in document order (a section,
then the sections it holds), with its ``level`` (1 for a section directly in the body);
the block elements directly in the body outside any section (before, between or after
them) are an untitled section of level 1 (JATS allows no bare text there, and bare
text is not read). A section's text is its own block children (paragraphs,
lists, quotes, boxed text...), each read by :func:`mixed_text` (inline markup such as
italic, links and citations kept as its text, whitespace normalised), separated by a
blank line; figures (their captions are the article's figures), tables, display
formulas and supplementary material are left out wherever they stand. A section
holding only subsections has no text of its own.

The limits are the parser's (:mod:`mscdata.parsers.limits`): libxml2 refuses elements
nested deeper than 256 and text nodes longer than ten million characters, so the body
of a file read whole is bounded by that file's size; more sections than
``MAX_CHILD_ROWS`` fail the article with a located error before any row is made.
The sections are walked with a stack, never by recursion.
"""

from __future__ import annotations

from typing import Any

from mscdata.parsers.limits import check_rows
from mscdata.parsers.mixed_text import mixed_text

# left out of the body text wherever they stand (also inside a paragraph)
LEFT_OUT = frozenset(
    {
        "fig", "fig-group", "table-wrap", "table-wrap-group", "table", "disp-formula",
        "disp-formula-group", "graphic", "media", "supplementary-material", "ref-list",
        "chem-struct-wrap", "array", "sec-meta", "object-id",
    }
)  # fmt: skip
_HEADING = frozenset({"label", "title"})


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _block_text(element: Any) -> str | None:
    return mixed_text(element, skip=LEFT_OUT)


def _section(sec: Any, level: int) -> tuple[dict[str, Any], list[Any]]:
    """One section's row and the subsections it holds, in order."""
    label = title = None
    paragraphs: list[str] = []
    subsections = []
    for child in sec:
        name = _local(child)
        if name == "sec":
            subsections.append(child)
        elif name == "label":
            label = label or mixed_text(child)
        elif name == "title":
            title = title or mixed_text(child)
        elif name not in LEFT_OUT and (text := _block_text(child)):
            paragraphs.append(text)
    row = {
        "label": label,
        "title": title,
        "level": level,
        "text": "\n\n".join(paragraphs) or None,
        "complete": True,
    }
    return row, subsections


def body_sections(article: Any) -> list[dict[str, Any]]:
    """The sections of ``article``'s own ``body`` (none without one), as rows without
    ``position``. Raises ParseError when the body holds more than MAX_CHILD_ROWS sec
    elements."""
    body = next((c for c in article if _local(c) == "body"), None)
    if body is None:
        return []
    # every sec element counted (those in boxed text too, read as text): a bound
    check_rows(sum(1 for _ in body.iter("sec", "{*}sec")), "sec elements in the body")
    rows: list[dict[str, Any]] = []
    loose: list[str] = []  # text directly in the body, outside any section

    def untitled() -> None:
        if loose:
            rows.append({"level": 1, "text": "\n\n".join(loose), "complete": True})
            loose.clear()

    for child in body:
        name = _local(child)
        if name == "sec":
            untitled()
            stack = [(child, 1)]
            while stack:
                sec, level = stack.pop()
                row, subsections = _section(sec, level)
                rows.append(row)
                stack.extend((s, level + 1) for s in reversed(subsections))
        elif name not in LEFT_OUT and name not in _HEADING and (text := _block_text(child)):
            loose.append(text)
    untitled()
    return rows
