"""PubMed's update stream, as NLM defines it: what a record read after another of the
same PMID does, what a ``DeleteCitation`` does, and in which order sources apply.

NLM publishes a yearly baseline and daily update files; a revised citation comes again
whole in a later file, and a withdrawn one is named in a ``DeleteCitation``. A build
applies its sources the same way, apart from where the records are kept (a list in
memory here: :class:`AppliedRecords`, the reference; a build keeps them on disk,
:mod:`mscdata.builder.record_store`, deciding by :func:`arrival_over` and tested
against :func:`apply_in_order`):

* **Order**: sources apply in the order the manifest (or the list of files) gives.
  PubMed's own file names, ``pubmedYYnNNNN.xml`` (``.gz``), carry their place: the
  baseline of year ``YY`` is numbered from 0001 and that year's updates go on from its
  last number. Among the files so named, (YY, NNNN) must increase down the list;
  :func:`check_order` refuses a list that goes back (or names a number twice), naming
  the file. Other names are applied where they are listed.
* **The stream**: records in :data:`STREAM_FORMATS` (PubMed XML and MEDLINE text, NLM's
  citation records, whatever file or fetch they come from) that have a PMID. A later
  stream record of a PMID replaces the earlier one *whole*: a field only the earlier
  record had is gone. Records in other formats (PMC JATS, pages) are not replaced: they
  are merged field by field with the stream record of their article, as before
  (:mod:`mscdata.builder.merge`).
* **Versions**: NLM versions some citations (``<PMID Version="2">``; PMID.version is
  unique, every citation not versioned is version 1, and only the latest version is
  the one PubMed indexes; update files carry earlier versions again: 2021's file 1298
  holds versions 1 to 4 of PMID 30271887).
  A record states its version in ``pmid_version`` (PubMed XML does; MEDLINE text does
  not). A record of a lower version than the one held is *outdated* and left out; one
  of the same or a higher version replaces the held record. When either record states
  no version, the order alone decides: the later one replaces the earlier.
* **Deletions**: a ``DeleteCitation`` removes every record of that PMID read before it,
  from any earlier file and in any format, all versions (the ``Version`` NLM writes on
  a deleted PMID is not looked at); a record of that PMID read after it is kept (it is
  new again).
* **Counts** (:class:`StreamCounts`): each stream record is *new* (its PMID not held),
  *replaced* (it replaced a held record), *unchanged* (its article data equal the held
  record's except for provenance; the held record stays as it is, naming the file it
  was first read from) or *outdated*; each deletion *deleted* a held PMID or found
  none (*not held*).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import PurePath
from typing import Any

from mscdata.errors import BuildError
from mscdata.wording import counted

# NLM's citation records, keyed by PMID: a later one of a PMID replaces an earlier one
STREAM_FORMATS = frozenset({"pubmed_xml", "medline_text"})

# PubMed's baseline and update file names: pubmed21n1298.xml.gz is year 21, file 1298
PUBMED_FILE_NAME = re.compile(r"^pubmed([0-9]{2})n([0-9]{4})\.xml(?:\.gz)?$")


class Change(enum.Enum):
    """What one record or deletion did to the records held."""

    NEW = "new"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    OUTDATED = "outdated"
    DELETED = "deleted"
    NOT_HELD = "not held"

    @property
    def keeps_incoming(self) -> bool:
        """Whether the incoming record is kept in place of what was held."""
        return self in (Change.NEW, Change.REPLACED)


def stream_pmid(record: dict[str, Any]) -> str | None:
    """The PMID by which ``record`` (article data) is in the PubMed stream, or None when
    it is not a stream record (another format, or no PMID)."""
    provenance = record.get("provenance") or [{}]
    if provenance[0].get("source_format") not in STREAM_FORMATS:
        return None
    return record.get("pmid") or None


def version_of(record: dict[str, Any]) -> int | None:
    """The record's PMID version, when it states one."""
    return record.get("pmid_version")


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two records' article data are equal apart from their provenance."""
    keys = (a.keys() | b.keys()) - {"provenance"}
    return all(a.get(key) == b.get(key) for key in keys)


def arrival(held: dict[str, Any] | None, incoming: dict[str, Any]) -> Change:
    """What a stream record does arriving when ``held`` is the record held for its PMID."""
    if held is None:
        return Change.NEW
    return arrival_over(version_of(held), version_of(incoming), same_content(held, incoming))


def arrival_over(held_version: int | None, version: int | None, same: bool) -> Change:
    """What a stream record of ``version`` does arriving over a held record of its PMID
    of ``held_version`` (None: not stated), ``same`` telling whether the two have the
    same content: how :func:`arrival` decides, for a store that keeps versions and
    digests of content rather than records."""
    if version is not None and held_version is not None and version < held_version:
        return Change.OUTDATED
    return Change.UNCHANGED if same else Change.REPLACED


def deletion(held: bool) -> Change:
    """What a ``DeleteCitation`` of a PMID does when records of it are ``held`` or not."""
    return Change.DELETED if held else Change.NOT_HELD


