"""Personal and collective author names as printed by PubMed pages."""

from __future__ import annotations

import re

_PARTICLES = {
    "al", "bin", "da", "das", "de", "degli", "del", "della", "dei", "den", "der", "di",
    "dos", "du", "el", "la", "le", "st", "st.", "ter", "ten", "van", "vander", "von", "zu",
}  # fmt: skip
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd", "4th"}
_COLLECTIVE = re.compile(
    r"\b(group|consortium|committee|collaborat\w*|investigators|society|association|network|"
    r"working|panel|team|study|trial|organi[sz]ation|council|task force|alliance|foundation|"
    r"federation|college|academy|board|program(me)?|registry|initiative|writing)\b",
    re.IGNORECASE,
)
# one letter per step, so no two ways to split a run (``[A-Z]{1,3}`` backtracked exponentially)
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s*)+$")

NO_AUTHORS = "[No authors listed]"


def is_collective(name: str) -> bool:
    """True when a printed author name reads as a group (consortium, committee, …)."""
    return bool(_COLLECTIVE.search(name))


def split_person(full_name: str) -> dict[str, str | None]:
    """Split ``Given Names Surname`` (PubMed's display order) into its parts.

    Particles such as ``van`` or ``Le`` stay with the surname; initials are filled
    only when the given names are printed as initials.
    """
    tokens = full_name.split()
    suffix = None
    if len(tokens) > 2 and tokens[-1].lower() in _SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        return {"fore_name": None, "last_name": tokens[0], "initials": None, "suffix": suffix}
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    fore = " ".join(tokens[:start])
    initials = fore.replace(".", "").replace(" ", "") if _INITIALS.match(fore) else None
    return {
        "fore_name": fore,
        "last_name": " ".join(tokens[start:]),
        "initials": initials,
        "suffix": suffix,
    }


def author_record(full_name: str) -> dict[str, str | None]:
    """An author dict (without position) for a name as printed: a person or a collective."""
    full_name = " ".join(full_name.split())
    if is_collective(full_name):
        return {"full_name": full_name, "collective_name": full_name}
    return {"full_name": full_name, **split_person(full_name)}


_MEDLINE_NAME = re.compile(
    r"^(?P<last>\S.*?) (?P<initials>[A-Z]{1,4})(?: (?P<suffix>Jr|Sr|2nd|3rd|[IV]+))?$"
)


def medline_author_list(line: str) -> list[dict[str, str | None]] | None:
    """``van Rheenen RW1, Glaudemans AW, Slart RH.`` as authors, or None if not such a list.

    Affiliation numbers glued to the initials are dropped; an item that is not
    ``Surname Initials`` is taken as a collective name.
    """
    # rstrip, not re.sub("[0-9,*]+$"), which retries at every digit: quadratic time
    items = [item.strip().rstrip("0123456789,*") for item in line.strip().rstrip(".").split(", ")]
    if not items or not all(items):
        return None
    matches = [_MEDLINE_NAME.match(item) for item in items]
    if sum(m is not None for m in matches) * 2 < len(items):
        return None
    authors = []
    for item, m in zip(items, matches, strict=True):
        if m is None:
            authors.append({"full_name": item, "collective_name": item})
        else:
            authors.append(
                {
                    "full_name": item,
                    "last_name": m.group("last"),
                    "initials": m.group("initials"),
                    "suffix": m.group("suffix"),
                }
            )
    return authors
