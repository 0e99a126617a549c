"""JATS citations (``element-citation``, ``nlm-citation``, ``mixed-citation``,
``citation``): the citation text and its typed parts.

A citation whose text carries its own separators (a ``mixed-citation`` as the
publisher printed it) is kept as printed, whitespace normalised. A citation made only
of elements (every ``element-citation`` and ``nlm-citation``, and a ``mixed-citation``
with no text between its elements) is written in one style, NLM/Vancouver-like::

    Akhter M, Inoue M, Kurahashi N, Iwasaki M, Sasazuki S, Tsugane S. Reproductive
    factors … . Eur J Cancer Prev. 2008;17(6):515-524. doi:10.1097/… PMID: 18941373.

* authors ``Surname Given-names`` as the source gives them, joined by ``, ``: the first
  six, then ``et al.`` when there are more (or when the source says ``<etal/>``);
* then the title, editors (``In: …, editors.``), source, edition, each one sentence
  (a period is added only when the text does not already end in ``.``, ``?`` or ``!``);
* a journal-like citation: ``year[ month[ day]];volume(issue):pages.``; with a
  publisher (a book): ``place: publisher; year. p. pages.``; pages are ``fpage-lpage``
  as printed (never abbreviated), else ``page-range`` or ``elocation-id``;
* then any part not named above (a comment, a conference, a URL…) in source order, and
  last ``doi:…``, ``PMID: …``, ``PMCID: …``.

Either way the parts the source gives are typed fields: ``author_list`` (every author, in
the style above, never cut at six), ``publication_year``, ``title``, ``source``,
``volume``, ``issue``, ``first_page`` and ``last_page``.
"""

from __future__ import annotations

import re
from typing import Any

from mscdata.parsers.mixed_text import mixed_text, normalise_space

#: Authors written before ``et al.`` in a rendered citation (NLM's rule: six, then et al.).
AUTHORS_SHOWN = 6
_TITLES = ("article-title", "chapter-title", "part-title", "data-title")
_NAMES = frozenset({"name", "string-name", "collab", "etal", "name-alternatives"})
_CONTAINERS = frozenset({"person-group", "name", "string-name", "name-alternatives"})
_NAME_PARTS = ("surname", "given-names", "suffix")
_DATE_PARTS = ("year", "month", "day", "season")
_LOCATOR = frozenset({"volume", "issue", "fpage", "lpage", "page-range", "elocation-id"})
_USED = frozenset(
    {*_TITLES, *_DATE_PARTS, *_LOCATOR, "source", "edition", "publisher-loc"}
    | {"publisher-name", "person-group", "pub-id", "label"}
)
_YEAR = re.compile(r"^([12][0-9]{3})(?![0-9])")
_TERMINAL = ".?!"


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Parts:
    """An element's children by local name (the first of each), their texts read once."""

    def __init__(self, element: Any) -> None:
        self.children: dict[str, Any] = {}
        for child in element:
            if isinstance(child.tag, str):
                self.children.setdefault(child.tag.rpartition("}")[2], child)
        self._texts: dict[str, str | None] = {}

    def text(self, *names: str) -> str | None:
        """The text of the first of ``names`` the element has with text."""
        for name in names:
            if name not in self._texts:
                self._texts[name] = mixed_text(self.children.get(name))
            if self._texts[name]:
                return self._texts[name]
        return None


def is_printed(citation: Any) -> bool:
    """True when the citation's own text (between its parts and names) holds anything
    but whitespace: the source printed its separators, so it is kept as printed."""
    if _local(citation) in {"element-citation", "nlm-citation"}:
        return False
    stack = [citation]
    while stack:
        node = stack.pop()
        if (node.text or "").strip():
            return True
        for child in node:
            if (child.tail or "").strip():
                return True
            if _local(child) in _CONTAINERS:
                stack.append(child)
    return False


def _name(element: Any) -> str | None:
    kind = _local(element)
    if kind == "etal":
        return None
    if kind == "name-alternatives":
        first = next((c for c in element if _local(c) in {"name", "string-name"}), None)
        return _name(first) if first is not None else mixed_text(element)
    if kind in {"name", "string-name"}:
        found: dict[str, str | None] = {}
        for child in element:
            part = _local(child)
            if part in _NAME_PARTS and part not in found:
                found[part] = mixed_text(child)
        if "surname" in found or "given-names" in found:
            texts = (found.get(p) for p in _NAME_PARTS)
            return " ".join(t for t in texts if t) or None
    return mixed_text(element)


def _people(group: Any) -> tuple[list[str], bool]:
    """Names of a person-group (or of a citation's own names) and whether et al. follows."""
    names, etal = [], False
    for element in group:
        if _local(element) == "etal":
            etal = True
        elif _local(element) in _NAMES and (name := _name(element)):
            names.append(name)
    return names, etal


