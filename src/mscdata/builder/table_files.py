"""A package's table files written from its record store, one pass in article order.

Every table's CSV file is written at once, row by row as the store gives the articles
(:meth:`mscdata.builder.record_store.RecordStore.table_rows`), each file hashed as it is
written; nothing is held but the current article. A Parquet build converts each CSV
file when it is complete, in row groups (:func:`mscdata.builder.parquet_tables.convert`),
and removes it. Either way, each resource's file properties (``path``, ``format``,
``hash``, ``bytes``…) come back for the descriptor.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mscdata.arrow_memory import returning_pool
from mscdata.builder.stored_records import csv_text, table_names
from mscdata.errors import BuildError
from mscdata.progress import Progress

WRITE_ARTICLES = 1_000  # articles whose rows go to the files at once
CONVERTERS = 2  # tables converted to Parquet at once (at most one per core)


class TableFile:
    """One table's CSV file being written, and its digest."""

    def __init__(self, path: Path, header: str) -> None:
        self.path = path
        self.file = path.open("wb", buffering=1 << 20)
        self.digest = hashlib.sha256()
        self.size = 0
        self.add(header.encode("utf-8"))

    def add(self, data: bytes) -> None:
        """Append rows (UTF-8 CSV text)."""
        if data:
            self.digest.update(data)
            self.size += len(data)
            self.file.write(data)

    def close(self) -> dict[str, Any]:
        """Close the file; its properties for the descriptor."""
        self.file.close()
        return {
            "path": self.path.name,
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "hash": "sha256:" + self.digest.hexdigest(),
            "bytes": self.size,
        }


def csv_headers(document: dict[str, Any]) -> dict[str, str]:
    """Each table's header row as CSV text, by name."""
    return {
        resource["name"]: csv_text([[f["name"] for f in resource["schema"]["fields"]]])
        for resource in document["resources"]
    }


def write_csv_tables(
    rows: Iterable[list[bytes]],
    document: dict[str, Any],
    out: Path,
    progress: Progress,
    total: int,
) -> dict[str, dict[str, Any]]:
    """Every table as a CSV file in ``out``: a header row, then each article's rows as
    ``rows`` gives them (:meth:`RecordStore.table_rows`: in article id order); the file
    properties of each, by name."""
    out.mkdir(parents=True, exist_ok=True)
    headers = csv_headers(document)
    names = table_names()
    tables: list[TableFile] = []
    try:
        for name in names:
            tables.append(TableFile(out / f"{name}.csv", headers[name]))
        writers = [table.add for table in tables]
        with progress.task("writing tables", total=total, unit="articles") as task:
            articles: list[list[bytes]] = []
            for texts in rows:
                articles.append(texts)
                if len(articles) == WRITE_ARTICLES:
                    add_articles(writers, articles)
                    task.update(len(articles))
                    articles = []
            add_articles(writers, articles)
            task.update(len(articles))
        return {name: table.close() for name, table in zip(names, tables, strict=True)}
    finally:
        for table in tables:
            table.file.close()


def add_articles(writers: list[Callable[[bytes], Any]], articles: list[list[bytes]]) -> None:
    """Several articles' rows appended to each table (a writer per table, in the Table
    Schema document's order), one write per table."""
    if articles:
        for write, texts in zip(writers, zip(*articles, strict=True), strict=True):
            data = b"".join(texts)
            if data:
                write(data)


def write_tables(
    rows: Iterable[list[bytes]],
    document: dict[str, Any],
    out: Path,
    progress: Progress,
    table_format: str,
    total: int,
) -> dict[str, dict[str, Any]]:
    """The tables of ``rows`` written in ``table_format`` (``csv`` or ``parquet``); their
    properties. (On a Dask cluster: :mod:`mscdata.builder.cluster_tables`.)"""
    layouts = write_csv_tables(rows, document, out, progress, total)
    if table_format != "parquet":
        return layouts
    return with_parquet(layouts, document, out, progress, _converted)


# rewrites the named tables' CSV files in a folder as Parquet (calling ``done`` with each
# table written); their properties: here (_converted) or on a Dask cluster
Converter = Callable[[Path, dict[str, Any], list[str], Callable[[int], None]], dict[str, Any]]


def with_parquet(
    layouts: dict[str, dict[str, Any]],
    document: dict[str, Any],
    out: Path,
    progress: Progress,
    convert: Converter,
) -> dict[str, dict[str, Any]]:
    """The CSV tables of ``layouts`` in ``out`` rewritten as Parquet by ``convert``; the
    properties of every table."""
    fields = {r["name"]: r["schema"]["fields"] for r in document["resources"]}
    with (
        returning_pool(),
        progress.task("writing Parquet", total=len(layouts), unit="tables") as task,
    ):
        layouts.update(convert(out, fields, list(layouts), task.update))
    return layouts


def _converted(
    out: Path, fields: dict[str, Any], names: list[str], done: Callable[[int], None]
) -> dict[str, dict[str, Any]]:
    """Each table's CSV file rewritten as Parquet, :data:`CONVERTERS` tables at a time
    (pyarrow lets go of the interpreter while it parses, encodes and compresses), the
    largest first; each CSV file is removed once its Parquet files are written. A
    failure, or an interrupt, stops every conversion at its next row group and starts
    no other; the first failure is raised."""
    import threading
    from concurrent.futures import ThreadPoolExecutor, as_completed

    import pyarrow as pa

    from mscdata.builder import parquet_tables

    stopping = threading.Event()

    def one(name: str) -> dict[str, Any]:
        if stopping.is_set():
            raise parquet_tables.Stopped(name)
        csv_path = out / f"{name}.csv"
        try:
            made = parquet_tables.convert(csv_path, name, fields[name], out, stop=stopping.is_set)
        except pa.ArrowException as error:  # a row the CSV writer wrote and pyarrow not
            stopping.set()
            raise BuildError(f"{csv_path}: cannot be written as Parquet: {error}") from None
        except BaseException:
            stopping.set()
            raise
        csv_path.unlink()
        return made

    largest_first = sorted(names, key=lambda name: -(out / f"{name}.csv").stat().st_size)
    workers = max(1, min(CONVERTERS, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="mscdata-parquet")
    try:
        futures = {pool.submit(one, name): name for name in largest_first}
        for future in as_completed(futures):
            error = future.exception()
            if isinstance(error, parquet_tables.Stopped):
                continue  # left off for the failure that follows
            if error is not None:
                raise error
            done(1)
    except BaseException:
        stopping.set()  # the running conversions end at their next row group
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    made = {name: future.result() for future, name in futures.items()}
    return {name: made[name] for name in names}
