"""A build's records on disk: PubMed's update stream applied in an SQLite file, the same
article from several formats merged there, the tables written from it in article order.

A build's memory so stays flat however many records it reads: each record is filed
away as its table rows (:class:`mscdata.builder.stored_records.StoredRecord`) the
moment it is read, and the tables are written by one pass over the store in article id
order. The rules are those of :mod:`mscdata.builder.update_stream` (whose in-memory
:class:`~mscdata.builder.update_stream.AppliedRecords` this must agree with, record for
record): each record has a *slot*, its place in reading order; a later stream record
of a PMID takes the slot of the one it replaces; a deletion empties the slots of its
PMID. The store keeps the package's own state for :func:`mscdata.update` (it lives in
the package folder, :data:`STORE_PATH`, a hidden file that releases leave out): the
slots, the stream's counts, and the last PubMed file applied.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import Any

from mscdata.builder.stored_records import StoredRecord, unpack
from mscdata.builder.update_stream import Change, StreamCounts, arrival_over, deletion
from mscdata.errors import BuildError

STORE_PATH = PurePath(".mscdata", "store.sqlite")  # inside a package folder
# the layout of the tables below and of a record's rows: change it with either (a store
# of another layout, or written for other Table Schemas, is refused: rebuild the package)
STORE_FORMAT = "3"
FILE_SHIFT = 32  # a record's slot: its file's number in the high bits, its place in the low


def slot_of(file: int, position: int) -> int:
    """The slot of the record at ``position`` (counted from 0 among the file's events)
    of the ``file``-th file the store has been given: slots follow reading order,
    whichever process applies the record."""
    return (file << FILE_SHIFT) | position


_LAYOUT = """
CREATE TABLE records (
    slot INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    pmid TEXT,
    stream_pmid TEXT UNIQUE,
    version INTEGER,
    content BLOB NOT NULL,
    rows BLOB NOT NULL
);
CREATE INDEX records_by_pmid ON records (pmid);
CREATE INDEX records_by_article ON records (article_id, slot);
CREATE TABLE record_keys (key TEXT NOT NULL, slot INTEGER NOT NULL, PRIMARY KEY (key, slot))
    WITHOUT ROWID;
CREATE INDEX record_keys_by_slot ON record_keys (slot);
CREATE TABLE merged (article_id TEXT NOT NULL, first_slot INTEGER NOT NULL, rows BLOB NOT NULL);
CREATE TABLE grouped (slot INTEGER PRIMARY KEY);
CREATE TABLE facts (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


# merged articles by id: a Dask build's tasks each read a range of them
_MERGED_BY_ARTICLE = (
    "CREATE INDEX IF NOT EXISTS merged_by_article ON merged (article_id, first_slot)"
)


class RecordStore:
    """The records of a package, applied in order (see the module's docstring)."""

    def __init__(self, path: Path, *, create: bool = False, named: Path | None = None) -> None:
        self.path = path
        self.named = named or path  # the file errors name (a copy's original)
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                path.unlink()
        elif not path.is_file():
            raise BuildError(f"{self.named}: no record store here")
        self._db = sqlite3.connect(path, isolation_level=None)
        try:
            self._open(create)
        except BaseException:
            self._db.close()
            raise
        self.counts = StreamCounts()  # what was applied through this object
        self.deleted: list[str] = []  # the PMIDs a deletion removed, in order
        # the slots given a record through this object, and the merged articles as they
        # were when it was opened: what changed since (see changed_rows)
        self._db.execute("CREATE TEMP TABLE touched (slot INTEGER PRIMARY KEY)")
        self._db.execute("CREATE TEMP TABLE was_grouped AS SELECT slot FROM grouped")
        self._db.execute("CREATE TEMP TABLE was_merged AS SELECT article_id, rows FROM merged")
        self._db.execute("BEGIN")

    def _open(self, create: bool) -> None:
        """Set the connection up; make the tables, or check they are of this layout and
        were written for these Table Schemas (a record's rows are CSV text in them)."""
        # the store is written in a staging folder thrown away when the build fails
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -32768")  # 32 MiB of pages, whatever the size
        self._db.execute("PRAGMA temp_store = FILE")
        if create:
            from mscdata.version import __version__

            self._db.executescript(_LAYOUT)
            self._db.execute(_MERGED_BY_ARTICLE)
            self.set_fact("format", STORE_FORMAT)
            self.set_fact("tables", _tables_digest())
            self.set_fact("written_by", f"mscdata {__version__}")
        elif self.fact("format") != STORE_FORMAT:
            raise BuildError(f"{self.named}: a record store of another layout; rebuild the package")
        elif self.fact("tables") != _tables_digest():
            raise BuildError(
                f"{self.named}: a record store written for other tables (by "
                f"{self.fact('written_by') or 'another mscdata'}); rebuild the package"
            )
        else:  # a store of this layout written before the index was
            self._db.execute(_MERGED_BY_ARTICLE)

    # --- facts about the package ---------------------------------------------------

    def fact(self, name: str) -> str | None:
        """A fact the store keeps (its format, the last PubMed file, the counts)."""
        found = self._db.execute("SELECT value FROM facts WHERE name = ?", (name,)).fetchone()
        return found[0] if found else None

    def set_fact(self, name: str, value: str) -> None:
        """Keep a fact (replacing what the store held under its name)."""
        self._db.execute("INSERT OR REPLACE INTO facts VALUES (?, ?)", (name, value))

    def keep_package_facts(
        self, sources: list[dict[str, str]], stream: dict[str, int], table_format: str
    ) -> None:
        """Keep what the package's descriptor says of its making: the sources listed,
        the stream's counts (``mscdata.pubmedStream``) and the table format."""
        self.set_fact("sources", json.dumps(sources))
        self.set_fact("stream", json.dumps(stream))
        self.set_fact("table_format", table_format)

    def package_facts(self) -> tuple[list[dict[str, str]], StreamCounts, str]:
        """(sources listed, stream counts, table format) of :meth:`keep_package_facts`."""
        try:
            sources = json.loads(self.fact("sources") or "[]")
            stream = json.loads(self.fact("stream") or "{}")
        except ValueError as error:
            raise BuildError(
                f"{self.named}: the record store's facts are damaged ({error})"
            ) from None
        table_format = self.fact("table_format") or "csv"
        well_formed = (
            isinstance(sources, list)
            and all(
                isinstance(source, dict) and all(isinstance(v, str) for v in source.values())
                for source in sources
            )
            and isinstance(stream, dict)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in stream.values())
            and table_format in ("csv", "parquet")
        )
        if not well_formed:
            raise BuildError(
                f"{self.named}: the record store's facts are damaged (sources, stream counts "
                "or table format of the wrong shape); rebuild the package"
            )
        return sources, StreamCounts.from_descriptor(stream), table_format

    # --- applying records ----------------------------------------------------------

    def add(self, record: StoredRecord, slot: int | None = None) -> Change | None:
        """Apply one record (``slot``: its place in reading order, see :func:`slot_of`;
        default: after every record held, for a store given no slots at all); its change
        when it is a stream record."""
        if record.stream_pmid is None:
            self._insert(record, slot)
            return None
        held = self._db.execute(
            "SELECT slot, version, content FROM records WHERE stream_pmid = ?",
            (record.stream_pmid,),
        ).fetchone()
        if held is None:
            change = Change.NEW
        else:
            change = arrival_over(held[1], record.version, held[2] == record.content)
        self.counts.add(change)
        if change is Change.NEW:
            self._insert(record, slot)
        elif change is Change.REPLACED:
            self._db.execute("DELETE FROM record_keys WHERE slot = ?", (held[0],))
            self._insert(record, slot=held[0])
        return change

    def delete(self, pmid: str) -> Change:
        """Apply a ``DeleteCitation`` of ``pmid``: every record of it goes."""
        slots = [
            row[0] for row in self._db.execute("SELECT slot FROM records WHERE pmid = ?", (pmid,))
        ]
        for slot in slots:
            self._db.execute("DELETE FROM records WHERE slot = ?", (slot,))
            self._db.execute("DELETE FROM record_keys WHERE slot = ?", (slot,))
        change = deletion(bool(slots))
        self.counts.add(change)
        if slots:
            self.deleted.append(pmid)
        return change

    def _insert(self, record: StoredRecord, slot: int | None = None) -> None:
        cursor = self._db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                slot,
                record.article_id,
                record.pmid,
                record.stream_pmid,
                record.version,
                record.content,
                record.rows,
            ),
        )
        slot = cursor.lastrowid if slot is None else slot
        self._db.execute("INSERT OR IGNORE INTO touched VALUES (?)", (slot,))
        self._db.executemany(
            "INSERT OR IGNORE INTO record_keys VALUES (?, ?)", ((key, slot) for key in record.keys)
        )

    def first_file(self) -> int:
        """The number the first file applied now has in :func:`slot_of`: after every file
        whose records the store holds."""
        held = self._db.execute("SELECT max(slot) FROM records").fetchone()[0]
        return 0 if held is None else (held >> FILE_SHIFT) + 1

    def absorb(self, paths: Iterable[Path]) -> None:
        """Take in the records of other stores (a Dask build's shards, each holding the
        records of its PMIDs, applied with :func:`slot_of` slots that no two share), as
        if they had been applied here, into a store that held none of their PMIDs."""
        self._db.execute("COMMIT")  # SQLite attaches a file outside a transaction only
        try:
            for path in paths:
                self._db.execute("ATTACH DATABASE ? AS shard", (str(path),))
                try:
                    self._db.execute("BEGIN")
                    self._db.execute("INSERT INTO records SELECT * FROM shard.records")
                    self._db.execute("INSERT INTO record_keys SELECT * FROM shard.record_keys")
                    self._db.execute("INSERT OR IGNORE INTO touched SELECT slot FROM shard.records")
                    self._db.execute("COMMIT")
                finally:
                    if self._db.in_transaction:  # a failed copy: nothing of it is kept
                        self._db.execute("ROLLBACK")
                    self._db.execute("DETACH DATABASE shard")
        finally:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")

    # --- merging formats and reading out -------------------------------------------

    def merge_formats(self) -> tuple[int, list[Any]]:
        """Merge the records that are one article read from several formats (see
        :func:`mscdata.builder.merge.group_by_identity`): (articles merged, conflicts).

        Only records sharing an identifier with another can be merged, so only those are
        read back into article data and grouped, in slot order as the in-memory build
        groups every record. They are held in memory while grouped: a build pairing
        most of its PubMed records with PMC JATS or pages holds that many."""
        from mscdata.builder.merge import group_by_identity, merge_records
        from mscdata.builder.stored_records import record_data, stored_data
        from mscdata.models import Article

        self._db.execute("DELETE FROM merged")
        self._db.execute("DELETE FROM grouped")
        shared = self._db.execute(
            "SELECT slot, rows FROM records WHERE slot IN (SELECT slot FROM record_keys WHERE key"
            " IN (SELECT key FROM record_keys GROUP BY key HAVING count(*) > 1)) ORDER BY slot"
        ).fetchall()
        records, slot_of = [], {}
        for slot, rows in shared:
            data = record_data(rows)
            slot_of[id(data)] = slot
            records.append(data)
        merged, conflicts = 0, []
        for group in group_by_identity(records):
            if len(group) == 1:
                continue
            data, found = merge_records(group)
            data = Article.model_validate(data).model_dump()
            merged += 1
            conflicts += found
            slots = [slot_of[id(member)] for member in group]
            stored = stored_data(data, None, None, ())
            self._db.execute(
                "INSERT INTO merged VALUES (?, ?, ?)", (stored.article_id, slots[0], stored.rows)
            )
            self._db.executemany("INSERT INTO grouped VALUES (?)", ((s,) for s in slots))
        self._db.execute(  # a record no longer merged with others is written as it is
            "INSERT OR IGNORE INTO touched SELECT slot FROM was_grouped"
            " WHERE slot NOT IN (SELECT slot FROM grouped)"
        )
        return merged, conflicts

    def articles(self) -> int:
        """How many articles the tables will hold (after :meth:`merge_formats`)."""
        query = f"SELECT count(DISTINCT article_id) FROM ({_OUTPUT})"
        return self._db.execute(query).fetchone()[0]

    def table_rows(self) -> Iterator[list[bytes]]:
        """Each article's rows (UTF-8 CSV text per table, in the Table Schema document's
        order), in article id order; of two articles with one id, the later read (as a
        build in memory keeps them by id)."""
        return _one_per_id(self._db.execute(f"{_OUTPUT} ORDER BY article_id, slot"))

    def id_bounds(self, per_piece: int) -> list[str]:
        """Article ids that cut the package's articles (in id order) into pieces of about
        ``per_piece`` records each: the first id of every piece but the first (see
        :func:`rows_between`)."""
        query = (
            "SELECT article_id FROM (SELECT article_id, row_number() OVER (ORDER BY article_id)"
            " AS n FROM records) WHERE n % ? = 1 AND n > 1"
        )
        found = [row[0] for row in self._db.execute(query, (per_piece,))]
        return sorted(set(found))

    def changed_rows(self) -> Iterator[list[bytes]]:
        """The rows, as :meth:`table_rows` gives them, of the articles whose rows changed
        since the store was opened: records applied since, records a merge no longer
        holds, and merged articles that are not as they were."""
        return _one_per_id(self._db.execute(f"{_CHANGED} ORDER BY article_id, slot"))

    def changed_articles(self) -> int:
        """How many articles :meth:`changed_rows` gives."""
        return self._db.execute(f"SELECT count(DISTINCT article_id) FROM ({_CHANGED})").fetchone()[
            0
        ]

    def commit(self) -> None:
        """Make what was applied permanent."""
        self._db.execute("COMMIT")
        self._db.execute("BEGIN")

    def flush(self) -> None:
        """Commit, and put the file on disk (the store writes without syncing): for
        readers on other hosts of a shared filesystem (a Dask build's tasks)."""
        import os

        self.commit()
        with self.path.open("rb") as file:
            os.fsync(file.fileno())

    def close(self) -> None:
        """Close the file. Without a journal, what was applied since the last commit is in
        no defined state: builds and updates keep their store in a staging folder that
        is thrown away when they fail."""
        self._db.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """SQLite's errors (a damaged store, a full disk) as one located BuildError."""
    try:
        yield
    except sqlite3.Error as error:
        raise BuildError(f"{path}: the record store cannot be used: {error}") from None


