"""Parts of a PubMed XML record, each read from its element: text, dates and flags,
authors and contributors, abstract sections, references, MeSH headings, chemicals,
grants and comment/correction links (:mod:`mscdata.parsers.pubmed_xml` walks the record
and calls these).

One pass over each container's children, dispatching on the tag: ElementPath look-ups
(find/iterfind with paths) cost several times more on 30,000 records. Children are
walked as ``element[:]``, a list lxml builds at once: half the cost of its child
iterator, which matters on some 300,000 MeSH headings per 30,000 records.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.dates import MONTHS, PartialDate, checked_date, parse_number, parse_partial_date
from mscdata.identifiers import pick_ids
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


def text_of(element: Any) -> str | None:
    """All text of an element, inline markup (``<i>``, ``<sup>``, nested) included,
    whitespace normalised (:func:`mscdata.parsers.mixed_text.mixed_text`)."""
    if element is None:
        return None
    if len(element):
        return mixed_text(element, PUBMED_KINDS)
    text = element.text  # a leaf: normalise_space inlined, for speed (1.3M calls/30k records)
    if not text:
        return None
    if text.isascii():  # O(1); XML 1.0 has no \v, \f or \x1c-\x1f
        plain = "  " not in text and "\n" not in text and "\t" not in text and "\r" not in text
    else:  # every whitespace character but the space is unprintable
        plain = text.isprintable() and "  " not in text
    if plain:  # its only whitespace: single spaces
        return text.strip() or None
    return " ".join(text.split()) or None


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


_DATE_PARTS = frozenset({"MedlineDate", "Year", "Month", "Day", "Season"})


def partial_date(element: Any) -> tuple[PartialDate, str | None]:
    """A PubDate-like element as a partial date and its text as printed."""
    if element is None:
        return PartialDate(), None
    parts: dict[str, str] = {}  # the first child of each name, as findtext finds it
    for child in element[:]:
        tag = child.tag
        if tag in _DATE_PARTS and tag not in parts:
            parts[tag] = (child.text or "").strip()
    if medline := parts.get("MedlineDate"):
        return parse_partial_date(medline), medline
    year = parts.get("Year") or None
    month = parts.get("Month") or None
    day = parts.get("Day") or None
    season = parts.get("Season") or None
    text = " ".join([p for p in (year, month or season, day) if p]) or None
    year_number = parse_number(year)
    if year_number is None:
        return PartialDate(), text
    month_number = _month(month) if not season else None
    day_number = parse_number(day) if month_number else None
    return checked_date(year_number, month_number, day_number), text


_YES_NO = {"Y": True, "N": False}  # the spellings PubMed uses: no strip() nor upper()


def flag(value: str | None, default: bool | None = None) -> bool | None:
    """A ``...YN`` attribute: True for Y (any case, padded or not), False for anything
    else, ``default`` when absent (~600,000 MeSH flags per 30,000 records)."""
    if value is None:
        return default
    answer = _YES_NO.get(value)
    return answer if answer is not None else value.strip().upper() == "Y"


_AUTHOR_TEXT = {
    "LastName": "last_name",
    "ForeName": "fore_name",
    "Initials": "initials",
    "Suffix": "suffix",
    "CollectiveName": "collective_name",
}


def author(element: Any) -> dict[str, Any]:
    """An author's names, ORCID, affiliations and equal-contribution flag."""
    record: dict[str, Any] = {}
    affiliations = []
    for child in element[:]:
        tag = child.tag
        if name := _AUTHOR_TEXT.get(tag):
            record[name] = text_of(child)
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
    if element.get("EqualContrib") == "Y":
        record["equal_contribution"] = True
    return record


def contributor(element: Any) -> dict[str, Any]:
    """An investigator or editor: an author's names and ORCID, affiliations as text."""
    record = author(element)
    record.pop("equal_contribution", None)
    record.pop("person_identifiers", None)
    affiliations = record.pop("affiliations", [])
    if affiliations:
        record["affiliation_texts"] = [a["text"] for a in affiliations]
    return record


def abstract_sections(abstract: Any, abstract_type: str | None) -> list[dict[str, Any]]:
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


def cited_reference(element: Any) -> dict[str, Any] | None:
    reference: dict[str, Any] = {"complete": True}
    for child in element[:]:
        tag = child.tag
        if tag == "Citation":
            reference["citation"] = text_of(child)
        elif tag == "ArticleIdList":
            reference.update(pick_ids((i.get("IdType"), text_of(i)) for i in child))
    return reference if reference.get("citation") else None


def mesh_headings(heading_list: Any) -> list[dict[str, Any]]:
    """One row per heading and qualifier (a heading without qualifiers: one row)."""
    mesh = []
    add = mesh.append
    for heading in heading_list[:]:  # ~300,000 headings in 30,000 records
        descriptor = qualifiers = None  # most headings have no qualifier: no list
        for child in heading[:]:
            tag = child.tag
            if tag == "DescriptorName":
                descriptor = child
            elif tag == "QualifierName":
                if qualifiers is None:
                    qualifiers = [child]
                else:
                    qualifiers.append(child)
        if descriptor is None or not (name := text_of(descriptor)):
            continue
        ui = descriptor.get("UI")
        major = flag(descriptor.get("MajorTopicYN"))
        if qualifiers is None:
            add({"descriptor": name, "descriptor_ui": ui, "descriptor_major_topic": major})
            continue
        for qualifier in qualifiers:
            add(
                {
                    "descriptor": name,
                    "descriptor_ui": ui,
                    "descriptor_major_topic": major,
                    "qualifier": text_of(qualifier),
                    "qualifier_ui": qualifier.get("UI"),
                    "qualifier_major_topic": flag(qualifier.get("MajorTopicYN")),
                }
            )
    return mesh


def chemicals(chemical_list: Any) -> list[dict[str, Any]]:
    substances = []
    for chemical in chemical_list[:]:
        substance: dict[str, Any] = {}
        for child in chemical[:]:
            tag = child.tag
            if tag == "NameOfSubstance":
                substance["name"] = text_of(child)
                substance["ui"] = child.get("UI")
            elif tag == "RegistryNumber":
                substance["registry_number"] = text_of(child)
        if substance.get("name"):
            substances.append(substance)
    return substances


def comments_corrections(items: Any, fields: dict[str, Any]) -> None:
    for item in items:
        ref_type = item.get("RefType") or ""
        source_text = pmid = None
        for child in item:
            if child.tag == "RefSource":
                source_text = text_of(child)
            elif child.tag == "PMID":
                pmid = pick_ids([("pmid", text_of(child))]).get("pmid")
        if not (source_text or pmid):
            continue
        citation = source_text or f"PMID {pmid}"
        if ref_type == "Cites":
            fields["references"].append({"citation": citation, "pmid": pmid, "complete": True})
        elif ref_type in _LINK_TYPES:
            fields["linked_articles"].append(
                {"relation": _LINK_TYPES[ref_type], "citation": citation, "pmid": pmid}
            )


def grant(element: Any) -> dict[str, Any] | None:
    """A grant's parts and its text (``id/acronym/agency/country``), None when empty."""
    parts = {}
    for child in element:
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
