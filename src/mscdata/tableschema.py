"""Generate Frictionless Table Schemas from the LinkML schema.

LinkML has no Table Schema generator, so this is ours. The tree root class (``Article``)
becomes the ``articles`` table, keyed by its identifier. Every multivalued, inlined
class-valued slot (``authors``, ``keywords``, …) becomes a child table named after the
slot, holding ``article_id`` (a foreign key to ``articles.id``) plus the class's own
slots, keyed by (``article_id``, ``position``); deeper levels (an author's
``affiliations``) add the parent's position, e.g. (``article_id``, ``author_position``,
``position``), with a foreign key to the parent table. Multivalued primitive slots become
``list`` fields; slots annotated ``derived_from`` are left out of the tables (their
value is rebuilt from a child table on load).

Run ``python -m mscdata.tableschema SCHEMA.yaml`` to print the generated document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LIST_DELIMITER = "|"

_TYPES = {
    "string": "string",
    "str": "string",
    "integer": "integer",
    "int": "integer",
    "boolean": "boolean",
    "bool": "boolean",
    "float": "number",
    "double": "number",
    "decimal": "number",
    "date": "date",
    "datetime": "datetime",
    "uri": "string",
    "uriorcurie": "string",
    "curie": "string",
    "ncname": "string",
}
_FORMATS = {"uri": "uri"}


def _snake_plural(class_name: str) -> str:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in class_name).lstrip("_")
    return snake + "s"


def annotation(element: Any, key: str) -> str | None:
    """The value of a slot's or class's annotation ``key``, None when it has none."""
    # linkml_runtime's annotation container supports `in` and `[]`, but not .get()
    annotations = element.annotations or {}
    return str(annotations[key].value) if key in annotations else None


def _is_derived(slot: Any) -> bool:
    return annotation(slot, "derived_from") is not None


class _Generator:
    """Walks a SchemaView and emits one resource description per table."""

    def __init__(self, schema_path: str | Path):
        from linkml_runtime.utils.schemaview import SchemaView

        self.view = SchemaView(str(schema_path))
        roots = [c.name for c in self.view.all_classes().values() if c.tree_root]
        if len(roots) != 1:
            raise ValueError(f"expected exactly one tree_root class, found {roots}")
        self.root = roots[0]

    def _field(self, slot: Any) -> dict[str, Any]:
        field: dict[str, Any] = {"name": slot.name}
        rng = slot.range or self.view.schema.default_range or "string"
        constraints: dict[str, Any] = {}
        enum = self.view.all_enums().get(rng)
        if enum is not None:
            base_type = "string"
            constraints["enum"] = list(enum.permissible_values)
        elif rng in self.view.all_classes():
            base_type = "string"
        else:
            type_def = self.view.get_type(rng)
            base = rng
            while type_def is not None and type_def.typeof:
                base = type_def.typeof
                type_def = self.view.get_type(base)
            base = (type_def.base if type_def is not None and type_def.base else base).lower()
            base_type = _TYPES.get(rng, _TYPES.get(base, "string"))
        if slot.multivalued:
            field.update(type="list", delimiter=LIST_DELIMITER, itemType=base_type)
        else:
            field["type"] = base_type
        if rng in _FORMATS:
            field["format"] = _FORMATS[rng]
        if slot.description:
            field["description"] = " ".join(slot.description.split())
        if slot.required or slot.identifier:
            constraints["required"] = True
        if slot.identifier:
            constraints["unique"] = True
        if slot.pattern:
            constraints["pattern"] = slot.pattern
        if slot.minimum_value is not None:
            constraints["minimum"] = slot.minimum_value
        if slot.maximum_value is not None:
            constraints["maximum"] = slot.maximum_value
        if constraints:
            field["constraints"] = dict(sorted(constraints.items()))
        return field

    def _table_slots(self, class_name: str) -> list[Any]:
        return [
            s
            for s in self.view.class_induced_slots(class_name)
            if not _is_derived(s) and not self._is_table_slot(s)
        ]

    def _is_table_slot(self, slot: Any) -> bool:
        return (
            slot.range in self.view.all_classes()
            and bool(slot.multivalued)
            and bool(slot.inlined or slot.inlined_as_list)
        )

    def resources(self) -> list[dict[str, Any]]:
        view = self.view
        root_cls = view.get_class(self.root)
        root_table = _snake_plural(self.root)
        id_slot = next(s for s in view.class_induced_slots(self.root) if s.identifier)
        id_field = self._field(id_slot)
        parent_key = {
            "name": f"{self.root.lower()}_{id_slot.name}",
            "type": "string",
            "description": f"Key of the {self.root.lower()} this row belongs to "
            f"({root_table}.{id_slot.name}).",
            "constraints": {"pattern": id_field["constraints"]["pattern"], "required": True},
        }
        resources = [
            {
                "name": root_table,
                "class": self.root,
                "path": [],
                "description": " ".join((root_cls.description or "").split()),
                "schema": {
                    "fields": [self._field(s) for s in self._table_slots(self.root)],
                    "missingValues": [""],
                    "primaryKey": [id_slot.name],
                },
            }
        ]
        self._add_children(self.root, root_table, [id_slot.name], [parent_key], [], resources)
        return resources

    def _add_children(
        self,
        class_name: str,
        table: str,
        table_key: list[str],
        key_fields: list[dict[str, Any]],
        path: list[str],
        resources: list[dict[str, Any]],
    ) -> None:
        """One table per multivalued inlined class slot, nested to any depth.

        A child row is keyed by its parent's key plus its own 1-based ``position``; a
        grandchild (an author's affiliations) adds ``<parent>_position`` in between.
        """
        for slot in self.view.class_induced_slots(class_name):
            if not self._is_table_slot(slot):
                continue
            cls = self.view.get_class(slot.range)
            own = [self._field(s) for s in self._table_slots(cls.name)]
            if "position" not in [f["name"] for f in own]:
                raise ValueError(f"class {cls.name} needs a 'position' slot to be a child table")
            fields = [dict(f) for f in key_fields] + own
            key = [f["name"] for f in key_fields] + ["position"]
            resources.append(
                {
                    "name": slot.name,
                    "class": cls.name,
                    "path": [*path, slot.name],
                    "description": " ".join((cls.description or "").split()),
                    "schema": {
                        "fields": fields,
                        "missingValues": [""],
                        "primaryKey": key,
                        "foreignKeys": [
                            {
                                "fields": [f["name"] for f in key_fields],
                                "reference": {"resource": table, "fields": table_key},
                            }
                        ],
                    },
                }
            )
            singular = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls.name).lstrip("_")
            position_field = {
                "name": f"{singular}_position",
                "type": "integer",
                "description": f"Position of the {singular.replace('_', ' ')} this row "
                f"belongs to ({slot.name}.position).",
                "constraints": {"minimum": 1, "required": True},
            }
            self._add_children(
                cls.name,
                slot.name,
                key,
                [*key_fields, position_field],
                [*path, slot.name],
                resources,
            )

    def document(self) -> dict[str, Any]:
        schema = self.view.schema
        return {
            "schemaName": schema.name,
            "schemaVersion": schema.version,
            "rootClass": self.root,
            "resources": self.resources(),
        }


def generate(schema_path: str | Path) -> dict[str, Any]:
    """Return the Table Schema document (every resource's schema) for a LinkML schema."""
    return _Generator(schema_path).document()


def dumps(document: dict[str, Any]) -> str:
    """Serialise a generated document deterministically (stable bytes for CI diffs)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the Table Schema document of the LinkML schema given as the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m mscdata.tableschema SCHEMA.yaml", file=sys.stderr)
        return 2
    sys.stdout.write(dumps(generate(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
