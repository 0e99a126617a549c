"""The one way mscdata parses XML: no DTD, no network, no entity expansion.

Every XML reader builds its parser here, and refuses documents that declare entities
(external entities read local files or the network; nested ones explode in memory).
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.errors import ParseError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_NAME = re.compile(rb"[A-Za-z_][\w.:-]{0,100}")


def safe_parser() -> Any:
    """An lxml XML parser that loads no DTD, uses no network and expands no entity."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_ENTITIES_REFUSED = "the document declares entities (<!ENTITY …>); mscdata never expands entities"


def root_start(*names: bytes) -> re.Pattern[bytes]:
    """The start tag of a root element with one of these names (``<name`` followed by
    white space, ``>`` or ``/``): the prolog, scanned for entity declarations, ends there."""
    return re.compile(b"<(?:" + b"|".join(re.escape(name) for name in names) + rb")[\s>/]")


def refuse_entity_declarations(prolog: bytes, source: str) -> None:
    """Raise ParseError (with the line) when the prolog declares any entity."""
    if entity := _ENTITY_DECLARATION.search(prolog):
        raise ParseError(
            _ENTITIES_REFUSED, source=source, line=prolog[: entity.start()].count(b"\n") + 1
        )


def refuse_parsed_entities(root: Any, source: str) -> None:
    """Raise ParseError when a parsed document's internal subset declares entities, or
    an entity reference was kept unexpanded: the byte scan of the prolog can be misled
    (a comment holding the root's start tag ends it early), the parsed tree cannot."""
    from lxml import etree

    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise ParseError(_ENTITIES_REFUSED, source=source)
    for entity in root.iter(etree.Entity):
        raise ParseError(
            f"entity reference {entity.text} is not expanded; mscdata never expands entities",
            source=source,
            line=entity.sourceline,
        )


def first_element(prolog: bytes | bytearray) -> int | None:
    """Offset of the first element's ``<`` after declarations, PIs, comments and DOCTYPE.

    None when the prolog is unfinished. Each construct is skipped with one ``find``, so
    the prolog is scanned once.
    """
    at = 0
    while (at := prolog.find(b"<", at)) >= 0:
        if prolog.startswith(b"<?", at):
            end = prolog.find(b"?>", at + 2)
            at = end + 2 if end >= 0 else -1
        elif prolog.startswith(b"<!--", at):
            end = prolog.find(b"-->", at + 4)
            at = end + 3 if end >= 0 else -1
        elif prolog.startswith(b"<!", at):  # DOCTYPE, with or without an internal subset
            close, bracket = prolog.find(b">", at), prolog.find(b"[", at)
            if 0 <= bracket < close or (bracket >= 0 and close < 0):
                close = prolog.find(b"]", bracket)
                close = prolog.find(b">", close) if close >= 0 else -1
            at = close + 1 if close >= 0 else -1
        else:
            return at
        if at < 0:
            return None
    return None


def element_name(data: bytes | bytearray, at: int) -> str:
    """The name of the element whose ``<`` is at offset ``at`` (``?`` when it has none)."""
    name = _NAME.match(data, at + 1)
    return name.group().decode("ascii", "replace") if name else "?"


def one_line(error: Exception) -> str:
    """A parser's message on one line: lxml quotes the bad text, line breaks included."""
    return " ".join(str(error).split())
