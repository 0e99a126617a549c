"""The one way mscdata parses XML: no DTD, no network, no entity expansion.

Every XML reader builds its parser here, and refuses documents that declare entities
(external entities read local files or the network; nested ones explode in memory).
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.errors import ParseError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


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


def refuse_entity_declarations(prolog: bytes, source: str) -> None:
    """Raise ParseError (with the line) when the prolog declares any entity."""
    if entity := _ENTITY_DECLARATION.search(prolog):
        raise ParseError(
            "the document declares entities (<!ENTITY …>); mscdata never expands entities",
            source=source,
            line=prolog[: entity.start()].count(b"\n") + 1,
        )
