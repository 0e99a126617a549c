"""PubMed article pages rendered as text: chrome, plain and compact renderings
(the legacy Entrez page is read by :mod:`mscdata.parsers.legacy_page`).

Each reader returns the Article's fields as a dict (children without positions) for
:func:`mscdata.parsers.records.make_article`. The grammar follows
``docs/pubmed-page-text-format.md``; every block is optional and the text may stop
anywhere, which the readers record in the ``*_complete`` flags instead of guessing.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.dates import parse_partial_date, publication_fields
from mscdata.errors import ParseError
from mscdata.identifiers import set_shown_pmcid
from mscdata.parsers.citation import parse_citation, parse_doi_line
from mscdata.parsers.names import NO_AUTHORS, author_record
from mscdata.parsers.page_text import (
    LINKED_HEADINGS,
    Page,
    Section,
    is_heading_prefix,
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
