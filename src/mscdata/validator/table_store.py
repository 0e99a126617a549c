"""A checked table's typed key columns, kept in a temporary file batch by batch.

The fast engine (:mod:`mscdata.validator.tablecheck`) types each batch of a table,
reports its cells' errors, and appends the typed columns the key and semantic checks
read to an Arrow IPC file here. Those checks then read them back batch by batch when
the table is sorted on the columns they compare (every table mscdata builds is sorted
by its primary key: :mod:`mscdata.validator.sorted_keys`), or whole, as a
:class:`~mscdata.validator.tablecheck.CheckedTable`, when it is not.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.validator.csv_batches import Lines

_COMPRESSION = "lz4"  # sorted ids shrink several times, at little cost


@dataclass
class CheckedTable:
    """Columns of a table held whole (pyarrow arrays, a cell that is missing or of the
    wrong type null) and the row number of every row: what the checks of unsorted
    tables read."""

    name: str
    columns: dict[str, Any]  # field name -> pyarrow Array
    row_numbers: Any  # numpy int64 array, one per row
    schema: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def row(self, index: int) -> int:
        return int(self.row_numbers[index])


@dataclass
class StoredTable:
    """One resource checked: its row count, the line each row starts on (None for
    Parquet), and its typed key columns in ``path``."""

    name: str
    schema: dict[str, Any] = field(repr=False)
    path: Path
    rows: int = 0
    lines: Lines | None = None
    types: dict[str, Any] = field(default_factory=dict)  # column name -> pyarrow type
    _writer: Any = field(default=None, repr=False)
    _sorted: dict[tuple, Any] = field(default_factory=dict, repr=False)
    _cleanup: Any = field(default=None, repr=False, compare=False)

    @property
    def columns(self) -> dict[str, Any]:
        """The names of the columns kept (their types)."""
        return self.types

    def write(self, columns: dict[str, Any], rows: int) -> None:
        """Append a batch's typed columns (``rows`` rows)."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        self.rows += rows
        if not columns:
            return
        batch = pa.record_batch(list(columns.values()), names=list(columns))
        if self._writer is None:
            self.types = {name: batch.schema.field(name).type for name in columns}
            options = ipc.IpcWriteOptions(compression=_COMPRESSION)
            self._writer = ipc.new_file(str(self.path), batch.schema, options=options)
        self._writer.write_batch(batch)

    def __post_init__(self) -> None:
        self._cleanup = weakref.finalize(self, _remove, self.path)

    def __getstate__(self) -> dict[str, Any]:
        # sent to another process (a Dask worker, or back from one) closed, without its
        # cached scans, and not owning its file: the process that made the table removes
        # it, or whoever gave the folder (see :meth:`keep_file`)
        state = dict(self.__dict__)
        state.update(_writer=None, _sorted={}, _cleanup=None)
        return state

    def keep_file(self) -> None:
        """Leave the key file in place when this object goes (another process reads it,
        and the folder is removed by whoever made it)."""
        if self._cleanup is not None:
            self._cleanup.detach()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def line(self, row: int) -> int | None:
        """The line a row starts on (the header is line 1), None for no such row."""
        return self.lines.line(row) if self.lines is not None else None

    def row(self, index: int) -> int:
        return index + 2

    def batches(self, names: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index of the first row, columns by name) of every batch, in row order."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        if not self.types:
            return
        with pa.OSFile(str(self.path)) as source:
            reader = ipc.open_file(source)
            first = 0
            for number in range(reader.num_record_batches):
                batch = reader.get_batch(number)
                yield first, {name: batch.column(name) for name in names}
                first += batch.num_rows

    def whole(self, names: list[str]) -> Any:
        """The columns ``names`` whole, as the checks of unsorted tables read them."""
        import numpy as np
        import pyarrow as pa

        names = [name for name in dict.fromkeys(names) if name in self.types]
        parts: dict[str, list[Any]] = {name: [] for name in names}
        for _, columns in self.batches(names):
            for name in names:
                parts[name].append(columns[name])
        columns = {
            name: pa.chunked_array(chunks, self.types[name]).combine_chunks()
            for name, chunks in parts.items()
        }
        numbers = np.arange(2, self.rows + 2, dtype=np.int64)
        return CheckedTable(self.name, columns, numbers, self.schema)

    def sorted_cache(self) -> dict[tuple, Any]:
        """Results of :mod:`mscdata.validator.sorted_keys` scans, by columns."""
        return self._sorted


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
