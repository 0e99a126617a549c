"""What an article did, its study designs (lexicons/design.yaml for the rules): the
design words read where they count, disease models, animals studied, cases described,
outcomes of patients analysed and chart reviews."""

from __future__ import annotations

import re

from mscdata.facts.article_facts import model_after, person_of_age, value_curie
from mscdata.facts.cell_facts import fact_entry
from mscdata.facts.lexicon import Entry
from mscdata.facts.matching import Match
from mscdata.facts.parts import Part
from mscdata.facts.reading import PROSE_PARTS, Reading, any_between, sentence_of, words_re

_MODEL = re.compile(r"models?\b")
# before "model": what makes it an animal's ("the HOCl-induced SSc model")
_MADE_MODEL = re.compile(r"\b(?:induced|knockout|transgenic|lesioned)\b[^.;]{0,40}$")
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


def designs(reading: Reading) -> None:
    """What the article did (see lexicons/design.yaml for the rules)."""
    found: dict[str, Match] = {}
    people: list[Match] = []  # in one pass over the organisms named (most are people)
    animals: list[Match] = []
    for m in reading.of("species"):
        if m.entry.value == "human":
            if _is_noun(m) or (m.entry.get("kind") == "age" and person_of_age(m)):
                people.append(m)
        elif _is_noun(m) or model_after(m):
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
        if kind == "age" and not person_of_age(match):
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
            entry = _design("clinical_observational")
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
            entry = _design("animal_in_vivo")
            found.setdefault(
                "animal_in_vivo",
                Match(part, model[0], model[1], entry, "rule:disease_model"),
            )
    for animal in animals:
        if (animal.entry.facet, animal.value) in reading.facts or animal.part.name == "mesh":
            entry = _design("animal_in_vivo")
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


def _design(value: str) -> Entry:
    """The entry of a study design a rule found, with its ontology term."""
    return fact_entry("study_design", value, value_curie("study_design", value))


def _disease_model(reading: Reading, part: Part) -> tuple[int, int] | None:
    """The span of a disease or genetic model ("HOCl-induced SSc model") in a part, not
    in the opening of a research abstract (others' model)."""
    low = part.low
    for model in _MODEL.finditer(low):
        made = _MADE_MODEL.search(low, max(0, model.start() - 60), model.start())
        if made and not reading.opens(part, made.start()):
            return made.start(), model.end()
    return None


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
        return any_between(starts, *sentence_of(match))


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


def _is_noun(match: Match) -> bool:
    return match.entry.get("kind") == "noun" or match.part.name in ("mesh", "keyword")
