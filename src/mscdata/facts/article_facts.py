"""The facts about the article as a whole: whether MSCs are its topic, the organisms it
names and the trials it registers (what it did: :mod:`mscdata.facts.design_facts`)."""

from __future__ import annotations

import functools
import re

from mscdata.facts.cell_facts import fact_entry
from mscdata.facts.lexicon import Entry, compile_lexicons
from mscdata.facts.matching import Match
from mscdata.facts.reading import Reading, sentence_of, words_re

_TITLE_ABOUT_CELLS = words_re(
    "stem cell*|stromal cell*|cell therapy|cell-based|cell-free|exosome*|extracellular vesicle*|"
    "secretome|conditioned medi*|vesicle*"
)
_MODEL_AFTER = re.compile(
    r"[\s\-\u2010-\u2013]+(?:(?!based|cell|culture)[A-Za-z0-9\-]+[\s\-\u2010-\u2013]+)?"
    r"models?\b",
    re.IGNORECASE,
)
# after an animal's adjective, what makes it an animal studied: "rat calvarial defect
# model", "mouse hindlimb ischemia model", "rat subcutaneous implantation", "rabbit study"
_ANIMAL_MODEL_AFTER = re.compile(
    r"[\s\-\u2010-\u2013]+(?:(?!based|cell|cells|culture|vitro|organoid|explant)[A-Za-z0-9\-]+"
    r"[\s\-\u2010-\u2013]+){0,3}(?:models?|implantation|experiments?|study|studies|xenografts?"
    r"|in\s+vivo)\b",
    re.IGNORECASE,
)
# characters from people named to a finding's outlook ("… suggesting X as a prognostic
# marker for patients"): a cue further away in the sentence is about something else
_OUTLOOK_REACH = 60
# after an age, a word for a person ("a 42-year-old man"; not "male Sprague-Dawley rats")
_PERSON_AFTER = re.compile(
    r"[\s\-\u2010\u2011]+(?:man|woman|male|female|boy|girl|patient|child|infant|neonate"
    r"|adult|adolescent|gentleman|lady)s?(?![A-Za-z])(?![\s\-]+(?:[A-Z][\w\-]*\s+)?(?:rats?"
    r"|mice|mouse|rabbits?|dogs?|pigs?|minipigs?|sheep|goats?|monkeys?|macaques?|horses?"
    r"|Sprague|Wistar|C57|BALB|Lewis|Fischer|New\s+Zealand|beagles?|hamsters?))",
    re.IGNORECASE,
)
_STUDIED_WORDS = ("model", "implant", "experiment", "stud", "vivo", "xenograft")
# a keyword that only spells out an abbreviation ("MSCs, mesenchymal stem cells")
_GLOSSARY = re.compile(r"[A-Za-z0-9\-]{2,12}, ")
# a sentence saying what the study set out to do
_STUDY_AIM = words_re(
    "aim|aimed|aims|objective|objectives|goal|purpose|we investigated|we evaluated|"
    "we examined|we explored|we studied|we assessed|to investigate|to evaluate|to examine"
)


def topic(reading: Reading) -> tuple[str, Match | None]:
    """primary (MSCs in the title, keywords or MeSH, or in two sentences of the
    abstract or captions), mentioned (named), or none; with the deciding mention."""
    if not reading.mentions:
        return "none", None
    for name in ("title", "keyword", "mesh"):
        for mention in reading.mentions:
            if mention.match.part.name == name and not _glossary(mention.match):
                return "primary", mention.match
    sentences = {
        (m.match.part.name, m.match.part.sentence_index(m.match.start))
        for m in reading.mentions
        if m.match.part.name not in ("keyword", "mesh")
    }
    title = next((p.text for p in reading.parts if p.name == "title"), "")
    needed = 2 if _TITLE_ABOUT_CELLS.search(title) else 3
    first = reading.mentions[0].match
    if len(sentences) == needed - 1 == 2 and _aim_names_msc(reading):
        return "primary", first  # the aim names them: "the main goal was … on hMSCs"
    return ("primary" if len(sentences) >= needed else "mentioned"), first


def _aim_names_msc(reading: Reading) -> bool:
    for mention in reading.mentions:
        if mention.match.part.name == "abstract":
            start, end = sentence_of(mention.match)
            if _STUDY_AIM.search(mention.match.part.text, start, end):
                return True
    return False


