"""A table's header row against its Table Schema, columns matched to fields by name.

Each label names the field whose column it holds, wherever it stands; every
difference between the header and the schema is then one error that names the
column, never a cascade down the rest of the header or into the rows:

* ``missing-label``: a field of the schema has no column ("the column journal is
  missing");
* ``extra-label``: a column the schema has no field for;
* ``incorrect-label``: a column renamed (one unknown label where one field is
  missing, between the same neighbours), or columns out of the schema's order;
* ``blank-label`` and ``duplicate-label``: a column with no label, or with the label
  of an earlier column (naming the field it replaces, when it replaces one).

The Data Package v2 ``fieldsMatch`` decides which differences are errors. The
default, ``"exact"``, requires the schema's fields in the schema's order: a
reordered header is one error naming the columns out of place (the rows are still
checked by name). ``"equal"`` accepts any order, ``"subset"`` extra columns,
``"superset"`` missing ones (unless required or in the primary key), ``"partial"``
both, as long as one column matches.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from mscdata.validator.report import Issue

SHOWN = 10  # columns out of order named in the message, the rest counted


@dataclass
class HeaderMatch:
    """The header's errors; for each column in the file's order, the field it holds (a
    column the schema lacks gets an ``any`` field named after its label); and the
    names of the fields no column holds (reported or tolerated)."""

    issues: list[Issue]
    columns: list[dict[str, Any]]
    missing: list[str]


def match_header(name: str, labels: list[str], schema: dict[str, Any]) -> HeaderMatch:
    """Match a header's labels to the fields of a Table Schema by name, as its
    ``fieldsMatch`` says (see the module's docstring); ``name`` is the resource's."""
    fields = schema["fields"]
    fields_match = schema.get("fieldsMatch", "exact")
    names = [spec["name"] for spec in fields]
    index = {field_name: number for number, field_name in enumerate(names)}
    matched: dict[int, int] = {}  # column -> field
    first: dict[str, int] = {}  # label -> its first column
    for column, label in enumerate(labels):
        if label in first:
            continue
        first[label] = column
        if label in index:
            matched[column] = index[label]
    held = set(matched.values())
    missing = [number for number in range(len(names)) if number not in held]
    unmatched = [column for column in range(len(labels)) if column not in matched]
    if fields_match in ("subset", "partial"):  # extra columns are fine, repeated labels not
        unmatched = [column for column in unmatched if first[labels[column]] != column]
    reported = missing
    if fields_match in ("superset", "partial"):  # missing columns are fine, unless needed
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        reported = [
            n
            for n in missing
            if (fields[n].get("constraints") or {}).get("required") or names[n] in key
        ]
    in_order = _in_order(sorted(matched.items()))
    issues = _gap_issues(name, labels, names, first, in_order, unmatched, reported)
    if fields_match == "exact":
        moved = sorted(set(matched.items()) - set(in_order), key=lambda pair: pair[1])
        if moved:
            issues.append(_order_issue(name, names, [n for _, n in moved], set(missing)))
    if fields_match == "partial" and labels and names and not matched:
        issues.append(Issue("unmatched-header", "no column has the name of a field", name, 1))
    return HeaderMatch(issues, _columns(labels, fields, matched), [names[n] for n in missing])


def _in_order(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (column, field) pairs whose fields rise with the columns:
    the columns in the schema's order; the others are out of place."""
    tails: list[int] = []  # field number ending the best run of each length
    ends: list[int] = []  # index in pairs of that run's last pair
    before = [-1] * len(pairs)
    for position, (_, field_number) in enumerate(pairs):
        length = bisect_left(tails, field_number)
        if length == len(tails):
            tails.append(field_number)
            ends.append(position)
        else:
            tails[length], ends[length] = field_number, position
        before[position] = ends[length - 1] if length else -1
    run, position = [], ends[-1] if ends else -1
    while position >= 0:
        run.append(pairs[position])
        position = before[position]
    return run[::-1]


def _gap_issues(
    name: str,
    labels: list[str],
    names: list[str],
    first: dict[str, int],
    in_order: list[tuple[int, int]],
    unmatched: list[int],
    missing: list[int],
) -> list[Issue]:
    """Issues of the columns no field matches and of the fields no column holds. Where
    one such column and one such field stand between the same two columns in order, the
    column is that field's, mislabelled: one issue."""
    issues = []
    anchors = [(-1, -1), *in_order, (len(labels), len(names))]
    for (column_before, field_before), (column_after, field_after) in pairwise(anchors):
        columns = [c for c in unmatched if column_before < c < column_after]
        lacking = [n for n in missing if field_before < n < field_after]
        if len(columns) == 1 and len(lacking) == 1:
            issues.append(_label_issue(name, labels, first, columns[0], names[lacking[0]]))
            continue
        issues += [_label_issue(name, labels, first, column, None) for column in columns]
        issues += [
            Issue("missing-label", f"the column {names[n]} is missing", name, 1, names[n])
            for n in lacking
        ]
    return issues


def _label_issue(
    name: str, labels: list[str], first: dict[str, int], column: int, field_name: str | None
) -> Issue:
    """The issue of a column no field matches, in the place of ``field_name`` if any."""
    label = labels[column]
    where = f"column {column + 1}" + (f", where the schema has {field_name}," if field_name else "")
    if label == "":
        return Issue("blank-label", f"{where} has no label", name, 1, field_name)
    if first[label] != column:
        note = f"{where} repeats the label {label!r} of column {first[label] + 1}"
        return Issue("duplicate-label", note, name, 1, field_name, label)
    if field_name is not None:
        note = f"the column {field_name} is labelled {label!r}"
        return Issue("incorrect-label", note, name, 1, field_name, label)
    note = f"the file has a column {label!r} (column {column + 1}) the schema does not have"
    return Issue("extra-label", note, name, 1, None, label)


def _order_issue(name: str, names: list[str], moved: list[int], missing: set[int]) -> Issue:
    """One issue naming the columns out of the schema's order (the first
    :data:`SHOWN` of them) and where each belongs."""
    places = []
    for number in moved[:SHOWN]:
        previous = next((n for n in range(number - 1, -1, -1) if n not in missing), None)
        places.append(
            f"{names[number]} " + ("first" if previous is None else f"after {names[previous]}")
        )
    listed = ", ".join(names[n] for n in moved[:SHOWN])
    more = f" and {len(moved) - SHOWN} more" if len(moved) > SHOWN else ""
    subject = f"the column {listed} is" if len(moved) == 1 else f"the columns {listed}{more} are"
    note = f"{subject} not in the schema's order (fieldsMatch exact): put {'; '.join(places)}"
    return Issue("incorrect-label", note + (" …" if more else ""), name, 1, listed + more)


def _columns(
    labels: list[str], fields: list[dict[str, Any]], matched: dict[int, int]
) -> list[dict[str, Any]]:
    """The field each column holds: its own, or an ``any`` field named after its label
    (made unique with a number, as frictionless names them)."""
    used = {fields[n]["name"] for n in matched.values()}
    columns = []
    for column, label in enumerate(labels):
        if column in matched:
            columns.append(fields[matched[column]])
            continue
        fabricated, suffix = label, 2
        while fabricated in used:
            fabricated, suffix = f"{label}{suffix}", suffix + 1
        used.add(fabricated)
        columns.append({"name": fabricated, "type": "any"})
    return columns
