"""MEDLINE/PubMed text (efetch ``rettype=medline``, ``.nbib`` exports).

Each line is a tag padded to four characters, ``- ``, and a value; lines starting
with six spaces continue the previous value; a blank line ends a record. An author's
``FAU``/``AU``/``AUID``/``AD`` lines are kept together in one author.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mscdata.dates import parse_partial_date, publication_fields
from mscdata.errors import ParseError
from mscdata.identifiers import PMID_RE, pick_ids
from mscdata.parsers.page_text import read_grants, read_mesh
from mscdata.parsers.pubmed_xml_parts import normalise_orcid
from mscdata.parsers.records import RecordFailure, make_article

if TYPE_CHECKING:
    from mscdata.parsers.formats import OpenedSource, ReadContext

_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})\s*- ?(.*)$")
_ID = re.compile(r"^(?P<value>.*?\S)\s*\[(?P<kind>[a-z-]+)\]$")
_ISSN = re.compile(r"^(?P<issn>[0-9]{4}-[0-9]{3}[0-9Xx])(?:\s*\((?P<kind>[^)]+)\))?$")
_SUBSTANCE = re.compile(r"^(?P<number>\S+)\s+\((?P<name>.+)\)$")
_LINKED_PMID = re.compile(r"\bPMID:\s*([0-9]+)")
_SIMPLE = {
    "STAT": "citation_status", "TI": "title", "TT": "vernacular_title", "VI": "volume",
    "IP": "issue", "PG": "pages", "TA": "journal", "JT": "journal_title", "JID": "nlm_unique_id",
}  # fmt: skip
_LINK_TAGS = {
    "CIN": "comment_in", "CON": "comment_on", "EIN": "erratum_in", "EFR": "erratum_for",
    "RIN": "retraction_in", "ROF": "retraction_of", "UIN": "update_in", "UOF": "update_of",
    "RPI": "republished_in", "RPF": "republished_from", "ECI": "expression_of_concern_in",
    "ECF": "expression_of_concern_for", "SPIN": "summary_for_patients_in",
    "ORI": "original_report_in", "PRIN": "partial_retraction_in",
    "PROF": "partial_retraction_of", "RRI": "retracted_and_republished_in",
    "RRF": "retracted_and_republished_from", "CRI": "corrected_and_republished_in",
    "CRF": "corrected_and_republished_from",
}  # fmt: skip


_Fields = list[tuple[int, str, str]]


def _records(text: str) -> Iterator[tuple[int, _Fields, tuple[int, str] | None]]:
    """Each record's first line number, its (line, tag, value) fields (continuations
    joined) and its first line that is no MEDLINE line, if any: such a record fails
    alone, and the next blank line starts the next record as usual."""
    fields: list[tuple[int, str, list[str]]] = []  # a value's lines, joined once at the end
    bad: tuple[int, str] | None = None
    start = 0

    def joined() -> _Fields:
        return [(first, tag, " ".join(p for p in parts if p)) for first, tag, parts in fields]

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if fields or bad:
                yield start, joined(), bad
                fields, bad = [], None
            continue
        if not fields and bad is None:
            start = number
        if bad is not None:
            continue
        if line.startswith("      ") and fields:
            fields[-1][2].append(line.strip())
            continue
        m = _LINE.match(line)
        if not m:
            bad = (number, line)
            continue
        fields.append((number, m.group(1).strip(), [m.group(2).strip()]))
    if fields or bad:
        yield start, joined(), bad


def _split_name(full: str) -> dict[str, Any]:
    last, _, fore = full.partition(",")
    return {"last_name": last.strip() or None, "fore_name": fore.strip() or None}


def record_fields(fields: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The Article's fields from one MEDLINE record."""
    out: dict[str, Any] = {
        "authors": [],
        "identifiers": [],
        "languages": [],
        "publication_types": [],
        "keywords": [],
        "substances": [],
        "linked_articles": [],
        "accessions": [],
        "abstract_sections": [],
        "record_complete": True,
        "record_type": "journal_article",
        "investigators": [],
    }
    mesh_entries, grant_entries = [], []
    main_abstracts: list[dict[str, Any]] = []  # before the others; the last AB first
    author: dict[str, Any] | None = None
    keyword_owner = None
    pending_affiliations: list[dict[str, str]] = []
    has_full_names = any(tag == "FAU" for _, tag, _ in fields)
    for _, tag, value in fields:
        if not value:
            continue
        if tag == "PMID":
            out["pmid"] = value.lstrip("0")
        elif tag in _SIMPLE:
            out[_SIMPLE[tag]] = value
        elif tag == "AB":
            main_abstracts.append({"text": value, "complete": True})
        elif tag == "OAB":
            out["abstract_sections"].append(
                {"text": value, "complete": True, "abstract_type": "other"}
            )
        elif tag in {"FAU", "CN"} or (
            tag == "AU" and (not has_full_names or author is None or "initials" in author)
        ):
            author = {"affiliations": []}
            out["authors"].append(author)
            if tag == "CN":
                author["collective_name"] = value
            elif tag == "FAU":
                author.update(_split_name(value))
            else:
                last, _, initials = value.rpartition(" ")
                author.update(last_name=last or value, initials=initials if last else None)
        elif tag == "AU" and author is not None:
            last, _, initials = value.rpartition(" ")
            if last and initials.isupper():
                author["initials"] = initials
        elif tag == "IR":  # IR starts an investigator; FIR, after it, gives the full name
            last, _, initials = value.rpartition(" ")
            out["investigators"].append(
                {"last_name": last or value, "initials": initials if last else None}
            )
        elif tag == "FIR":
            current = out["investigators"][-1] if out["investigators"] else None
            if current is None or "fore_name" in current:
                current = {}
                out["investigators"].append(current)
            current.update({k: v for k, v in _split_name(value).items() if v})
        elif tag == "IRAD" and out["investigators"]:
            out["investigators"][-1].setdefault("affiliation_texts", []).append(value)
        elif tag == "AUID" and author is not None:
            if value.upper().startswith("ORCID"):
                author["orcid"] = normalise_orcid(value.split(":", 1)[-1])
        elif tag == "AD":
            if author is None or not has_full_names:
                pending_affiliations.append({"text": value})
            else:
                author["affiliations"].append({"text": value})
        elif tag == "LA":
            out["languages"].append(value)
        elif tag == "PT":
            out["publication_types"].append(value)
        elif tag == "DP":
            out.update(publication_fields(parse_partial_date(value), value))
        elif tag == "DEP":
            if len(value) == 8 and value.isdigit():
                date = parse_partial_date(f"{value[:4]}-{value[4:6]}-{value[6:]}")
                out["electronic_date"] = date.iso()
        elif tag == "IS":
            if m := _ISSN.match(value):
                key = "journal_issn_linking" if m.group("kind") == "Linking" else "journal_issn"
                out.setdefault(key, m.group("issn").upper())
        elif tag in {"LID", "AID"}:
            m = _ID.match(value)
            kind, id_value = (m.group("kind"), m.group("value")) if m else ("unknown", value)
            origin = "elocation_id" if tag == "LID" else "article_id_list"
            out["identifiers"].append({"id_type": kind, "value": id_value, "origin": origin})
        elif tag == "PMC":
            out["identifiers"].append(
                {"id_type": "pmc", "value": value, "origin": "article_id_list"}
            )
        elif tag == "MH":
            mesh_entries.append(_mesh_entry(value))
        elif tag == "OTO":
            keyword_owner = value
        elif tag == "OT":
            out["keywords"].append({"term": value, "owner": keyword_owner, "complete": True})
        elif tag == "RN":
            m = _SUBSTANCE.match(value)
            out["substances"].append(
                {"name": m.group("name"), "registry_number": m.group("number")}
                if m
                else {"name": value}
            )
        elif tag == "GR":
            grant_entries.append(value)
        elif tag == "SI":
            bank, _, number = value.partition("/")
            if number:
                out["accessions"].append({"databank": bank, "accession_number": number})
        elif tag in _LINK_TAGS:
            pmid = _LINKED_PMID.search(value)
            out["linked_articles"].append(
                {
                    "relation": _LINK_TAGS[tag],
                    "citation": value,
                    "pmid": pmid.group(1) if pmid else None,
                }
            )
    out["abstract_sections"][:0] = main_abstracts[::-1]
    if pending_affiliations and out["authors"]:
        out["authors"][0]["affiliations"] = pending_affiliations + out["authors"][0]["affiliations"]
    out["mesh_headings"] = read_mesh(mesh_entries)
    out["grants"] = read_grants(grant_entries)
    out["authors_complete"] = True if out["authors"] else None
    # the record's PMID is its PMID line; the DOI and PMCID come from its AID, LID and PMC
    picked = pick_ids((i["id_type"], i["value"]) for i in out["identifiers"])
    out["doi"], out["pmcid"] = picked.get("doi"), picked.get("pmcid")
    if out.get("pmid") and not PMID_RE.match(out["pmid"]):
        raise ValueError(f"PMID {out['pmid']!r} is not a PMID")
    if out["abstract_sections"] and "abstract_type" not in out["abstract_sections"][0]:
        out["abstract_complete"] = True
    if out["keywords"]:
        out["keywords_complete"] = True
    return out


