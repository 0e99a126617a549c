"""Tell a source's format from its content (never from its file name): by the root
element of XML or HTML, else by the first lines of a text, as the rows of
:mod:`mscdata.parsers.formats` say."""

from __future__ import annotations

import re

from mscdata.errors import ParseError
from mscdata.parsers import formats
from mscdata.parsers.streams import decode
from mscdata.parsers.xml_encoding import sniffed_codec
from mscdata.parsers.xml_safety import element_name, first_element

_XML = re.compile(r"^\s*(<\?xml|<!DOCTYPE|<!doctype|<!--|<[A-Za-z])")


def _describe(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return repr(first[:60]) if first else "empty text"


def detect_format(text: str, *, source: str | None = None) -> str:
    """The format name of a source's text (the text rules of the format table, in its
    order), or ParseError naming what was seen."""
    head = formats.TextHead(text)
    for row in formats.text_formats():
        if row.text_rule is not None and row.text_rule(head):
            return row.name
    expected = "; ".join(
        f"{row.told_by.replace('`', chr(39))} ({row.name})" for row in formats.text_formats()
    )
    raise ParseError(
        f"not a PubMed page or record: expected {expected}; found {_describe(text)}",
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
        roots = formats.root_formats()
        fmt = roots.get(root) or roots.get(root.lower())
        if fmt is None:
            named = [f"<{name}>" for name in formats.named_roots()]
            expected = ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]
            raise ParseError(f"unknown root element <{root}>; expected {expected}", source=source)
        return fmt
    return detect_format(decode(head, source, partial=True), source=source)
