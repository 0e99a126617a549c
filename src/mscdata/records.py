"""The shared layer between parsers and models: what a parser found becomes an Article.

Parsers return plain dicts with the Article's slot names; child lists hold dicts
without ``position``. This module numbers the children, derives the article key,
drops empty values (an empty string is never data) and validates the result,
turning a validation failure into a located :class:`~mscdata.errors.ParseError`.
"""

from __future__ import annotations

from typing import Any

from mscdata.errors import ParseError
from mscdata.identifiers import article_key

CHILD_SLOTS = (
    "authors",
    "abstract_sections",
    "keywords",
    "figures",
    "references",
    "mesh_headings",
    "substances",
    "grants",
    "linked_articles",
    "provenance",
)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list):
        return [v for v in (_clean(v) for v in value) if v is not None]
    return value


def _number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    numbered = []
    for position, item in enumerate(items, start=1):
        cleaned = {k: _clean(v) for k, v in item.items()}
        numbered.append(
            {"position": position, **{k: v for k, v in cleaned.items() if v is not None}}
        )
    return numbered


def join_abstract(sections: list[dict[str, Any]] | list[Any]) -> str | None:
    """The main abstract's text: its sections' texts separated by a blank line.

    Sections of other abstracts (``abstract_type`` set, e.g. a plain-language summary)
    stay in ``abstract_sections`` only.
    """
    texts = [
        s["text"] if isinstance(s, dict) else s.text
        for s in sections
        if (s.get("abstract_type") if isinstance(s, dict) else s.abstract_type) is None
    ]
    return "\n\n".join(texts) if texts else None


def make_article(fields: dict[str, Any], *, source: str, provenance: dict[str, Any]):
    """Validate a parser's findings as an :class:`mscdata.models.Article`.

    Raises ParseError naming the source and the offending field when the findings
    break the schema (e.g. a DOI that is not a DOI), or when no identifier is known.
    """
    from pydantic import ValidationError

    from mscdata.models import Article

    data = {k: _clean(v) for k, v in fields.items() if k not in CHILD_SLOTS}
    data = {k: v for k, v in data.items() if v is not None and v != []}
    for slot in CHILD_SLOTS:
        if slot != "provenance" and fields.get(slot):
            data[slot] = _number(fields[slot])
    if data.get("abstract_sections"):
        data["abstract"] = join_abstract(data["abstract_sections"])
    data["provenance"] = _number([provenance])
    key = article_key(data.get("pmid"), data.get("doi"), data.get("pmcid"))
    if key is None:
        raise ParseError(
            "no PMID, DOI or PMCID is shown, so the article has no key; "
            "pass url= with its PubMed address",
            source=source,
        )
    data["id"] = key
    try:
        return Article.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        value = first.get("input")
        raise ParseError(
            f"field {where}: {first['msg']} (found {value!r})", source=source
        ) from None
