"""Citation lines as PubMed prints them: ``J Clin Med. 2013 Oct 23;2(4):201-13. doi: … Epub …``.

Shared by every page rendering (the chrome page drops the journal name, leaving the
line to start with ``. ``), and by linked-article and reference entries.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.dates import parse_partial_date, publication_fields
from mscdata.identifiers import clean_doi

# Journal (possibly empty), then the date up to the first ';' or ':', then the locator.
_CITE = re.compile(
    r"^(?P<journal>[^\n]*?)\.\s(?P<date>(?:1[5-9]|20)[0-9]{2}\b[^;:]*?)"
    r"(?P<locator>[;:][^\n]*?)?\.?$"
)
_LOCATOR_SEMI = re.compile(r"^;(?P<volume>[^(:]*?)\s*(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
_LOCATOR_COLON = re.compile(r"^:(?P<volume>[^:]*)(?::(?P<pages>.+))?$")
_TAIL = re.compile(
    r"(?:^|\s)doi:\s*(?P<doi>\S+?)\.?(?=\s|$)|(?:^|\s)Epub\s+(?P<epub>[^.]{1,100}?)\.(?=\s|$)"
    r"|(?:^|\s)eCollection\s+(?P<ecollection>[^.]{1,100}?)\.(?=\s|$)"
)
_CITE_START = re.compile(r"^(?:[^.\n]*\S)?\.\s(?:1[5-9]|20)[0-9]{2}\b")


def looks_like_citation(line: str) -> bool:
    """True when a line starts like ``Journal. 2013 …`` or ``. 2013 …``."""
    return bool(_CITE_START.match(line))


def split_tail(line: str) -> tuple[str, dict[str, str]]:
    """Split ``… doi: X. Epub D. eCollection Y.`` off a citation line.

    Returns the head (journal, date and locator) and the tail parts found.
    """
    tail: dict[str, str] = {}
    first = None
    for m in _TAIL.finditer(line):
        kind = m.lastgroup
        if kind and kind not in tail:
            tail[kind] = m.group(kind)
            first = m.start() if first is None else first
    head = line if first is None else line[:first]
    return head.strip(), tail


def parse_locator(locator: str | None) -> dict[str, str | None]:
    """``;2(4):201-13`` or ``:4:263-78`` into volume, issue and pages."""
    if not locator:
        return {}
    locator = locator.strip().rstrip(".")
    m = _LOCATOR_SEMI.match(locator) or _LOCATOR_COLON.match(locator)
    if not m:
        return {}
    parts = m.groupdict()
    return {k: (v.strip() if v and v.strip() else None) for k, v in parts.items()}


def parse_citation(line: str) -> dict[str, Any] | None:
    """Every bibliographic field a citation line states, or None if it is not one.

    The journal name is kept only when printed; the publication date keeps its text
    and only the parts it states unambiguously.
    """
    head, tail = split_tail(" ".join(line.split()))  # one space a gap: no run to backtrack
    m = _CITE.match(head)
    if not m:
        return None
    date_text = m.group("date").strip()
    fields: dict[str, Any] = {
        "journal": m.group("journal").strip() or None,
        **publication_fields(parse_partial_date(date_text), date_text),
        **parse_locator(m.group("locator")),
    }
    if "doi" in tail:
        fields["doi"] = clean_doi(tail["doi"])
    if "epub" in tail:
        fields["electronic_date"] = parse_partial_date(tail["epub"]).iso()
    return fields


def parse_doi_line(line: str) -> dict[str, Any]:
    """The chrome page's ``doi: X. Epub D.`` line."""
    _, tail = split_tail(line.strip())
    fields: dict[str, Any] = {}
    if "doi" in tail:
        fields["doi"] = clean_doi(tail["doi"])
    if "epub" in tail:
        fields["electronic_date"] = parse_partial_date(tail["epub"]).iso()
    return fields
