"""Key checks of the fast engine (:mod:`mscdata.validator.tablecheck`): unique fields, primary
keys and foreign keys of the stored tables (:mod:`mscdata.validator.table_store`): batch by
batch where a table is sorted by the key (:mod:`mscdata.validator.sorted_keys`), else as
group-bys and hash joins over the whole key columns.
"""

from __future__ import annotations

from typing import Any

from mscdata.validator.column_checks import mask
from mscdata.validator.report import Issue
from mscdata.validator.sorted_keys import scan_sorted, sorted_orphans
from mscdata.validator.table_store import CheckedTable, StoredTable


def _key_table(table: CheckedTable, names: list[str]) -> Any:
    import pyarrow as pa

    return pa.table({f"k{i}": table.columns[n] for i, n in enumerate(names)})


def _all_null(keys: Any) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    mask = np.ones(keys.num_rows, dtype=bool)
    for column in keys.columns:
        mask &= pc.is_null(column).to_numpy(zero_copy_only=False)
    return mask


def key_codes(columns: list[Any]) -> Any:
    """One int64 per row such that rows share a code exactly when they share every
    value of ``columns`` (null being a value of its own)."""
    import numpy as np
    import pyarrow.compute as pc

    code = None
    for number, column in enumerate(columns):
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        part = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        code = part if code is None else code * len(encoded.dictionary) + part
        if 0 < number < len(columns) - 1:  # keep codes below the row count
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
    return code


def _repeats(table: CheckedTable, names: list[str], skip: Any) -> list[tuple[int, int, tuple]]:
    """(row index, index of the previous row with the same key, key) of every repeat
    of a key among the rows not in ``skip``."""
    import numpy as np

    rows = np.flatnonzero(~skip)
    codes = key_codes([table.columns[n] for n in names])[rows]
    order = np.argsort(codes, kind="stable")  # equal codes keep their row order
    ordered = codes[order]
    again = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    columns = [table.columns[n] for n in names]
    repeats = []
    for later, earlier in zip(rows[order[again]], rows[order[again - 1]], strict=True):
        repeats.append((int(later), int(earlier), tuple(c[int(later)].as_py() for c in columns)))
    return sorted(repeats)


def _shown(key: tuple) -> str:
    return ", ".join("" if v is None else str(v) for v in key)


def _scanned(table: StoredTable, names: list[str]) -> tuple[list[int], list[tuple]]:
    """Rows whose key cells are all empty, and the repeats of a key among the others:
    from a batch-by-batch scan when the table is sorted by the key, else from the
    whole columns."""
    import numpy as np

    scan = scan_sorted(table, names)
    if scan is not None:
        return scan.empty, scan.repeats
    whole = table.whole(names)
    empty = _all_null(_key_table(whole, names))
    return np.flatnonzero(empty).tolist(), _repeats(whole, names, empty)


def key_issues(table: StoredTable) -> list[Issue]:
    """Unique fields and the primary key: repeats, and keys with no value at all."""
    schema, name, issues = table.schema, table.name, []
    for spec in schema["fields"]:
        if (spec.get("constraints") or {}).get("unique") and spec["name"] in table.columns:
            for later, earlier, key in _scanned(table, [spec["name"]])[1]:
                issues.append(
                    Issue(
                        "unique-error",
                        f"the same value as in row {table.row(earlier)}",
                        name,
                        table.row(later),
                        spec["name"],
                        _shown(key),
                    )
                )
    primary = schema.get("primaryKey") or []
    primary = [primary] if isinstance(primary, str) else primary
    if primary and all(n in table.columns for n in primary):
        empty, repeats = _scanned(table, primary)
        for index in empty:
            issues.append(
                Issue(
                    "primary-key",
                    "every cell of the primary key is empty",
                    name,
                    table.row(index),
                    ", ".join(primary),
                )
            )
        for later, earlier, key in repeats:
            issues.append(
                Issue(
                    "primary-key",
                    f"the primary key ({', '.join(primary)}) repeats row {table.row(earlier)}",
                    name,
                    table.row(later),
                    ", ".join(primary),
                    _shown(key),
                )
            )
    return issues


def _orphans(
    table: StoredTable, fields: list[str], target: StoredTable, target_fields: list[str]
) -> list[tuple[int, tuple]]:
    """(row index, key) of the rows whose foreign key is no key of ``target``: a merge
    of the two tables when both are sorted by the key, else hash joins of the whole
    key columns."""
    found = sorted_orphans(table, fields, target, target_fields)
    if found is not None:
        return found
    whole = table.whole(fields)
    indices = _whole_orphans(whole, fields, target.whole(target_fields), target_fields)
    columns = [whole.columns[f] for f in fields]
    return [(index, tuple(c[index].as_py() for c in columns)) for index in indices]


def _whole_orphans(
    table: CheckedTable, fields: list[str], target: CheckedTable, target_fields: list[str]
) -> list[int]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    names = [f"k{i}" for i in range(len(fields))]
    child = _key_table(table, fields).append_column("index", pa.array(np.arange(table.rows)))
    child = child.filter(pa.array(~_all_null(child.select(names))))
    parent = _key_table(target, target_fields)
    complete = np.ones(child.num_rows, dtype=bool)
    for n in names:
        complete &= mask(pc.is_valid(child[n]))
    orphans: list[int] = []
    if all(child[n].type == parent[n].type for n in names):
        found = child.filter(pa.array(complete)).join(parent, keys=names, join_type="left anti")
        orphans += found["index"].to_pylist()
        rest = child.filter(pa.array(~complete))
    else:
        rest = child
    if rest.num_rows:  # keys with an empty cell, or of another type: compared as Python does
        known = set(zip(*(parent[n].to_pylist() for n in names), strict=True))
        for row in rest.to_pylist():
            if tuple(row[n] for n in names) not in known:
                orphans.append(row["index"])
    return sorted(orphans)


def foreign_key_issues(table: StoredTable, tables: dict[str, StoredTable]) -> list[Issue]:
    """Rows whose foreign key matches no row of the resource it references."""
    issues = []
    for key in table.schema.get("foreignKeys") or []:
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        reference = key.get("reference") or {}
        target_name = reference.get("resource") or table.name
        target_fields = reference.get("fields")
        target_fields = target_fields if isinstance(target_fields, list) else [target_fields]
        if not all(f in table.columns for f in fields):
            continue  # a missing-label error says why
        target = tables.get(target_name)
        if target is None:
            issues.append(
                Issue(
                    "resource-error",
                    f"the foreign key ({', '.join(fields)}) references {target_name!r}, "
                    "which cannot be read",
                    table.name,
                )
            )
            continue
        if not all(f in target.columns for f in target_fields):
            continue  # the referenced column is missing: its missing-label says so, once
        for index, key_values in _orphans(table, fields, target, target_fields):
            values = _shown(key_values)
            issues.append(
                Issue(
                    "foreign-key",
                    f"({', '.join(fields)}) = ({values}) is not a ({', '.join(target_fields)}) "
                    f"of {target_name}",
                    table.name,
                    table.row(index),
                    ", ".join(fields),
                    values,
                )
            )
    return issues


def key_fields(descriptor: dict[str, Any]) -> set[str]:
    """Names of every field in a primary, unique or foreign key of the package."""
    names: set[str] = set()

    def listed(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    for resource in descriptor["resources"]:
        schema = resource.get("schema") or {}
        names.update(listed(schema.get("primaryKey")))
        names.update(
            f["name"] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")
        )
        for key in schema.get("foreignKeys") or []:
            names.update(listed(key.get("fields")))
            names.update(listed((key.get("reference") or {}).get("fields")))
    return names