@dataclass
class StreamCounts:
    """How many stream records were new, replaced, unchanged or outdated, and how many
    deletions removed a PMID held or found none."""

    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    outdated: int = 0
    deleted: int = 0
    not_held: int = 0

    def add(self, change: Change) -> None:
        name = change.name.lower()
        setattr(self, name, getattr(self, name) + 1)

    @property
    def records(self) -> int:
        """The stream records applied."""
        return self.new + self.replaced + self.unchanged + self.outdated

    @property
    def deletions(self) -> int:
        """The PMIDs named in ``DeleteCitation`` entries."""
        return self.deleted + self.not_held

    def as_descriptor(self) -> dict[str, int]:
        """The counts as the descriptor states them (``mscdata.pubmedStream``)."""
        return {_DESCRIBED[item.name]: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def from_descriptor(cls, described: dict[str, int]) -> StreamCounts:
        """The counts a descriptor states (absent ones 0): a package's counts, which an
        update adds its own to (counts add up: each change depends only on what is held)."""
        return cls(**{name: described.get(key, 0) for name, key in _DESCRIBED.items()})

    def __str__(self) -> str:
        return (
            f"{self.new} new, {self.replaced} replaced, {self.unchanged} unchanged, "
            f"{counted(self.outdated, 'outdated version')} left out; {self.deleted} deleted "
            f"(DeleteCitation), {counted(self.not_held, 'deletion')} of PMIDs not read"
        )

    def __iadd__(self, other: StreamCounts) -> StreamCounts:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        return self


# the counts' names in the descriptor
_DESCRIBED = {
    "new": "new",
    "replaced": "replaced",
    "unchanged": "unchanged",
    "outdated": "outdatedVersions",
    "deleted": "deleted",
    "not_held": "deletionsNotHeld",
}


class AppliedRecords:
    """Records applied in order, in memory: per PMID the stream record held in the
    place of the first one read, other records as read, deletions applied."""

    @classmethod
    def holding(cls, records: Iterable[dict[str, Any]]) -> AppliedRecords:
        """``records`` already applied (a package's, as :meth:`current` gave them), held
        uncounted: what is applied next is applied and counted as after them."""
        applied = cls().apply(records)
        applied.counts, applied.deleted = StreamCounts(), []
        return applied

    def __init__(self) -> None:
        self.slots: list[dict[str, Any] | None] = []
        self.counts = StreamCounts()
        self.deleted: list[str] = []  # the PMIDs a deletion removed, in order
        self._stream: dict[str, int] = {}  # PMID -> slot of its stream record
        self._by_pmid: dict[str, list[int]] = {}  # PMID -> slots of any format

    def add(self, record: dict[str, Any]) -> Change | None:
        """Apply one record (article data); its change when it is a stream record."""
        pmid = stream_pmid(record)
        if pmid is None:
            self._append(record)
            return None
        slot = self._stream.get(pmid)
        change = arrival(None if slot is None else self.slots[slot], record)
        self.counts.add(change)
        if change is Change.NEW:
            self._stream[pmid] = self._append(record)
        elif change is Change.REPLACED:
            self.slots[slot] = record  # type: ignore[index]
        return change

    def delete(self, pmid: str) -> Change:
        """Apply a ``DeleteCitation`` of ``pmid``."""
        removed = self._by_pmid.pop(pmid, [])
        for slot in removed:
            self.slots[slot] = None
        self._stream.pop(pmid, None)
        change = deletion(bool(removed))
        self.counts.add(change)
        if removed:
            self.deleted.append(pmid)
        return change

    def apply(self, events: Iterable[dict[str, Any] | str]) -> AppliedRecords:
        """Apply records (article data) and deletions (a PMID as a string) in order."""
        for event in events:
            if isinstance(event, str):
                self.delete(event)
            else:
                self.add(event)
        return self

    def current(self) -> list[dict[str, Any]]:
        """The records held, in the order of their places."""
        return [record for record in self.slots if record is not None]

    def _append(self, record: dict[str, Any]) -> int:
        slot = len(self.slots)
        self.slots.append(record)
        if record.get("pmid"):
            self._by_pmid.setdefault(record["pmid"], []).append(slot)
        return slot


def pubmed_file_number(name: str) -> tuple[int, int] | None:
    """(year, number) of a PubMed baseline or update file name, None for other names."""
    found = PUBMED_FILE_NAME.match(name)
    return (int(found[1]), int(found[2])) if found else None


def check_order(paths: Iterable[str | PurePath], after: str | None = None) -> None:
    """Refuse a list of sources whose PubMed files (``pubmedYYnNNNN.xml``) do not
    increase in (year, number) down the list, or after the file named ``after`` (the
    last one already applied); other files are not checked."""
    last: tuple[tuple[int, int], str] | None = None
    if after is not None and (number := pubmed_file_number(PurePath(after).name)):
        last = (number, f"{PurePath(after).name} (already applied)")
    for path in paths:
        name = PurePath(path).name
        number = pubmed_file_number(name)
        if number is None:
            continue
        if last is not None and number <= last[0]:
            how = "a second time" if number == last[0] else "out of order"
            raise BuildError(
                f"{path}: PubMed file {name} is listed {how}, after {last[1]}: PubMed "
                "files apply in the order listed, the baseline then the updates by "
                "number (pubmedYYnNNNN), so list each one once, in that order"
            )
        last = (number, name)


def apply_in_order(events: Iterable[dict[str, Any] | str]) -> AppliedRecords:
    """Records (article data) and deletions (a PMID as a string) applied in order."""
    return AppliedRecords().apply(events)


def last_pubmed_file(paths: Iterable[str | PurePath]) -> str | None:
    """The name of the last PubMed file (``pubmedYYnNNNN.xml``) of a list in order, if any:
    what a later update must follow (:func:`check_order`'s ``after``)."""
    last = None
    for path in paths:
        if pubmed_file_number(PurePath(path).name) is not None:
            last = PurePath(path).name
    return last
