"""Tell a source's format from its content (never from its file name)."""

from __future__ import annotations

import re

from mscdata.errors import ParseError
from mscdata.parsers.citation import looks_like_citation
from mscdata.parsers.xml_encoding import sniffed_codec
from mscdata.parsers.xml_safety import element_name, first_element

CHROME = "pubmed_page_chrome"
PLAIN = "pubmed_page_plain"
COMPACT = "pubmed_page_compact"
LEGACY = "pubmed_page_legacy"
PMC_PAGE = "pmc_page"
PUBMED_XML = "pubmed_xml"
MEDLINE = "medline_text"
PMC_JATS = "pmc_jats"
HTML = "pubmed_html"
FORMATS = (CHROME, PLAIN, COMPACT, LEGACY, PMC_PAGE, PUBMED_XML)


def _medline():
    from mscdata.parsers.medline import read_medline

    return read_medline


def _jats():
    from mscdata.parsers.jats import read_jats

    return read_jats


def _html():
    from mscdata.parsers.html_page import read_html

    return read_html


# formats whose module reads bytes into events: name -> loader of its read function
RECORD_FORMATS = {MEDLINE: _medline, PMC_JATS: _jats, HTML: _html}

_LEGACY_FIRST = {"Send to", "Send to:", "Format", "Display Settings:"}
_XML = re.compile(r"^\s*(<\?xml|<!DOCTYPE|<!doctype|<!--|<[A-Za-z])")
_MEDLINE_FIRST = re.compile(r"^PMID- ?[0-9]+\s*$")
_XML_ROOTS = {
    "PubmedArticleSet": PUBMED_XML,
    "pmc-articleset": PMC_JATS,
    "article": PMC_JATS,
    "head": HTML,
    "body": HTML,
    "pre": HTML,
    "html": HTML,
}


def decode(data: bytes, source: str | None, *, partial: bool = False) -> str:
    """UTF-8 text of a source, or a ParseError giving the bad byte's line and offset.

    ``partial``: the bytes are a prefix, so a character cut at the very end is fine.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if partial and error.start >= len(data) - 3:
            return data[: error.start].decode("utf-8-sig")
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}",
            source=source,
            line=line,
        ) from None


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
    raise ParseError(
        "not a PubMed page: expected 'Skip to main page content' (chrome page), "
        "'Skip to main content' (PMC page), 'Send to' (legacy page), or a title followed "
        "by a citation line "
        f"('J Clin Med. 2013 Oct 23;2(4):201-13.'); found {_describe(text)}",
        source=source,
    )


def xml_root(text: str) -> str | None:
    """Name of the root element of an XML or HTML text, or None when it is not markup."""
    if not _XML.match(text):
        return None
    data = text.lstrip("\ufeff").encode("utf-8", "replace")
    at = first_element(data)
    return element_name(data, at) if at is not None else None


def detect_bytes(head: bytes, *, source: str | None = None) -> str:
    """The format name from the first bytes of a (decompressed) source."""
    codec = sniffed_codec(head)
    width = 4 if "32" in codec else 2 if "16" in codec else 1
    text = head[: len(head) - len(head) % width].decode(codec, "replace").lstrip("\ufeff")
    root = xml_root(text)
    if root is not None:
        fmt = _XML_ROOTS.get(root) or _XML_ROOTS.get(root.lower())
        if fmt is None:
            raise ParseError(
                f"unknown root element <{root}>; expected <PubmedArticleSet>, "
                "<pmc-articleset>, <article> or <html>",
                source=source,
            )
        if fmt not in FORMATS and fmt not in RECORD_FORMATS:
            raise ParseError(
                f"{fmt} sources are not a supported format yet (root <{root}>)", source=source
            )
        return fmt
    text = decode(head, source, partial=True)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if _MEDLINE_FIRST.match(first.strip()):
        if MEDLINE not in RECORD_FORMATS:
            raise ParseError("MEDLINE text is not a supported format yet", source=source)
        return MEDLINE
    return detect_format(text, source=source)
