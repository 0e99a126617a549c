"""PMC JATS and NLM archiving XML (``.nxml``, efetch ``db=pmc`` ``pmc-articleset``).

JATS 1.0-1.3 and NLM 2.3/3.0 share the elements read here: article ids, titles, every
abstract (kept apart by ``abstract-type``), authors with affiliations and ORCID,
keywords of every ``kwd-group``, figures (a figure without a label still counts), the
body text by section (:mod:`mscdata.parsers.jats_body`),
references from ``mixed-citation``, ``element-citation``, ``citation`` and
``nlm-citation`` with their pub-ids, dates by ``pub-type`` or ``date-type``, and the
article's licence. Parsed with no DTD, no network and no entity expansion.

Text is read by :func:`mscdata.parsers.mixed_text.mixed_text` (blocks apart, inline
markup joined); a caption reads "Title. Paragraph…" (:func:`caption_text`); citations
are :mod:`mscdata.parsers.jats_citation`'s (one style for element-only citations, typed
parts for every citation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mscdata.dates import checked_date, parse_number, publication_fields
from mscdata.errors import ParseError
from mscdata.identifiers import pick_ids
from mscdata.parsers.jats_body import body_sections
from mscdata.parsers.jats_citation import citation_fields
from mscdata.parsers.mixed_text import mixed_text as _text
from mscdata.parsers.pubmed_xml_parts import normalise_orcid
from mscdata.parsers.records import RecordFailure, make_article
from mscdata.parsers.xml_encoding import xml_as_utf8
from mscdata.parsers.xml_safety import (
    one_line,
    refuse_entity_declarations,
    refuse_parsed_entities,
    root_start,
    safe_parser,
)

if TYPE_CHECKING:
    from mscdata.parsers.formats import OpenedSource, ReadContext

_ROOT_START = root_start(b"article", b"pmc-articleset")

XLINK = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CITATIONS = ("mixed-citation", "element-citation", "citation", "nlm-citation")
_LABEL = frozenset({"label"})
_TITLE_AND_LABEL = frozenset({"title", "label"})
_TERMINAL = ".!?:;…"
_CLOSING = "\"')]}»”’"
_PRINT_DATES = ("ppub", "collection", "epub-ppub", "pub")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _outermost(element: Any, name: str) -> list[Any]:
    """Descendants named ``name`` that are not inside another one, in document order.

    An element nested in its like (never valid JATS) would otherwise have its text read
    once per level: time growing with depth times size.
    """
    found = []
    stack = list(reversed(element))
    while stack:
        node = stack.pop()
        if node.tag == name:
            found.append(node)
        else:
            stack.extend(reversed(node))
    return found


def _date(element: Any) -> tuple[Any, str | None]:
    parts = {_local(c): (c.text or "").strip() for c in element}
    year, month, day = parts.get("year"), parts.get("month"), parts.get("day")
    season = parts.get("season")
    year_number = parse_number(year)
    if year_number is None:
        return None, None
    date = checked_date(year_number, parse_number(month), parse_number(day))
    if date.year is None:
        return None, None
    month_text = _MONTH_NAMES[date.month - 1] if date.month else season
    text = " ".join(p for p in (year, month_text, str(date.day) if date.day else None) if p)
    return date, text


def _affiliations(meta: Any) -> dict[str, str]:
    affiliations = {}
    for aff in _outermost(meta, "aff"):
        if aff.get("id") and (text := _text(aff, skip=_LABEL)):
            affiliations[aff.get("id")] = text
    return affiliations


def _author(contrib: Any, affiliations: dict[str, str]) -> dict[str, Any]:
    author: dict[str, Any] = {"affiliations": []}
    for child in contrib:
        name = _local(child)
        if name in {"name", "string-name"}:
            for part in child:
                key = {"surname": "last_name", "given-names": "fore_name", "suffix": "suffix"}.get(
                    _local(part)
                )
                if key and (value := _text(part)):
                    author[key] = value
        elif name == "collab":
            author["collective_name"] = _text(child)
        elif name == "contrib-id" and (child.get("contrib-id-type") or "").lower() == "orcid":
            author["orcid"] = normalise_orcid(_text(child))
        elif name == "xref" and child.get("ref-type") == "aff":
            for rid in (child.get("rid") or "").split():
                if rid in affiliations:
                    author["affiliations"].append({"text": affiliations[rid]})
        elif name == "aff" and (text := _text(child, skip=_LABEL)):
            author["affiliations"].append({"text": text})
    if contrib.get("equal-contrib") == "yes":
        author["equal_contribution"] = True
    return author


def _abstract(abstract: Any, abstract_type: str | None) -> list[dict[str, Any]]:
    sections = []
    secs = [c for c in abstract if _local(c) == "sec"]
    if secs:
        for sec in secs:
            title = next((c for c in sec if _local(c) == "title"), None)
            text = _text(sec, skip=_TITLE_AND_LABEL)
            if text:
                sections.append({"label": _text(title), "text": text})
    else:
        for paragraph in abstract:
            if _local(paragraph) == "p" and (text := _text(paragraph)):
                sections.append({"text": text})
    for section in sections:
        section["complete"] = True
        if abstract_type:
            section["abstract_type"] = abstract_type
    return sections


def _reference(ref: Any) -> dict[str, Any] | None:
    citation = next((c for c in ref.iter() if _local(c) in _CITATIONS), None)
    if citation is None:
        return None
    reference: dict[str, Any] = {**citation_fields(citation), "complete": True}
    reference.update(pick_ids((p.get("pub-id-type"), _text(p)) for p in citation.iter("pub-id")))
    return reference if reference["citation"] else None


def caption_text(caption: Any) -> str | None:
    """A caption as "Title. Paragraph…": a period is added after the title only when it
    does not already end in terminal punctuation; without a title, the paragraphs."""
    if caption is None:
        return None
    title = _text(next((c for c in caption if _local(c) == "title"), None))
    rest = _text(caption, skip=frozenset({"title"}))
    if not title or not rest:
        return title or rest
    if title.rstrip(_CLOSING)[-1:] not in _TERMINAL:
        title += "."
    return f"{title} {rest}"


def article_fields(article: Any) -> dict[str, Any]:
    """The Article's fields from one JATS ``article`` element."""
    front = next((c for c in article if _local(c) == "front"), None)
    meta = front.find("article-meta") if front is not None else None
    if meta is None:
        raise ValueError("article without front/article-meta")
    journal = front.find("journal-meta")
    fields: dict[str, Any] = {
        "record_type": "journal_article",
        "record_complete": True,
        "identifiers": [],
        "languages": [article.get(XML_LANG)] if article.get(XML_LANG) else [],
    }
    for article_id in meta.iterfind("article-id"):
        kind = article_id.get("pub-id-type") or "unknown"
        if value := _text(article_id):
            fields["identifiers"].append(
                {"id_type": kind, "value": value, "origin": "article_id_list"}
            )
    fields.update(pick_ids((i["id_type"], i["value"]) for i in fields["identifiers"]))
    fields["title"] = _text(meta.find("title-group/article-title"))
    if journal is not None:
        ids = {j.get("journal-id-type"): _text(j) for j in journal.iterfind("journal-id")}
        fields["journal"] = ids.get("iso-abbrev") or ids.get("nlm-ta")
        fields["journal_title"] = _text(journal.find(".//journal-title"))
        issns = [
            (i.get("pub-type") or i.get("publication-format"), _text(i))
            for i in journal.iterfind("issn")
        ]
        issn = next((v for k, v in issns if k in {"ppub", "print"}), None) or next(
            (v for _, v in issns), None
        )
        if issn and re.match(r"^[0-9]{4}-[0-9]{3}[0-9Xx]$", issn):
            fields["journal_issn"] = issn.upper()
    dates = {}
    for pub_date in meta.iterfind("pub-date"):
        kind = pub_date.get("pub-type") or pub_date.get("date-type") or ""
        if kind == "publication":
            kind = "pub"
        if pub_date.get("publication-format") == "electronic" and kind == "pub":
            kind = "epub"
        date, text = _date(pub_date)
        if date is not None:
            dates.setdefault(kind, (date, text))
    printed = next((dates[k] for k in _PRINT_DATES if k in dates), None) or dates.get("epub")
    if printed:
        fields.update(publication_fields(*printed))
    if "epub" in dates:
        fields["electronic_date"] = dates["epub"][0].iso()
    fields["volume"] = _text(meta.find("volume"))
    fields["issue"] = _text(meta.find("issue"))
    first, last = _text(meta.find("fpage")), _text(meta.find("lpage"))
    fields["pages"] = (f"{first}-{last}" if first and last else first) or _text(
        meta.find("elocation-id")
    )
    affiliations = _affiliations(meta)
    contribs = [
        c
        for group in meta.iterfind("contrib-group")
        for c in group.iterfind("contrib")
        if c.get("contrib-type", "author") == "author"
    ]
    fields["authors"] = [_author(c, affiliations) for c in contribs]
    fields["authors_complete"] = True if contribs else None
    sections = []
    for abstract in meta.iterfind("abstract"):
        sections += _abstract(abstract, abstract.get("abstract-type"))
    for abstract in meta.iterfind("trans-abstract"):
        sections += _abstract(abstract, f"translation:{abstract.get(XML_LANG) or 'unknown'}")
    sections.sort(key=lambda s: "abstract_type" in s)  # the main abstract first
    fields["abstract_sections"] = sections
    if any("abstract_type" not in s for s in sections):
        fields["abstract_complete"] = True
    fields["keywords"] = [
        {"term": term, "owner": group.get("kwd-group-type"), "complete": True}
        for group in meta.iterfind("kwd-group")
        for kwd in group.iterfind("kwd")
        if (term := _text(kwd))
    ]
    if fields["keywords"]:
        fields["keywords_complete"] = True
    license_element = meta.find("permissions/license")
    if license_element is not None:
        fields["license"] = license_element.get(XLINK) or _text(license_element)
    figures = []
    for figure in article.iter("fig"):
        graphic = next((g for g in figure.iter("graphic")), None)
        figures.append(
            {
                "figure_id": figure.get("id"),
                "label": _text(figure.find("label")),
                "caption": caption_text(figure.find("caption")),
                "graphic": graphic.get(XLINK) if graphic is not None else None,
                "complete": True,
            }
        )
    fields["figures"] = figures
    if figures:
        fields["figures_complete"] = True
    fields["body_sections"] = body_sections(article)
    if fields["body_sections"]:
        fields["body_complete"] = True
    references = [r for ref in _outermost(article, "ref") if (r := _reference(ref))]
    fields["references"] = references
    if references:
        fields["references_complete"] = True
    return fields


