"""HTML article pages: legacy PubMed pages, their ``?report=xml`` companions, and any
article page through its Highwire (``citation_*``), Dublin Core, PRISM and JSON-LD
metadata (current PubMed, PMC and most publishers carry these).

Parsed with lxml's HTML parser: nothing is fetched, scripts are never run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mscdata.addresses import ids_from_url, supply_ids
from mscdata.dates import parse_partial_date, publication_fields
from mscdata.errors import ParseError
from mscdata.identifiers import pick_ids
from mscdata.models import SourceFormat
from mscdata.parsers.citation import parse_citation
from mscdata.parsers.limits import check_rows
from mscdata.parsers.mixed_text import HTML_KINDS, mixed_text
from mscdata.parsers.names import author_record, medline_author_list
from mscdata.parsers.page_text import read_mesh
from mscdata.parsers.records import make_article
from mscdata.parsers.xml_safety import one_line

if TYPE_CHECKING:
    from mscdata.parsers.formats import OpenedSource, ReadContext

_PRE_XML = re.compile(r"<PubmedArticleSet|<PubmedArticle[\s>]")


def _text(element: Any) -> str | None:
    """An element's text, blocks (``p``, ``li``, ``br``, cells…) kept apart by a space."""
    return mixed_text(element, HTML_KINDS)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _first(doc: Any, xpath: str) -> Any:
    found = doc.xpath(xpath)
    return found[0] if found else None


# ------------------------------------------------------------------ legacy Entrez pages


def _legacy(report: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"record_complete": True, "identifiers": []}
    cit = _first(report, f".//div[{_has_class('cit')}]")
    if cit is not None:
        journal_link = _first(cit, ".//a")
        citation = parse_citation(_text(cit) or "") or {}
        fields.update({k: v for k, v in citation.items() if v is not None})
        if journal_link is not None and journal_link.get("title"):
            fields["journal_title"] = journal_link.get("title").strip().rstrip(".")
    fields["title"] = _text(_first(report, ".//h1"))
    affiliations: dict[str, str] = {}
    for item in report.xpath(f".//div[{_has_class('afflist')}]//li"):
        label = _text(_first(item, "./sup")) or ""
        text = _text(item) or ""
        if label and text.startswith(label):
            text = text[len(label) :].strip()
        if text:
            affiliations[label] = text
    auths = _first(report, f".//div[{_has_class('auths')}]")
    if auths is not None:
        authors = []
        for link in auths.xpath("./a"):
            name = _text(link) or ""
            parsed = medline_author_list(name) or [author_record(name)]
            author = {**parsed[0], "affiliations": []}
            sup = link.getnext()
            if sup is not None and sup.tag == "sup":
                for label in (_text(sup) or "").split(","):
                    if label.strip() in affiliations:
                        author["affiliations"].append({"text": affiliations[label.strip()]})
            authors.append(author)
        if len(affiliations) == 1 and "" in affiliations and authors:
            authors[0]["affiliations"].append({"text": affiliations[""]})
        fields["authors"], fields["authors_complete"] = authors, True if authors else None
    abstract = _first(report, f".//div[{_has_class('abstr')}]")
    if abstract is not None:
        sections = []
        for paragraph in abstract.xpath(".//p"):
            label = _text(_first(paragraph, ".//*[" + _has_class("AbstractTextLabel") + "]"))
            text = _text(paragraph)
            if text:
                section = {"text": text, "complete": True}
                if label:
                    section["label"] = label.rstrip(":")
                sections.append(section)
        fields["abstract_sections"] = sections
        fields["abstract_complete"] = True if sections else None
    keywords = _first(report, f".//div[{_has_class('keywords')}]//p")
    if keywords is not None and (text := _text(keywords)):
        check_rows(text.count(";") + 1, "keywords")
        fields["keywords"] = [
            {"term": t.strip(), "complete": True} for t in text.split(";") if t.strip()
        ]
        fields["keywords_complete"] = True
    for term, value in zip(
        report.xpath(".//dl[@class='rprtid']/dt"),
        report.xpath(".//dl[@class='rprtid']/dd"),
        strict=False,
    ):
        kind, text = (_text(term) or "").rstrip(":").lower(), _text(value)
        if not text:
            continue
        fields["identifiers"].append({"id_type": kind, "value": text, "origin": "citation"})
    fields.update(pick_ids((i["id_type"], i["value"]) for i in fields["identifiers"]))
    for heading in report.xpath(f".//div[{_has_class('morecit')}]//h4"):
        items = [_text(li) for li in heading.xpath("following-sibling::ul[1]/li")]
        items = [i for i in items if i]
        name = (_text(heading) or "").lower()
        if name == "publication types":
            fields["publication_types"] = items
        elif name == "mesh terms":
            fields["mesh_headings"] = read_mesh([i.replace("/", " / ") for i in items])
        elif name == "substances":
            fields["substances"] = [{"name": i} for i in items]
    return fields


