"""PubMed XML records: the Article's fields from one ``PubmedArticle`` or
``PubmedBookArticle`` element.

A book's ``AuthorList Type="editors"`` gives editors, ``Type="authors"`` authors (a
chapter's own list, after ``Book``, wins over the book's).

Reading a whole ``PubmedArticleSet`` stream (chunking, workers, failures) is
:mod:`mscdata.parsers.pubmed_xml_stream`.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.dates import (
    MONTHS,
    PartialDate,
    checked_date,
    parse_number,
    parse_partial_date,
    publication_fields,
)
from mscdata.identifiers import PMID_RE, pick_ids
from mscdata.parsers.limits import MAX_CHILD_ROWS, check_rows
from mscdata.parsers.mixed_text import PUBMED_KINDS, mixed_text

_LINK_TYPES = {
    "CommentIn": "comment_in",
    "CommentOn": "comment_on",
    "ErratumIn": "erratum_in",
    "ErratumFor": "erratum_for",
    "RetractionIn": "retraction_in",
    "RetractionOf": "retraction_of",
    "PartialRetractionIn": "partial_retraction_in",
    "PartialRetractionOf": "partial_retraction_of",
    "UpdateIn": "update_in",
    "UpdateOf": "update_of",
    "RepublishedIn": "republished_in",
    "RepublishedFrom": "republished_from",
    "ExpressionOfConcernIn": "expression_of_concern_in",
    "ExpressionOfConcernFor": "expression_of_concern_for",
    "SummaryForPatientsIn": "summary_for_patients_in",
    "OriginalReportIn": "original_report_in",
    "ReprintIn": "reprint_in",
    "ReprintOf": "reprint_of",
    "RetractedandRepublishedIn": "retracted_and_republished_in",
    "RetractedandRepublishedFrom": "retracted_and_republished_from",
    "CorrectedandRepublishedIn": "corrected_and_republished_in",
    "CorrectedandRepublishedFrom": "corrected_and_republished_from",
    "AssociatedDataset": "associated_dataset",
    "AssociatedPublication": "associated_publication",
}
_ORCID = re.compile(r"([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9Xx])\s*$")


# ------------------------------------------------------------------ element helpers


def text_of(element: Any) -> str | None:
    """All text of an element, inline markup (``<i>``, ``<sup>``, nested) included,
    whitespace normalised (:func:`mscdata.parsers.mixed_text.mixed_text`)."""
    if element is None:
        return None
    if len(element):
        return mixed_text(element, PUBMED_KINDS)
    text = element.text  # a leaf: normalise_space inlined, for speed (~230k calls/5k records)
    if not text:
        return None
    plain = "  " not in text and "\n" not in text and "\t" not in text and "\r" not in text
    if plain and text.isascii():  # XML 1.0 has no \v or \f
        return text.strip() or None
    return " ".join(text.split()) or None


def _leaf(element: Any, path: str) -> str | None:
    """Text of a leaf element (no markup inside, e.g. ``LastName``), or None."""
    text = element.findtext(path)
    if text is None:
        return None
    return text.strip() or None


def normalise_orcid(value: str | None) -> str | None:
    """An ORCID iD in any common spelling as ``0000-0002-1825-0097``, or None."""
    if not value:
        return None
    m = _ORCID.search(value.strip())
    if not m:
        return None
    return "-".join(m.groups()).upper()


def _month(value: str | None) -> int | None:
    if not value:
        return None
    number = parse_number(value)
    if number is not None:
        return number if 1 <= number <= 12 else None
    return MONTHS.get(value.strip().lower())


def _date(element: Any) -> tuple[PartialDate, str | None]:
    """A PubDate-like element as a partial date and its text as printed."""
    if element is None:
        return PartialDate(), None
    medline = _leaf(element, "MedlineDate")
    if medline:
        return parse_partial_date(medline), medline
    year = _leaf(element, "Year")
    month = _leaf(element, "Month")
    day = _leaf(element, "Day")
    season = _leaf(element, "Season")
    text = " ".join(p for p in (year, month or season, day) if p) or None
    year_number = parse_number(year)
    if year_number is None:
        return PartialDate(), text
    month_number = _month(month) if not season else None
    day_number = parse_number(day) if month_number else None
    return checked_date(year_number, month_number, day_number), text


def _yes(value: str | None, default: bool | None = None) -> bool | None:
    if value is None:
        return default
    return value.strip().upper() == "Y"


# ------------------------------------------------------------------ record fields
#
# One pass over each container's children, dispatching on the tag: ElementPath
# look-ups (find/iterfind with paths) cost several times more on 30,000 records.


_AUTHOR_TEXT = {
    "LastName": "last_name",
    "ForeName": "fore_name",
    "Initials": "initials",
    "Suffix": "suffix",
    "CollectiveName": "collective_name",
}
# elements whose whole text is one field of the record
_RECORD_TEXT = {
    "ArticleTitle": "title",
    "BookTitle": "book_title",
    "VernacularTitle": "vernacular_title",
    "Title": "journal_title",
    "ISOAbbreviation": "journal",
    "Volume": "volume",
    "Issue": "issue",
    "PublisherName": "publisher",
    "PublisherLocation": "publisher_location",
}


def _author(author: Any) -> dict[str, Any]:
    record: dict[str, Any] = {}
    affiliations = []
    for child in author:
        tag = child.tag
        if tag in _AUTHOR_TEXT:
            record[_AUTHOR_TEXT[tag]] = text_of(child)
        elif tag == "Identifier" and (value := text_of(child)):
            source = child.get("Source") or "unknown"
            orcid = normalise_orcid(value) if source.upper() == "ORCID" else None
            if orcid and "orcid" not in record:
                record["orcid"] = orcid
            else:
                record.setdefault("person_identifiers", []).append(f"{source}:{value}")
        elif tag == "AffiliationInfo":
            affiliation: dict[str, Any] = {}
            for part in child:
                if part.tag == "Affiliation" and (text := text_of(part)):
                    affiliation["text"] = text
                elif part.tag == "Identifier" and (value := text_of(part)):
                    source = part.get("Source") or "unknown"
                    affiliation.setdefault("affiliation_identifiers", []).append(
                        f"{source}:{value}"
                    )
            if "text" in affiliation:
                affiliations.append(affiliation)
    if affiliations:
        record["affiliations"] = affiliations
    if author.get("EqualContrib") == "Y":
        record["equal_contribution"] = True
    return record


def _contributor(element: Any) -> dict[str, Any]:
    """An investigator or editor: an author's names and ORCID, affiliations as text."""
    record = _author(element)
    record.pop("equal_contribution", None)
    record.pop("person_identifiers", None)
    affiliations = record.pop("affiliations", [])
    if affiliations:
        record["affiliation_texts"] = [a["text"] for a in affiliations]
    return record


