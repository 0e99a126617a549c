"""Identifiers: normalise PMIDs, DOIs and PMCIDs, read them from URLs, and derive article keys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mscdata.schema_rules import PATTERNS

# a whole value that is a PMID, DOI or PMCID: the schema's patterns
PMID_RE = re.compile(PATTERNS["pmid"])
DOI_RE = re.compile(PATTERNS["doi"])
PMCID_RE = re.compile(PATTERNS["pmcid"])

# deliberately not the schema's pmcid pattern: a PMC id as sources write it: PMC6134338,
# pmc6134338, 6134338, or with the version of the deposited text (PMC6134338.4, in
# F1000 and Wellcome Open Research records)
_PMC_ID = re.compile(r"^(?:PMC)?(?P<number>[1-9][0-9]*)(?:\.[1-9][0-9]*)?$", re.IGNORECASE)

# deliberately not the schema's: a DOI inside free text, after its prefix
_INLINE_DOI = re.compile(
    r"(?:\bdoi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+)",
    re.IGNORECASE,
)


def clean_doi(value: str) -> str:
    """Strip a DOI's ``doi:``/resolver prefix and the sentence punctuation printed after it."""
    doi = value.strip()
    doi = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", doi, flags=re.IGNORECASE)
    return doi.rstrip(".,;")


def pmcid_of(value: str | None) -> str | None:
    """The PMCID a source's PMC id names (``PMC6134338`` for ``PMC6134338.4``,
    ``pmc6134338`` or ``6134338``), or None when the value is not a PMC id.

    A version suffix (``.4``) is not part of the PMCID; readers keep the value as given
    in the article's ``identifiers``.
    """
    match = _PMC_ID.match((value or "").strip())
    return f"PMC{match.group('number')}" if match else None


def set_shown_pmcid(fields: dict, value: str) -> None:
    """Record the PMC id a page prints: ``pmcid`` is its PMCID, and a value that is more
    than that (a version, ``PMC6134338.4``) is kept as given in ``identifiers``. A value
    that is no PMC id is set as is, for validation to refuse by name."""
    pmcid = pmcid_of(value)
    fields["pmcid"] = pmcid or value
    if pmcid and value != pmcid:
        fields.setdefault("identifiers", []).append(
            {"id_type": "pmc", "value": value, "origin": "citation"}
        )


# the kinds sources give the three identifiers (JATS pub-id-type, PubMed IdType and
# EIdType, MEDLINE [kind] of AID/LID lines, legacy page labels, citation_* meta names)
_KINDS = {
    "pmid": "pmid",
    "pubmed": "pmid",
    "doi": "doi",
    "pmc": "pmcid",
    "pmcid": "pmcid",
    "pmcaid": "pmcid",
}


def _normal_pmid(value: str) -> str | None:
    pmid = value.strip().lstrip("0")  # PMID_RE without a regex: 1-9 ASCII digits, no 0 first
    return pmid if len(pmid) <= 9 and pmid.isdigit() and pmid.isascii() else None


def _normal_doi(value: str) -> str | None:
    doi = clean_doi(value)
    return doi if DOI_RE.match(doi) else None


_NORMAL = {"pmid": _normal_pmid, "doi": _normal_doi, "pmcid": pmcid_of}


def pick_ids(candidates: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """The PMID, DOI and PMCID among the identifiers a source lists, as ``(kind, value)``
    pairs in the source's order; only the kinds found are in the result.

    The one rule set of every reader and of the fetcher: kinds are matched without
    regard to case (``pmid`` and ``pubmed`` name a PMID, ``doi`` a DOI, ``pmc``,
    ``pmcid`` and ``pmcaid`` a PMCID; other kinds are not picked); a value is normalised
    (a PMID without leading zeros, a DOI without its ``doi:`` or resolver prefix and
    trailing punctuation, a PMC id as ``PMC<n>`` without a version); the first value of
    a kind that is well formed after that wins, and malformed ones are passed over
    (readers keep every value as given in the article's ``identifiers``).
    """
    picked: dict[str, str] = {}
    for kind, value in candidates:
        # most kinds come as the table spells them (pubmed, doi, pmc): looked up as given first
        name = _KINDS.get(kind) or _KINDS.get((kind or "").strip().lower())
        if name is None or name in picked or not value:
            continue
        if normal := _NORMAL[name](value):
            picked[name] = normal
    return picked


def dois_in_text(text: str) -> list[str]:
    """Every DOI written out in free text (``doi: 10.…`` or a doi.org link), in order."""
    return [clean_doi(m.group("doi")) for m in _INLINE_DOI.finditer(text)]


def article_key(pmid: str | None, doi: str | None, pmcid: str | None) -> str | None:
    """The article's CURIE: ``pmid:`` when known, else ``doi:``, else ``pmc:``; None if none."""
    if pmid:
        return f"pmid:{pmid}"
    if doi:
        return f"doi:{doi}"
    if pmcid:
        return f"pmc:{pmcid}"
    return None
