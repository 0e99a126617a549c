"""The rules the schema states once (annotations and patterns of schemas/mscdata.yaml),
the module generated from them, and the code that reads them."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mscdata import schema_rules
from mscdata.schema_rules_generator import MERGE_GROUPS, generate_module, rules

from conftest import ROOT

SCHEMA_PATH = ROOT / "schemas" / "mscdata.yaml"
SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
JSON_SCHEMA = json.loads((ROOT / "schemas" / "mscdata.schema.json").read_text(encoding="utf-8"))
TABLE_SCHEMAS = json.loads(
    (ROOT / "schemas" / "mscdata.tableschema.json").read_text(encoding="utf-8")
)
ARTICLE_SLOTS = SCHEMA["classes"]["Article"]["slots"]


def _annotations(slot: str) -> dict:
    return SCHEMA["slots"][slot].get("annotations") or {}


def test_the_generated_module_is_a_fresh_generation():
    written = (ROOT / "src" / "mscdata" / "schema_rules.py").read_text(encoding="utf-8")
    assert written == generate_module(SCHEMA_PATH)


def test_every_slot_of_article_has_exactly_one_merge_group():
    for slot in ARTICLE_SLOTS:
        assert _annotations(slot).get("merge_group") in MERGE_GROUPS, slot
    assert list(schema_rules.MERGE_GROUPS) == ARTICLE_SLOTS
    assert {_annotations(s)["merge_group"] for s in ARTICLE_SLOTS} == set(MERGE_GROUPS)


def test_every_completeness_flag_covers_a_list_slot_of_article_in_its_merge_group():
    flags = [s for s in ARTICLE_SLOTS if s.endswith("_complete") and s != "record_complete"]
    assert flags  # record_complete is about the whole source text, not one list
    assert "covers" not in _annotations("record_complete")
    assert sorted(schema_rules.COMPLETENESS_FLAGS.values()) == sorted(flags)
    for flag in flags:
        covered = _annotations(flag)["covers"]
        assert covered in ARTICLE_SLOTS and SCHEMA["slots"][covered].get("multivalued"), flag
        assert SCHEMA["slots"][flag]["range"] == "boolean"
        assert schema_rules.COMPLETENESS_FLAGS[covered] == flag
        assert schema_rules.MERGE_GROUPS[flag] == schema_rules.MERGE_GROUPS[covered], flag


def test_derived_slots_are_no_column_and_merge_with_their_source():
    assert schema_rules.DERIVED_FROM == {"abstract": "abstract_sections"}
    columns = {f["name"] for r in TABLE_SCHEMAS["resources"] for f in r["schema"]["fields"]}
    for slot, source in schema_rules.DERIVED_FROM.items():
        assert slot not in columns and source in SCHEMA["slots"]
        assert schema_rules.MERGE_GROUPS[slot] == schema_rules.MERGE_GROUPS[source]


def test_the_merge_reads_the_groups_and_flags_of_the_schema():
    from mscdata.builder import merge

    for slot, group in schema_rules.MERGE_GROUPS.items():
        expected = {"content": merge.CONTENT, "full_text": merge.FULL_TEXT}
        assert merge.precedence(slot) is expected.get(group, merge.BIBLIOGRAPHIC), slot
    identity = {s for s, g in schema_rules.MERGE_GROUPS.items() if g == "identity"}
    assert identity == {"id", "identifiers", "provenance", "msc_facts"}
    assert identity | {"abstract", *schema_rules.COMPLETENESS_FLAGS.values()} == merge._SKIP


def test_a_slot_of_article_without_a_merge_group_stops_the_generation(tmp_path):
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    annotated = "    annotations:\n      merge_group: bibliographic\n  publisher_location:"
    assert annotated in text
    schema = tmp_path / "mscdata.yaml"
    schema.write_text(text.replace(annotated, "  publisher_location:"), encoding="utf-8")
    with pytest.raises(ValueError, match="slot publisher of Article: merge_group"):
        rules(schema)


def test_a_flag_covering_what_is_no_list_stops_the_generation(tmp_path):
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    schema = tmp_path / "mscdata.yaml"
    schema.write_text(text.replace("covers: keywords", "covers: title"), encoding="utf-8")
    with pytest.raises(ValueError, match="keywords_complete covers title, which is no list"):
        rules(schema)


def test_every_table_has_a_licence_the_package_knows():
    from mscdata.builder.build import LICENSES

    tables = [r["name"] for r in TABLE_SCHEMAS["resources"]]
    assert list(schema_rules.TABLE_LICENSES) == tables
    assert set(schema_rules.TABLE_LICENSES.values()) == set(LICENSES)
    for name, license_name in schema_rules.TABLE_LICENSES.items():
        cls = next(r["class"] for r in TABLE_SCHEMAS["resources"] if r["name"] == name)
        assert SCHEMA["classes"][cls]["annotations"]["table_license"] == license_name


def test_the_bundled_package_carries_the_licence_of_each_table():
    from mscdata.builder.build import LICENSES

    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text("utf-8"))
    assert {r["name"]: r["licenses"] for r in descriptor["resources"]} == {
        name: [LICENSES[license_name]] for name, license_name in schema_rules.TABLE_LICENSES.items()
    }
    # the article text is not under the bibliographic terms
    assert schema_rules.TABLE_LICENSES["abstract_sections"] == "publisher-copyright"


def _json_schema_properties(slot: str) -> list[dict]:
    """Every JSON Schema property named ``slot`` (of any class)."""
    return [
        definition["properties"][slot]
        for definition in JSON_SCHEMA["$defs"].values()
        if slot in definition.get("properties", {})
    ]


def test_the_patterns_are_the_schemas_and_the_code_compiles_them():
    from mscdata import addresses, identifiers

    linkml = {n: s["pattern"] for n, s in SCHEMA["slots"].items() if s and s.get("pattern")}
    linkml["id"] = SCHEMA["classes"]["Article"]["slot_usage"]["id"]["pattern"]
    assert linkml == schema_rules.PATTERNS
    for slot in schema_rules.PATTERNS:
        assert _json_schema_properties(slot), slot
    assert identifiers.PMID_RE.pattern == addresses._PMID.pattern == linkml["pmid"]
    assert identifiers.DOI_RE.pattern == linkml["doi"]
    assert identifiers.PMCID_RE.pattern == linkml["pmcid"]


def _near_misses(value: str) -> st.SearchStrategy:
    """Values one edit away from ``value``: a character dropped, changed or added."""
    return st.integers(0, len(value)).flatmap(
        lambda at: st.sampled_from(["", "0", "9", "X", "x", "-", ".", " ", "/", "\n", "a"]).map(
            lambda c: [value[:at] + c + value[at + 1 :], value[:at] + c + value[at:]]
        )
    )


@pytest.mark.parametrize("slot", sorted(schema_rules.PATTERNS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_pattern_accepts_and_refuses_what_the_json_schema_does(slot, data):
    import jsonschema

    pattern = schema_rules.PATTERNS[slot]
    valid = data.draw(st.from_regex(pattern, fullmatch=True))
    examples = [valid, *data.draw(_near_misses(valid)), data.draw(st.text(max_size=12))]
    compiled = re.compile(pattern)
    for prop in _json_schema_properties(slot):
        validator = jsonschema.Draft202012Validator(prop)
        for example in examples:
            assert validator.is_valid(example) == bool(compiled.search(example)), (slot, example)
