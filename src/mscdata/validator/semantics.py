"""Checks a Table Schema cannot express, run on the typed tables of the fast engine.

* positions: the items under each parent run 1..n without gaps;
* dates: partial-date parts fit together and dates stated to the day exist;
* completeness: an item marked cut short contradicts its article's ``*_complete``
  flag when that flag is true.

(Every child row's article being present is a foreign key, checked with the others.)
"""

from __future__ import annotations

from typing import Any

from mscdata import schema_rules
from mscdata.validator.report import Issue
from mscdata.validator.sorted_keys import sorted_cut_items, sorted_position_issues
from mscdata.validator.table_keys import key_codes
from mscdata.validator.table_store import CheckedTable, StoredTable

# child resource -> the article flag its items' ``complete`` must agree with: the flags
# the schema annotates as covering a list (``covers``); a list whose items have no
# ``complete`` column (authors) gives no issue
COMPLETENESS_FLAGS = schema_rules.COMPLETENESS_FLAGS
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# the columns these checks read (with the key fields, all the fast engine must keep)
FIELDS_USED = {
    "id",
    "article_id",
    "position",
    "publication_year",
    "publication_month",
    "publication_day",
    "electronic_date",
    "complete",
    "abstract_type",
    *COMPLETENESS_FLAGS.values(),
}


_DATE_FIELDS = ["publication_year", "publication_month", "publication_day", "electronic_date"]


def semantic_issues(
    tables: dict[str, StoredTable], expected: dict[str, Any], root: str = "articles"
) -> list[Issue]:
    """Position, date and completeness issues of every mscdata resource present: batch
    by batch where a table is sorted by its key (as mscdata writes them), else on the
    whole columns."""
    issues: list[Issue] = []
    for resource in expected["resources"]:
        table = tables.get(resource["name"])
        if table is not None:
            issues += table_semantic_issues(table, resource)
    for name in COMPLETENESS_FLAGS:
        issues += completeness_issues(tables, name, root)
    return issues


def table_semantic_issues(table: StoredTable, resource: dict[str, Any]) -> list[Issue]:
    """One table's position issues (a list of items) or date issues (the root table);
    ``resource`` is its resource in the mscdata Table Schema document."""
    if resource["path"]:
        return _stored_position_issues(table, resource["schema"]["primaryKey"])
    return _stored_date_issues(table)


def completeness_issues(
    tables: dict[str, StoredTable], name: str, root: str = "articles"
) -> list[Issue]:
    """The items of table ``name`` marked cut short whose article's flag
    (:data:`COMPLETENESS_FLAGS`) says the list is complete."""
    articles = tables.get(root)
    if articles is None or name not in tables or name not in COMPLETENESS_FLAGS:
        return []
    return _stored_completeness_issues(tables[name], articles, COMPLETENESS_FLAGS[name])


def _stored_position_issues(table: StoredTable, primary_key: list[str]) -> list[Issue]:
    import pyarrow as pa

    parents = primary_key[:-1]
    kind = table.types.get("position")
    if kind is None or not pa.types.is_integer(kind) or not table.rows:
        return []
    if not all(n in table.columns for n in parents):
        return []
    found = sorted_position_issues(table, parents)
    if found is not None:
        return found
    return _position_issues(table.whole([*parents, "position"]), primary_key)


def _stored_date_issues(table: StoredTable) -> list[Issue]:
    """:func:`_date_issues` batch by batch (each row is checked alone), in its order."""
    import numpy as np

    names = [name for name in _DATE_FIELDS if name in table.columns]
    if not names:
        return []
    issues = []
    for first, columns in table.batches(names):
        rows = len(next(iter(columns.values())))
        numbers = np.arange(first + 2, first + 2 + rows, dtype=np.int64)
        issues += _date_issues(CheckedTable(table.name, columns, numbers))
    rank = {
        ("partial-date", "publication_day"): 0,
        ("partial-date", "publication_month"): 1,
        ("date-invalid", "publication_day"): 2,
    }
    return sorted(issues, key=lambda issue: rank.get((issue.type, issue.field), 3))