def read_jats(data: bytes, source: str, provenance: dict[str, Any]) -> Iterator[Any]:
    """Articles (and located RecordFailures) of a JATS file or a pmc-articleset."""
    from lxml import etree

    data = xml_as_utf8(data, source)
    root_start = _ROOT_START.search(data)
    refuse_entity_declarations(data[: root_start.start() if root_start else 1 << 16], source)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        reason = f"malformed XML: {one_line(error)}"
        raise ParseError(reason, source=source, line=error.lineno) from None
    refuse_parsed_entities(root, source)
    if _local(root) not in {"article", "pmc-articleset"}:
        raise ParseError(
            f"unknown root element <{_local(root)}>; expected <article> or <pmc-articleset>",
            source=source,
        )
    articles = [root] if _local(root) == "article" else list(root)
    for number, article in enumerate(articles, start=1):
        if _local(article) != "article":  # reported, never skipped silently
            yield RecordFailure(
                source=source,
                record=number,
                pmid=None,
                line=article.sourceline,
                reason=f"unexpected element <{_local(article) or 'comment'}> in pmc-articleset",
            )
            continue
        ids = pick_ids((i.get("pub-id-type"), _text(i)) for i in article.iter("article-id"))
        pmid = ids.get("pmid")
        try:
            yield make_article(article_fields(article), source=source, provenance=provenance)
        except (ValueError, ParseError) as error:
            yield RecordFailure.of(
                error, source=source, record=number, pmid=pmid, line=article.sourceline
            )


def read_source(source: OpenedSource, context: ReadContext) -> Iterator[Any]:
    """The format table's reader (:mod:`mscdata.parsers.formats`): a JATS file read whole."""
    return read_jats(context.read_whole(source), context.name, context.provenance)
