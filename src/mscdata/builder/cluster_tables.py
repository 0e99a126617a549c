"""A package's tables written by tasks on a Dask cluster, the same bytes as on one machine.

CSV: the package's articles, in id order, are cut into pieces of about
:data:`PIECE_RECORDS` records of the store
(:meth:`~mscdata.builder.record_store.RecordStore.id_bounds`);
a task per piece reads its articles from the build's record store, opened read only
(:func:`~mscdata.builder.record_store.rows_between`), and writes one file per table of
their rows; the client writes each table's header and joins its pieces in order,
hashing as it copies. Parquet: a task per table rewrites its CSV file as Parquet
(:func:`converted_on_cluster`). The workers must share the build's staging folder.
"""

from __future__ import annotations

import functools
import itertools
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mscdata.builder.record_store import RecordStore
from mscdata.builder.stored_records import table_names
from mscdata.builder.table_files import (
    WRITE_ARTICLES,
    TableFile,
    add_articles,
    csv_headers,
    with_parquet,
)
from mscdata.dask_cluster import task_result
from mscdata.errors import BuildError
from mscdata.progress import Progress

PIECE_RECORDS = 100_000  # records of the store per task writing CSV text


def write_tables_on_cluster(
    client: Any,
    store: RecordStore,
    document: dict[str, Any],
    out: Path,
    progress: Progress,
    table_format: str,
    total: int,
) -> dict[str, dict[str, Any]]:
    """The tables of ``store`` written in ``table_format`` (``csv`` or ``parquet``) by
    tasks on the cluster of ``client``, as
    :func:`~mscdata.builder.table_files.write_tables` writes them; their properties."""
    layouts = write_csv_on_cluster(client, store, document, out, progress, total)
    if table_format != "parquet":
        return layouts
    convert = functools.partial(converted_on_cluster, client)
    return with_parquet(layouts, document, out, progress, convert)


def write_csv_on_cluster(
    client: Any,
    store: RecordStore,
    document: dict[str, Any],
    out: Path,
    progress: Progress,
    total: int,
) -> dict[str, dict[str, Any]]:
    """Every table as a CSV file in ``out``, as
    :func:`~mscdata.builder.table_files.write_csv_tables` writes it from
    ``store.table_rows()``, its pieces written by tasks on the cluster of ``client``;
    the file properties of each, by name."""
    out = out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    job = uuid.uuid4().hex[:12]
    pieces = store.path.parent.absolute() / f"pieces-{job}"
    pieces.mkdir()
    bounds: list[str | None] = [None, *store.id_bounds(PIECE_RECORDS), None]
    store.flush()  # what the tasks read, on disk for every host
    names = table_names()
    headers = csv_headers(document)
    futures: list[Any] = []
    tables: list[TableFile] = []
    try:
        for number, (first, end) in enumerate(itertools.pairwise(bounds)):
            futures.append(
                client.submit(
                    _piece_task,
                    store.path.absolute(),
                    first,
                    end,
                    pieces,
                    key=f"mscdata-csv-{job}-{number}",
                    pure=False,
                )
            )
        for name in names:
            tables.append(TableFile(out / f"{name}.csv", headers[name]))
        with progress.task("writing tables", total=total, unit="articles") as task:
            for number, future in enumerate(futures):
                articles, piece = task_result(future, f"writing the CSV text of piece {number}")
                for name, table in zip(names, tables, strict=True):
                    _append(table, piece / f"{name}.csv")
                shutil.rmtree(piece)  # joined: the staging folder holds each row once
                task.update(articles)
        return {name: table.close() for name, table in zip(names, tables, strict=True)}
    finally:
        for table in tables:
            table.file.close()
        client.cancel([future for future in futures if not future.done()])
        shutil.rmtree(pieces, ignore_errors=True)


def _append(table: TableFile, piece: Path) -> None:
    """A piece's rows appended to its table's file."""
    try:
        with piece.open("rb") as file:
            while chunk := file.read(1 << 20):
                table.add(chunk)
    except FileNotFoundError:
        raise BuildError(f"{piece}: the piece a Dask task wrote is gone") from None


def _piece_task(store: Path, first: str | None, end: str | None, pieces: Path) -> tuple[int, Path]:
    """What a task writing CSV text runs: the rows of the articles from id ``first`` up
    to ``end`` written into a folder of its own in ``pieces`` (a run of its own: a task
    run twice never writes into the other run's files), a file per table; returns how
    many articles, and the folder."""
    from mscdata.builder.record_store import rows_between

    names = table_names()
    folder = pieces / f"piece-{uuid.uuid4().hex}"
    folder.mkdir()  # never its parents: a build that stopped has removed them
    files: list[Any] = []
    count = 0
    try:
        for name in names:
            files.append((folder / f"{name}.csv").open("wb", buffering=1 << 20))
        writers = [file.write for file in files]
        articles: list[list[bytes]] = []
        for texts in rows_between(store, first, end):
            articles.append(texts)
            if len(articles) == WRITE_ARTICLES:
                add_articles(writers, articles)
                count += len(articles)
                articles = []
        add_articles(writers, articles)
        count += len(articles)
    finally:
        for file in files:
            file.close()
    return count, folder


def converted_on_cluster(
    client: Any, out: Path, fields: dict[str, Any], names: list[str], done: Callable[[int], None]
) -> dict[str, dict[str, Any]]:
    """Each table's CSV file rewritten as Parquet by a task on the Dask cluster of
    ``client``, the largest first: the workers read the CSV file from ``out`` and write
    the Parquet files there (a folder they share), the same bytes as the build on one
    machine writes. Each CSV file is removed once its Parquet files are written; the
    first failure cancels the tasks not yet done and is raised."""
    build = uuid.uuid4().hex[:12]
    out = out.absolute()
    largest_first = sorted(names, key=lambda name: -(out / f"{name}.csv").stat().st_size)
    futures = {
        client.submit(
            _convert_task,
            out / f"{name}.csv",
            name,
            fields[name],
            out,
            key=f"mscdata-parquet-{build}-{name}",
            pure=False,
        ): name
        for name in largest_first
    }
    made: dict[str, dict[str, Any]] = {}
    try:
        for future, name in futures.items():  # the largest, first submitted, first
            made[name] = task_result(future, f"{out / name}.csv: writing it as Parquet")
            (out / f"{name}.csv").unlink()
            done(1)
    finally:
        client.cancel([future for future in futures if not future.done()])
    return {name: made[name] for name in names}


def _convert_task(csv_path: Path, name: str, fields: Any, out: Path) -> dict[str, Any]:
    """What a Dask task runs: one table's Parquet files written (a row the CSV writer wrote
    and pyarrow not: a BuildError naming the file)."""
    import pyarrow as pa

    from mscdata.builder import parquet_tables

    try:
        return parquet_tables.convert(csv_path, name, fields, out)
    except pa.ArrowException as error:
        raise BuildError(f"{csv_path}: cannot be written as Parquet: {error}") from None
