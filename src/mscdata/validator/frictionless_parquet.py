"""What frictionless can check of a package's Parquet resources, and what it cannot.

frictionless (5.x) reads a Parquet file with pyarrow through pandas (without pandas
installed it reads none: every Parquet resource is then left to the fast engine). What
it cannot do is left to the fast engine (:mod:`mscdata.validator.tablecheck`), whose
issues stand for it, each said in a notice:

* it counts no bytes and no hash of a Parquet file (it reports them as ``None``): the
  resources are handed to it without ``bytes`` and ``hash``, the fast engine checks
  them;
* it reads only the first part of a multi-part resource (a ``path`` list): such a
  resource is not handed to it (nor the foreign keys to it);
* pandas turns a null of an integer column into NaN, which frictionless then calls a
  ``type-error`` (value ``nan``): those errors are dropped (an integer Parquet column
  holds no NaN);
* it reads a column's values as cells, whatever the column's physical type (the text
  ``"1"`` passes as an integer): the fast engine's ``type-error`` for a column of the
  wrong type stands.
"""

from __future__ import annotations

from typing import Any

from mscdata.validator.parquet_files import is_parquet
from mscdata.validator.report import Issue

_INTEGRITY = {"hash-count", "byte-count"}


def _parquet(resource: Any) -> bool:
    return isinstance(resource, dict) and is_parquet(resource)


def has_parquet(descriptor: dict[str, Any]) -> bool:
    """Whether any resource of the descriptor is Parquet."""
    return any(_parquet(r) for r in descriptor["resources"])


def has_pandas() -> bool:
    """Whether pandas, through which frictionless reads Parquet, is installed."""
    import importlib.util

    return importlib.util.find_spec("pandas") is not None


def for_frictionless(descriptor: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The descriptor frictionless is handed (Parquet resources without ``bytes`` and
    ``hash``, multi-part ones and the foreign keys to them left out; every Parquet
    resource without pandas), and the names of the resources left out."""
    from mscdata.validator.table_subsets import without_absent_references

    resources, left_out = [], set()
    readable = has_pandas()
    for resource in descriptor["resources"]:
        if _parquet(resource):
            if isinstance(resource.get("path"), list) or not readable:
                left_out.add(str(resource.get("name")))
                continue
            resource = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
        resources.append(resource)
    handed = without_absent_references({**descriptor, "resources": resources})
    return handed, left_out


def _refers_to(resource: dict[str, Any], names: set[str]) -> bool:
    schema = resource.get("schema")
    keys = schema.get("foreignKeys") if isinstance(schema, dict) else None
    return any(
        isinstance(k, dict)
        and isinstance(k.get("reference"), dict)
        and k["reference"].get("resource") in names
        for k in keys or []
    )


def combined_issues(
    descriptor: dict[str, Any],
    left_out: set[str],
    frictionless_found: list[Issue],
    fast_found: list[Issue],
) -> tuple[list[Issue], list[str]]:
    """frictionless's issues and the fast engine's for what frictionless cannot check
    (see the module's docstring), and a notice for each kind of such check."""
    resources = [r for r in descriptor["resources"] if isinstance(r, dict)]
    parquet = {str(r.get("name")) for r in resources if _parquet(r)}
    integer = {
        (str(r.get("name")), f.get("name"))
        for r in resources
        if _parquet(r)
        for f in (r.get("schema") or {}).get("fields", [])
        if isinstance(f, dict) and f.get("type") == "integer"
    }
    referring = {str(r.get("name")) for r in resources if _refers_to(r, left_out)}
    kept = [
        issue
        for issue in frictionless_found
        if not (
            issue.type == "type-error"
            and issue.value == "nan"
            and (issue.resource, issue.field) in integer
        )
    ]
    nan_dropped = len(kept) < len(frictionless_found)
    kept = [i for i in kept if not (i.resource in parquet and i.type in _INTEGRITY)]
    for issue in fast_found:
        if (
            issue.resource in left_out
            or (issue.resource in parquet and issue.type in _INTEGRITY)
            or (issue.resource in referring and issue.type == "foreign-key")
            or (issue.resource in parquet and issue.type == "type-error" and issue.row is None)
        ):
            kept.append(issue)
    named = ", ".join(sorted(parquet)) if len(parquet) <= 4 else f"{len(parquet)} resources"
    notices = [
        "frictionless counts no bytes or hash of a Parquet file, nor checks a column's "
        f"physical type: the fast engine checked them ({named})"
    ]
    if left_out and not has_pandas():
        notices.append(
            "frictionless reads Parquet through pandas, which is not installed (pip install "
            "'mscdata[pandas]'): the fast engine checked " + ", ".join(sorted(left_out))
        )
    elif left_out:
        notices.append(
            "frictionless reads only the first part of a multi-part Parquet resource: the "
            "fast engine checked " + ", ".join(sorted(left_out))
        )
    if nan_dropped:
        notices.append(
            "frictionless reads an empty cell of an integer Parquet column as NaN (through "
            "pandas): those cells were checked by the fast engine only"
        )
    return kept, notices
