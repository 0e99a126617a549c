"""Key and semantic checks of sorted tables, read batch by batch in bounded memory.

Every table mscdata builds is sorted by its primary key (ids in UTF-8 byte order,
then positions ascending). When the key columns of a stored table
(:mod:`mscdata.validator.table_store`) come in non-decreasing order, repeated keys are
adjacent, the items of a parent are adjacent, and a foreign key is checked by a
merge join against the referenced table's (also sorted) keys, holding one batch of
each. Each function here returns None as soon as a table turns out not to be sorted
(or a key cell is empty where the order cannot say where it goes); the caller then
runs the checks on the whole columns (:mod:`mscdata.validator.table_keys`,
:mod:`mscdata.validator.semantics`), which give the same issues for any order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mscdata.validator.column_checks import mask
from mscdata.validator.report import Issue
from mscdata.validator.table_store import StoredTable


class _Unsorted(Exception):
    """The rows are not in the order of the key."""


@dataclass
class KeyScan:
    """Rows whose key cells are all empty, and (row index, index of the previous row
    with the same key, key) of every repeat of a key."""

    empty: list[int]
    repeats: list[tuple[int, int, tuple]]


def _adjacent(columns: list[Any]) -> tuple[Any, Any]:
    """For each pair of neighbouring rows: whether the first key is smaller, equal."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    size = max(len(columns[0]) - 1, 0)
    less, equal = np.zeros(size, dtype=bool), np.ones(size, dtype=bool)
    for column in columns:
        before, after = column.slice(0, size), column.slice(1)
        try:
            smaller = mask(pc.less(before, after))
            same = mask(pc.equal(before, after))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            raise _Unsorted from None  # a type without an order (lists)
        less |= equal & smaller
        equal &= same
    return less, equal


@dataclass
class _Rows:
    """Rows of one batch with a key: global indices, key columns, extra columns,
    whether each equals the previous keyed row, and that row's index."""

    indices: Any
    keys: list[Any]
    extra: dict[str, Any]
    repeated: Any
    previous: Any
    empty: Any  # indices of this batch's rows whose key cells are all empty


