"""Merge the same article read from several sources into one record.

In a build this is the merge of *formats*: PubMed's own records of a PMID (PubMed XML,
MEDLINE) have by then replaced each other in source order, the update stream of
:mod:`mscdata.builder.update_stream`, so a build merges at most one of them with the
PMC JATS and page records of the same article. :func:`merge` itself merges whatever
records it is given.

Records are the same article when they share a PMID, a DOI (case-insensitive) or a
PMCID, unless their PMIDs differ (then they are different PubMed records). Each part
of the merged record comes from the source best placed to know it (the first format
in that part's precedence list that has a value); every source is listed in
``provenance`` and every identifier kept. A value that another source states
differently is reported as a :class:`Conflict`, never silently dropped.

Precedence (first that has a value wins) is one of three groups, each field's
``merge_group`` in the schema: the bibliographic fields (title, journal, dates, volume,
issue, pages, types, MeSH, substances, grants, links, accessions), the content
(authors, abstract, keywords), the full text (figures, body text, references, the
licence). The order of the source formats in each group is their rank in the format table,
:mod:`mscdata.parsers.formats` (the README's "Merging sources" table is generated from
it): PubMed XML first for the first two, PMC JATS (the only full lists) for the third;
page text last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mscdata.parsers.formats import MergeOrder
from mscdata.schema_rules import COMPLETENESS_FLAGS, DERIVED_FROM, MERGE_GROUPS
from mscdata.wording import counted

# the source formats in the order they are trusted, one list per precedence group: read
# from the ranks of the format table (mscdata.parsers.formats) on each use
BIBLIOGRAPHIC = MergeOrder("bibliographic")
CONTENT = MergeOrder("content")
FULL_TEXT = MergeOrder("full_text")

# which fields go by which precedence, which flag travels with which list, and which
# fields are rebuilt rather than merged: the schema's annotations say (merge_group,
# covers, derived_from in schemas/mscdata.yaml)
_PART_OF = COMPLETENESS_FLAGS
_ORDER_OF_GROUP = {"bibliographic": BIBLIOGRAPHIC, "content": CONTENT, "full_text": FULL_TEXT}
_SKIP = {
    *(name for name, group in MERGE_GROUPS.items() if group == "identity"),
    *DERIVED_FROM,
    *_PART_OF.values(),
}


@dataclass(frozen=True)
class Conflict:
    """Two sources state different values for one field of the same article."""

    article_id: str
    field: str
    kept: Any
    kept_from: str
    other: Any
    other_from: str

    def __str__(self) -> str:
        return (
            f"{self.article_id}: {self.field}: kept {self.kept!r} ({self.kept_from}), "
            f"not {self.other!r} ({self.other_from})"
        )


def _format(record: dict[str, Any]) -> str:
    return record["provenance"][0]["source_format"]


def _source(record: dict[str, Any]) -> str:
    first = record["provenance"][0]
    return first.get("source_file") or first.get("source_url") or first["source_format"]


def precedence(field: str) -> MergeOrder:
    """The source formats in the order they are trusted for ``field`` (the order of its
    merge group; the identity fields, rebuilt from every source, are ranked as
    bibliographic)."""
    return _ORDER_OF_GROUP.get(MERGE_GROUPS[field], BIBLIOGRAPHIC)


def _rank(record: dict[str, Any], field: str) -> int:
    order = precedence(field)
    fmt = _format(record)
    return order.index(fmt) if fmt in order else len(order)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _same(a: Any, b: Any, field: str) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        if field == "doi":
            return a.lower() == b.lower()
        return (
            " ".join(a.split()).rstrip(".").casefold() == " ".join(b.split()).rstrip(".").casefold()
        )
    return a == b


def keys_of(record: dict[str, Any]) -> list[str]:
    """The identifiers by which records are matched: ``pmid:…``, ``doi:…``, ``pmc:…``."""
    keys = []
    if record.get("pmid"):
        keys.append(f"pmid:{record['pmid']}")
    if record.get("doi"):
        keys.append(f"doi:{record['doi'].lower()}")
    if record.get("pmcid"):
        keys.append(f"pmc:{record['pmcid'].upper()}")
    return keys


def merge_records(records: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Conflict]]:
    """Merge article data (``Article.model_dump()`` dicts) of one article from several
    sources; returns the merged data and the conflicts found."""
    from mscdata.identifiers import article_key

    if len(records) == 1:
        return records[0], []
    fields = {name for record in records for name in record} - _SKIP
    merged: dict[str, Any] = {}
    provisional_id = next(r["id"] for r in records)
    conflicts: list[Conflict] = []
    for field in sorted(fields):
        ranked = sorted(records, key=lambda r: _rank(r, field))
        holders = [r for r in ranked if not _empty(r.get(field))]
        if not holders:
            continue
        chosen = holders[0]
        merged[field] = chosen[field]
        if field in _PART_OF:
            merged[_PART_OF[field]] = chosen.get(_PART_OF[field])
        for other in holders[1:]:
            if isinstance(chosen[field], list):
                # a shorter list elsewhere is a partial view; a longer one would be lost
                if len(other[field]) > len(chosen[field]):
                    conflicts.append(
                        Conflict(
                            provisional_id,
                            field,
                            counted(len(chosen[field]), "item"),
                            _source(chosen),
                            counted(len(other[field]), "item"),
                            _source(other),
                        )
                    )
            elif not _same(chosen[field], other[field], field):
                conflicts.append(
                    Conflict(
                        provisional_id,
                        field,
                        chosen[field],
                        _source(chosen),
                        other[field],
                        _source(other),
                    )
                )
    identifiers, seen = [], set()
    for record in records:
        for identifier in record.get("identifiers") or []:
            mark = (identifier["id_type"].lower(), identifier["value"].lower())
            if mark not in seen:
                seen.add(mark)
                identifiers.append({**identifier, "position": len(identifiers) + 1})
    merged["identifiers"] = identifiers
    merged["provenance"] = [
        {**p, "position": n}
        for n, p in enumerate((p for r in records for p in r["provenance"]), start=1)
    ]
    from mscdata.parsers.records import join_abstract

    merged["abstract"] = join_abstract(merged.get("abstract_sections") or [])
    merged["id"] = article_key(merged.get("pmid"), merged.get("doi"), merged.get("pmcid"))
    merged["msc_facts"] = _facts_of(merged)
    conflicts = [
        Conflict(merged["id"], c.field, c.kept, c.kept_from, c.other, c.other_from)
        for c in conflicts
    ]
    return merged, conflicts


def _facts_of(merged: dict[str, Any]) -> list[dict[str, Any]]:
    """The MSC facts of a merged article, read again from all it now holds."""
    from mscdata.builder.article_facts import with_facts

    return with_facts(dict(merged))["msc_facts"]


def merge(articles: list[Any]) -> tuple[list[Any], list[Conflict]]:
    """Merge Article models that are the same article (shared PMID, DOI or PMCID).

    Returns the articles (merged ones revalidated), in the order each was first seen,
    each with the MSC facts the extractor reads from it (as a build stores them), and
    the conflicts found.
    """
    from mscdata.builder.article_facts import with_facts
    from mscdata.models import Article

    groups = group_by_identity([a.model_dump() for a in articles])
    result, conflicts = [], []
    for group in groups:
        if len(group) == 1:
            result.append(Article.model_validate(with_facts(group[0])))
            continue
        data, found = merge_records(group)
        result.append(Article.model_validate(data))
        conflicts += found
    return result, conflicts


def group_by_identity(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Records grouped by shared identifiers (transitively), in first-seen order.

    Two records with different PMIDs are different PubMed records and are never put
    together, even when they share a DOI or PMCID (PubMed has such pairs: a DOI given
    to a whole supplement, say).
    """
    parent = list(range(len(records)))
    pmid_of = [r.get("pmid") for r in records]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, record in enumerate(records):
        for key in keys_of(record):
            if key not in owner:
                owner[key] = index
                continue
            mine, theirs = find(index), find(owner[key])
            if mine == theirs:
                continue
            if pmid_of[mine] and pmid_of[theirs] and pmid_of[mine] != pmid_of[theirs]:
                continue
            parent[mine] = theirs
            pmid_of[theirs] = pmid_of[theirs] or pmid_of[mine]
    groups: dict[int, list[dict[str, Any]]] = {}
    for index, record in enumerate(records):  # dicts keep insertion order: first seen first
        groups.setdefault(find(index), []).append(record)
    return list(groups.values())
