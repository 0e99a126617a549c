"""The shared layer between parsers and models: what a parser found becomes an Article.

One record shape flows from the parsers to the tables:

* parsers return plain dicts with the Article's slot names (child lists hold dicts
  without ``position``); :func:`make_article` numbers the children, derives the
  article key, drops empty values (an empty string is never data) and validates the
  result as an :class:`~mscdata.models.Article`, turning a validation failure into a
  located :class:`~mscdata.errors.ParseError`;
* users get Article models; a build carries each one's *article data*, the plain dict
  ``Article.model_dump()`` gives (it travels between worker processes several times
  faster than a model). Merging (:mod:`mscdata.builder.merge`), rows
  (:func:`mscdata.builder.article_rows.flatten`) and loading
  (:func:`mscdata.builder.article_rows.nest`, then ``Article.model_validate``) take and
  give that dict, never a model in its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mscdata.errors import ParseError
from mscdata.identifiers import article_key
from mscdata.parsers.limits import MAX_CHILD_ROWS, check_rows

if TYPE_CHECKING:
    from mscdata.models import Article


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return _number(value)
        return [v for v in (_clean(v) for v in value) if v is not None]
    return value


def _number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Children with 1-based positions, at every depth, empty values dropped."""
    numbered = []
    for position, item in enumerate(items, start=1):
        cleaned = {k: _clean(v) for k, v in item.items()}
        numbered.append(
            {"position": position, **{k: v for k, v in cleaned.items() if v is not None}}
        )
    return numbered


def join_abstract(sections: list[dict[str, Any]]) -> str | None:
    """The main abstract's text: its sections' texts separated by a blank line.

    Sections of other abstracts (``abstract_type`` set, e.g. a plain-language summary)
    stay in ``abstract_sections`` only.
    """
    texts = [s["text"] for s in sections if s.get("abstract_type") is None]
    return "\n\n".join(texts) if texts else None


def _positions_in_place(items: list[dict[str, Any]]) -> None:
    """Rows numbered 1..n at every depth, in place, for readers whose values are clean."""
    for position, item in enumerate(items, start=1):
        item["position"] = position
        for value in item.values():
            if type(value) is list and value and type(value[0]) is dict:
                _positions_in_place(value)


def _numbered_in_place(items: list[dict[str, Any]], name: str, source: str) -> list[dict[str, Any]]:
    """An article's list ``name`` numbered 1..n at every depth, each row given its
    ``position`` in place (the rows are the reader's own, fresh dicts), with the lists in
    its rows checked as :func:`_check_rows` does, in the same pass."""
    for position, item in enumerate(items, start=1):
        item["position"] = position
        for value in item.values():
            if type(value) is list:  # the reader's own lists: no subclass
                break
        else:  # no list in the row: most rows (MeSH headings, identifiers ...)
            continue
        for key, value in item.items():
            if type(value) is list and value:  # the reader's own lists: no subclass
                if len(value) > MAX_CHILD_ROWS:
                    what = f"{key.replace('_', ' ')} of one of its {name.replace('_', ' ')}"
                    check_rows(len(value), what, source)
                if isinstance(value[0], dict):
                    _positions_in_place(value)
    return items


def _check_rows(fields: dict[str, Any], source: str) -> None:
    """ParseError when one of an article's lists, or a list in one of their rows, is too long."""
    for name, value in fields.items():
        if not isinstance(value, list):
            continue
        check_rows(len(value), name.replace("_", " "), source)
        for item in value:
            if isinstance(item, dict):
                for inner_name, inner in item.items():
                    if isinstance(inner, list):
                        check_rows(
                            len(inner),
                            f"{inner_name.replace('_', ' ')} of one of its {name}",
                            source,
                        )


def article_data(
    fields: dict[str, Any], *, source: str, provenance: dict[str, Any], clean: bool = True
) -> dict[str, Any]:
    """A parser's findings as the data of an Article: children numbered, key derived.

    ``clean=False`` is for readers that never give empty or padded strings, and give
    every row as a dict of its own: rows are numbered in place. Raises
    ParseError when no identifier is known, or when a list (or a list inside one of its
    rows) holds more rows than :data:`mscdata.parsers.limits.MAX_CHILD_ROWS`.
    """
    if clean:
        _check_rows(fields, source)
        data = {k: _clean(v) for k, v in fields.items() if k != "provenance"}
        data = {k: v for k, v in data.items() if v is not None and v != []}
    else:  # the reader gives no empty strings: only number the children (and count them)
        data = {}
        for name, value in fields.items():
            if isinstance(value, list):
                if len(value) > MAX_CHILD_ROWS:
                    check_rows(len(value), name.replace("_", " "), source)
                if value and isinstance(value[0], dict):
                    value = _numbered_in_place(value, name, source)
            if value is not None and name != "provenance":
                data[name] = value
    if data.get("abstract_sections"):
        data["abstract"] = join_abstract(data["abstract_sections"])
    data["provenance"] = _number([provenance])
    key = article_key(data.get("pmid"), data.get("doi"), data.get("pmcid"))
    if key is None:
        raise ParseError(
            "no PMID, DOI or PMCID is shown, so the article has no key; give its PubMed "
            "address https://pubmed.ncbi.nlm.nih.gov/<PMID>/ (--url; url= in Python)",
            source=source,
        )
    data["id"] = key
    return data


def validate_article(data: dict[str, Any], *, source: str):
    """Validate article data as an :class:`mscdata.models.Article`.

    Raises ParseError naming the source and the offending field when the data breaks
    the schema (e.g. a DOI that is not a DOI).
    """
    from pydantic import ValidationError

    from mscdata.models import Article

    try:
        return Article.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        value = first.get("input")
        raise ParseError(
            f"field {where}: {first['msg']} (found {value!r})", source=source
        ) from None


def make_article(
    fields: dict[str, Any], *, source: str, provenance: dict[str, Any], clean: bool = True
):
    """A parser's findings as a validated :class:`mscdata.models.Article`."""
    data = article_data(fields, source=source, provenance=provenance, clean=clean)
    return validate_article(data, source=source)


@dataclass(frozen=True)
class Deletion:
    """A ``DeleteCitation`` entry: NLM withdrew this PMID; it is reported, never dropped."""

    pmid: str
    source: str
    record: int | None = None


@dataclass(frozen=True)
class RecordFailure:
    """A record that could not be read, located by source, record number, PMID and line."""

    source: str
    record: int | None
    pmid: str | None
    line: int | None
    reason: str

    @classmethod
    def of(
        cls,
        error: Exception,
        *,
        source: str,
        record: int | None,
        pmid: str | None,
        line: int | None,
    ) -> RecordFailure:
        """The failure of one record that raised ``error`` (a ParseError or ValueError)."""
        reason = error.reason if isinstance(error, ParseError) else str(error)
        return cls(source=source, record=record, pmid=pmid, line=line, reason=reason)

    def describe(self) -> str:
        """The failure without its file and line: ``record 3 PMID 123: reason``."""
        what = []
        if self.record is not None:
            what.append(f"record {self.record}")
        if self.pmid:
            what.append(f"PMID {self.pmid}")
        return f"{' '.join(what) + ': ' if what else ''}{self.reason}"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.describe()}"


@dataclass
class ReadResult:
    """Everything read from one source: articles, deletions and failed records."""

    articles: list[Article] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    failures: list[RecordFailure] = field(default_factory=list)

    def add(self, event: Any) -> None:
        """File one event from a reader under its kind."""
        if isinstance(event, Deletion):
            self.deletions.append(event)
        elif isinstance(event, RecordFailure):
            self.failures.append(event)
        else:
            self.articles.append(event)