def _abstract_sections(abstract: Any, abstract_type: str | None) -> list[dict[str, Any]]:
    sections = []
    for part in abstract:
        if part.tag != "AbstractText" or not (text := text_of(part)):
            continue
        section: dict[str, Any] = {"text": text, "complete": True}
        if label := part.get("Label"):
            section["label"] = label
        if category := part.get("NlmCategory"):
            section["nlm_category"] = category
        if abstract_type:
            section["abstract_type"] = abstract_type
        sections.append(section)
    return sections


def _reference(element: Any) -> dict[str, Any] | None:
    reference: dict[str, Any] = {"complete": True}
    for child in element:
        if child.tag == "Citation":
            reference["citation"] = text_of(child)
        elif child.tag == "ArticleIdList":
            reference.update(pick_ids((i.get("IdType"), text_of(i)) for i in child))
    return reference if reference.get("citation") else None


def _valid(value: str | None, pattern: re.Pattern[str]) -> str | None:
    return value if value and pattern.match(value) else None


def _pick_ids(identifiers: list[dict[str, Any]]) -> dict[str, str | None]:
    """The DOI and PMCID the record's ELocationID and ArticleIdList give
    (:func:`mscdata.identifiers.pick_ids`); its PMID is its own ``<PMID>``."""
    picked = pick_ids((i["id_type"], i["value"]) for i in identifiers)
    return {"doi": picked.get("doi"), "pmcid": picked.get("pmcid")}


def _mesh(heading_list: Any) -> list[dict[str, Any]]:
    mesh = []
    for heading in heading_list:
        descriptor = None
        qualifiers = []
        for child in heading:
            if child.tag == "DescriptorName":
                descriptor = child
            elif child.tag == "QualifierName":
                qualifiers.append(child)
        if descriptor is None or not (name := text_of(descriptor)):
            continue
        base = {
            "descriptor": name,
            "descriptor_ui": descriptor.get("UI"),
            "descriptor_major_topic": _yes(descriptor.get("MajorTopicYN")),
        }
        if not qualifiers:
            mesh.append(base)
        for qualifier in qualifiers:
            mesh.append(
                {
                    **base,
                    "qualifier": text_of(qualifier),
                    "qualifier_ui": qualifier.get("UI"),
                    "qualifier_major_topic": _yes(qualifier.get("MajorTopicYN")),
                }
            )
    return mesh


