"""``extract``: an article's MSC facts, each with its evidence, in a fixed order."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mscdata.facts import FACETS, article_facts, cell_facts, condition_facts, design_facts
from mscdata.facts.abbreviations import follow_abbreviations
from mscdata.facts.cell_facts import fact_entry
from mscdata.facts.lexicon import compile_lexicons
from mscdata.facts.matching import Match
from mscdata.facts.parts import PART_ORDER, part_texts
from mscdata.facts.reading import Evidence, Reading, read_article, sentence_of

# what the body text of a full-text source may add to the facts of the other parts: not
# the topic (decided on the record's own summary), nor the study designs and conditions,
# which an introduction or a discussion names of other studies; organisms only where a
# sentence of the body names them with the MSCs ("MSCs were injected into mice", not
# "a meta-analysis of trials in patients")
BODY_FACETS = frozenset(FACETS) - {"msc_topic", "study_design", "conditions"}
_BODY_WITH_MSCS = frozenset({"species"})


def evidence(article: Any) -> list[Evidence]:
    """The facts of ``article`` (an Article or its ``model_dump()`` dict) as evidence
    records, ordered by facet (:data:`FACETS`), then part, then place.

    The body text of a full-text source (its own methods and results: see
    :func:`~mscdata.facts.parts.body_text`) is read only when the other parts make MSCs
    the article's primary topic, and only adds facts of :data:`BODY_FACETS` read in the
    body whose facet and value those parts do not state (an organism only from a body
    sentence naming the MSCs): every fact read without the body stays as it was."""
    compiled = compile_lexicons()
    texts = part_texts(article)
    body = texts.pop("body", None)
    found = sorted(_reading(article, texts, compiled).facts.values(), key=_order)
    if body is None or not any(e.facet == "msc_topic" and e.value == "primary" for e in found):
        return found
    known = {(e.facet, e.value) for e in found}
    reading = _reading(article, {**texts, "body": body}, compiled)
    added = [
        e
        for e in reading.facts.values()
        if e.facet in BODY_FACETS
        and e.match.part.name == "body"  # not an abbreviation the body defines, met before
        and (e.facet, e.value) not in known
        and (
            e.facet not in _BODY_WITH_MSCS
            or reading.mentions_in(e.match.part, *sentence_of(e.match))
        )
    ]
    return sorted(found + added, key=_order) if added else found


def _order(found: Evidence) -> tuple[int, int, int]:
    return FACETS.index(found.facet), PART_ORDER.index(found.match.part.name), found.match.start


def _reading(article: Any, texts: dict[str, str], compiled: Any) -> Reading:
    """The reading of ``texts`` (:func:`part_texts`, some parts maybe left out), its
    facts found."""
    reading = read_article(texts, compiled)
    if reading.mentions:
        generic = next(e for e in compiled.entries["msc_mention"] if e.value == "generic")
        follow_abbreviations(reading, generic)
    topic, deciding = article_facts.topic(reading)
    if deciding is not None:
        entry = fact_entry("msc_topic", topic)
        reading.add(
            Match(deciding.part, deciding.start, deciding.end, entry),
            rule=f"rule:msc_topic_{topic}",
        )
        curies = {e.value: e.curie for e in compiled.entries["tissue"]}
        cell_facts.cell_sources(reading, curies)
        cell_facts.products(reading, topic)
        cell_facts.routes(reading)
        cell_facts.donors(reading)
        cell_facts.isct(reading)
        if topic == "primary":
            condition_facts.conditions(reading, _mesh_ids(article))
        else:
            condition_facts.mentioned_conditions(reading)
    article_facts.species(reading)
    design_facts.designs(reading)
    article_facts.trials(reading)
    return reading


def extract(article: Any) -> list[Any]:
    """The MSC facts of ``article`` as :class:`mscdata.models.MscFact` rows, numbered
    from 1: one per facet and value, with its first evidence in reading order."""
    make = _fact_maker()
    facts = []
    for position, found in enumerate(evidence(article), 1):
        match = found.match
        facts.append(
            make(  # in the order of FACT_FIELDS
                position=position,
                facet=found.facet,  # plain strings, as validated models hold their enums
                value=found.value,
                curie=found.curie or None,
                part=match.part.name,
                start=match.start,
                end=match.end,
                text=match.text,
                rule=found.rule,
            )
        )
    return facts


FACT_FIELDS = ("position", "facet", "value", "curie", "part", "start", "end", "text", "rule")


@functools.cache
def _fact_maker() -> Callable[..., Any]:
    """A maker of MscFact rows from every field, given in the order of the model: what
    ``model_construct`` makes of them (the same ``__dict__``, fields set, no extra, no
    private values) without its search of each field's aliases and default. Where the
    model is not that plain (other fields, aliases, extra allowed, a post-init hook),
    ``model_construct`` itself."""
    from mscdata.models import MscFact

    fields = MscFact.__pydantic_fields__
    plain = (
        tuple(fields) == FACT_FIELDS
        and not MscFact.__pydantic_post_init__
        and not MscFact.__pydantic_root_model__
        and MscFact.model_config.get("extra") != "allow"
        and all(f.alias is None and f.validation_alias is None for f in fields.values())
    )
    if not plain:
        return MscFact.model_construct
    new, set_attribute = MscFact.__new__, object.__setattr__

    def make(**values: Any) -> Any:
        fact = new(MscFact)
        set_attribute(fact, "__dict__", values)
        set_attribute(fact, "__pydantic_fields_set__", set(FACT_FIELDS))
        set_attribute(fact, "__pydantic_extra__", None)
        set_attribute(fact, "__pydantic_private__", None)
        return fact

    return make


def _mesh_ids(article: Any) -> dict[str, str]:
    headings = article.get("mesh_headings") if isinstance(article, dict) else article.mesh_headings
    ids = {}
    for heading in headings or ():
        get = heading.get if isinstance(heading, dict) else lambda k, h=heading: getattr(h, k)
        if get("descriptor_ui"):
            ids.setdefault(get("descriptor"), get("descriptor_ui"))
    return ids
