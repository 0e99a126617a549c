"""One article as a build stores it: its table rows as CSV text, with what the update
stream and the merge of formats need to know about it without reading them.

:func:`stored_form` runs where the article is made (in worker processes, for bulk files:
it is the ``apply`` a build passes to :func:`mscdata.iter_events`), so the main process
only files the result away (:mod:`mscdata.builder.record_store`). :func:`record_data` reads
the rows back into article data, for the rare article that is merged from several
sources.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from typing import Any, NamedTuple

from mscdata.builder.article_rows import cells


class StoredRecord(NamedTuple):
    """An article's rows and the facts about it the store is keyed by."""

    article_id: str
    pmid: str | None
    keys: tuple[str, ...]  # the identifiers records are matched by (merge.keys_of)
    stream_pmid: str | None  # the PMID it has in PubMed's update stream, if a stream record
    version: int | None  # its PMID version, when it states one
    content: bytes  # digest of every table's rows but its provenance: equal content, equal digest
    rows: bytes  # each table's rows as CSV text, in the Table Schema document's order (packed)

    def table_rows(self, table: str) -> list[dict[str, str]]:
        """The article's rows of one of the package's tables (``articles``, ``authors``
        …) as its CSV file holds them: each row a dict of column name to text ("" where
        empty). ValueError for a table the package does not have."""
        names = table_names()
        if table not in names:
            raise ValueError(f"no table {table!r}; the tables are: {', '.join(names)}")
        text = unpack(self.rows)[names.index(table)].decode("utf-8")
        return [
            dict(zip(_columns(table), row, strict=True))
            for row in csv.reader(io.StringIO(text, newline=""))
        ]


@functools.cache
def table_names() -> tuple[str, ...]:
    """The tables in the order of the Table Schema document (and of :attr:`StoredRecord.rows`)."""
    from mscdata.resources import table_schemas

    return tuple(resource["name"] for resource in table_schemas()["resources"])


@functools.cache
def _columns(table: str) -> tuple[str, ...]:
    """The column names of a table, from its Table Schema."""
    from mscdata.resources import table_schemas

    [schema] = [r["schema"] for r in table_schemas()["resources"] if r["name"] == table]
    return tuple(field["name"] for field in schema["fields"])


@functools.cache
def _provenance_index() -> int:
    return table_names().index("provenance")


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text, as the build writes its files (``\\n`` line ends, minimal quoting)."""
    return "".join(table_texts({"rows": rows}, ("rows",)))


class _Lines(list):
    """The lines a ``csv.writer`` writes, kept as a list."""

    write = list.append


def table_texts(tables: dict[str, list[list[str]]], names: tuple[str, ...]) -> list[str]:
    """Each named table's rows as CSV text (one writer for all of them)."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\n")
    texts = []
    for name in names:
        rows = tables[name]
        if not rows:
            texts.append("")
            continue
        start = len(lines)
        writer.writerows(rows)
        texts.append("".join(lines[start:]))
    return texts


def stored_form(article: Any, topic: str | None = None) -> StoredRecord | None:
    """An Article model as the store keeps it; None when ``topic`` (a topic name or file)
    is given and the article is not on it."""
    from mscdata.builder.article_facts import with_facts
    from mscdata.builder.merge import keys_of
    from mscdata.builder.update_stream import stream_pmid, version_of

    if topic is not None:
        from mscdata.topics import load_topic

        if not load_topic(topic).matches(article):
            return None
    data = with_facts(article)
    return stored_data(data, stream_pmid(data), version_of(data), tuple(keys_of(data)))


def stored_data(
    data: dict[str, Any],
    stream_pmid: str | None,
    version: int | None,
    keys: tuple[str, ...],
) -> StoredRecord:
    """Article data (``Article.model_dump()``) as the store keeps it."""
    texts = [text.encode("utf-8") for text in table_texts(cells(data), table_names())]
    digest = hashlib.sha256()
    skipped = _provenance_index()
    for index, text in enumerate(texts):
        if index != skipped:
            digest.update(text)
            digest.update(b"\x00")
    return StoredRecord(
        data["id"],
        data.get("pmid") or None,
        keys,
        stream_pmid,
        version,
        digest.digest(),
        pack(texts),
    )


def pack(texts: list[bytes]) -> bytes:
    """Each table's rows (UTF-8 CSV text) as one value: a line of their lengths, then
    the texts one after the other (read back by :func:`unpack` without any decoding)."""
    return b" ".join(b"%d" % len(text) for text in texts) + b"\n" + b"".join(texts)


def unpack(rows: bytes) -> list[bytes]:
    """Each table's rows (UTF-8 CSV text) of a value :func:`pack` made."""
    lengths, body = rows.split(b"\n", 1)
    texts, start = [], 0
    for length in map(int, lengths.split()):
        texts.append(body[start : start + length])
        start += length
    return texts


def record_data(rows: bytes) -> dict[str, Any]:
    """The article data of a stored record's rows (:attr:`StoredRecord.rows`): the rows
    typed by their Table Schemas, nested, and validated into the article again."""
    from mscdata.builder.article_rows import nest
    from mscdata.models import Article
    from mscdata.resources import table_schemas
    from mscdata.validator.csv_tables import convert

    typed: dict[str, list[dict[str, Any]]] = {}
    resources = table_schemas()["resources"]
    for resource, text in zip(resources, unpack(rows), strict=True):
        schema = resource["schema"]
        missing = schema.get("missingValues", [""])
        fields = [
            {**spec, "missingValues": spec.get("missingValues", missing)}
            for spec in schema["fields"]
        ]
        typed[resource["name"]] = [
            {spec["name"]: convert(cell, spec) for spec, cell in zip(fields, row, strict=True)}
            for row in csv.reader(io.StringIO(text.decode("utf-8")))
        ]
    [data] = nest(typed)
    return Article.model_validate(data).model_dump()
