"""A Parquet resource's rows in batches of bounded size, for the fast engine
(:mod:`mscdata.validator.tablecheck`), as the text its CSV form holds.

Every part's footer is checked first, and the parts are hashed block by block;
then each part is read row group by row group, in batches of about as many bytes as
a CSV block (:func:`_batch_rows`), each column by its own reader
(which decodes it page by page) and made text
(:func:`mscdata.validator.parquet_files.text_columns`) when the checks come to it.
Parts whose footers or columns differ, or a column that cannot be read or made text
as the footer's types say, are read whole instead (:func:`whole_parquet_source`),
which gives the located reason as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError
from mscdata.validator import csv_batches
from mscdata.validator.csv_batches import RawBatch, Restart
from mscdata.validator.csv_checks import counted_integrity_issues, hash_algorithm, integrity_issues
from mscdata.validator.package_files import open_regular
from mscdata.validator.parquet_files import (
    ParquetData,
    check_footer,
    read_parts,
    text_columns,
)
from mscdata.validator.report import Issue


@dataclass
class ParquetSource:
    """A Parquet resource's labels, issues (integrity, columns of the wrong type) and
    its rows batch by batch."""

    labels: list[str]
    issues: list[Issue]
    batches: Iterator[RawBatch]
    lines: None = None


def _texts(data: ParquetData, resource: dict[str, Any]) -> tuple[list[Any], list[Issue]]:
    """Each label's text column (None: of the wrong type) and the type errors."""
    texts, problems = text_columns(data, resource["schema"]["fields"])
    issues = [
        Issue("type-error", problem, resource["name"], field=label) for label, problem in problems
    ]
    return [texts.get(label) for label in data.labels], issues


def whole_parquet_source(
    name: str, resource: dict[str, Any], files: Sequence[str | Path]
) -> ParquetSource:
    """Every part read whole and joined (PackageError naming the part that fails)."""
    data = read_parts(files)
    blob = data.blobs[0] if len(data.blobs) == 1 else b"".join(data.blobs)
    data.blobs.clear()
    issues = integrity_issues(name, resource, blob)
    del blob
    if not data.labels:
        return ParquetSource([], issues, iter(()))
    raws, problems = _texts(data, resource)
    data.columns.clear()
    batches = csv_batches.batches_of(raws, 2, {}, data.rows)
    return ParquetSource(data.labels, issues + problems, batches)


def parquet_source(
    name: str, resource: dict[str, Any], files: Sequence[str | Path]
) -> ParquetSource:
    """The parts streamed when their footers agree, else read whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    algorithm = hash_algorithm(resource)
    try:
        hasher = hashlib.new(algorithm) if algorithm is not None else None
    except ValueError:
        hasher = None
    size, schema = 0, None
    try:
        for file in files:
            with open_regular(Path(file)) as handle:
                part = 0
                while block := handle.read(csv_batches.BLOCK_BYTES):
                    part += len(block)
                    if hasher is not None:
                        hasher.update(block)
                handle.seek(0)
                metadata = pq.ParquetFile(handle).metadata
            check_footer(metadata, part)
            size += part
            arrow = metadata.schema.to_arrow_schema()
            if schema is not None and not arrow.equals(schema):
                raise PackageError("parts differ")
            schema = arrow
    except (OSError, PackageError, pa.ArrowException, ValueError, IndexError, MemoryError):
        return whole_parquet_source(name, resource, files)
    labels = list(schema.names) if schema is not None else []
    if not labels or len(set(labels)) != len(labels):
        return whole_parquet_source(name, resource, files)

    def digest(_: str) -> str:
        if hasher is None:
            raise ValueError(algorithm)
        return hasher.hexdigest()

    issues = counted_integrity_issues(name, resource, size, digest)
    blank = schema.empty_table()
    empty = ParquetData(labels, {n: blank.column(n).combine_chunks() for n in labels}, 0)
    nothing, problems = _texts(empty, resource)
    batches = _streamed(resource, files, labels, problems, nothing)
    return ParquetSource(labels, issues + problems, batches)


_BROKEN = (OSError, PackageError, ValueError, IndexError, MemoryError)


class _Batch:
    """A batch's columns as text, each taken from its own reader of the row group (the
    Parquet reader decodes a column page by page) only when the checks come to it; None
    for a column of the wrong type. :class:`Restart` when a column cannot be read or
    made text."""

    def __init__(self, readers: dict[str, Any], labels: list[str], fields: list[Any]) -> None:
        self.readers, self.labels, self.fields = readers, labels, fields

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self) -> Iterator[Any]:
        import pyarrow as pa

        for label in self.labels:
            if label not in self.readers:
                yield None
                continue
            try:
                column = next(self.readers[label]).column(0)
                data = ParquetData([label], {label: column}, len(column))
                texts, problems = text_columns(data, self.fields)
            except (*_BROKEN, StopIteration, pa.ArrowException):
                raise Restart from None
            if problems:  # a type the footer's schema did not show
                raise Restart
            yield texts[label]


def _batch_rows(group: Any) -> int:
    """Rows per batch of a row group: about :data:`~mscdata.validator.csv_batches.BLOCK_BYTES`
    of uncompressed data, and at most :data:`~mscdata.validator.csv_batches.BATCH_ROWS`."""
    size = max(group.total_byte_size, 1)
    return max(1, min(csv_batches.BATCH_ROWS, group.num_rows * csv_batches.BLOCK_BYTES // size))


def _streamed(
    resource: dict[str, Any],
    files: Sequence[str | Path],
    labels: list[str],
    problems: list[Issue],
    nothing: list[Any],
) -> Iterator[RawBatch]:
    """Each part's rows row group by row group, in batches, as text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    skipped = {issue.field for issue in problems}
    fields = resource["schema"]["fields"]
    first_row = 2
    for file in files:
        try:
            with open_regular(Path(file)) as handle:
                parquet = pq.ParquetFile(handle)
                for group in range(parquet.metadata.num_row_groups):
                    rows = parquet.metadata.row_group(group).num_rows
                    size = _batch_rows(parquet.metadata.row_group(group))
                    readers = {
                        label: parquet.iter_batches(
                            size, row_groups=[group], columns=[label], use_threads=False
                        )
                        for label in labels
                        if label not in skipped
                    }
                    for start in range(0, rows, size):
                        count = min(size, rows - start)
                        columns = _Batch(readers, labels, fields)
                        yield RawBatch(columns, first_row, {}, count)  # type: ignore[arg-type]
                        first_row += count
        except (*_BROKEN, pa.ArrowException):
            raise Restart from None
    if first_row == 2:  # no rows: the columns' types still checked
        yield RawBatch(nothing, 2, {}, 0)
