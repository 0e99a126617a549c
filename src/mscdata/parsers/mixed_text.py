"""Text of mixed XML and HTML content, read the way a person reads it.

One function, :func:`mixed_text`, serves the JATS, PubMed XML and HTML readers. What
an element adds to the text depends only on its kind, looked up in a table
(:data:`JATS_KINDS`, :data:`PUBMED_KINDS`, :data:`HTML_KINDS`):

* ``block`` (a paragraph, a title, a list item, a table cell, ``<br>``…): separated
  from what comes before and after it by a space;
* ``part`` (a field of a citation or an address: surname, given names, year, title,
  source, institution, country…): a space is added between two parts only where the
  source puts nothing at all between them (``<surname>Losick</surname><given-names>R``
  reads ``Losick R``; ``<year>2008</year>;<volume>320</volume>`` stays ``2008;320``);
* ``inline`` (italic, bold, sup, sub, xref, links…) and any element the table does not
  name: its text joins its neighbours' without anything added;
* ``skip``: neither the element nor its content is read (its tail still is).

Whitespace is normalised once, at the end: every run of whitespace becomes one space,
and the text is stripped. Comments and processing instructions add nothing.
"""

from __future__ import annotations

from typing import Any

BLOCK = "block"
PART = "part"
INLINE = "inline"
SKIP = "skip"

_JATS_BLOCKS = frozenset(
    {
        "abstract", "ack", "address", "alt-text", "answer", "app", "app-group", "array",
        "attrib", "body", "boxed-text", "break", "caption", "chem-struct-wrap", "code",
        "def", "def-item", "def-list", "disp-formula", "disp-formula-group", "disp-quote",
        "fig", "fig-group", "fn", "fn-group", "glossary", "graphic", "label", "list",
        "list-item", "long-desc", "media", "notes", "p", "preformat", "question", "ref",
        "ref-list", "sec", "speaker", "speech", "statement", "subtitle",
        "supplementary-material", "table", "table-wrap", "table-wrap-foot", "tbody",
        "td", "term", "tfoot", "th", "thead", "title", "tr", "trans-abstract",
        "verse-group", "verse-line",
    }
)  # fmt: skip
_JATS_PARTS = frozenset(
    {
        "access-date", "addr-line", "article-title", "chapter-title", "city", "collab",
        "comment", "conf-date", "conf-loc", "conf-name", "country", "data-title", "day",
        "date-in-citation", "edition", "elocation-id", "etal", "fpage", "given-names",
        "institution", "isbn", "issn", "issue", "issue-title", "kwd", "lpage", "month",
        "name", "page-range", "part-title", "patent", "person-group", "postal-code",
        "prefix", "pub-id", "publisher-loc", "publisher-name", "season", "series",
        "size", "source", "state", "std", "string-name", "suffix", "supplement",
        "surname", "trans-source", "trans-title", "uri", "version", "volume", "year",
    }
)  # fmt: skip
_JATS_INLINE = frozenset(
    {
        "abbrev", "bold", "email", "ext-link", "inline-formula", "inline-graphic",
        "italic", "monospace", "named-content", "overline", "roman", "sans-serif", "sc",
        "strike", "styled-content", "sub", "sup", "underline", "xref",
    }
)  # fmt: skip
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "legend", "li", "main", "nav",
        "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
_HTML_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font",
        "i", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong",
        "sub", "sup", "time", "tt", "u", "var", "wbr",
    }
)  # fmt: skip
_HTML_SKIPPED = frozenset({"script", "style", "template", "noscript"})
_PUBMED_INLINE = frozenset({"b", "i", "u", "sup", "sub", "DispFormula"})


def _table(**kinds: frozenset[str]) -> dict[str, str]:
    return {name: kind for kind, names in kinds.items() for name in names}


#: Element kinds of JATS / NLM archiving XML (local names; namespaced MathML is inline).
JATS_KINDS: dict[str, str] = _table(block=_JATS_BLOCKS, part=_JATS_PARTS, inline=_JATS_INLINE)
#: Element kinds of HTML pages (lxml.html lower-cases tag names).
HTML_KINDS: dict[str, str] = _table(block=_HTML_BLOCKS, inline=_HTML_INLINE, skip=_HTML_SKIPPED)
#: Element kinds inside PubMed XML text elements (``AbstractText``, ``ArticleTitle``…):
#: markup there is inline only.
PUBMED_KINDS: dict[str, str] = _table(inline=_PUBMED_INLINE)


def normalise_space(text: str | None) -> str | None:
    """``text`` with every whitespace run one space, stripped; None when nothing is left."""
    if not text:
        return None
    if text.isascii():  # O(1): the common case, several times faster
        plain = (
            "  " not in text
            and "\n" not in text
            and "\t" not in text
            and "\r" not in text
            and "\x0b" not in text
            and "\x0c" not in text
        )
    else:  # every whitespace character but the ASCII space is unprintable
        plain = text.isprintable() and "  " not in text
    if plain:  # nothing to change but its ends
        return text.strip() or None
    return " ".join(text.split()) or None


def _local(tag: Any) -> str | None:
    """An element's local name; None for comments and processing instructions."""
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def mixed_text(
    element: Any, kinds: dict[str, str] = JATS_KINDS, *, skip: frozenset[str] = frozenset()
) -> str | None:
    """All text of ``element`` (its tail excluded), blocks and parts kept apart.

    ``kinds`` maps local names to ``block``, ``part``, ``inline`` or ``skip``; names in
    ``skip`` are skipped too (e.g. an affiliation's ``label``). None when there is no text.
    """
    if element is None:
        return None
    if not len(element):  # the common case: a leaf
        return normalise_space(element.text)
    pieces = [element.text or ""]
    stack: list[tuple[Any, Any]] = [(element, iter(element))]
    gap = False  # a part has just ended with nothing after it
    while stack:
        node = next(stack[-1][1], None)
        if node is None:  # every child read: the element itself ends
            ended = stack.pop()[0]
            if stack:
                gap = _close(ended, kinds, pieces)
            continue
        name = _local(node.tag)
        kind = SKIP if name is None or name in skip else kinds.get(name, INLINE)
        if kind == SKIP:
            if node.tail:
                pieces.append(node.tail)
                gap = False
            continue
        if kind == BLOCK or (gap and kind == PART):
            pieces.append(" ")
        gap = False
        if node.text:
            pieces.append(node.text)
        if len(node):
            stack.append((node, iter(node)))
        else:
            gap = _close(node, kinds, pieces)
    return normalise_space("".join(pieces))


def _close(node: Any, kinds: dict[str, str], pieces: list[str]) -> bool:
    """Write what ends ``node`` (a block's space, its tail); True when a part ended
    with nothing after it."""
    kind = kinds.get(_local(node.tag) or "", INLINE)
    if kind == BLOCK:
        pieces.append(" ")
    if node.tail:
        pieces.append(node.tail)
        return False
    return kind == PART
