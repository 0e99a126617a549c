"""The rules of the MSC facts a Table Schema cannot state, checked batch by batch in
``msc_facts``: each value is one of its facet's vocabulary (``schema_rules.FACETS``) with
that value's ontology term (``schema_rules.FACT_TERMS``), ``isct_criteria`` is stated as
``true``, and each evidence span holds as many characters as its matched text. The same
rules for records (``validate --records``): an MscFact, or an Article's facts, whose
spans are then read in the article's own text (:func:`mscdata.facts.part_texts`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mscdata.schema_rules import FACETS, FACT_TERMS
from mscdata.validator.report import Issue

FACTS = "msc_facts"
ISSUE_TYPES = ("fact-vocabulary", "fact-term", "fact-span")  # the issues made here
FIELDS = ("facet", "value", "curie", "start", "end", "text")


def fact_issues(name: str, columns: dict[str, Any], first: int) -> list[Issue]:
    """The issues of one batch of the facts table (``columns``: its typed columns by name,
    those of :data:`FIELDS` it has; ``first``: the row number of its first row)."""
    if not all(field in columns for field in FIELDS):
        return []  # a column missing is reported by the header's checks
    rows = zip(*(_values(columns[field]) for field in FIELDS), strict=True)
    issues = []
    for index, (facet, value, curie, start, end, text) in enumerate(rows):
        row = first + index
        vocabulary = FACETS.get(facet) if isinstance(facet, str) else None
        if vocabulary and isinstance(value, str):
            key = f"{facet}:{value}"
            if key not in FACT_TERMS:
                issues.append(
                    Issue(
                        "fact-vocabulary",
                        f"{value!r} is not a value of {facet} (the schema's {vocabulary})",
                        name,
                        row,
                        "value",
                        value,
                    )
                )
            elif (curie or "") != FACT_TERMS[key]:
                wanted = FACT_TERMS[key] or "none"
                issues.append(
                    Issue(
                        "fact-term",
                        f"the ontology term of {facet} {value} is {wanted}, not {curie}",
                        name,
                        row,
                        "curie",
                        curie,
                    )
                )
        if facet == "isct_criteria" and isinstance(value, str) and value != "true":
            issues.append(
                Issue(
                    "fact-vocabulary", "isct_criteria is stated as true", name, row, "value", value
                )
            )
        if _spanned(start, end, text) and end - start != len(text):
            issues.append(
                Issue(
                    "fact-span",
                    f"the span {start}-{end} holds {end - start} characters, its text {len(text)}",
                    name,
                    row,
                    "end",
                    str(end),
                )
            )
    return issues


def record_fact_issues(
    facts: list[Any], resource: str, row: int, article: Any = None
) -> list[Issue]:
    """The issues of validated MscFact records: ``facts`` alone (one MscFact record), or
    an Article record's ``msc_facts`` with ``article`` given, each span then read in the
    article's part it names. Each issue is located by the record's ``row`` and its field
    (``msc_facts.2.value`` in an article)."""
    issues = []
    texts = None
    if article is not None:
        from mscdata.facts.parts import part_texts

        texts = part_texts(article)
    for index, fact in enumerate(facts):
        where = "" if article is None else f"msc_facts.{index}."
        columns = {field: [getattr(fact, field, None)] for field in FIELDS}
        issues += [
            replace(issue, field=where + (issue.field or ""))
            for issue in fact_issues(resource, columns, row)
        ]
        if texts is None or not _spanned(fact.start, fact.end, fact.text):
            continue
        part = str(getattr(fact.part, "value", fact.part))
        read = texts.get(part, "")[fact.start : fact.end]
        if read != fact.text:
            said = f"reads {read!r} at {fact.start}-{fact.end}" if part in texts else "is empty"
            issues.append(
                Issue(
                    "fact-span",
                    f"the article's {part} {said}, not {fact.text!r}",
                    resource,
                    row,
                    f"{where}text",
                    fact.text,
                )
            )
    return issues


def _spanned(start: Any, end: Any, text: Any) -> bool:
    """Whether a row's span can be checked: integer offsets and a text (a package whose
    own Table Schema types them otherwise is checked by its schema, not here)."""
    offsets = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    return offsets and isinstance(text, str)


def _values(column: Any) -> list[Any]:
    """A typed column's values as Python objects."""
    return column.to_pylist() if hasattr(column, "to_pylist") else list(column)
