"""The LinkML schema and what is generated from it: lint rules, and three validators
(Pydantic models, JSON Schema, frictionless Table Schemas) that must agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import DATA, ROOT
from invalid_records import MUTATIONS, base_record, mutated

SCHEMA = yaml.safe_load((ROOT / "schemas" / "mscdata.yaml").read_text(encoding="utf-8"))
JSON_SCHEMA = json.loads((ROOT / "schemas" / "mscdata.schema.json").read_text(encoding="utf-8"))
TABLE_SCHEMAS = json.loads(
    (ROOT / "schemas" / "mscdata.tableschema.json").read_text(encoding="utf-8")
)
VALID = sorted((DATA / "examples" / "valid").glob("*.json"))


def test_every_class_slot_and_enum_is_described():
    for kind in ("classes", "slots", "enums"):
        for name, definition in SCHEMA[kind].items():
            assert (definition or {}).get("description"), f"{kind}.{name} has no description"
    for name, enum in SCHEMA["enums"].items():
        for value, meaning in enum["permissible_values"].items():
            assert (meaning or {}).get("description"), f"enums.{name}.{value}"


def _patterns(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from _patterns(value, f"{where}.{key}")
    elif isinstance(node, list):
        for number, item in enumerate(node):
            yield from _patterns(item, f"{where}[{number}]")


@pytest.mark.parametrize(
    "document", [SCHEMA, JSON_SCHEMA, TABLE_SCHEMAS], ids=["linkml", "jsonschema", "tableschema"]
)
def test_every_pattern_is_anchored(document):
    found = list(_patterns(document))
    assert found
    for where, pattern in found:
        assert pattern.startswith("^") and pattern.endswith("$"), f"{where}: {pattern}"
        re.compile(pattern)


def test_identifier_prefixes_are_declared():
    assert {"pmid", "doi", "pmc", "orcid"} <= set(SCHEMA["prefixes"])


def test_schema_versions_agree():
    import mscdata

    assert SCHEMA["version"] == TABLE_SCHEMAS["schemaVersion"]
    assert mscdata.__version__ == SCHEMA["version"]


def test_table_schema_patterns_are_the_linkml_patterns():
    linkml = {name: s.get("pattern") for name, s in SCHEMA["slots"].items() if s}
    for resource in TABLE_SCHEMAS["resources"]:
        for field in resource["schema"]["fields"]:
            pattern = field.get("constraints", {}).get("pattern")
            if pattern and field["name"] in linkml and linkml[field["name"]]:
                assert pattern == linkml[field["name"]], field["name"]


def _pydantic_accepts(record: dict) -> bool:
    from pydantic import ValidationError

    from mscdata.models import Article

    try:
        Article.model_validate(record)
    except ValidationError:
        return False
    return True


def _json_schema_accepts(record: dict) -> bool:
    import jsonschema

    validator = jsonschema.Draft202012Validator(JSON_SCHEMA)
    return not list(validator.iter_errors(record))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_examples_pass_both_validators(path: Path):
    record = json.loads(path.read_text(encoding="utf-8"))
    assert _pydantic_accepts(record)
    assert _json_schema_accepts(record)


def _model_errors(record: dict) -> list[tuple[tuple, str]]:
    """Where the Pydantic models refuse ``record`` and why: (path, error type)."""
    from pydantic import ValidationError

    from mscdata.models import Article

    try:
        Article.model_validate(record)
    except ValidationError as error:
        return [(tuple(e["loc"]), e["type"]) for e in error.errors()]
    return []


def _json_schema_errors(record: dict) -> list[tuple[tuple, str]]:
    """Where the JSON Schema refuses ``record`` and why: (path, keyword); a missing or
    unexpected property is located at that property, as Pydantic locates it."""
    import jsonschema

    found = []
    for error in jsonschema.Draft202012Validator(JSON_SCHEMA).iter_errors(record):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            [name] = [n for n in error.validator_value if n not in error.instance]
            path += (name,)
        elif error.validator == "additionalProperties":
            [name] = set(error.instance) - set(error.schema.get("properties", {}))
            path += (name,)
        found.append((path, error.validator))
    return found


def test_the_base_of_the_invalid_records_is_valid():
    assert _model_errors(base_record()) == [] and _json_schema_errors(base_record()) == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_one_field_mutation_is_refused_by_both_validators_at_that_field(name):
    mutation = MUTATIONS[name]
    record = mutated(name)
    assert _model_errors(record) == [(mutation.path, mutation.model_error)]
    assert _json_schema_errors(record) == [(mutation.path, mutation.schema_error)]


def test_frictionless_agrees_on_a_bad_value(built_package):
    """The same bad DOI is refused by all three validators."""
    import mscdata

    record = mutated("doi-pattern")
    assert not _pydantic_accepts(record) and not _json_schema_accepts(record)
    path = built_package / "articles.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",10.3390/", ",11.3390/"), encoding="utf-8"
    )
    report = mscdata.validate(built_package)
    assert ("constraint-error", "doi") in {(e.type, e.field) for e in report.errors}
