"""The facts about the article as a whole: whether MSCs are its topic, the organisms it
names, what it did, and the trials it registers."""

from __future__ import annotations

import bisect
import functools
import re

from mscdata.facts.cell_facts import fact_entry
from mscdata.facts.lexicon import Entry, compile_lexicons
from mscdata.facts.matching import Match
from mscdata.facts.parts import Part
from mscdata.facts.reading import PROSE_PARTS, Reading, sentence_of, words_re

_MODEL = re.compile(r"models?\b")
# before "model": what makes it an animal's ("the HOCl-induced SSc model")
_MADE_MODEL = re.compile(r"\b(?:induced|knockout|transgenic|lesioned)\b[^.;]{0,40}$")
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
_AIM = words_re(
    "we present|we describe|we propose|we report|we developed|we develop|we established|"
    "we introduce|we review*|we summari*|we discuss*|we compare*|here|herein|aim|aimed|aims|"
    "objective|purpose|this|the present|the current"
)

# after a verb of making ("we developed a dedicated bioinformatics pipeline"): a method's
# noun within a few words of the same sentence (not a model: an animal's is no method)
_METHOD_MADE = re.compile(
    r"(?:[\s\-\u2010-\u2013]+[^\s.;:]+){0,6}?[\s\-\u2010-\u2013]+(?:methods?|methodology|techniques?|protocols?"
    r"|pipelines?|platforms?|frameworks?|workflows?|schemes?|devices?|algorithms?|tools?"
    r"|procedures?)\b",
    re.IGNORECASE,
)

# an analysis in a sentence on patients' outcomes (kind outcome)
_ANALYSIS = re.compile(
    r"(?<![A-Za-z])(?:associat\w*|correlat\w*|analy[sz]\w*|predict\w*|independent\w*"
    r"|hazard|multivariate|univariate|P\s*[<=\u2264])",
    re.IGNORECASE,
)
_CELLS = words_re("cell|cells")
# "survival" as patients' outcome (kind outcome): with what says so next to it
_PATIENTS_SURVIVAL = re.compile(
    r"(?:overall|disease-free|disease-specific|cancer-specific|progression-free"
    r"|recurrence-free|event-free|relapse-free|metastasis-free|median|patients'?|poor|poorer"
    r"|better|worse|shorter|longer|short|long|reduced|decreased|increased|improved|prolonged"
    r"|lower|higher|unfavou?rable|favou?rable|5-year|\d-year)[\s\-\u2010\u2011]+survival"
    r"|survival\s+(?:rates?|analys[ie]s|times?|curves?|outcomes?|probabilit\w+|(?:of|in|among"
    r"|for)\s+(?:the\s+)?(?:(?!cells?\b|MSCs?\b|grafts?\b)\w+\s+){0,3}patients)",
    re.IGNORECASE,
)
# records or cases after "reviewed" or "review of": a chart review, not a review of
# the literature ("we reviewed the medical records of", "a retrospective review of 857
# cases"; not "we reviewed the literature on patients")
_RECORDS_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:the\s+|our\s+|all\s+)?(?:[^\s.;,]+\s+){0,3}?(?:records?|charts?|files"
    r"|notes|histories|databases?|patients|cases)(?![A-Za-z])",
    re.IGNORECASE,
)
_LITERATURE = words_re(
    "literature|studies|articles|publications|evidence|trials|reports|advances|progress|"
    "developments|knowledge"
)
# after the records, what says they are others' ("cases reported in the literature")
_PUBLISHED = words_re("in the literature|from the literature|published|reported in")


# a case described (kind case): "we report a case of", "we now describe 11 patients",
# "we present a 42-year-old man" (not "a case study of RNA", "patient-reported outcomes",
# "a protective effect in male mice", "a review of 120 cases")
_CASE_DESCRIBED = re.compile(
    r"we\s+(?:now\s+|here\s+)?(?:report|describe|present)\s+(?:(?:a|an|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|\d+)\s+(?:(?!review|trial)[^\s.;:]+\s+){0,4}?(?:cases?(?!\s+stud(?:y|ies))"
    r"|patients?)|an?\s+(?:\d+|[a-z]+)[\s\-\u2010\u2011]*(?:years?|months?|weeks?|days?)"
    r"[\s\-\u2010\u2011]*old\s+(?:man|woman|male|female|boy|girl|child|infant|neonate"
    r"|patient|adolescent)|an?\s+(?:[^\s.;:]+\s+){0,3}?adolescent)(?![A-Za-z\-])",
    re.IGNORECASE,
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
            _model_after(match) and not reading.in_opening(match)  # others' model
        ):
            if kind == "murine":
                murine.append(match)
            else:
                reading.add(match)
    for mention in reading.mentions:
        if mention.species:
            entry = fact_entry("species", mention.species, _curie("species", mention.species))
            reading.add(
                Match(mention.match.part, mention.match.start, mention.match.end, entry),
                rule="rule:msc_name_species",
            )
    if not reading.has("species", "rat"):
        for match in murine:
            reading.add(match)


