"""MSC facts: what an article says about the mesenchymal stromal/stem cells it studies.

A stage between the parsers and the builder. :func:`extract` reads an Article (or its
``model_dump()`` dict) by rules and lexicons (``lexicons/*.yaml``, data files of the
package): whether MSCs are its topic, the tissues they come from, species, donors,
study design, products, routes, conditions (MeSH), trial registrations and the ISCT
criteria, as defined by the annotation guide (docs/msc-facts.md of the shared corpus).
Every fact carries its evidence: the part of the record, the character span in that
part's text (:func:`part_texts`) and the lexicon entry or rule that fired.
Deterministic, no network, no model. ``python -m mscdata.facts.evaluate GOLD.json``
measures it against a gold file.
"""

from __future__ import annotations

from typing import Any

from mscdata import schema_rules

__all__ = ["FACETS", "extract", "part_texts", "summary"]

FACETS = tuple(schema_rules.FACETS)  # the schema's Facet enum, in order
SINGLE_FACETS = ("msc_topic", "isct_criteria")


def extract(article: Any) -> list[Any]:
    """The article's facts as :class:`mscdata.models.MscFact`, numbered from 1 (see
    :func:`mscdata.facts.extraction.extract`)."""
    from mscdata.facts.extraction import extract as _extract

    return _extract(article)


def part_texts(article: Any) -> dict[str, str]:
    """The text of each part facts are read from: a fact's ``start:end`` count in
    ``part_texts(article)[fact.part]``."""
    from mscdata.facts.parts import part_texts as _part_texts

    return _part_texts(article)


def summary(facts: list[Any]) -> dict[str, Any]:
    """Facet -> values of a list of facts (MscFact models or dicts): ``msc_topic`` one
    value (``none`` when no fact says it), ``isct_criteria`` a boolean, every other facet
    a sorted list (empty when none)."""
    values: dict[str, list[str]] = {facet: [] for facet in FACETS}
    for fact in facts:
        facet = fact["facet"] if isinstance(fact, dict) else fact.facet
        value = fact["value"] if isinstance(fact, dict) else fact.value
        facet = getattr(facet, "value", facet)  # a Facet member or its string
        if value not in values[facet]:
            values[facet].append(value)
    result: dict[str, Any] = {facet: sorted(found) for facet, found in values.items()}
    result["msc_topic"] = values["msc_topic"][0] if values["msc_topic"] else "none"
    result["isct_criteria"] = bool(values["isct_criteria"])
    return result
