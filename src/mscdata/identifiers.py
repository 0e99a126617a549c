"""Identifiers: normalise PMIDs, DOIs and PMCIDs, read them from URLs, and derive article keys."""

from __future__ import annotations

import re

PMID_RE = re.compile(r"^[1-9][0-9]{0,8}$")
DOI_RE = re.compile(r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$")
PMCID_RE = re.compile(r"^PMC[1-9][0-9]*$")

_URL_PMID = re.compile(
    r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/)"
    r"(?P<pmid>[1-9][0-9]{0,8})(?:[/?#].*)?$"
)
_URL_PMCID = re.compile(
    r"^https?://(?:www\.ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)"
    r"(?P<pmcid>PMC[1-9][0-9]*)(?:[/?#].*)?$",
    re.IGNORECASE,
)
_URL_DOI = re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<doi>10\..+)$", re.IGNORECASE)
_INLINE_DOI = re.compile(
    r"(?:\bdoi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+)",
    re.IGNORECASE,
)


def clean_doi(value: str) -> str:
    """Strip a DOI's ``doi:``/resolver prefix and the sentence punctuation printed after it."""
    doi = value.strip()
    doi = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", doi, flags=re.IGNORECASE)
    return doi.rstrip(".,;")


def dois_in_text(text: str) -> list[str]:
    """Every DOI written out in free text (``doi: 10.…`` or a doi.org link), in order."""
    return [clean_doi(m.group("doi")) for m in _INLINE_DOI.finditer(text)]


def ids_from_url(url: str | None) -> dict[str, str]:
    """The PMID, PMCID or DOI that a PubMed, PMC or doi.org URL names."""
    if not url:
        return {}
    url = url.strip()
    if m := _URL_PMID.match(url):
        return {"pmid": m.group("pmid")}
    if m := _URL_PMCID.match(url):
        return {"pmcid": m.group("pmcid").upper()}
    if m := _URL_DOI.match(url):
        return {"doi": clean_doi(m.group("doi"))}
    return {}


def article_key(pmid: str | None, doi: str | None, pmcid: str | None) -> str | None:
    """The article's CURIE: ``pmid:`` when known, else ``doi:``, else ``pmc:``; None if none."""
    if pmid:
        return f"pmid:{pmid}"
    if doi:
        return f"doi:{doi}"
    if pmcid:
        return f"pmc:{pmcid}"
    return None
