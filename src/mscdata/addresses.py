"""The PubMed and PMC addresses users paste, and the identifier each one names.

Accepted forms (``http`` or ``https`` or no scheme, ``www.`` or not, any letter case in
the host, with or without a trailing slash, a query string or a fragment):

- ``https://pubmed.ncbi.nlm.nih.gov/<PMID>/``
- ``https://pubmed.gov/<PMID>`` and ``http://www.pubmed.gov/<PMID>/``
- ``https://www.ncbi.nlm.nih.gov/pubmed/<PMID>`` (the legacy Entrez page)
- ``https://www.ncbi.nlm.nih.gov/pubmed/?term=<PMID>`` and
  ``https://pubmed.ncbi.nlm.nih.gov/?term=<PMID>`` (a search for one PMID)
- ``https://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&db=pubmed&list_uids=<PMID>``
- ``https://www.ncbi.nlm.nih.gov/pmc/articles/pmid/<PMID>/``
- ``https://pmc.ncbi.nlm.nih.gov/articles/PMC<n>/`` and
  ``https://www.ncbi.nlm.nih.gov/pmc/articles/PMC<n>/`` (``PMC<n>.<version>`` too)
- ``https://www.pubmedcentral.nih.gov/articlerender.fcgi?artid=<n>``
- ``https://doi.org/<DOI>`` and ``https://dx.doi.org/<DOI>``
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from mscdata.errors import ParseError
from mscdata.schema_rules import PATTERNS

_PMID = re.compile(PATTERNS["pmid"])
# deliberately not the schema's pmcid pattern: any case, and a version (PMC6134338.4)
_PMCID = re.compile(r"^PMC([1-9][0-9]*)(?:\.[1-9][0-9]*)?$", re.IGNORECASE)
_FIELD_TAG = re.compile(r"\s*\[(?:uid|pmid)\]$", re.IGNORECASE)
_PUBMED_HOSTS = {"pubmed.ncbi.nlm.nih.gov", "pubmed.gov", "ncbi.nlm.nih.gov"}
_ADDRESS_HOSTS = {
    *_PUBMED_HOSTS,
    "pmc.ncbi.nlm.nih.gov",
    "pubmedcentral.nih.gov",
    "doi.org",
    "dx.doi.org",
}
EXPECTED = (
    "a PubMed or PMC address (https://pubmed.ncbi.nlm.nih.gov/<PMID>/, "
    "https://www.ncbi.nlm.nih.gov/pubmed/<PMID>, https://pmc.ncbi.nlm.nih.gov/articles/PMC<n>/) "
    "or https://doi.org/<DOI>"
)


def _split(address: str) -> tuple[str, str, dict[str, list[str]]]:
    """Host (lower case, no ``www.``; empty when it is not a web address), path and
    query of an address."""
    text = address.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host: not an address at all
        return "", "", {}
    if parts.scheme.lower() not in {"http", "https"}:
        host = ""
    return host, parts.path, parse_qs(parts.query)


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name) or []
    return values[0].strip() if len(values) == 1 else None


def _pmid(value: str | None) -> dict[str, str]:
    value = _FIELD_TAG.sub("", value or "")  # ?term=26237144[pmid]
    return {"pmid": value} if value and _PMID.match(value) else {}


def _pmcid(value: str | None) -> dict[str, str]:
    match = _PMCID.match(value or "")
    return {"pmcid": f"PMC{match.group(1)}"} if match else {}


def address_ids(address: str | None) -> dict[str, str] | None:
    """The identifier an address names (``{"pmid": …}``, ``{"pmcid": …}`` or ``{"doi": …}``).

    ``{}`` for a PubMed/PMC address that names no article (a search for words), None
    for an address that is not a PubMed, PMC or doi.org address at all.
    """
    if not address or not address.strip():
        return {}
    host, whole_path, query = _split(address)
    if host not in _ADDRESS_HOSTS:
        return None
    if host in {"doi.org", "dx.doi.org"}:
        from mscdata.identifiers import clean_doi

        doi = unquote(whole_path).lstrip("/")
        return {"doi": clean_doi(doi)} if doi.startswith("10.") else {}
    path = [p for p in whole_path.split("/") if p]
    lowered = [p.lower() for p in path]
    if host == "pubmedcentral.nih.gov":
        artid = _one(query, "artid") or ""
        return _pmcid(f"PMC{artid}") if artid.isdigit() else {}
    if host == "pmc.ncbi.nlm.nih.gov" or (host == "ncbi.nlm.nih.gov" and lowered[:1] == ["pmc"]):
        rest = path[1:] if lowered[:1] == ["pmc"] else path
        rest = rest[1:] if rest[:1] and rest[0].lower() == "articles" else []
        if rest and rest[0].lower() == "pmid":  # …/pmc/articles/pmid/<PMID>/
            return _pmid(rest[1]) if len(rest) > 1 else {}
        return _pmcid(rest[0]) if rest else {}
    if host == "ncbi.nlm.nih.gov":
        if lowered[:1] == ["pubmed"]:
            return _pmid(path[1]) if len(path) > 1 else _pmid(_one(query, "term"))
        if lowered[:2] == ["entrez", "query.fcgi"]:
            return _pmid(_one(query, "list_uids"))
        return {}
    # pubmed.ncbi.nlm.nih.gov and pubmed.gov: /<PMID>/, or a search for one PMID
    return _pmid(path[0]) if path else _pmid(_one(query, "term"))


def ids_for_page(address: str | None, source: str | None = None) -> dict[str, str]:
    """The identifier a page's address supplies, or ParseError naming what was expected."""
    ids = address_ids(address)
    if ids is None:
        raise ParseError(f"{address.strip()!r} is not {EXPECTED}", source=source)  # type: ignore[union-attr]
    if not ids and address and address.strip():
        raise ParseError(
            f"the address {address.strip()!r} names no article: expected {EXPECTED}",
            source=source,
        )
    return ids


def supply_ids(fields: dict, ids: dict[str, str], address: str | None, source: str) -> None:
    """Fill the identifiers an address names into a record's ``fields``; ParseError when
    the record shows another value than the address names."""
    for key, value in ids.items():
        shown = fields.get(key)
        if shown and str(shown).lower() != value.lower():
            raise ParseError(
                f"the page shows {key} {shown} but the URL {address} names {value}", source=source
            )
        fields[key] = shown or value


def ids_from_url(url: str | None) -> dict[str, str]:
    """The PMID, PMCID or DOI that a PubMed, PMC or doi.org URL names ({} for others);
    the accepted address forms are listed above."""
    return address_ids(url) or {}