def _glossary(match: Match) -> bool:
    if match.part.name != "keyword":
        return False
    line_start = match.part.text.rfind("\n", 0, match.start) + 1
    return bool(_GLOSSARY.match(match.part.text, line_start))


def species(reading: Reading) -> None:
    """Organisms the text names as studied, and those the MSCs come from."""
    murine: list[Match] = []
    outlook = any(cue.value == "outlook" for cue in reading.of("cue"))
    for match in reading.of("species"):
        if ("species", match.value) in reading.facts:
            continue  # its first evidence is kept
        kind = match.entry.get("kind")
        if match.part.name in ("mesh", "keyword") and (kind == "noun" or _whole_line(match)):
            reading.add(match)
        elif kind == "age":
            person = _PERSON_AFTER.match(match.part.text, match.end)
            if person is not None:  # the age and the person: "42-year-old man"
                reading.add(Match(match.part, match.start, person.end(), match.entry))
        elif kind == "noun":
            if not (
                reading.cued(match, "background", "needed", "prospect", "field")
                or (outlook and reading.cued(match, "outlook", within=_OUTLOOK_REACH))
                or (match.text.lower().endswith(("model", "models")) and reading.in_opening(match))
            ):
                reading.add(match)
        elif _names_cells(reading, match) or (
            model_after(match) and not reading.in_opening(match)  # others' model
        ):
            if kind == "murine":
                murine.append(match)
            else:
                reading.add(match)
    for mention in reading.mentions:
        if mention.species:
            entry = fact_entry("species", mention.species, value_curie("species", mention.species))
            reading.add(
                Match(mention.match.part, mention.match.start, mention.match.end, entry),
                rule="rule:msc_name_species",
            )
    if not reading.has("species", "rat"):
        for match in murine:
            reading.add(match)


def person_of_age(match: Match) -> bool:
    """Whether an age ("42-year-old") is a person's ("a 42-year-old man", not "dogs")."""
    return bool(_PERSON_AFTER.match(match.part.text, match.end))


def _whole_line(match: Match) -> bool:
    text = match.part.text
    return (match.start == 0 or text[match.start - 1] == "\n") and (
        match.end == len(text) or text[match.end] == "\n"
    )


def _names_cells(reading: Reading, match: Match) -> bool:
    """Whether a species word stands before MSCs named in its sentence."""
    end = sentence_of(match)[1]
    for mention in reading.mentions_in(match.part, match.end, end):
        gap = match.part.text[match.end : mention.match.start]
        if len(gap) <= 50 and not any(c in gap for c in ".;") and len(gap.split()) <= 6:
            return True
    return False


def model_after(match: Match) -> bool:
    """Whether a species word is followed by a model ("rat model"; an animal's also by
    a few words before it, or by its implantation, experiments, study)."""
    text = match.part.text
    if _MODEL_AFTER.match(text, match.end):
        return True
    if match.value == "human":
        return False
    window = text[match.end : match.end + 70].lower()
    return any(word in window for word in _STUDIED_WORDS) and bool(
        _ANIMAL_MODEL_AFTER.match(text, match.end)
    )


@functools.cache
def value_curie(facet: str, value: str) -> str:
    """The ontology term a lexicon gives ``value`` of ``facet`` ("" when none)."""
    for entry in compile_lexicons().entries.get(facet, ()):
        if entry.value == value and entry.curie:
            return entry.curie
    return ""


@functools.lru_cache(maxsize=1)
def _registries() -> tuple[tuple[str, re.Pattern[str], str, Entry], ...]:
    found = []
    for entry in compile_lexicons().entries["trial_registrations"]:
        found.append((entry.get("gate"), re.compile(entry.get("pattern")), entry.get("id"), entry))
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _gates() -> re.Pattern[str]:
    return re.compile("|".join(sorted({re.escape(r[0]) for r in _registries()}, reverse=True)))


def trials(reading: Reading) -> None:
    """Every trial registration the record states, its id normalised."""
    if not any(c.value == "registry" for c in reading.of("cue")):
        return
    for part in reading.parts:
        if part.name in ("mesh", "substance", "publication_type"):
            continue
        gates = set(_gates().findall(part.text))
        if not gates:
            continue
        for gate, pattern, template, entry in _registries():
            if gate not in gates:
                continue
            for hit in pattern.finditer(part.text):
                value = template.format(**hit.groupdict())
                match = Match(
                    part, hit.start(), hit.end(), fact_entry("trial_registrations", value)
                )
                reading.add(match, rule=f"registry:{entry.value}")
