"""PubMed article pages rendered as text: chrome, plain, compact and legacy renderings.

Each reader returns the Article's fields as a dict (children without positions) for
:func:`mscdata.records.make_article`. The grammar follows
``docs/pubmed-page-text-format.md``; every block is optional and the text may stop
anywhere, which the readers record in the ``*_complete`` flags instead of guessing.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.dates import parse_partial_date, publication_fields
from mscdata.errors import ParseError
from mscdata.identifiers import set_shown_pmcid
from mscdata.names import NO_AUTHORS, author_record, medline_author_list
from mscdata.parsers.citation import looks_like_citation, parse_citation, parse_doi_line
from mscdata.parsers.page_text import (
    KEYWORDS_LABEL,
    LINKED_HEADINGS,
    Page,
    Section,
    is_heading_prefix,
    keyword_items,
    natural_end,
    read_abstract,
    read_figures,
    read_grants,
    read_keywords,
    read_linked,
    read_mesh,
    read_references,
    split_mesh_and_substances,
    split_sections,
)

CHROME_LAST_HEADER_LINE = "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation"
CHROME_LAST_LINE = "LinkOut - more resources"
FINAL_BARE_HEADINGS = {"Publication types", "MeSH terms", "Substances"}
PAGE_REFERENCE_LIMIT = 5  # PubMed pages show at most the first five references
_TAGS = {"Free article", "Free PMC article", "Free full text"}
_PMID_BULLET = re.compile(r"^\s*[•\-]\s*PMID:\s*([1-9][0-9]{0,8})\s*$")
_LANGUAGE = re.compile(r"^\[Article in ([A-Za-z ,]+)\]$")


def _fail(reason: str, source: str, index: int | None = None) -> ParseError:
    return ParseError(reason, source=source, line=None if index is None else index + 1)


def _read_body(
    page: Page,
    sections: list[Section],
    fields: dict[str, Any],
    *,
    unheaded_abstract: bool = False,
    per_line: bool = False,
) -> None:
    """Fill fields from the headed sections that follow the front matter.

    ``unheaded_abstract``: text before the first heading is the abstract (renderings
    that may omit the ``Abstract`` heading); ``per_line``: each abstract line is a
    paragraph (renderings without blank lines).
    """
    linked: list[dict[str, Any]] = []
    for number, section in enumerate(sections):
        heading = section.heading
        is_abstract = heading == "Abstract" or (
            heading is None and number == 0 and unheaded_abstract
        )
        if is_abstract and "abstract_sections" not in fields:
            abstract, whole = read_abstract(section, page, per_line=per_line)
            if abstract:
                fields["abstract_sections"] = abstract
                fields["abstract_complete"] = whole
        elif heading == "Keywords":
            fields["keywords"], fields["keywords_complete"] = read_keywords(section, page)
        elif heading == "Figures":
            figures, whole = read_figures(section, page)
            if figures or not whole:
                fields["figures"], fields["figures_complete"] = figures, whole
        elif heading == "References":
            references, whole = read_references(section, page)
            if references or not whole:
                fields["references"] = references
                fields["references_complete"] = whole and len(references) < PAGE_REFERENCE_LIMIT
        elif heading in LINKED_HEADINGS:
            linked.extend(read_linked(section, page))
        elif heading == "Publication types":
            types = fields.setdefault("publication_types", [])
            types.extend(t for t in section.bullets(page) if t not in types)
        elif heading == "MeSH terms":
            mesh, substances = split_mesh_and_substances(section, page)
            fields["mesh_headings"] = read_mesh(mesh)
            fields.setdefault("substances", []).extend({"name": n} for n in substances)
        elif heading == "Substances":
            fields.setdefault("substances", []).extend({"name": n} for n in section.bullets(page))
        elif heading == "Grants and funding":
            fields["grants"] = read_grants(section.bullets(page))
    if linked:
        fields["linked_articles"] = linked


def _read_author_cite(line: str) -> dict[str, Any]:
    """``Yves-Marie Pers et al. J Clin Med. .`` into first author, journal and date."""
    fields: dict[str, Any] = {}
    line = " ".join(line.split())  # pages put a no-break space before "et al."
    if " et al. " in line:
        author, rest = line.split(" et al. ", 1)
        complete: bool | None = False
    elif ". " in line:
        author, rest = line.split(". ", 1)
        complete = True
    else:
        return fields
    journal, _, date = rest.partition(". ")
    fields["journal"] = journal.strip().rstrip(".") or None
    author = author.strip()
    if author.startswith(NO_AUTHORS):
        fields["authors"], fields["authors_complete"] = [], True
    elif author:
        fields["authors"], fields["authors_complete"] = [author_record(author)], complete
    cite_date = date.strip().rstrip(".").strip()
    if cite_date:
        fields["_cite_date"] = cite_date
    return fields


def read_chrome(text: str, source: str) -> dict[str, Any]:
    """The chrome rendering (``Skip to main page content`` …), as on the seed page."""
    page = Page.from_text(text)
    lines = page.lines
    try:
        i = next(k for k, line in enumerate(lines[:25]) if line.strip() == CHROME_LAST_HEADER_LINE)
    except StopIteration:
        raise _fail(
            "the page text ends inside the site header, before any article data", source
        ) from None
    i += 1
    fields: dict[str, Any] = {"publication_types": [], "record_complete": False}
    if i >= len(lines):
        raise _fail("the page text ends right after the site header", source)
    if not lines[i].startswith("."):
        if page.line_complete(i):
            fields["publication_types"].append(lines[i].strip())
        i += 1
    if i >= len(lines):
        return fields
    if not lines[i].startswith(". ") and page.line_complete(i):
        raise _fail(
            f"expected the citation line ('. 2013 Oct 23;2(4):201-13.'), found {lines[i][:60]!r}",
            source,
            i,
        )
    if page.line_complete(i):
        citation = parse_citation(lines[i])
        if citation is None:
            raise _fail(f"unreadable citation line {lines[i][:80]!r}", source, i)
        citation.pop("journal", None)
        fields.update(citation)
    i += 1
    if i < len(lines) and lines[i].startswith("doi:"):
        if page.line_complete(i):
            fields.update(parse_doi_line(lines[i]))
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not page.line_complete(i):
        return fields  # cut before or inside the title
    title_index = i
    fields["title"] = lines[i].strip()
    second = next(
        (k for k in range(i + 1, len(lines)) if lines[k].strip() == fields["title"]), None
    )
    front_end = second if second is not None else len(lines)
    for k in range(title_index + 1, front_end):
        line = lines[k].strip()
        if (m := _PMID_BULLET.match(lines[k])) and page.line_complete(k):
            fields["pmid"] = m.group(1)
        elif (
            line
            and line not in {"Affiliations", *_TAGS}
            and page.line_complete(k)
            and line not in fields["publication_types"]
            and not line.startswith(("•", "-"))
        ):
            fields["publication_types"].append(line)
    if second is None:
        return fields
    k = second + 1
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines) or not page.line_complete(k):
        return fields  # cut before or inside the author line
    fields.update(_read_author_cite(lines[k].strip()))
    cite_date = fields.pop("_cite_date", None)
    if fields.get("publication_year") is None and cite_date:
        # the citation line was cut: the author line's date is the only one shown
        fields.update(publication_fields(parse_partial_date(cite_date), cite_date))
    _read_body(page, split_sections(page, k + 1), fields)
    if natural_end(page, CHROME_LAST_LINE):
        fields["record_complete"] = True
    elif lines[-1].strip() in FINAL_BARE_HEADINGS:
        fields["record_complete"] = None  # may be the page's own end, may be a cut
    return fields


def read_plain(text: str, source: str) -> dict[str, Any]:
    """The plain rendering: title, blank line, ``Journal. Date;Vol(Issue):Pages. doi: …``."""
    page = Page.from_text(text)
    lines = page.lines
    fields: dict[str, Any] = {"publication_types": [], "record_complete": None}
    if not page.line_complete(0):
        raise _fail("the page text ends inside the title", source, 0)
    fields["title"] = lines[0].strip()
    cite = next((k for k in range(1, min(len(lines), 4)) if lines[k].strip()), None)
    if cite is None:
        fields["record_complete"] = False
        return fields
    if page.line_complete(cite):
        citation = parse_citation(lines[cite])
        if citation is None:
            raise _fail(f"unreadable citation line {lines[cite][:80]!r}", source, cite)
        fields.update(citation)
    else:
        fields["record_complete"] = False
        return fields
    start = cite + 1
    languages = []
    while start < len(lines) and (m := _LANGUAGE.match(lines[start].strip())):
        if page.line_complete(start):
            languages.extend(x.strip() for x in m.group(1).split(","))
        start += 1
    if start == len(lines) - 1 and not page.line_complete(start):
        text = lines[start].strip()
        if "[Article in ".startswith(text) or text.startswith("[Article in "):
            fields["record_complete"] = False
            return fields  # cut inside the language line
    if languages:
        fields["languages"] = languages
    sections = split_sections(page, start)
    _read_body(page, sections, fields, unheaded_abstract=True)
    fields["record_complete"] = _plain_complete(page, sections)
    return fields


PLAIN_CLOSING_BLOCKS = {"Publication types", "MeSH terms", "Substances", "Grants and funding"}


def _plain_complete(page: Page, sections: list[Section]) -> bool | None:
    """False when a plain page stops before its closing lists (publication types, MeSH
    terms, substances, grants) or inside a heading or bullet mark; None when it stops in
    them: the last entry has no end mark, so a whole page and a cut one look alike."""
    if not sections or sections[-1].heading not in PLAIN_CLOSING_BLOCKS:
        return False
    last = page.lines[-1].strip()
    if not page.line_complete(len(page.lines) - 1) and (
        (is_heading_prefix(last) and last not in PLAIN_CLOSING_BLOCKS) or last in {"•", "-", "*"}
    ):
        return False
    return None


_COMPACT_ID = re.compile(r"^- (PMID|PMCID|DOI): (\S+)\s*$")
COMPACT_LAST_HEADING = "LinkOut - more resources"


def read_compact(text: str, source: str) -> dict[str, Any]:
    """The compact mirror rendering: title, ``- PMID:``/``- PMCID:``/``- DOI:`` lines, …."""
    page = Page.from_text(text)
    lines = page.lines
    fields: dict[str, Any] = {"title": lines[0].strip(), "record_complete": False}
    if not page.line_complete(0):
        raise _fail("the page text ends inside the title", source, 0)
    names = {"PMID": "pmid", "PMCID": "pmcid", "DOI": "doi"}
    k = 1
    while k < len(lines) and (m := _COMPACT_ID.match(lines[k])):
        if page.line_complete(k) and m.group(1) == "PMCID":
            set_shown_pmcid(fields, m.group(2).rstrip("."))
        elif page.line_complete(k):
            fields[names[m.group(1)]] = m.group(2).rstrip(".")
        k += 1
    if k < len(lines) and lines[k].strip() == fields["title"]:
        k += 1
    sections = split_sections(page, k)
    _read_body(page, sections, fields, per_line=True)
    if any(s.heading == COMPACT_LAST_HEADING for s in sections):
        # only link categories follow; the article's data is all there
        fields["record_complete"] = page.line_complete(len(lines) - 1)
    return fields


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
