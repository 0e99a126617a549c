"""One article's reading: its parts, the lexicons' matches in them, the MSCs it names,
and the facts found so far (the first evidence of each facet and value)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from mscdata.facts.lexicon import Compiled
from mscdata.facts.matching import (
    Match,
    defined_otherwise,
    lexicon_matches,
    msc_abbreviations,
)
from mscdata.facts.parts import PART_ORDER, Part, scanned_text

# parts where cells are named in words (the others are lists of indexing terms)
PROSE_PARTS = ("title", "abstract", "keyword", "figure_caption", "body")
# facets whose matches may define an abbreviation followed later ("conditioned medium (CM)")
DEFINING_FACETS = ("msc_mention", "cell_products", "conditions", "tissue")
# a sentence saying what this study did or does, which ends a research abstract's opening
# (in lower case, read on a part's lowered text, as _NOT_THIS_STUDY)
_THIS_STUDY = re.compile(
    r"(?<![A-Za-z])(?:(?<!presented )(?<!described )(?<!reported )(?<!shown )here|herein"
    r"|in this study|(?:in )?the (?:present|current) study|this study|this work"
    r"|in the present work|we\s+(?:(?:first|then|also|further|next|now|here|have|therefore"
    r"|thus|hence)\s+)?(?:\w+ed|found|showed|shown|made|built|took|undertook|sought|show"
    r"|demonstrate|report|describe|present|investigate|examine|evaluate|explore|assess|test"
    r"|analy[sz]e|propose|provide|identify|use|generate|establish|develop|aim|hypothesi[sz]e"
    r"|ask)|the aims?|the purpose|the objectives?|the goal"
    # or what this study did, said in the past passive: "EVs were injected in the model"
    r"|(?:were|was)\s+(?:\w+ly\s+)?(?:isolated|injected|transplanted|administered|infused"
    r"|treated|randomi[sz]ed|enrolled|recruited|cultured|co-?cultured|collected|established"
    r"|induced|divided|transfected|transduced|measured|analy[sz]ed|assessed|evaluated"
    r"|examined|investigated|performed|used|obtained|harvested|given|implanted|seeded"
    r"|included|tested|subjected|exposed))"
    r"(?![A-Za-z])",
)
# a sentence where such words are not where the opening ends: one summing the study up
# ("taken together", "these results suggest"), or one on earlier work ("recently, we
# reported", "in a previous study, we found")
_NOT_THIS_STUDY = re.compile(
    r"\s*(?:in conclusion|in summary|taken together|collectively|conclusions?\b|overall,"
    r"|recently|previously|in (?:a|an|our) (?:previous|prior|earlier))"
    r"|.*?(?<![A-Za-z])(?:suggests?|indicates?|demonstrates|highlights|reveals"
    r"|provides|previously|recently)(?![A-Za-z])",
)
# a share counted in this study, "6 (5.71%) patients": a result, not background statistics
_RESULT_SHARE = re.compile(r"\d\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)")
# a review, by its words ("in this review", "here we summarize"), each holding one of
# _REVIEWING_WORDS
_REVIEWING_WORDS = ("review", "meta-analys", "summari", "overview")
_REVIEWING = re.compile(
    r"(?<![A-Za-z])(?:review|meta-analys|we\s+(?:\w+\s+)?(?:summari[sz]|overview))",
    re.IGNORECASE,
)


@dataclass
class Mention:
    """MSCs named: where, and the tissue and species the name itself says."""

    match: Match
    tissue: str | None = None
    species: str | None = None


@dataclass
class Evidence:
    """A fact found: its facet, value, ontology term, and where it was read."""

    facet: str
    value: str
    curie: str
    match: Match
    rule: str


@dataclass
class Reading:
    """What extraction knows of one article as it goes."""

    parts: list[Part]
    matches: dict[str, list[Match]]
    mentions: list[Mention]
    facts: dict[tuple[str, str], Evidence] = field(default_factory=dict)
    scanned: str = ""  # the parts' scanned_text: a word is in it when in a part's lower case
    # the abstract's opening and its end (opening_of), found when first asked
    _opening: tuple[tuple[Part, int] | None] | None = field(default=None, repr=False)
    # mentions_in's index: each part's (start, index in mentions), and how many it holds
    _places: dict[int, list[tuple[int, int]]] | None = field(default=None, repr=False)
    _placed: int = field(default=0, repr=False)
    _cues: dict[tuple[int, tuple[str, ...]], list[int]] = field(default_factory=dict, repr=False)

    def add(self, match: Match, value: str | None = None, *, rule: str = "", curie=None) -> None:
        """Record a fact (the first evidence of a facet and value is kept)."""
        value = match.entry.value if value is None else value
        key = (match.entry.facet, value)
        if key not in self.facts:
            self.facts[key] = Evidence(
                match.entry.facet,
                value,
                match.entry.curie if curie is None else curie,
                match,
                rule or match.rule or match.entry.rule,
            )

    def has(self, facet: str, value: str | None = None) -> bool:
        if value is not None:
            return (facet, value) in self.facts
        return any(key[0] == facet for key in self.facts)

    def in_opening(self, match: Match) -> bool:
        """Whether ``match`` is in the opening of a research abstract (:func:`opening_of`):
        what the field knows or others did, before the abstract says what this study did."""
        return self.opens(match.part, match.start)

    def opens(self, part: Part, place: int) -> bool:
        """Whether ``place`` of ``part`` is in the opening of a research abstract."""
        if part.name != "abstract":
            return False
        if self._opening is None:
            self._opening = (opening_of(self.parts),)
        opening = self._opening[0]
        return opening is not None and part is opening[0] and place < opening[1]

    def of(self, facet: str) -> list[Match]:
        return self.matches.get(facet, [])

    def cued(
        self, match: Match, *kinds: str, within: int | None = None, stats: bool = True
    ) -> bool:
        """Whether ``match``'s sentence holds a cue of one of ``kinds`` (lexicons/cues.yaml;
        "%" counts as background unless not ``stats``), ``within`` characters of it when
        given."""
        part = match.part
        percent = stats and "background" in kinds and "%" in part.text
        cues = self._cue_starts(part, kinds)
        if not cues and not percent:
            return False  # no sentence to find
        start, end = sentence_of(match)
        if (
            percent
            and "%" in part.text[start:end]
            and not _RESULT_SHARE.search(part.text, start, end)
        ):
            return True
        if within is not None:
            start, end = max(start, match.start - within), min(end, match.end + within)
        return any_between(cues, start, end)

    def _cue_starts(self, part: Part, kinds: tuple[str, ...]) -> list[int]:
        """Where the cues of ``kinds`` start in ``part``, in order (kept per kinds)."""
        key = (id(part), kinds)
        starts = self._cues.get(key)
        if starts is None:
            found = self.matches.get("cue", ())
            starts = sorted(c.start for c in found if c.part is part and c.value in kinds)
            self._cues[key] = starts
        return starts

    def mentions_in(self, part: Part, start: int, end: int) -> list[Mention]:
        """The mentions of ``part`` starting from ``start`` to before ``end``, in the
        order of :attr:`mentions` (found by bisection: long texts name MSCs often)."""
        if self._places is None or self._placed != len(self.mentions):
            self._places, self._placed = {}, len(self.mentions)
            for index, mention in enumerate(self.mentions):
                place = (mention.match.start, index)
                self._places.setdefault(id(mention.match.part), []).append(place)
            for places in self._places.values():
                places.sort()
        places = self._places.get(id(part))
        if not places:
            return []
        first = bisect.bisect_left(places, (start, -1))
        last = bisect.bisect_left(places, (end, -1), first)
        if first == last:
            return []
        return [self.mentions[index] for _, index in sorted(places[first:last], key=_second)]

    def mentions_changed(self) -> None:
        """Forget where the mentions are: :attr:`mentions` was reordered or added to."""
        self._places = None


def read_article(texts: dict[str, str], compiled: Compiled) -> Reading:
    """Every part's lexicon matches and MSC mentions (the MSCs' facets only in an
    article naming them)."""
    parts = [Part(name, texts[name]) for name in PART_ORDER if name in texts]
    scanned = scanned_text(parts)
    matches = lexicon_matches(parts, compiled.article, scanned)
    generic = next(e for e in compiled.entries["msc_mention"] if e.value == "generic")
    mentions = [
        Mention(m, None if m.entry.value == "generic" else m.entry.value, m.entry.get("species"))
        for m in matches.get("msc_mention", [])
        if m.part.name in PROSE_PARTS or m.part.name == "mesh"
    ]
    abbreviations = [
        found
        for part in parts
        if part.name in PROSE_PARTS
        for found in msc_abbreviations(part, generic)
    ]
    other = defined_otherwise(abbreviations) if abbreviations else set()
    for found in abbreviations:
        if found.match.text.rstrip("s") not in other:
            mentions.append(Mention(found.match, found.tissue, found.species))
    reading = Reading(parts, matches, mentions, scanned=scanned)
    if mentions:  # the MSCs' facets only where MSCs are named
        matches.update(lexicon_matches(parts, compiled.cells, scanned))
    return reading


def opening_of(parts: list[Part]) -> tuple[Part, int] | None:
    """A research abstract's opening: the abstract and where its first sentence saying
    what this study did (here, in this study, we aimed, we show, cells were isolated…)
    starts, when one after the first does, in the first paragraph or at the start of
    the second (a structured abstract's later sections are its own methods and
    results), not summing up ("taken together") or on earlier work ("recently, we
    reported"); None for a review (by its publication type, title or abstract)."""
    abstract = next((p for p in parts if p.name == "abstract"), None)
    if abstract is None:
        return None
    for part in parts:
        if part.name in ("title", "abstract", "publication_type"):
            low = part.low  # the words looked for first: most texts hold none of them
            if any(word in low for word in _REVIEWING_WORDS) and _REVIEWING.search(part.text):
                return None
    text = abstract.text
    starts = abstract.sentence_starts()
    # the opening is in the first paragraph, or is the first paragraph when the second
    # starts with what this study did (a structured abstract's aim of its own)
    first = text.find("\n\n")
    end = len(text) if first < 0 else first
    if first >= 0:
        second = abstract.sentence_index(first + 2)
        end = starts[second + 1] if second + 1 < len(starts) else len(text)
    checked = -1  # each sentence read once, however many words of it match
    low = abstract.low  # the patterns are in lower case: read on the lowered text
    for found in _THIS_STUDY.finditer(low, 0, end):
        index = abstract.sentence_index(found.start())
        if index == checked:
            continue
        checked = index
        if index == 0:
            return None  # the first sentence says it: no opening
        sentence_end = starts[index + 1] if index + 1 < len(starts) else len(text)
        if not _NOT_THIS_STUDY.match(low, starts[index], min(sentence_end, starts[index] + 400)):
            return abstract, starts[index]
    return None


def any_between(starts: list[int], start: int, end: int) -> bool:
    """Whether one of ``starts`` (in order) is from ``start`` to before ``end``."""
    first = bisect.bisect_left(starts, start)
    return first < len(starts) and starts[first] < end


def _second(pair: tuple[int, int]) -> int:
    return pair[1]


def sentence_of(match: Match) -> tuple[int, int]:
    return match.part.sentence(match.start)


def sentence_text(match: Match) -> str:
    start, end = sentence_of(match)
    return match.part.text[start:end]


def words_re(words: str) -> re.Pattern[str]:
    """A case-insensitive pattern for any of ``words`` (``|`` between them) as whole
    words; ``*`` ends a word that may go on."""
    alternatives = "|".join(re.escape(w).replace(r"\*", r"\w*") for w in words.split("|"))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", re.IGNORECASE)


def word_set(words: str) -> frozenset[str]:
    """The words of a text, as a set."""
    return frozenset(words.split())
