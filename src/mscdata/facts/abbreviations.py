"""Abbreviations the text defines, followed: "adipose-derived stem cells (ASCs)" makes
every later ASCs adipose MSCs, "conditioned medium (CM)" every later CM conditioned
medium, "collagen-induced arthritis (CIA)" every later CIA the condition."""

from __future__ import annotations

import bisect
import itertools

from mscdata.facts.cell_facts import mention_tissues
from mscdata.facts.lexicon import Entry
from mscdata.facts.matching import Match, abbreviation_pattern, defined_abbreviation
from mscdata.facts.parts import PART_ORDER, Part
from mscdata.facts.reading import DEFINING_FACETS, PROSE_PARTS, Mention, Reading


def follow_abbreviations(reading: Reading, generic: Entry) -> None:
    """Abbreviations defined after a match stand for it wherever they recur."""
    defined: dict[str, tuple[str, Match | Mention]] = {}
    mention_at = {(id(m.match.part), m.match.start): m for m in reading.mentions}
    tissues = {key: found[0].value for key, found in mention_tissues(reading).items()}
    for facet in DEFINING_FACETS:
        for match in reading.of(facet):
            if match.part.name not in PROSE_PARTS:
                continue
            letters = defined_abbreviation(match)
            if letters and letters not in defined:
                mention = mention_at.get((id(match.part), match.start))
                defined[letters] = (facet, mention or match)
    for mention in reading.mentions:
        letters = defined_abbreviation(mention.match)
        if letters and (letters not in defined or defined[letters][0] != "msc_mention"):
            defined[letters] = ("msc_mention", mention)
    if not defined:
        return
    pattern = abbreviation_pattern(list(defined))
    # each facet's matches before any is added here, and where they are (see _inside)
    held_matches: dict[str, tuple[dict[int, tuple[list[int], list[int]]], list[Match]]] = {}
    for part in reading.parts:
        if part.name not in PROSE_PARTS:
            continue
        for hit in pattern.finditer(part.text):
            key = hit.group() if hit.group() in defined else hit.group()[:-1]
            facet, source = defined[key]
            rule = f"abbreviation:{key}"
            if isinstance(source, Mention):
                if (id(part), hit.start()) in mention_at:
                    held = mention_at[
                        (id(part), hit.start())
                    ]  # an MSC abbreviation: say its tissue
                    held.tissue = held.tissue or tissues.get(id(source)) or source.tissue
                    continue
                match = Match(part, hit.start(), hit.end(), generic, rule)
                tissue = tissues.get(id(source)) or source.tissue
                mention = Mention(match, tissue, source.species)
                reading.mentions.append(mention)
                mention_at[(id(part), hit.start())] = mention
            else:
                placed = held_matches.setdefault(facet, ({}, list(reading.matches.get(facet, []))))
                if _inside(placed[1], placed[0], part, hit.start()):
                    continue
                match = Match(part, hit.start(), hit.end(), source.entry, rule)
                reading.matches.setdefault(facet, []).append(match)
    for found in reading.matches.values():
        found.sort(key=lambda m: (PART_ORDER.index(m.part.name), m.start))
    reading.mentions.sort(key=lambda m: (PART_ORDER.index(m.match.part.name), m.match.start))
    reading.mentions_changed()


def _inside(
    matches: list[Match], held: dict[int, tuple[list[int], list[int]]], part: Part, at: int
) -> bool:
    """Whether one of ``matches`` (a facet's, as read before abbreviations were
    followed) covers ``at`` in ``part``; ``held``: each part's match starts in order and
    the furthest end reached up to each, made once."""
    if id(part) not in held:
        found = sorted((m.start, m.end) for m in matches if m.part is part)
        reached = list(itertools.accumulate((end for _, end in found), max))
        held[id(part)] = ([start for start, _ in found], reached)
    starts, reached = held[id(part)]
    index = bisect.bisect_right(starts, at) - 1
    return index >= 0 and reached[index] > at
