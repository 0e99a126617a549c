"""Lexicon matches in a part's text: one trigger scan, each term tried where its trigger
stands, the longest match of a facet kept where two overlap; and the MSC abbreviations
(hMSC, BM-MSCs, hUCMSC…), found by their letters rather than listed one by one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mscdata.facts.lexicon import Entry, Scanner, Term
from mscdata.facts.parts import Part


@dataclass(slots=True)
class Match:
    """A lexicon entry (or a rule) matched at ``start:end`` of a part's text."""

    part: Part
    start: int
    end: int
    entry: Entry
    rule: str = ""

    @property
    def text(self) -> str:
        return self.part.text[self.start : self.end]

    @property
    def facet(self) -> str:
        return self.entry.facet

    @property
    def value(self) -> str:
        return self.entry.value


def lexicon_matches(parts: list[Part], scanner: Scanner, scanned: str) -> dict[str, list[Match]]:
    """Every facet's matches in ``parts``, in order, none inside a longer match of its
    facet; ``scanned`` is the parts' :func:`~mscdata.facts.parts.scanned_text`."""
    found: dict[str, list[Match]] = {}
    if not parts:
        return found
    ends = []  # where each part ends in the text scanned
    at = 0
    for part in parts:
        at += len(part.text) + 1
        ends.append(at)
    index, base, end = 0, 0, ends[0]
    part = parts[0]
    for position, _, terms in scanner.hits(scanned):
        # position: of the space before the word; of the word in the text without it
        if position >= end:
            while position >= ends[index]:
                base = ends[index]
                index += 1
            part, end = parts[index], ends[index]
        if len(terms) == 1:  # the most frequent case: no longer match of a facet to keep
            term = terms[0]
            if term.parts is None or part.name in term.parts:
                if term.reach:
                    matched = _around(term, part.text, position - base)
                else:
                    matched = term.pattern.match(part.text, position - base)
                if matched is not None:
                    _keep(found, Match(part, matched.start(), matched.end(), term.entry))
            continue
        best: dict[str, Match] = {}
        for term in terms:
            match = _term_match(term, part, position - base)
            if match is None:
                continue
            held = best.get(term.entry.facet)
            if held is None or match.end - match.start > held.end - held.start:
                best[term.entry.facet] = match
        for match in best.values():
            _keep(found, match)
    return found


def _term_match(term: Term, part: Part, start: int) -> Match | None:
    """``term`` matched where its trigger stands at ``start`` of ``part``, if it does."""
    if term.parts is not None and part.name not in term.parts:
        return None
    if term.reach:  # the trigger is not the term's first word: look back
        matched = _around(term, part.text, start)
    else:
        matched = term.pattern.match(part.text, start)
    if matched is None:
        return None
    return Match(part, matched.start(), matched.end(), term.entry)


def _keep(found: dict[str, list[Match]], match: Match) -> None:
    """Add ``match`` to its facet's matches unless inside the previous one; drop the
    previous ones inside it."""
    matches = found.get(match.entry.facet)
    if matches is None:
        found[match.entry.facet] = [match]
        return
    last = matches[-1]
    if last.part is match.part and last.start <= match.start and last.end >= match.end:
        return  # inside the previous, longer match
    # the previous ones inside it (a term found by looking back from its trigger,
    # "acute lung injury" from "injury", covers "lung injury" found from "lung")
    while (
        matches
        and matches[-1].part is match.part
        and matches[-1].start >= match.start
        and matches[-1].end <= match.end
    ):
        matches.pop()
    matches.append(match)


def _around(term: Term, text: str, start: int) -> re.Match[str] | None:
    """The match of ``term`` starting at most its reach before ``start`` and covering it,
    read in a window only (a search to the text's end would cost the whole text)."""
    low, window = max(0, start - term.reach), start + 120
    behind = term.behind
    while True:
        # the first match from low to low + reach (>= start), as a search would find it
        found = behind.match(text, low, window)
        if found is None or found.start(1) > start:
            return None
        whole = term.pattern.match(text, found.start(1))  # the window may have cut it short
        begins = whole is not None and (whole.start() == 0 or not text[whole.start() - 1].isalnum())
        if begins and whole.end() > start:  # a term starts a word ("therapeutic", not
            return whole  # "chemotherapeutic")
        low = found.start(1) + 1


