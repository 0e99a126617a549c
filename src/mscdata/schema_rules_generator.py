"""Generate :mod:`mscdata.schema_rules` from the annotations and patterns of the LinkML schema.

The schema states, besides the records' shapes, the rules the code follows (see the
comment above ``classes:`` in ``schemas/mscdata.yaml``): each Article slot's merge group,
which list each completeness flag covers, which slots are derived from which, each
table's licence, and the identifier patterns. This module reads them, refuses a schema
that leaves one out or names what does not exist (a ValueError naming the slot or
class), and writes them as plain Python constants, so that the code reads them without
importing LinkML or pydantic. ``scripts/regenerate.py`` writes the module;
``python -m mscdata.schema_rules_generator SCHEMA.yaml`` prints it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mscdata.tableschema import annotation

HEADER = "# Generated from schemas/mscdata.yaml by scripts/regenerate.py: do not edit by hand.\n"
MERGE_GROUPS = ("identity", "bibliographic", "content", "full_text")

_DOCSTRING = '''"""What schemas/mscdata.yaml says beyond the records' shapes, as plain constants.

Read from the schema's annotations and patterns by :mod:`mscdata.schema_rules_generator`
(the comment above ``classes:`` in the schema says what each annotation means); the code
imports these instead of restating them. Light on purpose: no LinkML, no pydantic.
"""
'''

_COMMENTS = {
    "MERGE_GROUPS": "Article slot -> its merge group (annotation merge_group)",
    "COMPLETENESS_FLAGS": "Article list slot -> the *_complete flag that covers it (covers)",
    "DERIVED_FROM": "slot -> the slot its value is computed from (derived_from)",
    "TABLE_LICENSES": "table -> the name of its licence (table_license of its class)",
    "PATTERNS": "slot -> its pattern (as the JSON Schema, Table Schemas and models have it)",
    "FACETS": "MSC fact facet -> the enum of its vocabulary, '' for an open one (vocabulary)",
    "FACT_TERMS": "'facet:value' of every vocabulary -> the value's ontology term, '' for none",
}


def rules(schema_path: str | Path) -> dict[str, dict[str, str]]:
    """The rules the schema states, checked; ValueError names what is missing or wrong."""
    from linkml_runtime.utils.schemaview import SchemaView

    from mscdata.tableschema import generate

    view = SchemaView(str(schema_path))
    [root] = [c.name for c in view.all_classes().values() if c.tree_root]
    root_slots = {s.name: s for s in view.class_induced_slots(root)}
    groups = {}
    for name, slot in root_slots.items():
        group = annotation(slot, "merge_group")
        if group not in MERGE_GROUPS:
            raise ValueError(
                f"slot {name} of {root}: merge_group must be one of {', '.join(MERGE_GROUPS)}, "
                f"not {group}"
            )
        groups[name] = group
    flags = {}
    for name, slot in root_slots.items():
        covered = annotation(slot, "covers")
        if covered is None:
            continue
        target = root_slots.get(covered)
        if target is None or not target.multivalued:
            raise ValueError(f"slot {name} covers {covered}, which is no list slot of {root}")
        if covered in flags:
            raise ValueError(f"slot {covered} is covered by both {flags[covered]} and {name}")
        if slot.range != "boolean":
            raise ValueError(f"slot {name} covers {covered} but is not a boolean")
        flags[covered] = name
    derived = {}
    for slot in view.all_slots().values():
        source = annotation(slot, "derived_from")
        if source is not None:
            if source not in view.all_slots():
                raise ValueError(f"slot {slot.name} is derived from {source}, which is no slot")
            derived[slot.name] = source
    classes = view.all_classes()
    licenses = {}
    for resource in generate(schema_path)["resources"]:
        license_name = annotation(classes[resource["class"]], "table_license")
        if not license_name:
            raise ValueError(f"class {resource['class']} has no table_license annotation")
        licenses[resource["name"]] = license_name
    patterns: dict[str, str] = {}
    for class_name in classes:
        for slot in view.class_induced_slots(class_name):
            if not slot.pattern:
                continue
            if patterns.setdefault(slot.name, slot.pattern) != slot.pattern:
                raise ValueError(f"slot {slot.name} has two patterns (see class {class_name})")
    facets, terms = _vocabularies(view)
    return {
        "MERGE_GROUPS": groups,
        "COMPLETENESS_FLAGS": flags,
        "DERIVED_FROM": dict(sorted(derived.items())),
        "TABLE_LICENSES": licenses,
        "PATTERNS": dict(sorted(patterns.items())),
        "FACETS": facets,
        "FACT_TERMS": terms,
    }


def _vocabularies(view: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The facets of the MSC facts (the Facet enum's values, in order) with the enum each
    names as its vocabulary, and every vocabulary value's meaning (its ontology CURIE)."""
    enums = view.all_enums()
    if "Facet" not in enums:
        return {}, {}
    facets, terms = {}, {}
    for facet, value in enums["Facet"].permissible_values.items():
        vocabulary = annotation(value, "vocabulary") or ""
        if vocabulary and vocabulary not in enums:
            raise ValueError(f"facet {facet}: vocabulary {vocabulary} is no enum")
        facets[facet] = vocabulary
        if vocabulary:
            for name, term in enums[vocabulary].permissible_values.items():
                terms[f"{facet}:{name}"] = term.meaning or ""
    return facets, terms


def _literal(text: str) -> str:
    """A double-quoted string literal (as ruff format writes it), raw when that spells it."""
    if "\\" in text and '"' not in text and not text.endswith("\\") and text.isprintable():
        return f'r"{text}"'
    return json.dumps(text, ensure_ascii=False)


def render(found: dict[str, dict[str, Any]]) -> str:
    """The text of ``src/mscdata/schema_rules.py`` for the rules :func:`rules` found."""
    lines = [HEADER.rstrip("\n"), _DOCSTRING, "from __future__ import annotations"]
    for name, mapping in found.items():
        lines += ["", f"# {_COMMENTS[name]}", f"{name}: dict[str, str] = {{"]
        lines += [f"    {_literal(k)}: {_literal(v)}," for k, v in mapping.items()]
        lines.append("}")
    return "\n".join(lines) + "\n"


def generate_module(schema_path: str | Path) -> str:
    """The generated module's text for the schema at ``schema_path``."""
    return render(rules(schema_path))


def main(argv: list[str] | None = None) -> int:
    """Print the module generated from the LinkML schema given as the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m mscdata.schema_rules_generator SCHEMA.yaml", file=sys.stderr)
        return 2
    sys.stdout.write(generate_module(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
