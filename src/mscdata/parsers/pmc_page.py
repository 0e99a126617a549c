"""PMC article pages rendered as text (``Skip to main content`` first).

Front matter only: journal, citation, title, the full author list, PMCID/PMID, the
abstract with its own-line section headings, and comma-separated keywords. The body
that follows is not read (copies of these pages are cut inside it).
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.errors import ParseError
from mscdata.identifiers import set_shown_pmcid
from mscdata.names import author_record
from mscdata.parsers.citation import parse_citation
from mscdata.parsers.limits import check_rows
from mscdata.parsers.page_text import Page

FIRST_LINE = "Skip to main content"
_JOURNAL = re.compile(r"^(?P<journal>.*?\S)\s*logo\s*Link to\s*(?P<again>.+)$")
_IDS = re.compile(r"\b(?P<kind>PMCID|PMID|NIHMSID):\s*(?P<value>\S+)")
_VERSION = re.compile(r"(?<!\s)\s*\[Version \d+\]")
_MANUSCRIPT = "Published in final edited form as:"
_AUTHOR_SEPARATORS = re.compile(r"[\d,*†‡§#]+")  # affiliation numbers, marks, commas
_MAX_NAME_WORDS = 8
_BODY_START = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:Introduction|INTRODUCTION|Main text|Main Text)$"
)
_CUT_MARKERS = ("Keywords:", "Introduction", "INTRODUCTION", "1. Introduction", "Main text")
_SECTION_HEADING = re.compile(r"^[A-Z][A-Za-z/&,\- ]{0,60}[A-Za-z)]$")
_MAX_HEADING_WORDS = 6


def _authors(line: str) -> list[dict[str, Any]] | None:
    """``Name 1,2, Name 3,*`` into authors (affiliation numbers and marks dropped)."""
    names = [n.strip() for n in _AUTHOR_SEPARATORS.split(line) if n.strip()]
    if not names or any(len(n.split()) > _MAX_NAME_WORDS for n in names):
        return None
    return [author_record(name) for name in names]


def _could_be_heading(line: str) -> bool:
    return bool(_SECTION_HEADING.match(line)) and len(line.split()) <= _MAX_HEADING_WORDS


def read_pmc(text: str, source: str) -> dict[str, Any]:
    """A PMC article page's front matter as the Article's fields."""
    page = Page.from_text(text)
    lines = page.lines
    fields: dict[str, Any] = {"record_complete": None}
    content = [(k, line.strip()) for k, line in enumerate(lines[1:], start=1) if line.strip()]
    if not content:
        raise ParseError("the PMC page text ends right after its first line", source=source)

    def complete(k: int) -> bool:
        return page.line_complete(k)

    n = 0
    k, line = content[n]
    if m := _JOURNAL.match(line):
        if complete(k):
            fields["journal"] = m.group("journal").strip()
        n += 1
    # citation line (". 2015 Jul 12;2015:628767. doi: …"), or an author manuscript's two
    if n < len(content) and content[n][1].startswith("."):
        k, line = content[n]
        n += 1
        if line.startswith(". Author manuscript") and n < len(content):
            k, line = content[n]
            n += 1
            line = line.removeprefix(_MANUSCRIPT).strip()
        else:
            line = line.removeprefix(".").strip()
            line = f". {line}"
        if not complete(k):
            fields["record_complete"] = False
            return fields
        citation = parse_citation(_VERSION.sub("", line))
        if citation is None:
            raise ParseError(f"unreadable citation line {line[:80]!r}", source=source, line=k + 1)
        journal = citation.pop("journal", None)
        fields.setdefault("journal", journal)
        fields.update(citation)
    if n >= len(content) or not complete(content[n][0]):
        fields["record_complete"] = False
        return fields
    fields["title"] = content[n][1]
    n += 1
    # authors, then the identifier line
    while n < len(content) and not _IDS.search(content[n][1]):
        k, line = content[n]
        if line == "Abstract":
            break
        if complete(k) and "authors" not in fields and (authors := _authors(line)):
            fields["authors"], fields["authors_complete"] = authors, True
        n += 1
    if n < len(content) and _IDS.search(content[n][1]):
        k, line = content[n]
        if complete(k):
            for m in _IDS.finditer(line):
                kind = m.group("kind")
                if kind == "PMCID":
                    set_shown_pmcid(fields, m.group("value"))
                elif kind == "PMID":
                    fields["pmid"] = m.group("value")
        n += 1
    _read_abstract_and_keywords(page, content[n:], fields)
    return fields


def _read_abstract_and_keywords(
    page: Page, content: list[tuple[int, str]], fields: dict[str, Any]
) -> None:
    if not content or content[0][1] != "Abstract":
        return  # no abstract heading: the page starts with its body
    sections: list[dict[str, Any]] = []
    label: str | None = None
    ended = False
    for n, (k, line) in enumerate(content[1:], start=1):
        if not page.line_complete(k) and (
            any(m.startswith(line) for m in _CUT_MARKERS) or len(line.split()) <= _MAX_HEADING_WORDS
        ):
            break  # cut in a line that may be a heading (or the keywords label): unknown
        if line.startswith("Keywords:"):
            terms = line.removeprefix("Keywords:").strip()
            separator = ";" if ";" in terms else ","
            check_rows(terms.count(separator) + 1, "keywords")
            items = [{"term": t.strip(), "complete": True} for t in terms.split(separator)]
            items = [i for i in items if i["term"]]
            if items and not page.line_complete(k):
                items[-1]["complete"] = False
            fields["keywords"], fields["keywords_complete"] = items, page.line_complete(k)
            ended = True
            break
        if _BODY_START.match(line) and page.line_complete(k):
            ended = True
            break
        following = content[n + 1] if n + 1 < len(content) else None
        if _could_be_heading(line):
            if following is None or not page.line_complete(following[0]):
                break  # a heading or a one-line paragraph: what follows would tell
            if len(following[1]) > len(line):
                label = line
                continue
        # the label is printed as its own heading line, so the text does not repeat it
        sections.append({"label": label, "text": line, "complete": page.line_complete(k)})
        label = None
    if sections:
        fields["abstract_sections"] = sections
        fields["abstract_complete"] = ended and all(s["complete"] for s in sections)
    if not ended:
        fields["record_complete"] = False