def _tables_digest() -> str:
    """A digest of the Table Schema document, which a store's rows are written in."""
    import hashlib

    from mscdata.resources import table_schemas

    document = json.dumps(table_schemas(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def rows_between(path: Path, first: str | None, end: str | None) -> Iterator[list[bytes]]:
    """The rows, as :meth:`RecordStore.table_rows` gives them, of the articles whose id is
    from ``first`` (None: the lowest) up to, not including, ``end`` (None: the highest),
    read from the store at ``path`` opened read only (by a Dask task, while the build
    that wrote it waits)."""
    bounds, values = [], []
    if first is not None:
        bounds.append("article_id >= ?")
        values.append(first)
    if end is not None:
        bounds.append("article_id < ?")
        values.append(end)
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    query = f"SELECT * FROM ({_OUTPUT}){where} ORDER BY article_id, slot"
    db = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    try:
        yield from _one_per_id(db.execute(query, values))
    finally:
        db.close()


def _one_per_id(rows: Iterable[tuple[str, int, bytes]]) -> Iterator[list[bytes]]:
    """The unpacked rows of (article id, slot, packed rows) in id order, the last of
    each id."""
    previous: tuple[str, bytes] | None = None
    for article_id, _slot, packed in rows:
        if previous is not None and previous[0] != article_id:
            yield unpack(previous[1])
        previous = (article_id, packed)
    if previous is not None:
        yield unpack(previous[1])


# every article of the package: records not merged with others, and the merged ones
_OUTPUT = (
    "SELECT article_id, slot, rows FROM records WHERE slot NOT IN (SELECT slot FROM grouped)"
    " UNION ALL SELECT article_id, first_slot, rows FROM merged"
)
# the articles whose rows changed since the store was opened (see changed_rows)
_CHANGED = (
    "SELECT article_id, slot, rows FROM records WHERE slot IN (SELECT slot FROM touched)"
    " AND slot NOT IN (SELECT slot FROM grouped)"
    " UNION ALL SELECT article_id, first_slot, rows FROM merged AS m WHERE NOT EXISTS"
    " (SELECT 1 FROM was_merged AS w WHERE w.article_id = m.article_id AND w.rows = m.rows)"
)
