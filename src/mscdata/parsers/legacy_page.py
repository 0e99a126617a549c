"""The legacy Entrez PubMed page rendered as text (``Send to`` … ``[Indexed for MEDLINE]``).

The old ``www.ncbi.nlm.nih.gov/pubmed/<PMID>`` page: citation line, title, author
information, abstract, an unlabelled (or ``KEYWORDS:``) keywords line, the PMID line and
the indexing status, then the site footer, which is the page's natural end.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.errors import ParseError
from mscdata.parsers.citation import looks_like_citation, parse_citation
from mscdata.parsers.names import medline_author_list
from mscdata.parsers.page_text import (
    KEYWORDS_LABEL,
    Page,
    Section,
    is_heading_prefix,
    keyword_items,
    read_abstract,
)


def _fail(reason: str, source: str, index: int | None = None) -> ParseError:
    return ParseError(reason, source=source, line=None if index is None else index + 1)


_LEGACY_STATUS = re.compile(
    r"^\[(?:PubMed - )?(?:indexed for MEDLINE|Indexed for MEDLINE|"
    r"in process|as supplied by publisher|PubMed)\]$",
    re.IGNORECASE,
)
_LEGACY_IDS = re.compile(
    r"PMID:\s*(?P<pmid>[1-9][0-9]{0,8})(?:(?:\s*\[[^\]]*\])?\s*"
    r"DOI:\s*(?P<doi>\S+))?"
)
_LEGACY_BANNERS = (
    "See comment in PubMed Commons",
    "We are sorry, but NCBI web applications",
    "Choose Destination",
    "Send to",
    "Format",
    "Display Settings",
)
_LEGACY_MARKERS = (
    "Author information",
    "KEYWORDS:",
    "PMID:",
    "[Indexed for MEDLINE]",
    "[PubMed - indexed for MEDLINE]",
    "Free full text",
    "Free PMC Article",
)
_LEGACY_BLOCKS = {"Author information", "Abstract"}
_LEGACY_FOOTER = (
    "PubMed Commons home",
    "Supplemental Content",
    "Support Center",
    "Write to the Help Desk",
)


def _unlabelled_keywords(paragraph: str) -> list[str] | None:
    """``a; b; c`` read as keywords when it is a short-item list, not a sentence."""
    items = [t.strip() for t in paragraph.split(";")]
    if len(items) < 2 or paragraph.rstrip().endswith("."):
        return None
    if all(item and len(item.split()) <= 8 for item in items):
        return items
    return None


def read_legacy(text: str, source: str) -> dict[str, Any]:
    """The legacy Entrez page (``Send to`` … ``[Indexed for MEDLINE]``); it prints no authors."""
    page = Page.from_text(text)
    lines = page.lines
    fields: dict[str, Any] = {"record_complete": False}
    cite = next(
        (
            k
            for k, line in enumerate(lines[:40])
            if looks_like_citation(line.strip()) and not line.strip().startswith(_LEGACY_BANNERS)
        ),
        None,
    )
    if cite is None:
        raise _fail(
            "legacy PubMed page without a citation line ('Journal. 2005 Dec;40(12):926-30.')",
            source,
        )
    if not page.line_complete(cite):
        return fields
    citation = parse_citation(lines[cite].strip())
    if citation is None:
        raise _fail(f"unreadable citation line {lines[cite][:80]!r}", source, cite)
    fields.update(citation)
    k = cite + 1
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines) or not page.line_complete(k):
        return fields
    fields["title"] = lines[k].strip()
    k += 1
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k < len(lines) and not page.line_complete(k):
        return fields  # cut in the line after the title: authors or abstract, unknown
    # the renderings seen print no authors, but the page has a line for them
    if k < len(lines) and lines[k].strip() not in _LEGACY_BLOCKS:
        authors = medline_author_list(lines[k])
        if authors is not None:
            fields["authors"], fields["authors_complete"] = authors, True
            k += 1
            while k < len(lines) and not lines[k].strip():
                k += 1
    # skip the author information block: affiliations only, which no slot holds yet
    if k < len(lines) and lines[k].strip() == "Author information":
        k += 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        while k < len(lines) and lines[k].strip() and lines[k].strip() not in _LEGACY_BLOCKS:
            k += 1
    ends = {
        "Conflict of interest statement",
        "Comment in",
        "Erratum in",
        "Images from this publication.",
    }
    body: list[tuple[int, str]] = []
    closed = False
    closing = False  # the PMID line or the indexing status: the page's closing parts
    keywords_next = False
    keywords_line: tuple[int, str] | None = None
    for index in range(k, len(lines)):
        line = lines[index].strip()
        if not page.line_complete(index) and is_heading_prefix(line, _LEGACY_MARKERS):
            continue  # cut inside a heading or marker line
        if line == "Abstract" and not any(t.strip() for _, t in body):
            continue
        if KEYWORDS_LABEL.fullmatch(line):
            keywords_next = True
            continue
        if keywords_next and line:
            keywords_line = (index, line)
            keywords_next = False
            continue
        if (m := _LEGACY_IDS.match(line)) and index > k:
            closing = True
            if page.line_complete(index):
                fields.setdefault("pmid", m.group("pmid"))
                if m.group("doi"):
                    fields.setdefault("doi", m.group("doi").rstrip("."))
            closed = True
            continue
        if (
            _LEGACY_STATUS.match(line)
            or line.startswith(_LEGACY_FOOTER)
            or line in ends
            or line.startswith("Images from this publication")
        ):
            closed = True
            closing = closing or (not line.startswith("Images") and line not in ends)
            if line.startswith(_LEGACY_FOOTER):
                fields["record_complete"] = True
            continue
        if not closed:
            body.append((index, lines[index]))
    abstract_section = Section("Abstract", k, body, closed=closed)
    paragraphs = abstract_section.paragraphs(page)
    if keywords_line is None and paragraphs and (closed or len(paragraphs) > 1):
        # the unlabelled keywords line looks like one more paragraph: tell them apart
        last_text, last_whole = paragraphs[-1]
        if not closed and not last_whole:
            # cut inside a paragraph that may be the abstract's or the keywords line
            last_index = max(i for i, t in body if t.strip())
            body = [(i, t) for i, t in body if i < last_index]
            abstract_section = Section("Abstract", k, body, closed=False)
            paragraphs = abstract_section.paragraphs(page)
            last_text = paragraphs[-1][0] if len(paragraphs) > 1 else ""
        if _unlabelled_keywords(last_text):
            index = max(i for i, t in body if t.strip())
            keywords_line = (index, last_text)
            body = [(i, t) for i, t in body if i < index]
            while body and body[-1][0] > 0 and not body[-1][1].strip():
                body.pop()
            abstract_section = Section("Abstract", k, body, closed=True)
    abstract, whole = read_abstract(abstract_section, page)
    if abstract:
        fields["abstract_sections"], fields["abstract_complete"] = abstract, whole
    if keywords_line is not None:
        index, line = keywords_line
        fields["keywords"], fields["keywords_complete"] = keyword_items(line, index, page)
    if closing and fields["record_complete"] is False:
        fields["record_complete"] = None  # whole up to its closing parts; the footer may be dropped
    return fields