def _chemicals(chemical_list: Any) -> list[dict[str, Any]]:
    substances = []
    for chemical in chemical_list:
        substance: dict[str, Any] = {}
        for child in chemical:
            if child.tag == "NameOfSubstance":
                substance["name"] = text_of(child)
                substance["ui"] = child.get("UI")
            elif child.tag == "RegistryNumber":
                substance["registry_number"] = text_of(child)
        if substance.get("name"):
            substances.append(substance)
    return substances


def _comments_corrections(items: Any, fields: dict[str, Any]) -> None:
    for item in items:
        ref_type = item.get("RefType") or ""
        source_text = pmid = None
        for child in item:
            if child.tag == "RefSource":
                source_text = text_of(child)
            elif child.tag == "PMID":
                pmid = _valid((text_of(child) or "").lstrip("0"), PMID_RE)
        if not (source_text or pmid):
            continue
        citation = source_text or f"PMID {pmid}"
        if ref_type == "Cites":
            fields["references"].append({"citation": citation, "pmid": pmid, "complete": True})
        elif ref_type in _LINK_TYPES:
            fields["linked_articles"].append(
                {"relation": _LINK_TYPES[ref_type], "citation": citation, "pmid": pmid}
            )


def _grant(grant: Any) -> dict[str, Any] | None:
    parts = {}
    for child in grant:
        name = _GRANT_PARTS.get(child.tag)
        if name and (text := text_of(child)):
            parts[name] = text
    if not parts:
        return None
    return {**parts, "text": "/".join(parts[k] for k in _GRANT_ORDER if k in parts)}


_GRANT_PARTS = {
    "GrantID": "grant_id",
    "Acronym": "acronym",
    "Agency": "agency",
    "Country": "country",
}
_GRANT_ORDER = ("grant_id", "acronym", "agency", "country")
_CONTAINERS = {
    "MedlineCitation",
    "Article",
    "PubmedData",
    "BookDocument",
    "Book",
    "PubmedBookData",
    "Journal",
    "JournalIssue",
    "PublicationTypeList",
    "Publisher",
}


def _add_identifier(fields: dict[str, Any], element: Any, kind: str, origin: str) -> None:
    if value := text_of(element):
        fields["identifiers"].append(
            {"id_type": element.get(kind) or "unknown", "value": value, "origin": origin}
        )