# -------------------------------------------------------------- MSC abbreviations

# letters before MSC (with or without a hyphen) that name a tissue, after any one-letter
# species prefix (h human, r rat, m mouse) is taken off; others leave the tissue unsaid
TISSUE_CODES = {
    "BM": "bone_marrow",
    "B": "bone_marrow",
    "AD": "adipose_tissue",
    "Ad": "adipose_tissue",
    "AT": "adipose_tissue",
    "UC": "umbilical_cord",
    "WJ": "umbilical_cord",
    "UCB": "cord_blood",
    "CB": "cord_blood",
    "P": "placenta",
    "PL": "placenta",
    "DP": "dental",
    "G": "dental",
    "PDL": "dental",
    "S": "synovium",
    "SM": "synovium",
    "Men": "endometrium",
    "ESC": "esc_derived",
    "iPSC": "ipsc_derived",
    "iPS": "ipsc_derived",
}
SPECIES_CODES = {"h": "human", "r": "rat", "m": "mouse"}
_MSC_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:([A-Za-z]{1,5})[-\u2010]?)??MSCs?(?![A-Za-z0-9])(?![-\u2010]AS\d)"
)


@dataclass
class Abbreviation:
    """An MSC abbreviation found by its letters: its tissue and species, when they say."""

    match: Match
    letters: str
    tissue: str | None
    species: str | None


def msc_abbreviations(part: Part, generic: Entry) -> list[Abbreviation]:
    """Every MSC abbreviation of ``part`` (hMSCs, BM-MSC, hUCMSC, TMSCs…)."""
    if "MSC" not in part.text:
        return []
    found = []
    for hit in _MSC_TOKEN.finditer(part.text):
        letters = hit.group(1) or ""
        species = None
        code = letters
        if code[:1] in SPECIES_CODES and (code[1:] in TISSUE_CODES or not code[1:]):
            species, code = SPECIES_CODES[code[0]], code[1:]
        tissue = TISSUE_CODES.get(code)
        match = Match(part, hit.start(), hit.end(), generic, "rule:msc_abbreviation")
        found.append(Abbreviation(match, letters, tissue, species))
    return found


_CELLS_BEFORE = re.compile(r"mesenchym|strom|stem|progenitor|precursor|MSC", re.IGNORECASE)


def defined_otherwise(found: list[Abbreviation]) -> set[str]:
    """The MSC-like abbreviations the text defines as something else: "nonmelanoma skin
    cancer (NMSC)", "methanolic extract (MSC)" (no cells named before the brackets)."""
    other = set()
    for abbreviation in found:
        match = abbreviation.match
        text = match.part.text
        if text[match.start - 1 : match.start] == "(" and text[match.end : match.end + 1] == ")":
            before = text[max(0, match.start - 70) : match.start - 1]
            if not _CELLS_BEFORE.search(before):
                other.add(match.text.rstrip("s"))
    return other


# ------------------------------------------------------- abbreviations defined in text

_DEFINITION = re.compile(r"\s*[(,]\s*([A-Za-z][A-Za-z0-9\-]{0,11}?)(s?)\s*\)")
_WORDS_BEFORE = re.compile(r"[A-Za-z0-9]+")


def defined_abbreviation(match: Match) -> str | None:
    """The abbreviation defined right after ``match`` ("adipose-derived stem cells
    (ASCs)" defines ASC), when its first letter starts a word of the long form."""
    text = match.part.text
    found = _DEFINITION.match(text, match.end)
    if not found:
        return None
    letters = found.group(1)
    if not any(c.isupper() for c in letters) or letters.isdigit() or len(letters) < 2:
        return None
    sentence_start, _ = match.part.sentence(match.start)
    before = _WORDS_BEFORE.findall(text, max(sentence_start, match.start - 60), match.end)
    first = letters.lstrip("h")[:1].lower() or letters[:1].lower()
    if not any(word[:1].lower() in (first, letters[:1].lower()) for word in before[-8:]):
        return None
    return letters


def abbreviation_pattern(letters: list[str]) -> re.Pattern[str]:
    """One case-sensitive pattern for every defined abbreviation, plural or not."""
    alternatives = "|".join(re.escape(a) for a in sorted(letters, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})s?(?![A-Za-z0-9])")
