"""Invalid article records, each one named change to one field of one valid record.

``MUTATIONS`` is the table: a case's name, the JSON path of the field it changes, the
new value (or ``DELETE``), and the error each validator must give at that path: the
Pydantic error type and the JSON Schema keyword. ``mutated(name)`` builds the record.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from conftest import DATA

BASE = DATA / "examples" / "valid" / "seed-article.json"
DELETE = object()  # the value of a mutation that removes the field


@dataclass(frozen=True)
class Mutation:
    """One field of the base record changed; the error both validators must give."""

    path: tuple[str | int, ...]
    value: Any
    model_error: str  # Pydantic's error type
    schema_error: str  # the JSON Schema keyword that fails


MUTATIONS: dict[str, Mutation] = {
    "id-missing": Mutation(("id",), DELETE, "missing", "required"),
    "id-not-a-curie": Mutation(("id",), "26237144", "string_pattern_mismatch", "pattern"),
    "pmid-leading-zero": Mutation(("pmid",), "026237144", "string_pattern_mismatch", "pattern"),
    "pmcid-without-prefix": Mutation(("pmcid",), "8780115", "string_pattern_mismatch", "pattern"),
    "doi-pattern": Mutation(("doi",), "11.3390/jcm2040201", "string_pattern_mismatch", "pattern"),
    "doi-with-a-space": Mutation(
        ("doi",), "10.3390/jcm 2040201", "string_pattern_mismatch", "pattern"
    ),
    "unknown-field": Mutation(("impact_factor",), 3.1, "extra_forbidden", "additionalProperties"),
    "record-type-not-in-enum": Mutation(("record_type",), "poem", "enum", "anyOf"),
    "year-not-whole": Mutation(("publication_year",), 2013.5, "int_type", "type"),
    "year-as-text": Mutation(("publication_year",), "2013", "int_type", "type"),
    "year-as-boolean": Mutation(("publication_year",), True, "int_type", "type"),
    "month-out-of-range": Mutation(("publication_month",), 13, "less_than_equal", "maximum"),
    "day-out-of-range": Mutation(("publication_day",), 32, "less_than_equal", "maximum"),
    "electronic-date-invented-format": Mutation(
        ("electronic_date",), "2013-10-1", "string_pattern_mismatch", "pattern"
    ),
    "orcid-pattern": Mutation(
        ("authors", 0, "orcid"), "0000-0002-1825-009", "string_pattern_mismatch", "pattern"
    ),
    "keyword-term-missing": Mutation(("keywords", 0, "term"), DELETE, "missing", "required"),
    "position-zero": Mutation(("keywords", 0, "position"), 0, "greater_than_equal", "minimum"),
    "complete-flag-not-boolean": Mutation(
        ("references", 0, "complete"), "perhaps", "bool_type", "type"
    ),
    "flag-as-text": Mutation(("record_complete",), "true", "bool_type", "type"),
    "flag-as-number": Mutation(("keywords", 0, "major_topic"), 1, "bool_type", "type"),
    "position-as-text": Mutation(("authors", 0, "position"), "1", "int_type", "type"),
    "sha256-wrong-length": Mutation(
        ("provenance", 0, "source_sha256"), "abc", "string_pattern_mismatch", "pattern"
    ),
    "source-format-not-in-enum": Mutation(
        ("provenance", 0, "source_format"), "word_document", "enum", "enum"
    ),
}


def base_record() -> dict[str, Any]:
    """The valid record every case changes."""
    return json.loads(BASE.read_text(encoding="utf-8"))


def mutated(name: str) -> dict[str, Any]:
    """The base record with the one change the case ``name`` makes."""
    mutation = MUTATIONS[name]
    record = base_record()
    parent: Any = record
    for step in mutation.path[:-1]:
        parent = parent[step]
    last = mutation.path[-1]
    if mutation.value is DELETE:
        assert last in parent, f"{name}: the base record has no {mutation.path}"
        del parent[last]
    else:
        parent[last] = copy.deepcopy(mutation.value)
    return record