def _read(container: Any, fields: dict[str, Any]) -> None:
    """Fill ``fields`` from one container element's children (and nested containers)."""
    for child in container:
        tag = child.tag
        if len(child) > MAX_CHILD_ROWS:  # before a row is built: memory stays bounded
            check_rows(len(child), f"<{tag}> entries")
        if tag in _CONTAINERS:
            if tag == "Book":
                fields["_in_book"] = True
                _read(child, fields)
                fields.pop("_in_book")
            else:
                _read(child, fields)
        elif tag == "PMID":
            fields.setdefault("pmid", (text_of(child) or "").lstrip("0") or None)
        elif tag in _RECORD_TEXT:
            fields[_RECORD_TEXT[tag]] = text_of(child)
        elif tag == "MedlineJournalInfo":
            for part in child:
                if part.tag == "MedlineTA":
                    fields.setdefault("_medline_ta", text_of(part))
                elif part.tag == "NlmUniqueID":
                    fields["nlm_unique_id"] = text_of(part)
                elif part.tag == "ISSNLinking" and (issn := text_of(part)):
                    fields["journal_issn_linking"] = issn.upper()
        elif tag == "ISSN":
            if issn := text_of(child):
                fields.setdefault("journal_issn", issn.upper())
        elif tag == "PubDate":
            fields.update(publication_fields(*_date(child)))
        elif tag == "ArticleDate":
            if child.get("DateType", "Electronic") == "Electronic":
                fields.setdefault("electronic_date", _date(child)[0].iso())
        elif tag == "Pagination":
            pages = {p.tag: text_of(p) for p in child}
            start, end = pages.get("StartPage"), pages.get("EndPage")
            fields["pages"] = pages.get("MedlinePgn") or (
                f"{start}-{end}" if start and end else start
            )
        elif tag == "ELocationID":
            _add_identifier(fields, child, "EIdType", "elocation_id")
        elif tag == "ArticleIdList":
            for article_id in child:
                _add_identifier(fields, article_id, "IdType", "article_id_list")
        elif tag == "Abstract":
            fields["abstract_sections"][:0] = _abstract_sections(child, None)
        elif tag == "OtherAbstract":
            fields["abstract_sections"] += _abstract_sections(child, child.get("Type") or "other")
        elif tag == "AuthorList":
            if child.get("Type") == "editors":
                fields["editors"] = [_contributor(a) for a in child if a.tag == "Author"]
            else:  # a Book's authors are the record's when no chapter lists its own
                key = "_book_authors" if fields.get("_in_book") else "authors"
                fields[key] = [_author(a) for a in child if a.tag == "Author"]
                fields[f"{key}_complete"] = _yes(child.get("CompleteYN"), True)
        elif tag == "InvestigatorList":
            fields["investigators"] = [_contributor(i) for i in child if i.tag == "Investigator"]
        elif tag == "Language":
            if language := text_of(child):
                fields["languages"].append(language)
        elif tag == "PublicationType":
            if name := text_of(child):
                fields["publication_types"].append(name)
                fields["publication_type_uis"].append(child.get("UI"))
        elif tag == "DataBankList":
            for bank in child:
                name = bank.findtext("DataBankName")
                for number in bank.iterfind("AccessionNumberList/AccessionNumber"):
                    if name and (value := text_of(number)):
                        fields["accessions"].append(
                            {"databank": name.strip(), "accession_number": value}
                        )
        elif tag == "GrantList":
            fields["grants"] += [g for grant in child if (g := _grant(grant))]
        elif tag == "ChemicalList":
            fields["substances"] = _chemicals(child)
        elif tag == "MeshHeadingList":
            fields["mesh_headings"] = _mesh(child)
        elif tag == "KeywordList":
            owner = child.get("Owner")
            for keyword in child:
                if term := text_of(keyword):
                    item = {"term": term, "complete": True, "owner": owner}
                    if (major := keyword.get("MajorTopicYN")) is not None:
                        item["major_topic"] = major == "Y"
                    fields["keywords"].append(item)
        elif tag == "CommentsCorrectionsList":
            _comments_corrections(child, fields)
        elif tag == "ReferenceList":
            for element in child.iter("Reference"):
                if reference := _reference(element):
                    fields["references"].append(reference)
        elif tag == "Isbn" and (isbn := text_of(child)):
            fields["isbns"].append(isbn)


def record_fields(record: Any) -> dict[str, Any]:
    """The Article's fields from a ``PubmedArticle`` or ``PubmedBookArticle`` element."""
    fields: dict[str, Any] = {
        "identifiers": [],
        "abstract_sections": [],
        "languages": [],
        "publication_types": [],
        "publication_type_uis": [],
        "accessions": [],
        "grants": [],
        "keywords": [],
        "references": [],
        "linked_articles": [],
        "isbns": [],
        "record_complete": True,
    }
    if record.tag == "PubmedArticle":
        citation = record.find("MedlineCitation")
        if citation is None or citation.find("Article") is None:
            raise ValueError("PubmedArticle without MedlineCitation/Article")
        fields["record_type"] = "journal_article"
        fields["citation_status"] = citation.get("Status")
    else:
        if record.find("BookDocument") is None:
            raise ValueError("PubmedBookArticle without BookDocument")
    # the cited references come after the own ones in PubmedData: read it last
    _read(record, fields)
    book_authors = fields.pop("_book_authors", None)
    book_authors_complete = fields.pop("_book_authors_complete", None)
    if book_authors is not None and "authors" not in fields:  # a whole book
        fields["authors"], fields["authors_complete"] = book_authors, book_authors_complete
    if record.tag == "PubmedBookArticle":
        fields["record_type"] = "book_chapter" if fields.get("title") else "book"
        fields["title"] = fields.get("title") or fields.get("book_title")
    medline_ta = fields.pop("_medline_ta", None)
    fields["journal"] = fields.get("journal") or medline_ta
    if None in fields["publication_type_uis"]:
        fields["publication_type_uis"] = []  # not aligned with the names: keep none
    fields.update(_pick_ids(fields["identifiers"]))
    if fields["abstract_sections"] and any(
        "abstract_type" not in s for s in fields["abstract_sections"]
    ):
        fields["abstract_complete"] = True
    if fields["keywords"]:
        fields["keywords_complete"] = True
    if fields["references"]:
        fields["references_complete"] = True
    return fields
