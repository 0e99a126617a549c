"""The parts of a record facts are read from, each as one text, and its sentences.

:func:`part_texts` defines the text a fact's ``start`` and ``end`` count in: the title;
the abstract as the Article's ``abstract`` (sections separated by a blank line); and the
list parts with one item per line: keywords, the distinct MeSH descriptors in order,
substances, accessions as "databank accession_number", publication types; figure
captions of a full-text source as "label caption", separated by a blank line; and the
body text of a full-text source (:func:`body_text`). An article is an
:class:`mscdata.models.Article` or the dict ``Article.model_dump()`` gives.
"""

from __future__ import annotations

import bisect
import re
from operator import attrgetter
from typing import Any

PART_ORDER = (
    "title",
    "abstract",
    "keyword",
    "mesh",
    "substance",
    "accession",
    "publication_type",
    "figure_caption",
    "body",
)
# a sentence ends at . ! ? followed by space and a capital, digit or bracket, or at a line
# end; one pattern per mark, as a pattern starting with one character is searched for
# three times faster than one starting with a set of them ([.!?])
SENTENCE_MARK_END = r"\s+(?=[A-Z0-9(\[\"'])"
_MARK_ENDS = {mark: re.compile(re.escape(mark) + SENTENCE_MARK_END) for mark in ".!?"}
# the titles of body sections on the work of others or on what may come, left out of
# the body part (a discussion's "others gave cord MSCs intravenously" is no route here)
OTHERS_WORK = re.compile(
    r"\b(?:introduction|background|discussion|conclusions?|concluding|perspectives?|outlook"
    r"|future|literature|related work|state of the art|overview|limitations)\b",
    re.IGNORECASE,
)
# a sentence is read at most this many characters either side of a place: a longer one
# (a text without sentence marks, a table flattened) is no sentence of prose, and the
# cut keeps every rule that reads a sentence linear in the length of the text
SENTENCE_REACH = 1000
# scanned_text's byte table: a-z and 0-9 kept, A-Z lowered, every other byte a space
_SCANNED_BYTES = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if 48 <= byte <= 57 or 97 <= byte <= 122 else 32
    for byte in range(256)
)


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _values(items: list[Any], name: str) -> list[Any]:
    """Each item's ``name`` (None where it has none): read as attributes, unless an item
    is a dict."""
    try:
        return list(map(attrgetter(name), items))
    except AttributeError:
        return [_get(item, name) for item in items]


def _lines(items: Any, name: str | None = None) -> str:
    if not items:
        return ""
    values = items if name is None else _values(items, name)
    return "\n".join([" ".join(str(v).split()) for v in values if v])


def part_texts(article: Any) -> dict[str, str]:
    """Each non-empty part's text, in :data:`PART_ORDER`."""
    if isinstance(article, dict):
        get = article.get
    elif hasattr(type(article), "__pydantic_fields__"):  # a model keeps its fields' values
        get = article.__dict__.get
    else:
        get = lambda name: getattr(article, name, None)  # noqa: E731
    texts = {"title": get("title") or ""}
    abstract = get("abstract")
    if abstract is None and get("abstract_sections"):
        abstract = "\n\n".join(_get(s, "text") or "" for s in get("abstract_sections"))
    texts["abstract"] = abstract or ""
    texts["keyword"] = _lines(get("keywords"), "term")
    headings = get("mesh_headings")
    if headings:
        texts["mesh"] = _lines(list(dict.fromkeys(_values(headings, "descriptor"))))
    texts["substance"] = _lines(get("substances"), "name")
    accessions = get("accessions")
    if accessions:
        texts["accession"] = _lines(
            [f"{_get(a, 'databank')} {_get(a, 'accession_number')}" for a in accessions]
        )
    texts["publication_type"] = _lines(get("publication_types"))
    figures = get("figures")
    if figures:
        captions = []
        for figure in figures:
            label, caption = _get(figure, "label"), _get(figure, "caption")
            if caption:
                captions.append(f"{label} {caption}" if label else caption)
        texts["figure_caption"] = "\n\n".join(captions)
    sections = get("body_sections")
    if sections:
        texts["body"] = body_text(sections)
    return {name: texts[name] for name in PART_ORDER if texts.get(name)}


def body_text(sections: list[Any]) -> str:
    """The ``body`` part: each body section as its title, a line end and its text (the
    title or the text alone when the other is empty; a section with neither adds
    nothing), sections separated by a blank line. A section on the work of others, or
    on what may come (:data:`OTHERS_WORK`: introduction, background, discussion,
    conclusions, outlook… by its title or that of a section holding it), is left out
    with its subsections: the facts of the article are those of its own methods and
    results. A fact's ``start`` and ``end`` in the body count in this text,
    ``part_texts(article)["body"]``."""
    blocks = []
    skipped_below: int | None = None  # the level of the section being left out
    for section in sections:
        title, text = _get(section, "title"), _get(section, "text")
        level = _get(section, "level") or 1
        if skipped_below is not None and level > skipped_below:
            continue  # within a section left out
        skipped_below = level if title and OTHERS_WORK.search(title) else None
        if skipped_below is None and (title or text):
            blocks.append(f"{title}\n{text}" if title and text else title or text)
    return "\n\n".join(blocks)


def scanned_text(parts: list[Part]) -> str:
    """The text the lexicon scanners read: a space, every part's text followed by a
    space, lowered, and every character other than a-z and 0-9 made a space. Each
    character keeps its place: a letter or digit is that of the part's own lowered text
    (:func:`lowered`) at the same place, shifted by the space before each part."""
    text = " ".join([part.text for part in parts])
    if not text.isascii():  # the one character outside ASCII that lowers to a-z
        text = text.replace("\u212a", "k")  # KELVIN SIGN
    ascii_text = text.encode("ascii", "replace")  # one "?" per other character
    return f" {ascii_text.translate(_SCANNED_BYTES).decode('ascii')} "


def lowered(text: str) -> str:
    """``text`` in lower case with every character where it was (a character whose
    lower case is longer, such as İ, is kept as it is)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class Part:
    """One part's text, and its lower case and sentences found when first asked."""

    __slots__ = ("_low", "_starts", "name", "text")

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self._low: str | None = None
        self._starts: list[int] | None = None

    @property
    def low(self) -> str:
        """The text lowered (:func:`lowered`)."""
        if self._low is None:
            self._low = lowered(self.text)
        return self._low

    def sentence_starts(self) -> list[int]:
        """Where each sentence starts, in order (the first at 0)."""
        if self._starts is None:
            text = self.text
            starts = [0] + [m.end() for m in _MARK_ENDS["."].finditer(text)]
            if "!" in text or "?" in text:  # every mark's ends, in order
                starts += [m.end() for m in _MARK_ENDS["!"].finditer(text)]
                starts += [m.end() for m in _MARK_ENDS["?"].finditer(text)]
                starts.sort()
            line = text.find("\n")
            if line >= 0:
                while line >= 0:
                    starts.append(line + 1)
                    line = text.find("\n", line + 1)
                starts = sorted(set(starts))
            self._starts = starts
        return self._starts

    def sentence(self, position: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding ``position``, at most
        :data:`SENTENCE_REACH` characters either side of it."""
        starts = self.sentence_starts()
        index = bisect.bisect_right(starts, position) - 1
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
        return max(starts[index], position - SENTENCE_REACH), min(end, position + SENTENCE_REACH)

    def sentence_index(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts(), position) - 1