def _person_of_age(match: Match) -> bool:
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


def _model_after(match: Match) -> bool:
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
def _curie(facet: str, value: str) -> str:
    for entry in compile_lexicons().entries.get(facet, ()):
        if entry.value == value and entry.curie:
            return entry.curie
    return ""


def designs(reading: Reading) -> None:
    """What the article did (see lexicons/design.yaml for the rules)."""
    found: dict[str, Match] = {}
    people: list[Match] = []  # in one pass over the organisms named (most are people)
    animals: list[Match] = []
    for m in reading.of("species"):
        if m.entry.value == "human":
            if _is_noun(m) or (m.entry.get("kind") == "age" and _person_of_age(m)):
                people.append(m)
        elif _is_noun(m) or _model_after(m):
            animals.append(m)
    named = _Places(people)  # indexed when first asked
    kinds_of_animals = _Places(animals)
    outcomes: list[Match] = []  # patients' outcomes analysed: observational, unless a trial
    for match in reading.of("study_design"):
        if match.value in found:
            continue  # its first evidence is kept
        parts = match.entry.get("parts")
        if parts and match.part.name not in parts:
            continue
        kind = match.entry.get("kind")
        if kind == "outcome" and (outcomes or not people):
            continue  # one is enough; none without people named
        if kind == "built" and not _METHOD_MADE.match(
            match.part.text, match.end, min(sentence_of(match)[1], match.end + 120)
        ):
            continue
        if match.part.name in PROSE_PARTS and (
            reading.cued(match, "needed", "prospect", "background", stats=False)
            or reading.cued(match, "field", within=100)
        ):
            continue
        if kind == "clinical" and not (named.within(match) or (people and not animals)):
            continue
        if kind == "outcome":
            if not reading.in_opening(match) and _outcome_analysed(match, named):
                outcomes.append(match)
            continue
        if kind == "in_cells" and not _cells_not_animals(reading, match, kinds_of_animals):
            continue
        if kind == "age" and not _person_of_age(match):
            continue  # "aged (2-year-old) mice", "a 35-year-old donor"
        if match.value == "animal_in_vivo" and reading.in_opening(match):
            continue  # others' animals, before the abstract says what this study did
        if kind == "case":
            case = _CASE_DESCRIBED.match(match.part.text, match.start)
            if case is None or match.part.name not in ("title", "abstract"):
                continue
            match = Match(match.part, match.start, case.end(), match.entry, match.rule)
        if match.value == "review" and _records_reviewed(match):
            # "we reviewed the case records of 405 patients": a chart review
            entry = fact_entry(
                "study_design",
                "clinical_observational",
                _curie("study_design", "clinical_observational"),
            )
            chart = Match(match.part, match.start, match.end, entry, "rule:chart_review")
            found.setdefault("clinical_observational", chart)
            continue
        if kind == "aim" and match.part.name != "title":
            start, end = sentence_of(match)
            if not _AIM.search(match.part.text, start, end):
                continue
        found.setdefault(match.value, match)
    for part in reading.parts if "model" in reading.scanned else ():
        if part.name not in PROSE_PARTS or "model" not in part.low:
            continue
        model = _disease_model(reading, part)
        if model and "in vitro" not in part.low[model[0] : model[1]]:
            entry = fact_entry(
                "study_design", "animal_in_vivo", _curie("study_design", "animal_in_vivo")
            )
            found.setdefault(
                "animal_in_vivo",
                Match(part, model[0], model[1], entry, "rule:disease_model"),
            )
    for animal in animals:
        if (animal.entry.facet, animal.value) in reading.facts or animal.part.name == "mesh":
            entry = fact_entry(
                "study_design", "animal_in_vivo", _curie("study_design", "animal_in_vivo")
            )
            found.setdefault(
                "animal_in_vivo",
                Match(animal.part, animal.start, animal.end, entry, "rule:animals_studied"),
            )
            break
    if outcomes and "clinical_interventional" not in found:  # not a trial's outcomes
        found.setdefault("clinical_observational", outcomes[0])
    other = found.get("other")
    computed = other is not None and other.entry.get("kind") == "computational"
    if computed and len(found) > 1:
        del found["other"]  # calculations beside experiments: the experiments are its design
    typed_review = any(
        m.part.name == "publication_type"
        and m.value in ("review", "systematic_review_meta_analysis")
        for m in reading.of("study_design")
    )
    if "other" in found and not typed_review and not computed:  # an editorial, a comment
        keep = {"other"}
    elif "systematic_review_meta_analysis" in found:
        keep = {"systematic_review_meta_analysis"}
    elif "review" in found:
        keep = {"review"}
    else:
        keep = set(found)
    observed = found.get("clinical_observational")
    if observed is not None and "case" in observed.text.lower():
        keep.add("clinical_observational")  # a case report with a review of the literature
    protocol = found.get("protocol_or_method")
    if protocol is not None and protocol.part.name == "publication_type":
        keep.add("protocol_or_method")
    for value in sorted(keep, key=list(found).index):
        reading.add(found[value], rule=found[value].rule)