def _mesh_entry(value: str) -> str:
    """``*Metagenome/genetics`` (a leading ``*`` marks a major descriptor) in the
    ``Descriptor* / qualifier`` form :func:`read_mesh` reads."""
    descriptor, *qualifiers = value.split("/")
    if descriptor.startswith("*"):
        descriptor = descriptor[1:] + "*"
    qualifiers = [q[1:] + "*" if q.startswith("*") else q for q in qualifiers]
    return " / ".join([descriptor, *qualifiers])


def read_medline(data: bytes, source: str, provenance: dict[str, Any]) -> Iterator[Any]:
    """Articles (and located RecordFailures) of a MEDLINE text file."""
    from mscdata.parsers.streams import decode

    text = decode(data, source)
    for number, (line, fields, bad) in enumerate(_records(text), start=1):
        pmid = next((v for _, t, v in fields if t == "PMID"), None)
        if bad is not None:
            reason = f"not a MEDLINE line: {bad[1][:60]!r}"
            yield RecordFailure(source=source, record=number, pmid=pmid, line=bad[0], reason=reason)
            continue
        try:
            found = record_fields(fields)
            yield make_article(found, source=source, provenance=provenance)
        except (ValueError, ParseError) as error:
            yield RecordFailure.of(error, source=source, record=number, pmid=pmid, line=line)


def read_source(source: OpenedSource, context: ReadContext) -> Iterator[Any]:
    """The format table's reader (:mod:`mscdata.parsers.formats`): a MEDLINE file read whole."""
    return read_medline(context.read_whole(source), context.name, context.provenance)
