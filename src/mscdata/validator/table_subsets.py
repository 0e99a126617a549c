"""A package may hold any subset of mscdata's tables: what validation and loading
then check of the descriptor.

* at least one of mscdata's tables;
* no foreign key to a resource the package lacks: one error per such resource (naming
  the keys that reference it), and the keys are left out of the engines' checks so
  that no row is reported for them again.
"""

from __future__ import annotations

from typing import Any

from mscdata.validator.report import Issue


def subset_issues(descriptor: dict[str, Any], expected: dict[str, Any]) -> list[Issue]:
    """The descriptor's errors as a subset of the package ``expected`` describes."""
    issues = _absent_reference_issues(descriptor)
    names = _names(descriptor)
    if not any(resource["name"] in names for resource in expected["resources"]):
        shown = ", ".join(r["name"] for r in expected["resources"][:3])
        issues.append(
            Issue(
                "missing-resource",
                f"the package holds none of mscdata's tables ({shown}, …): name a resource "
                "after one of them, as `mscdata describe FOLDER` does",
            )
        )
    return issues


def subset_notice(expected: dict[str, Any], absent: list[str]) -> str:
    """The notice on a package holding some of mscdata's tables only."""
    names = [r["name"] for r in expected["resources"]]
    held = [name for name in names if name not in absent]
    return f"holds {len(held)} of mscdata's {len(names)} tables: {', '.join(held)}"


def _foreign_keys(resource: Any) -> list[dict[str, Any]]:
    """A resource's well-formed foreign keys (the schema checks report the others)."""
    schema = resource.get("schema") if isinstance(resource, dict) else None
    keys = schema.get("foreignKeys") if isinstance(schema, dict) else None
    return [
        key
        for key in (keys if isinstance(keys, list) else [])
        if isinstance(key, dict) and isinstance(key.get("reference"), dict)
    ]


def _names(descriptor: dict[str, Any]) -> set[str]:
    return {
        r["name"]
        for r in descriptor["resources"]
        if isinstance(r, dict) and isinstance(r.get("name"), str)
    }


def _listed(fields: Any) -> str:
    """A key's fields as text, whatever the descriptor holds there."""
    text = ", ".join(map(str, fields)) if isinstance(fields, list) else str(fields)
    return text if len(text) <= 80 else f"{text[:60]}…"


def absent_targets(descriptor: dict[str, Any]) -> dict[str, list[tuple[str, Any]]]:
    """Resources that foreign keys reference but the package lacks: each with the
    (resource, key fields) that reference it."""
    names = _names(descriptor)
    targets: dict[str, list[tuple[str, Any]]] = {}
    for resource in descriptor["resources"]:
        for key in _foreign_keys(resource):
            target = key["reference"].get("resource")
            if isinstance(target, str) and target and target not in names:
                targets.setdefault(target, []).append(
                    (str(resource.get("name")), key.get("fields"))
                )
    return targets


def _absent_reference_issues(descriptor: dict[str, Any]) -> list[Issue]:
    """One error for each resource that foreign keys reference but the package lacks."""
    issues = []
    for target, referrers in absent_targets(descriptor).items():
        shown = _listed(target)
        keys = ", ".join(f"{name} ({_listed(fields)})" for name, fields in referrers)
        issues.append(
            Issue(
                "missing-resource",
                f"the package lacks the resource {shown!r} that foreign keys reference: "
                f"{keys}; add {shown}.csv and run `mscdata describe --update FOLDER`, "
                "or leave out the tables that need it",
                resource=referrers[0][0],
            )
        )
    return issues


def without_absent_references(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The descriptor without the foreign keys to resources it lacks (reported once by
    :func:`subset_issues`, not again for every row by an engine)."""
    absent = set(absent_targets(descriptor))
    if not absent:
        return descriptor
    resources = []
    for resource in descriptor["resources"]:
        keys = _foreign_keys(resource)
        kept = [k for k in keys if k["reference"].get("resource") not in absent]
        if len(kept) < len(keys):
            resource = {**resource, "schema": {**resource["schema"], "foreignKeys": kept}}
        resources.append(resource)
    return {**descriptor, "resources": resources}