def _ordered(table: StoredTable, names: list[str], extra: tuple[str, ...] = ()) -> Iterator[_Rows]:
    """The rows with a key in ``names`` (not every cell empty), batch by batch;
    :class:`_Unsorted` when a key has an empty cell or is smaller than the one before."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    last: list[Any] | None = None
    last_index = -1
    for first, columns in table.batches([*names, *extra]):
        keys = [columns[name] for name in names]
        nulls = [pc.is_null(key).to_numpy(zero_copy_only=False) for key in keys]
        empty, partial = np.logical_and.reduce(nulls), np.logical_or.reduce(nulls)
        if (partial & ~empty).any():
            raise _Unsorted
        keep = np.flatnonzero(~empty)
        indices = keep + first
        if len(keep) < len(empty):
            taken = pa.array(keep)
            keys = [key.take(taken) for key in keys]
            others = {name: columns[name].take(taken) for name in extra}
        else:
            others = {name: columns[name] for name in extra}
        if not len(keep):
            yield _Rows(
                indices, keys, others, np.zeros(0, bool), indices, empty.nonzero()[0] + first
            )
            continue
        joined = (
            keys
            if last is None
            else [pa.concat_arrays([a, b]) for a, b in zip(last, keys, strict=True)]
        )
        less, equal = _adjacent(joined)
        if not (less | equal).all():
            raise _Unsorted
        if last is None:
            equal = np.concatenate(([False], equal))
        previous = np.concatenate(([last_index], indices[:-1]))
        yield _Rows(indices, keys, others, equal, previous, np.flatnonzero(empty) + first)
        last = [key.slice(len(key) - 1, 1) for key in keys]
        last_index = int(indices[-1])


def scan_sorted(table: StoredTable, names: list[str]) -> KeyScan | None:
    """Empty and repeated keys of a table sorted by ``names``, or None when it is not."""
    cache = table.sorted_cache()
    if tuple(names) not in cache:
        empty: list[int] = []
        repeats: list[tuple[int, int, tuple]] = []
        try:
            for rows in _ordered(table, names):
                empty += rows.empty.tolist()
                for at in rows.repeated.nonzero()[0]:
                    key = tuple(column[int(at)].as_py() for column in rows.keys)
                    repeats.append((int(rows.indices[at]), int(rows.previous[at]), key))
            cache[tuple(names)] = KeyScan(empty, repeats)
        except _Unsorted:
            cache[tuple(names)] = None
    return cache[tuple(names)]


def _not_above(keys: list[Any], bound: list[Any]) -> Any:
    """Whether each key is at most ``bound`` (one-row arrays), compared key by key."""
    import numpy as np
    import pyarrow.compute as pc

    less = np.zeros(len(keys[0]), dtype=bool)
    equal = np.ones(len(keys[0]), dtype=bool)
    for key, top in zip(keys, bound, strict=True):
        less |= equal & mask(pc.less(key, top[0]))
        equal &= mask(pc.equal(key, top[0]))
    return less | equal


def _found(keys: list[Any], parent: list[Any]) -> Any:
    """Whether each key is among the parent's keys."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(keys) == 1:
        return mask(pc.is_in(keys[0], value_set=parent[0]))
    names = [f"k{i}" for i in range(len(keys))]
    child = pa.table({**dict(zip(names, keys, strict=True)), "i": np.arange(len(keys[0]))})
    right = pa.table(dict(zip(names, parent, strict=True)))
    matched = child.join(right, keys=names, join_type="left semi")
    found = np.zeros(len(keys[0]), dtype=bool)
    found[matched["i"].to_numpy()] = True
    return found


def _merged(child: Iterator[_Rows], parent: Iterator[_Rows], keep: Any = None):
    """(child rows, whether each is among the parent's keys) batch by batch: a merge of
    two sorted streams holding one batch of each (``keep`` filters the parent's rows)."""
    import numpy as np

    def batches() -> Iterator[list[Any]]:
        for rows in parent:
            keys = rows.keys
            if keep is not None and len(rows.indices):
                chosen = keep(rows)
                keys = [key.filter(chosen) for key in keys]
            if len(keys[0]):
                yield keys

    parents = batches()
    current = next(parents, None)
    for rows in child:
        count = len(rows.indices)
        found, start = np.zeros(count, dtype=bool), 0
        while start < count and current is not None:
            rest = [key.slice(start) for key in rows.keys]
            bound = [key.slice(len(key) - 1, 1) for key in current]
            below = int(_not_above(rest, bound).sum())  # a prefix: the keys are sorted
            if below:
                part = [key.slice(0, below) for key in rest]
                found[start : start + below] = _found(part, current)
                start += below
            if start < count:
                current = next(parents, None)
        yield rows, found
    for _ in parents:  # the parent's rows past the child's last key must be in order too:
        pass  # a key out of order there would be missed by the merge (raises _Unsorted)


def sorted_orphans(
    table: StoredTable, fields: list[str], target: StoredTable, target_fields: list[str]
) -> list[tuple[int, tuple]] | None:
    """(row index, key) of each row whose foreign key is not a key of ``target``; None
    unless both tables are sorted by the key and its columns share their types."""
    if [table.types[f] for f in fields] != [target.types[f] for f in target_fields]:
        return None
    orphans = []
    try:
        merged = _merged(_ordered(table, fields), _ordered(target, target_fields))
        for rows, found in merged:
            for at in (~found).nonzero()[0]:
                key = tuple(column[int(at)].as_py() for column in rows.keys)
                orphans.append((int(rows.indices[at]), key))
    except _Unsorted:
        return None
    return orphans