# ------------------------------------------------------------------ metadata tags


def _metas(doc: Any) -> list[tuple[str, str]]:
    found = []
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip()
        content = (meta.get("content") or "").strip()
        if name and content:
            found.append((name.lower(), content))
    return found


def _json_ld(doc: Any) -> dict[str, Any]:
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
            continue
        items = data if isinstance(data, list) else [data]
        if isinstance(data, dict) and isinstance(data.get("@graph"), list):
            items = data["@graph"]
        for item in items:
            if isinstance(item, dict) and str(item.get("@type", "")).endswith("Article"):
                return item
    return {}


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value that should be text, or None when it is anything else."""
    return value if isinstance(value, str) and value.strip() else None


_US_DATE = re.compile(r"^(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})/(?P<year>[0-9]{4})$")


def _meta_date(text: str):
    """``2021/03/15``, ``2021-03-15``, ``2013 Oct 23`` or the US ``10/23/2013``."""
    if m := _US_DATE.match(text.strip()):
        from mscdata.dates import checked_date

        return checked_date(int(m["year"]), int(m["month"]), int(m["day"]))
    return parse_partial_date(text.replace("/", "-"))


def _from_metas(doc: Any) -> dict[str, Any]:
    metas = _metas(doc)

    def first(*names: str) -> str | None:
        return next((v for n, v in metas if n in names), None)

    fields: dict[str, Any] = {"identifiers": [], "record_complete": None}
    fields["title"] = first("citation_title", "dc.title", "og:title")
    fields["journal_title"] = first("citation_journal_title", "prism.publicationname")
    fields["journal"] = first("citation_journal_abbrev")
    fields["volume"] = first("citation_volume", "prism.volume")
    fields["issue"] = first("citation_issue", "prism.number")
    start, end = (
        first("citation_firstpage", "prism.startingpage"),
        first("citation_lastpage", "prism.endingpage"),
    )
    fields["pages"] = f"{start}-{end}" if start and end and start != end else start
    date_text = first(
        "citation_publication_date", "citation_date", "dc.date", "prism.publicationdate"
    )
    if date_text:
        fields.update(publication_fields(_meta_date(date_text), date_text))
    if online := first("citation_online_date"):
        fields["electronic_date"] = _meta_date(online).iso()
    for name, kind in (
        ("citation_doi", "doi"),
        ("prism.doi", "doi"),
        ("dc.identifier", None),
        ("citation_pmid", "pmid"),
        ("citation_pmcid", "pmcid"),
    ):
        for meta_name, value in metas:
            if meta_name != name:
                continue
            detected = kind or ("doi" if "10." in value else None)
            if detected:
                fields["identifiers"].append(
                    {"id_type": detected, "value": value, "origin": "citation"}
                )
    fields.update(pick_ids((i["id_type"], i["value"]) for i in fields["identifiers"]))
    authors: list[dict[str, Any]] = []
    author_tag = (
        "citation_author" if any(n == "citation_author" for n, _ in metas) else "dc.creator"
    )
    for name, value in metas:
        if name == author_tag:
            last, _, fore = value.partition(",")
            author = (
                {"full_name": value, "last_name": last.strip(), "fore_name": fore.strip()}
                if fore
                else author_record(value)
            )
            author["affiliations"] = []
            authors.append(author)
        elif name == "citation_author_institution" and authors:
            authors[-1]["affiliations"].append({"text": value})
        elif name == "citation_author_orcid" and authors:
            from mscdata.parsers.pubmed_xml_parts import normalise_orcid

            authors[-1]["orcid"] = normalise_orcid(value)
    fields["authors"] = authors
    keyword_texts = [v for n, v in metas if n == "citation_keywords"]
    check_rows(sum(v.count(";") + v.count(",") + 1 for v in keyword_texts), "keywords")
    keywords = [t.strip() for v in keyword_texts for t in re.split(r"[;,]", v) if t.strip()]
    fields["keywords"] = [{"term": t, "complete": True} for t in keywords]
    fields["languages"] = [v for n, v in metas if n == "citation_language"]
    ld = _json_ld(doc)
    if ld:
        fields["title"] = (
            fields["title"] or _ld_text(ld.get("headline")) or _ld_text(ld.get("name"))
        )
        if not authors and isinstance(ld.get("author"), list):
            fields["authors"] = [
                author_record(name)
                for a in ld["author"]
                if isinstance(a, dict) and (name := _ld_text(a.get("name")))
            ]
        if not fields.get("publication_year") and ld.get("datePublished"):
            published = str(ld["datePublished"])
            fields.update(publication_fields(parse_partial_date(published[:10]), published))
    # current PubMed pages: the abstract is in the page body
    paragraphs = doc.xpath(f"//div[{_has_class('abstract-content')}]//p")
    sections = []
    for paragraph in paragraphs:
        label = _text(_first(paragraph, ".//strong[" + _has_class("sub-title") + "]"))
        if text := _text(paragraph):
            section = {"text": text, "complete": True}
            if label:
                section["label"] = label.rstrip(":")
            sections.append(section)
    if sections:
        fields["abstract_sections"], fields["abstract_complete"] = sections, True
    return fields


# ------------------------------------------------------------------ entry point


def read_html(data: bytes, source: str, provenance: dict[str, Any]) -> Iterator[Any]:
    """Articles of an HTML page: legacy PubMed, report=xml, or any page with metadata.

    The page's URL (``provenance["source_url"]``) supplies identifiers it does not show.
    """
    url = provenance.get("source_url")
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError) as error:
        raise ParseError(f"unreadable HTML: {one_line(error)}", source=source) from None
    pre = _first(doc, "//pre")
    if pre is not None and _PRE_XML.search(pre.text_content() or ""):
        # a ?report=xml page: PubMed XML, HTML-escaped inside <pre>
        from io import BytesIO

        from mscdata.parsers.pubmed_xml_stream import read_pubmed_xml

        xml = html.unescape(pre.text_content()).strip()
        if not xml.startswith("<PubmedArticleSet"):
            xml = f"<PubmedArticleSet>{xml}</PubmedArticleSet>"
        yield from read_pubmed_xml(
            BytesIO(xml.encode("utf-8")),
            source,
            {**provenance, "source_format": SourceFormat.pubmed_xml.value},
        )
        return
    report = _first(doc, f"//div[{_has_class('rprt')}]")
    if report is not None and _first(report, f".//div[{_has_class('cit')}]") is not None:
        fields = _legacy(report)
        provenance = {**provenance, "source_format": SourceFormat.pubmed_html.value}
    else:
        fields = _from_metas(doc)
        provenance = {**provenance, "source_format": SourceFormat.html_meta.value}
        if not fields.get("title") and not fields["identifiers"]:
            raise ParseError(
                "an HTML page without article metadata (no citation_*, Dublin "
                "Core, PRISM or JSON-LD tags, and not a PubMed page)",
                source=source,
            )
    # the address a page was retrieved from (a publisher's site names no identifier)
    supply_ids(fields, ids_from_url(url), url, source)
    yield make_article(fields, source=source, provenance=provenance)


def read_source(source: OpenedSource, context: ReadContext) -> Iterator[Any]:
    """The format table's reader (:mod:`mscdata.parsers.formats`): an HTML page read whole."""
    return read_html(context.read_whole(source), context.name, context.provenance)
