"""Words in messages: a count with its noun in the right number (``1 article``, ``2 articles``)."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, plural unless the number is 1 (``plural`` for a noun
    whose plural is not ``noun + "s"``: ``counted(2, "entry", "entries")``)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