def _groups(citation: Any) -> dict[str, tuple[list[str], bool]]:
    groups: dict[str, tuple[list[str], bool]] = {}
    for group in citation:
        if _local(group) == "person-group":
            kind = group.get("person-group-type") or "author"
            groups.setdefault(kind, _people(group))
    if "author" not in groups:
        names, etal = _people(citation)
        if names:
            groups["author"] = (names, etal)
    return groups


def _name_list(names: list[str], etal: bool, *, shown: int | None = AUTHORS_SHOWN) -> str:
    listed = names if shown is None else names[:shown]
    text = ", ".join(listed)
    if etal or len(listed) < len(names):
        text = f"{text}, et al." if text else "et al."
    return text


def _sentence(text: str) -> str:
    """``text`` ending as a sentence: a period added unless it ends in one (or a URL)."""
    if text[-1] in _TERMINAL or "://" in text.rsplit(" ", 1)[-1]:
        return text
    return text + "."


def _pages(parts: _Parts) -> str | None:
    first, last = parts.text("fpage"), parts.text("lpage")
    if first and last and last != first:
        return f"{first}-{last}"
    return first or parts.text("page-range", "elocation-id")


def _pub_ids(citation: Any) -> list[str]:
    labels = {"doi": "doi:", "pmid": "PMID: ", "pmcid": "PMCID: ", "pmc": "PMCID: "}
    found = []
    for pub_id in citation.iter("{*}pub-id"):
        label = labels.get((pub_id.get("pub-id-type") or "").lower())
        if label and (value := mixed_text(pub_id)):
            found.append(label + value)
    return found


def _typed(parts: _Parts, groups: dict[str, tuple[list[str], bool]]) -> dict[str, Any]:
    """The typed parts the citation gives (absent parts left out)."""
    typed: dict[str, Any] = {}
    if "author" in groups:
        typed["author_list"] = _name_list(*groups["author"], shown=None) or None
    year = parts.text("year")
    if year and (m := _YEAR.match(year)):
        typed["publication_year"] = int(m.group(1))
    typed["title"] = parts.text(*_TITLES)
    for field, name in (
        ("source", "source"),
        ("volume", "volume"),
        ("issue", "issue"),
        ("first_page", "fpage"),
        ("last_page", "lpage"),
    ):
        typed[field] = parts.text(name)
    return {k: v for k, v in typed.items() if v is not None}


def _rendered(
    citation: Any, parts: _Parts, groups: dict[str, tuple[list[str], bool]]
) -> str | None:
    """An element-only citation written in the style of this module's docstring."""
    sentences: list[str] = []
    if "author" in groups:
        sentences.append(_name_list(*groups["author"]))
    sentences.append(parts.text(*_TITLES) or "")
    if "editor" in groups:
        editors, etal = groups["editor"]
        noun = "editors" if len(editors) > 1 or etal else "editor"
        sentences.append(f"In: {_name_list(editors, etal)}, {noun}" if editors else "")
    sentences += [parts.text("source") or "", parts.text("edition") or ""]
    date = " ".join(t for name in _DATE_PARTS if (t := parts.text(name)))
    volume, issue, pages = parts.text("volume"), parts.text("issue"), _pages(parts)
    publisher, place = parts.text("publisher-name"), parts.text("publisher-loc")
    if publisher or place:
        imprint = ": ".join(p for p in (place, publisher) if p)
        sentences.append(imprint + (f"; {date}" if date else ""))
        locator = f"{volume}" if volume else ""
        locator += f"({issue})" if issue else ""
        sentences += [locator, f"p. {pages}" if pages else ""]
    else:
        locator = f";{volume}" if volume else ""
        locator += f"({issue})" if issue else ""
        locator += f":{pages}" if pages else ""
        sentences.append((date + locator).lstrip(";:"))
    for child in citation:
        name = _local(child)
        if name and name not in _USED and name not in _NAMES:
            sentences.append(mixed_text(child) or "")
    sentences += _pub_ids(citation)
    text = " ".join(_sentence(s) for s in (normalise_space(s) for s in sentences) if s)
    return text or None


def _printed_text(citation: Any) -> str | None:
    """A printed citation's text; an empty ``<etal/>`` reads ``et al.``."""
    if any(not (e.text or "").strip() for e in citation.iter("{*}etal")):
        from copy import deepcopy

        citation = deepcopy(citation)
        for etal in citation.iter("{*}etal"):
            etal.text = (etal.text or "").strip() or "et al."
    return mixed_text(citation, skip=frozenset({"label"}))


def citation_fields(citation: Any) -> dict[str, Any]:
    """``citation`` (the text) and the typed parts of one JATS citation element."""
    parts, groups = _Parts(citation), _groups(citation)
    text = _printed_text(citation) if is_printed(citation) else None
    return {"citation": text or _rendered(citation, parts, groups), **_typed(parts, groups)}