def sorted_cut_items(
    table: StoredTable, articles: StoredTable, flag: str, other_abstract: bool
) -> list[int] | None:
    """Indices of items marked cut short (``complete`` false, and no ``abstract_type``
    when ``other_abstract``) under an article whose ``flag`` is true; None unless both
    tables are sorted by article id."""
    import pyarrow.compute as pc

    if table.types["article_id"] != articles.types["id"]:
        return None
    ids = scan_sorted(articles, ["id"])
    if ids is None or ids.empty:  # an article without an id: compared as a whole
        return None
    extra = ("complete", "abstract_type") if other_abstract else ("complete",)
    cut = []
    try:
        child = _ordered(table, ["article_id"], extra)
        parent = _ordered(articles, ["id"], (flag,))
        flagged = _merged(child, parent, keep=lambda rows: pc.fill_null(rows.extra[flag], False))
        for rows, found in flagged:
            marked = mask(pc.equal(rows.extra["complete"], False))
            if other_abstract:
                marked &= pc.is_null(rows.extra["abstract_type"]).to_numpy(zero_copy_only=False)
            cut += rows.indices[marked & found].tolist()
    except _Unsorted:
        return None
    return cut


def sorted_position_issues(table: StoredTable, parents: list[str]) -> list[Issue] | None:
    """Parents whose items' positions are not 1..n (the first row out of place), for a
    table sorted by ``parents`` and ``position``; None when it is not."""
    import numpy as np
    import pyarrow as pa

    if not parents:
        return None
    issues: list[Issue] = []
    carry: tuple[list[Any], Any, Any] | None = None
    try:
        for rows in _ordered(table, [*parents, "position"]):
            keys, indices = rows.keys[:-1], rows.indices
            positions = rows.keys[-1].to_numpy(zero_copy_only=False).astype(np.int64)
            if carry is not None:  # the last parent of the batch before may go on here
                keys = [pa.concat_arrays([a, b]) for a, b in zip(carry[0], keys, strict=True)]
                positions = np.concatenate((carry[1], positions))
                indices = np.concatenate((carry[2], indices))
            if not len(indices):
                continue
            same = _adjacent(keys)[1]
            starts = np.concatenate(([0], np.flatnonzero(~same) + 1))
            done = int(starts[-1])
            issues += _gaps(table, keys, positions, indices, starts[:-1], done)
            carry = ([key.slice(done) for key in keys], positions[done:], indices[done:])
        if carry is not None and len(carry[2]):
            issues += _gaps(table, *carry, np.zeros(1, dtype=np.int64), len(carry[2]))
    except _Unsorted:
        return None
    return issues


def _gaps(
    table: StoredTable, keys: list[Any], positions: Any, indices: Any, starts: Any, end: int
) -> list[Issue]:
    """The issues of the parents starting at ``starts`` (each running to the next, the
    last to ``end``), their positions ascending; counted in floats as the whole check."""
    import numpy as np

    if not len(starts):
        return []
    ends = np.concatenate((starts[1:], [end]))
    numbers = positions[:end].astype(np.float64)
    new = np.ones(end, dtype=bool)
    new[1:] = numbers[1:] != numbers[:-1]
    new[starts] = True
    distinct = np.add.reduceat(new.astype(np.int64), starts)
    count = ends - starts
    highest = numbers[ends - 1]
    issues = []
    for group in np.flatnonzero((highest != distinct) | (count != distinct)):
        first, last = int(starts[group]), int(ends[group])
        due = np.arange(1, last - first + 1)
        at = int(np.flatnonzero(positions[first:last] != due)[0])
        label = "/".join(str(key[first].as_py()) for key in keys)
        value = int(positions[first + at])
        issues.append(
            Issue(
                "position-gap",
                f"positions under {label} must run 1..{last - first} without gaps; "
                f"found {value} where {at + 1} was due",
                table.name,
                table.row(int(indices[first + at])),
                "position",
                str(value),
            )
        )
    return issues
