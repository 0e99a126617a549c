"""Tell a source's format from its content (never from its file name)."""

from __future__ import annotations

import re

from mscdata.errors import ParseError
from mscdata.parsers.citation import looks_like_citation

CHROME = "pubmed_page_chrome"
PLAIN = "pubmed_page_plain"
COMPACT = "pubmed_page_compact"
LEGACY = "pubmed_page_legacy"
PMC_PAGE = "pmc_page"
FORMATS = (CHROME, PLAIN, COMPACT, LEGACY, PMC_PAGE)

_LEGACY_FIRST = {"Send to", "Send to:", "Format", "Display Settings:"}
_XML = re.compile(r"^\s*(<\?xml|<!DOCTYPE|<[A-Za-z])")


def _describe(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return repr(first[:60]) if first else "empty text"


def detect_format(text: str, *, source: str | None = None) -> str:
    """The format name of a source's text, or ParseError naming what was seen."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    first = lines[0].strip() if lines else ""
    if first == "Skip to main page content":
        return CHROME
    if first in _LEGACY_FIRST or first.startswith(("Format:", "Display Settings")):
        return LEGACY
    if first == "Skip to main content":
        return PMC_PAGE
    if len(lines) > 1 and lines[1].startswith("- PMID:"):
        return COMPACT
    if (
        first
        and any(looks_like_citation(line.strip()) for line in lines[1:4])
        and (len(lines) < 2 or not lines[1].strip())
    ):
        return PLAIN
    if _XML.match(text):
        raise ParseError(
            f"XML and HTML sources are not a supported format yet (starts {_describe(text)})",
            source=source,
        )
    raise ParseError(
        "not a PubMed page: expected 'Skip to main page content' (chrome page), "
        "'Skip to main content' (PMC page), 'Send to' (legacy page), or a title followed "
        "by a citation line "
        f"('J Clin Med. 2013 Oct 23;2(4):201-13.'); found {_describe(text)}",
        source=source,
    )