def _disease_model(reading: Reading, part: Part) -> tuple[int, int] | None:
    """The span of a disease or genetic model ("HOCl-induced SSc model") in a part, not
    in the opening of a research abstract (others' model)."""
    low = part.low
    for model in _MODEL.finditer(low):
        made = _MADE_MODEL.search(low, max(0, model.start() - 60), model.start())
        if made and not reading.opens(part, made.start()):
            return made.start(), model.end()
    return None


def _is_noun(match: Match) -> bool:
    return match.entry.get("kind") == "noun" or match.part.name in ("mesh", "keyword")


def _records_reviewed(match: Match) -> bool:
    """Whether a review's word is a chart review's ("we reviewed the records of")."""
    after = _RECORDS_AFTER.match(match.part.text, match.end)
    if after is None or _LITERATURE.search(after.group()):
        return False
    if _PUBLISHED.search(match.part.text, after.end(), sentence_of(match)[1]):
        return False
    said = match.text.lower()
    return said in ("reviewed", "reviewing") or (
        said == "review" and after.group().lstrip().lower().startswith("of ")
    )


class _Places:
    """Where some matches stand, per part, to ask by bisection whether one is in a
    sentence (a long text names people often)."""

    def __init__(self, matches: list[Match]):
        self.matches = matches
        self.starts: dict[int, list[int]] | None = None

    def within(self, match: Match) -> bool:
        """Whether one of the matches is in the sentence of ``match``."""
        if self.starts is None:
            self.starts = {}
            for found in self.matches:
                self.starts.setdefault(id(found.part), []).append(found.start)
            for places in self.starts.values():
                places.sort()
        starts = self.starts.get(id(match.part))
        if not starts:
            return False
        start, end = sentence_of(match)
        first = bisect.bisect_left(starts, start)
        return first < len(starts) and starts[first] < end


def _cells_not_animals(reading: Reading, match: Match, animals: _Places) -> bool:
    """Whether the sentence of ``match`` names cells or MSCs and no animal ("knockdown
    in HCT116 cells", "in BMSCs"; not "knocked down in DMM mice"); any line of the
    indexing terms counts ("Gene Knockdown Techniques")."""
    if match.part.name not in PROSE_PARTS:
        return True
    start, end = sentence_of(match)
    if not (
        _CELLS.search(match.part.text, start, end) or reading.mentions_in(match.part, start, end)
    ):
        return False
    return not animals.within(match)


def _outcome_analysed(match: Match, people: _Places) -> bool:
    """Whether the sentence of an outcome's word names people and an analysis (and
    "survival" is the patients', not cells')."""
    if not people.within(match):
        return False
    if match.text.lower() == "survival":
        text = match.part.text
        window = text[max(0, match.start - 30) : match.end + 40]
        if not _PATIENTS_SURVIVAL.search(window):
            return False
    start, end = sentence_of(match)
    return bool(_ANALYSIS.search(match.part.text, start, end))


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