def _stored_completeness_issues(
    table: StoredTable, articles: StoredTable, flag: str
) -> list[Issue]:
    import pyarrow as pa

    names = ["complete", "article_id"]
    if not all(n in table.columns for n in names):
        return []
    if "id" not in articles.columns or flag not in articles.columns:
        return []
    if not (
        pa.types.is_boolean(table.types["complete"]) and pa.types.is_boolean(articles.types[flag])
    ):
        return []
    other_abstract = "abstract_type" in table.columns
    cut = sorted_cut_items(table, articles, flag, other_abstract)
    if cut is None:
        whole = table.whole([*names, "abstract_type"])
        return _completeness_issues(whole, articles.whole(["id", flag]), flag)
    return [_cut_issue(table.name, table.row(index), flag) for index in cut]


def _numpy(table: CheckedTable, name: str) -> Any:
    """A typed integer column as float numpy (NaN where null), or None when absent."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.columns.get(name)
    if column is None or not pa.types.is_integer(column.type):
        return None
    return pc.cast(column, pa.float64(), safe=False).to_numpy(zero_copy_only=False)


def _position_issues(table: CheckedTable, primary_key: list[str]) -> list[Issue]:
    """Parents whose items' positions are not 1..n: the first row out of place."""
    import numpy as np

    parents = primary_key[:-1]
    position = _numpy(table, "position")
    if position is None or not len(position) or not all(n in table.columns for n in parents):
        return []
    codes = key_codes([table.columns[n] for n in parents])
    # parents with an unreadable position are left to that cell's own error
    unreadable = np.zeros(codes.max() + 1, dtype=bool)
    unreadable[codes[np.isnan(position)]] = True
    known = ~np.isnan(position) & ~unreadable[codes]
    if not known.any():
        return []
    parent, number = codes[known], position[known]
    distinct = _distinct_per_parent(parent, number, codes.max() + 1)
    count = np.bincount(parent, minlength=codes.max() + 1)
    highest = np.full(codes.max() + 1, -np.inf)
    np.maximum.at(highest, parent, number)
    broken = np.flatnonzero((count > 0) & ((highest != distinct) | (count != distinct)))
    issues = []
    for code in broken:
        rows = np.flatnonzero(known & (codes == code))
        # exact integers from the typed column (floats round positions near 2**63)
        values = table.columns["position"].take(rows).to_pylist()
        found = sorted(zip(values, rows.tolist(), strict=True))
        label = "/".join(str(table.columns[n][int(rows[0])].as_py()) for n in parents)
        for due, (value, index) in enumerate(found, start=1):
            if value != due:
                issues.append(
                    Issue(
                        "position-gap",
                        f"positions under {label} must run 1..{len(found)} without gaps; "
                        f"found {value} where {due} was due",
                        table.name,
                        table.row(index),
                        "position",
                        str(value),
                    )
                )
                break
    return sorted(issues, key=lambda issue: issue.row)


