"""The lexicons of mscdata.facts agree with the schema: every value they give is a
permissible value of its enum, with the enum's ontology term; they load, compile and
ship inside the package; and the term syntax says what it matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mscdata.facts.lexicon import LEXICON_DIR, compile_lexicons, load_lexicon, term_regex

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "schemas" / "mscdata.yaml").read_text(encoding="utf-8"))
# lexicon facet -> the enum its values come from
ENUMS = {
    "tissue": "CellSource",
    "species": "Species",
    "donor_relation": "DonorRelation",
    "study_design": "StudyDesign",
    "cell_products": "CellProduct",
    "routes": "Route",
}


@pytest.mark.parametrize(("facet", "enum"), sorted(ENUMS.items()))
def test_lexicon_values_are_the_enum_values_with_their_meanings(facet, enum):
    values = SCHEMA["enums"][enum]["permissible_values"]
    entries = compile_lexicons().entries[facet]
    for entry in entries:
        assert entry.value in values, f"{facet}: {entry.value} is no {enum} value"
        assert entry.curie == (values[entry.value] or {}).get("meaning", ""), entry.value


def test_every_tissue_and_route_value_has_its_words():
    entries = compile_lexicons().entries
    assert {e.value for e in entries["tissue"]} == set(
        SCHEMA["enums"]["CellSource"]["permissible_values"]
    )
    assert {e.value for e in entries["routes"]} == set(
        SCHEMA["enums"]["Route"]["permissible_values"]
    )


def test_msc_named_variants_name_tissues_of_the_vocabulary():
    tissues = set(SCHEMA["enums"]["CellSource"]["permissible_values"]) | {"generic"}
    assert {e.value for e in compile_lexicons().entries["msc_mention"]} <= tissues


def test_conditions_are_mesh_descriptors_once_each():
    entries = compile_lexicons().entries["conditions"]
    names = [e.value for e in entries]
    assert len(names) == len(set(names))
    for entry in entries:
        assert entry.curie == "" or re.fullmatch(r"MESH:D\d{6,9}", entry.curie), entry.value
    families = {e.get("family") for e in entries} | {e.get("generic_of") for e in entries}
    assert {e.get("generic_of") for e in entries if e.get("generic_of")} <= families


def test_registry_patterns_compile_and_name_their_groups():
    for entry in compile_lexicons().entries["trial_registrations"]:
        pattern = re.compile(entry.get("pattern"))
        assert entry.get("gate") and entry.get("id")
        assert set(re.findall(r"{(\w+)}", entry.get("id"))) == set(pattern.groupindex)


def test_the_lexicons_are_package_data():
    assert LEXICON_DIR.parent == ROOT / "src" / "mscdata" / "facts"
    names = {p.name for p in LEXICON_DIR.glob("*.yaml")}
    assert {"msc.yaml", "tissues.yaml", "routes.yaml", "conditions.yaml"} <= names
    # hatch ships every file of the package folder: none is excluded by pattern
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/mscdata"]' in pyproject and "lexicons" not in pyproject


@pytest.mark.parametrize(
    ("term", "matches", "misses"),
    [
        ("co-culture(s)", ["co-culture", "coculture", "co culture", "co-cultures"], ["cocultured"]),
        ("Wharton's jelly", ["Wharton's jelly", "Wharton’s Jelly", "Whartons jelly"], []),
        ("intravenous*", ["intravenous", "intravenously"], ["intra venous"]),
        ("=EVs", ["EVs"], ["evs", "EVS"]),
        ("bone marrow", ["bone marrow", "bone-marrow", "Bone  Marrow"], ["bone marrows"]),
        ("i.v.", ["i.v."], ["iv"]),
    ],
)
def test_term_syntax(term, matches, misses):
    regex, _, exact_case, _ = term_regex(term)
    pattern = re.compile(regex, 0 if exact_case else re.IGNORECASE)
    for text in matches:
        found = pattern.match(text)
        assert found and found.end() == len(text), (term, text)
    for text in misses:
        found = pattern.match(text)
        assert not (found and found.end() == len(text)), (term, text)


def test_a_malformed_lexicon_is_named(tmp_path):
    (tmp_path / "bad.yaml").write_text("facet: routes\nentries:\n  - terms: [x]\n")
    with pytest.raises(ValueError, match=r"bad\.yaml: entry 1 has no value"):
        load_lexicon(tmp_path / "bad.yaml")
    (tmp_path / "bad.yaml").write_text(
        "facet: routes\nentries:\n  - value: intravenous\n    terms: ['-x']\n"
    )
    with pytest.raises(ValueError, match=r"bad\.yaml: term '-x' must start"):
        compile_lexicons.__wrapped__(str(tmp_path))


def test_a_vocabulary_and_its_terms_come_from_the_schema_alone(tmp_path):
    from mscdata.schema_rules import FACT_TERMS

    (tmp_path / "bad.yaml").write_text("facet: routes\nentries:\n  - value: x\n    terms: [y]\n")
    with pytest.raises(ValueError, match=r"bad\.yaml: 'x' is no value of Route"):
        compile_lexicons.__wrapped__(str(tmp_path))
    (tmp_path / "bad.yaml").write_text(
        "facet: routes\nentries:\n  - value: intravenous\n    curie: NCIT:C1\n    terms: [y]\n"
    )
    with pytest.raises(ValueError, match="the schema gives its term"):
        compile_lexicons.__wrapped__(str(tmp_path))
    compiled = compile_lexicons()
    for entry in compiled.entries["routes"]:
        assert entry.curie == FACT_TERMS[f"routes:{entry.value}"]


def test_a_lexicon_folder_without_one_scanners_facets_reads_no_match_there(tmp_path):
    """A folder of the article's lexicons only: the scanner of the MSCs' facets has no
    trigger word, and finds none (an automaton without words is never built)."""
    import shutil

    from mscdata.facts.lexicon import compile_lexicons
    from mscdata.facts.reading import read_article

    for name in ("msc", "cues", "species", "design", "registries"):
        shutil.copy(LEXICON_DIR / f"{name}.yaml", tmp_path)
    compiled = compile_lexicons(str(tmp_path))
    reading = read_article({"title": "Mesenchymal stem cells in mice"}, compiled)
    assert set(reading.matches) == {"msc_mention", "species"}
    assert list(compiled.cells.words(" mesenchymal bone marrow ")) == []
