"""An article's MSC facts as facet → values: what a reader wants of ``article.msc_facts``."""

from __future__ import annotations

from typing import Any

from mscdata.schema_rules import FACETS

# facets of one value, and the value an article without a fact of that facet has (a fact
# needs evidence: no fact, none)
ONE_VALUE = {"msc_topic": "none", "isct_criteria": False}


def facet_values(article: Any) -> dict[str, Any]:
    """Every facet (:data:`mscdata.schema_rules.FACETS`, in the schema's order) with the
    values ``article.msc_facts`` states (an Article model or its data), each once, in
    the order first stated: a list, except ``msc_topic``, one value (``"none"`` when no
    fact states one), and ``isct_criteria``, a boolean."""
    facts = article.get("msc_facts") if isinstance(article, dict) else article.msc_facts
    values: dict[str, list[Any]] = {facet: [] for facet in FACETS}
    for fact in facts or ():
        facet = fact["facet"] if isinstance(fact, dict) else fact.facet
        value = fact["value"] if isinstance(fact, dict) else fact.value
        found = values.setdefault(str(facet), [])
        if value not in found:
            found.append(value)
    summary: dict[str, Any] = dict(values)
    topic = values.get("msc_topic") or []
    summary["msc_topic"] = topic[0] if topic else ONE_VALUE["msc_topic"]
    summary["isct_criteria"] = any(
        str(v).lower() == "true" for v in values.get("isct_criteria", [])
    )
    return summary