def _distinct_per_parent(parent: Any, number: Any, parents: int) -> Any:
    """How many distinct positions each parent has."""
    import numpy as np

    low, high = float(number.min()), float(number.max())
    span = int(high - low) + 1
    # one int64 per (parent, position): sorting beats hashing; only where floats are exact
    if span * int(parents) < 2**62 and low >= -(2**53) and high <= 2**53:
        whole = number.astype(np.int64) - int(low)
        pairs = np.sort(parent * span + whole)
        first = np.concatenate(([True], pairs[1:] != pairs[:-1]))
        return np.bincount(pairs[first] // span, minlength=parents)
    order = np.lexsort((number, parent))  # positions too far apart to combine
    by_parent, by_number = parent[order], number[order]
    changed = (by_parent[1:] != by_parent[:-1]) | (by_number[1:] != by_number[:-1])
    return np.bincount(by_parent[np.concatenate(([True], changed))], minlength=parents)


def _date_issues(table: CheckedTable) -> list[Issue]:
    """Partial dates whose parts do not fit together, and dates that do not exist."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    year, month, day = (_numpy(table, f"publication_{p}") for p in ("year", "month", "day"))
    issues = []
    if year is not None and month is not None and day is not None:
        for part, needed, field_name, message in (
            (day, month, "publication_day", "a day without a month"),
            (month, year, "publication_month", "a month without a year"),
        ):
            for index in np.flatnonzero(~np.isnan(part) & np.isnan(needed)):
                issues.append(
                    Issue(
                        "partial-date",
                        message,
                        table.name,
                        table.row(index),
                        field_name,
                        str(int(part[index])),
                    )
                )
        issues += _impossible_days(table, year, month, day, "publication_day")
    electronic = table.columns.get("electronic_date")
    if electronic is not None and pa.types.is_string(electronic.type):
        full = np.flatnonzero(pc.fill_null(pc.utf8_length(electronic), 0).to_numpy() == 10)
        parts = [np.full(table.rows, np.nan) for _ in range(3)]
        for index, text in zip(full, electronic.take(pa.array(full)).to_pylist(), strict=True):
            for part, number in zip(parts, text.split("-"), strict=False):
                part[index] = float(number) if number.isascii() and number.isdigit() else np.nan
        issues += _impossible_days(table, *parts, "electronic_date", electronic)
    return issues


def _impossible_days(
    table: CheckedTable, year: Any, month: Any, day: Any, field_name: str, text: Any = None
) -> list[Issue]:
    """Rows whose year, month and day name no date (30 February, 31 April…)."""
    import numpy as np

    stated = ~np.isnan(year) & ~np.isnan(month) & ~np.isnan(day)
    stated &= (month >= 1) & (month <= 12)
    if not stated.any():
        return []
    lengths = np.full(len(day), 31.0)
    months = np.where(stated, month, 1).astype(int)
    lengths[stated] = np.array(_DAYS_IN_MONTH, dtype=float)[months[stated] - 1]
    # a year of more digits than an integer holds keeps year 1's rule (no leap day)
    years = np.where(stated & (np.abs(year) < 1e15), year, 1).astype(np.int64)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    lengths[stated & leap & (months == 2)] = 29
    issues = []
    for index in np.flatnonzero(stated & ((day > lengths) | (day < 1))):
        shown = (
            text[int(index)].as_py()
            if text is not None
            else f"{int(year[index]):04d}-{int(month[index]):02d}-{int(day[index]):02d}"
        )
        issues.append(
            Issue(
                "date-invalid",
                "this date does not exist",
                table.name,
                table.row(index),
                field_name,
                shown,
            )
        )
    return issues


def _completeness_issues(table: CheckedTable, articles: CheckedTable, flag: str) -> list[Issue]:
    """Items marked cut short under an article whose flag says the list is complete."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    complete = table.columns.get("complete")
    ids, flags = articles.columns.get("id"), articles.columns.get(flag)
    article = table.columns.get("article_id")
    if complete is None or ids is None or flags is None or article is None:
        return []
    if not (pa.types.is_boolean(complete.type) and pa.types.is_boolean(flags.type)):
        return []
    flagged = ids.filter(pc.fill_null(flags, False))
    cut = pc.and_(pc.equal(complete, False), pc.is_in(article, flagged))
    other_abstract = table.columns.get("abstract_type")
    if other_abstract is not None:  # other abstracts (plain-language…) have their own flag
        cut = pc.and_(cut, pc.is_null(other_abstract))
    return [
        _cut_issue(table.name, table.row(index), flag)
        for index in np.flatnonzero(pc.fill_null(cut, False).to_numpy(zero_copy_only=False))
    ]


def _cut_issue(name: str, row: int, flag: str) -> Issue:
    return Issue(
        "completeness",
        f"the item is marked cut short, but the article's {flag} is true",
        name,
        row,
        "complete",
        "false",
    )
