"""Articles as table rows and back: :func:`flatten` and :func:`nest`, side by side.

Both take and give *article data*, the one shape a record has between the models and
the tables: a plain dict as ``Article.model_dump()`` gives it (see :mod:`mscdata.parsers.records`).
The tables and their columns come from the Table Schema document, one rule for each
direction:

* a resource's ``path`` is the list of slots leading from an article to its rows
  (``[]`` for ``articles``, ``["authors", "affiliations"]`` for ``affiliations``);
* its primary key is the parent row's key (``article_id``, ``author_position``)
  followed by the row's own ``position``; the other fields are the row's slots.

``abstract`` is the one slot that is not a column: it is derived from the main
abstract's sections (:func:`mscdata.parsers.records.join_abstract`), and :func:`nest` derives it
again. Cells (CSV text) are written by :func:`cells` and read by
:mod:`mscdata.validator.csv_tables`; list cells are joined with
:data:`mscdata.tableschema.LIST_DELIMITER`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mscdata.errors import BuildError
from mscdata.tableschema import LIST_DELIMITER

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class _Table:
    """One resource of the document, as flatten and nest need it."""

    name: str
    path: tuple[str, ...]  # slots from the article to the rows
    parent_keys: tuple[str, ...]  # key columns naming the parent row
    own: tuple[str, ...]  # the row's own slots, position first for child rows
    key: tuple[str, ...]  # the primary key


@functools.cache
def _tables() -> tuple[_Table, ...]:
    from mscdata.resources import shared_table_schemas

    tables = []
    for resource in shared_table_schemas()["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        key = tuple(resource["schema"]["primaryKey"])
        parent_keys = key[:-1] if resource["path"] else ()
        tables.append(
            _Table(
                resource["name"],
                tuple(resource["path"]),
                parent_keys,
                tuple(names[len(parent_keys) :]),
                key,
            )
        )
    return tuple(tables)


def _items(article: dict[str, Any], path: tuple[str, ...]) -> list[tuple[tuple, dict]]:
    """Each row at ``path`` below an article, with the key of its parent row."""
    level: list[tuple[tuple, dict]] = [((article["id"],), article)]
    for depth, slot in enumerate(path):
        level = [
            ((*keys, parent["position"]) if depth else keys, child)
            for keys, parent in level
            for child in parent.get(slot) or []
        ]
    return level


def _table_items(article: dict[str, Any], table: _Table) -> list[tuple[tuple, dict]]:
    """The items of one table's rows, each with its parent's key (the article itself,
    with no key, for the ``articles`` table)."""
    return _items(article, table.path) if table.path else [((), article)]


def flatten(article: dict[str, Any]) -> Rows:
    """One article's rows of every table, each a dict of column name to value."""
    tables: Rows = {}
    for table in _tables():
        rows = []
        for keys, item in _table_items(article, table):
            row = dict(zip(table.parent_keys, keys, strict=True))
            row.update({name: item.get(name) for name in table.own})
            rows.append(row)
        tables[table.name] = rows
    return tables


def nest(tables: dict[str, Iterable[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of every table nested back into article data, one per ``articles`` row.

    Children are attached to their parent row by key, in position order; rows whose
    parent is missing are left out (validation reports them as foreign-key errors), and
    so are empty cells (None) and columns that are not mscdata's.
    """
    from mscdata.parsers.records import join_abstract

    store: dict[str, dict[tuple, dict[str, Any]]] = {}
    for table in _tables():
        # columns a package adds to mscdata's (validate accepts them) are not the models'
        known = set(table.own)
        store[table.name] = {
            tuple(row[k] for k in table.key): {
                k: v for k, v in row.items() if v is not None and k in known
            }
            for row in tables.get(table.name, [])
        }
    by_path = {table.path: table.name for table in _tables()}
    for table in sorted(_tables(), key=lambda t: -len(t.path)):
        if not table.path:
            continue
        parent = store[by_path[table.path[:-1]]]
        slot = table.path[-1]
        for item in parent.values():
            item.setdefault(slot, [])
        for key, item in sorted(store[table.name].items(), key=lambda kv: kv[0][-1]):
            if key[:-1] in parent:
                parent[key[:-1]][slot].append(item)
    articles = list(store[_tables()[0].name].values())
    for article in articles:
        # a section without text is refused by the models, after this
        sections = [s for s in article.get("abstract_sections", []) if "text" in s]
        article["abstract"] = join_abstract(sections)
    return articles


def _cell(value: Any, column: str, table: str, article_id: str) -> str:
    """A value as CSV text: lists joined, booleans as ``true``/``false``, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [str(v) for v in value]
        if any(LIST_DELIMITER in item for item in items):
            raise BuildError(
                f"{article_id}: {table}: a {column} item holds the list delimiter "
                f"{LIST_DELIMITER!r}: {items}"
            )
        return LIST_DELIMITER.join(items)
    if hasattr(value, "value"):  # an Enum
        value = value.value
    return str(value)


def cells(article: dict[str, Any]) -> dict[str, list[list[str]]]:
    """One article's rows of every table as CSV cells, in the schema's column order: the
    rows of :func:`flatten`, made without building its dicts (a build makes millions)."""
    article_id = article["id"]
    tables: dict[str, list[list[str]]] = {}
    for table in _tables():
        rows = []
        for keys, item in _table_items(article, table):
            row = [str(key) for key in keys]
            add, get = row.append, item.get
            for column in table.own:
                value = get(column)
                kind = value.__class__
                if kind is str:
                    add(value)
                elif value is None:
                    add("")
                elif kind is int:
                    add(str(value))
                else:
                    add(_cell(value, column, table.name, article_id))
            rows.append(row)
        tables[table.name] = rows
    return tables
