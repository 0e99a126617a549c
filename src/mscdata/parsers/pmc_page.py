"""PMC article pages rendered as text (``Skip to main content`` first).

Front matter: the journal's full name, the citation, the title (and subtitle), the full
author list, PMCID/PMID, the abstract (own-line or ``Label:`` section headings) and the
keywords. The body is not read, but where the text ends in it decides completeness:
the page's natural end is its footer; a text that stops before the references is cut.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.errors import ParseError
from mscdata.identifiers import set_shown_pmcid
from mscdata.parsers.citation import parse_citation
from mscdata.parsers.limits import check_rows
from mscdata.parsers.names import author_record
from mscdata.parsers.page_text import KEYWORDS_LABEL, Page, is_keywords_prefix, section_label

FIRST_LINE = "Skip to main content"
# the footer's last lines (NLM / NIH / HHS / USA.gov, then the "Back to Top" link)
FINAL_LINES = {"USA.gov", "Back to Top"}
REFERENCE_HEADINGS = {"References", "REFERENCES", "References and Notes", "Literature Cited"}
_JOURNAL = re.compile(r"^(?P<journal>.*?\S)\s*logo\s*Link to\s*(?P<again>.+)$")
_IDS = re.compile(r"\b(?P<kind>PMCID|PMID|NIHMSID):\s*(?P<value>\S+)")
_VERSION = re.compile(r"(?<!\s)\s*\[Version \d+\]")
_MANUSCRIPT = "Published in final edited form as:"
_AUTHOR_SEPARATORS = re.compile(r"[\d,*†‡§#]+")  # affiliation numbers, marks, commas
_AUTHOR_MARKS = re.compile(r"[^\W\d_][.)]?\s*[\d*†‡§#]")  # "Caplan 1", "Doe *"
_AUTHOR_BUTTONS = {
    "Author information",
    "Article notes",
    "Copyright and License information",
    "Copyright and license information",
}
_MAX_NAME_WORDS = 8
# the body's first heading: "Introduction" or a numbered one ("1. Introduction"). Not
# "Background" or "Main text": BMC abstracts use them as labels (Background / Main
# text / Conclusion), so they cannot tell where the abstract ends.
_BODY_START = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+[A-Z][A-Za-z ]{2,40}|Introduction|INTRODUCTION)$")
# blocks printed between the abstract and the keywords: they end the abstract
_SUPPLEMENT = re.compile(
    r"^(?:Supplementary (?:Information|Materials?|Data|Files?)"
    r"|Abbreviations(?: and Acronyms)?)(?=:|\s|$)"
)
_SUPPLEMENT_WORD = "Supplementary"
_CUT_MARKERS = ("Introduction", "INTRODUCTION", "1. Introduction")
_SECTION_HEADING = re.compile(r"^[A-Z][A-Za-z/&,\- ]{0,60}[A-Za-z)]$")
_MAX_HEADING_WORDS = 6
_AFTER_SUPPLEMENT = 40  # lines of a supplement note or abbreviation list before the keywords


def _authors(line: str) -> list[dict[str, Any]] | None:
    """``Name 1,2, Name 3,*`` into authors (affiliation numbers and marks dropped)."""
    names = [n.strip() for n in _AUTHOR_SEPARATORS.split(line) if n.strip()]
    if not names or any(len(n.split()) > _MAX_NAME_WORDS for n in names):
        return None
    return [author_record(name) for name in names]


def _could_be_heading(line: str) -> bool:
    return bool(_SECTION_HEADING.match(line)) and len(line.split()) <= _MAX_HEADING_WORDS


def _joined_title(title: str, subtitles: list[str]) -> str:
    """The title with its subtitle lines, joined as PubMed joins them (``Title: Subtitle``)."""
    parts = [title]
    for subtitle in subtitles:
        parts.append(" " if parts[-1].endswith((":", "?", ".", "!")) else ": ")
        parts.append(subtitle)
    return "".join(parts)


def read_pmc(text: str, source: str) -> dict[str, Any]:
    """A PMC article page's front matter as the Article's fields."""
    page = Page.from_text(text)
    lines = page.lines
    fields: dict[str, Any] = {"record_complete": False}
    content = [(k, line.strip()) for k, line in enumerate(lines[1:], start=1) if line.strip()]
    if not content:
        raise ParseError("the PMC page text ends right after its first line", source=source)

    def complete(k: int) -> bool:
        return page.line_complete(k)

    n = 0
    k, line = content[n]
    if m := _JOURNAL.match(line):
        if complete(k):
            fields["journal_title"] = m.group("journal").strip()  # the full name
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
            return fields
        citation = parse_citation(_VERSION.sub("", line))
        if citation is None:
            raise ParseError(f"unreadable citation line {line[:80]!r}", source=source, line=k + 1)
        journal = citation.pop("journal", None)
        if journal:  # printed only in an author manuscript's "Published in final edited form"
            fields["journal"] = journal
        fields.update(citation)
    n = _read_title_and_authors(page, content, n, fields)
    if n is None:
        return fields
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
    fields["record_complete"] = _record_complete(page, content[n:])
    return fields


def _read_title_and_authors(
    page: Page, content: list[tuple[int, str]], n: int, fields: dict[str, Any]
) -> int | None:
    """Title, subtitle and author lines; the index of the line after them, or None when
    the text stops before the title (and subtitle) can be told from the authors.

    The author line is the last line before the PMCID/PMID line; any line between the
    title and it is a subtitle. Without that line (a cut), only a line whose names
    carry affiliation numbers or marks is taken as the author line.
    """
    if n >= len(content) or not page.line_complete(content[n][0]):
        return None
    title = content[n][1]
    n += 1
    front: list[tuple[int, str]] = []
    while n < len(content) and not _IDS.search(content[n][1]) and content[n][1] != "Abstract":
        front.append(content[n])
        n += 1
    confirmed = n < len(content) and page.line_complete(content[n][0])
    front = [(k, t) for k, t in front if t not in _AUTHOR_BUTTONS and page.line_complete(k)]
    author_at = None
    if confirmed and front and _authors(front[-1][1]):
        author_at = len(front) - 1
    elif not confirmed:
        author_at = next(
            (i for i, (_, t) in enumerate(front) if _AUTHOR_MARKS.search(t) and _authors(t)), None
        )
        if author_at is None:
            return None  # a subtitle or the authors: the next line would tell
    subtitles = [t for _, t in front[: author_at if author_at is not None else len(front)]]
    fields["title"] = _joined_title(title, subtitles)
    if author_at is not None:
        fields["authors"] = _authors(front[author_at][1])
        fields["authors_complete"] = True
    return n


def _record_complete(page: Page, content: list[tuple[int, str]]) -> bool | None:
    """True at the footer; None when the text stops in or after the references (whole
    pages may be copied without their footer); False when it stops before them."""
    if page.lines and page.lines[-1].strip() in FINAL_LINES:
        return True
    if any(line in REFERENCE_HEADINGS for _, line in content):
        return None
    return False


def _keyword_items(page: Page, k: int, line: str) -> tuple[list[dict[str, Any]], bool]:
    terms = KEYWORDS_LABEL.sub("", line, count=1).strip()
    whole = page.line_complete(k)
    if terms.endswith("."):
        terms, whole = terms[:-1], True
    separator = ";" if ";" in terms else ","
    check_rows(terms.count(separator) + 1, "keywords")
    items = [{"term": t.strip(), "complete": True} for t in terms.split(separator)]
    items = [i for i in items if i["term"]]
    if items and not whole:
        items[-1]["complete"] = False
    return items, whole and bool(items)


def _read_abstract_and_keywords(
    page: Page, content: list[tuple[int, str]], fields: dict[str, Any]
) -> None:
    """The abstract after its heading, up to the keywords, a supplement note or the body."""
    if not content or content[0][1] != "Abstract":
        return  # no abstract heading: the page starts with its body
    sections: list[dict[str, Any]] = []
    label: str | None = None
    ended = False
    since_supplement: int | None = None
    for n, (k, line) in enumerate(content[1:], start=1):
        whole_line = page.line_complete(k)
        if KEYWORDS_LABEL.match(line):
            fields["keywords"], fields["keywords_complete"] = _keyword_items(page, k, line)
            ended = True
            break
        if not whole_line and (is_keywords_prefix(line) or _SUPPLEMENT_WORD.startswith(line)):
            # cut in the keywords label or the supplement heading: the abstract has
            # ended only if the label's first word is whole
            ended = ended or line.lower().startswith(("keywords", "key words"))
            ended = ended or line == _SUPPLEMENT_WORD
            break
        if not whole_line and line.startswith(_SUPPLEMENT_WORD + " "):
            ended = True
            break
        if since_supplement is not None:
            since_supplement += 1
            if since_supplement > _AFTER_SUPPLEMENT or _BODY_START.match(line):
                break
            continue  # the supplement note: no keywords yet
        if whole_line and _SUPPLEMENT.match(line):
            ended, since_supplement = True, 0
            continue
        if not whole_line and (
            any(m.startswith(line) for m in _CUT_MARKERS) or len(line.split()) <= _MAX_HEADING_WORDS
        ):
            break  # cut in a line that may be a heading: unknown
        if whole_line and _BODY_START.match(line):
            ended = True
            break
        following = content[n + 1] if n + 1 < len(content) else None
        heading = line.removesuffix(":").rstrip()  # "Background" or "Background:"
        if whole_line and _could_be_heading(heading):
            if following is None or (
                not page.line_complete(following[0])
                and len(following[1].split()) <= _MAX_HEADING_WORDS
            ):
                break  # a heading or a one-line paragraph: what follows would tell
            if len(following[1]) > len(line) or heading != line:
                label = heading
                continue
        # an own-line label is not repeated in the text; an inline "Label: text" is kept
        sections.append({"label": label, "text": line, "complete": whole_line})
        label = None
    if len(sections) > 1:  # structured: "Background: text" paragraphs carry their label
        for section in sections:
            section["label"] = section["label"] or section_label(section["text"])
    if sections:
        fields["abstract_sections"] = sections
        fields["abstract_complete"] = ended and all(s["complete"] for s in sections)
