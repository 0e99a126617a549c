"""The conditions the MSCs of an article target or model: lexicon matches of MeSH
descriptor names (lexicons/conditions.yaml), a family's general name left out for its
specific ones, a class of diseases for a disease, weak words, prospects and asides
dropped; MeSH headings that are conditions with their descriptor ids."""

from __future__ import annotations

from mscdata.facts.lexicon import Entry
from mscdata.facts.matching import Match
from mscdata.facts.reading import PROSE_PARTS, Reading, sentence_of


def conditions(reading: Reading, mesh_ids: dict[str, str]) -> None:
    """Conditions named in an article whose topic is MSCs, a family's general name left
    out for its specific ones and one wording kept of a group (the title's, else the
    most frequent); MeSH headings that are conditions count with their descriptor id."""
    named: dict[str, list[Match]] = {}
    for match in reading.of("conditions"):
        if match.part.name == "mesh":
            continue
        before = match.part.text[max(0, match.start - 12) : match.start].lower()
        if before.endswith(("non-", "non ", "without ", "no ")):
            continue
        if match.part.name in PROSE_PARTS and reading.cued(match, "prospect", "needed"):
            continue  # "may be used to treat burns": not (yet) a condition of the article
        named.setdefault(match.value, []).append(match)
    values = {e.value: e for e in _condition_entries(reading)}
    for value in list(named):
        if (
            (values[value].get("weak") and not _prominent(named[value]))
            or _aside(reading, named[value])
            or all(reading.in_opening(m) for m in named[value])
        ):
            del named[value]
    for part in reading.parts:
        if part.name == "mesh":
            offset = 0
            for line in part.text.split("\n"):
                if line in values and line not in named:
                    entry = values[line]
                    match = Match(part, offset, offset + len(line), entry, "mesh:descriptor")
                    named[line] = [match]
                offset += len(line) + 1
    groups: dict[str, list[str]] = {}
    specific = {values[v].get("family") for v in named if values[v].get("specific")}
    for value in list(named):
        entry = values[value]
        family = entry.get("generic_of")
        if (
            family
            and (
                any(values[v].get("family") == family and v != value for v in named)
                or not (len(named[value]) >= 2 or _in_title_or_keywords(named[value]))
            )
        ) or (entry.get("family") in specific and not entry.get("specific")):
            del named[value]
        elif entry.get("group"):
            groups.setdefault(entry.get("group"), []).append(value)
    if any(not values[v].get("class") for v in named):  # a class gives way to a disease
        for value in [v for v in named if values[v].get("class")]:
            del named[value]
    for members in groups.values():
        in_title = [v for v in members if any(m.part.name == "title" for m in named[v])]
        keep = in_title or [max(members, key=lambda v: len(named[v]))]
        for value in members:
            if value not in keep:
                del named[value]
    for value, matches in named.items():
        first = matches[0]
        curie = values[value].curie
        if first.part.name == "mesh" and mesh_ids.get(value):
            curie = f"MESH:{mesh_ids[value]}"
        reading.add(first, curie=curie)


def _aside(reading: Reading, matches: list[Match]) -> bool:
    """Named in one sentence of the abstract only, a sentence naming neither MSCs nor
    what is made of them ("obesity contributes to mortality worldwide")."""
    if any(m.part.name != "abstract" for m in matches):
        return False
    first = matches[0]
    start, end = sentence_of(first)
    if any(not (start <= m.start < end) for m in matches):
        return False
    products = reading.of("cell_products")
    return not reading.mentions_in(first.part, start, end) and not any(
        p.part is first.part and start <= p.start < end for p in products
    )


def _prominent(matches: list[Match]) -> bool:
    """Named in the title, or in two sentences of the title and abstract."""
    sentences = {
        (m.part.name, m.part.sentence_index(m.start))
        for m in matches
        if m.part.name in ("title", "abstract")
    }
    return any(m.part.name == "title" for m in matches) or len(sentences) >= 2


def _in_title_or_keywords(matches: list[Match]) -> bool:
    return any(m.part.name in ("title", "keyword", "mesh") for m in matches)


def mentioned_conditions(reading: Reading) -> None:
    """For an article that only mentions MSCs: the conditions its title names that a
    sentence naming the MSCs names too ("MSCs showed promising results in GvHD")."""
    titled = {
        m.value
        for m in reading.of("conditions")
        if m.part.name == "title" and not m.entry.get("generic_of")
    }
    for match in reading.of("conditions"):
        named_with_msc = reading.mentions_in(match.part, *sentence_of(match))
        if match.value in titled and match.part.name != "title" and named_with_msc:
            reading.add(match)


def _condition_entries(reading: Reading) -> list[Entry]:
    from mscdata.facts.lexicon import compile_lexicons

    return compile_lexicons().entries["conditions"]
