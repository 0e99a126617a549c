"""Finding glued text: a caption title run into its paragraph, citation parts run together.

Independent of the parsers: the JATS source says where parts are, and a part whose
text is immediately followed, in the parsed text, by the next part's text (both
letters or digits at the join) is glued. Used by the tests, and as a measure:

    python tests/glued_text.py FILE_OR_FOLDER...   # counts of glued figures and citations
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CITATIONS = ("mixed-citation", "element-citation", "citation", "nlm-citation")
# the leaf parts of a citation whose joins are checked
LEAF_PARTS = frozenset(
    {
        "surname", "given-names", "suffix", "collab", "year", "article-title",
        "chapter-title", "source", "volume", "issue", "fpage", "lpage", "pub-id",
        "publisher-name", "publisher-loc", "edition", "comment", "elocation-id",
    }
)  # fmt: skip


def local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def flat(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def glued_caption(caption: Any, text: str | None) -> bool:
    """True when the caption has a title and a paragraph and ``text`` runs them together."""
    title = next((c for c in caption if local(c) == "title"), None)
    paragraph = next((c for c in caption if local(c) == "p"), None)
    if title is None or paragraph is None or not flat(title) or not flat(paragraph):
        return False
    return not re.search(re.escape(flat(title)) + r"[.]?\s", text or "")


def is_structured(citation: Any) -> bool:
    """An element-citation or nlm-citation, or a citation with no text between its elements."""
    if local(citation) in {"element-citation", "nlm-citation"}:
        return True
    containers = {"person-group", "name", "string-name"}
    stack = [citation]
    while stack:
        node = stack.pop()
        if (node.text or "").strip() or any((c.tail or "").strip() for c in node):
            return False
        stack += [c for c in node if local(c) in containers]
    return True


def glued_parts(citation: Any, text: str | None) -> list[tuple[str, str]]:
    """Pairs of neighbouring parts (nothing between them in the source) whose texts
    ``text`` runs together, a letter or digit on each side of the join."""
    leaves = [e for e in citation.iter() if local(e) in LEAF_PARTS and flat(e)]
    text = text or ""
    glued = []
    for first, second in itertools.pairwise(leaves):
        a, b = flat(first), flat(second)
        joined = re.compile(r"(?<![^\W_])" + re.escape(a + b))  # a starts a word
        # "A" + "N" is in "0 AN, 0 A. N." as another part's own text, not as a join
        explained = sum(len(joined.findall(flat(leaf))) for leaf in leaves)
        found = len(joined.findall(text)) > explained
        if a[-1].isalnum() and b[0].isalnum() and found and f"{a} {b}" not in text:
            glued.append((f"{local(first)}:{a}", f"{local(second)}:{b}"))
    return glued


def jats_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.suffix in {".xml", ".nxml"} and candidate.is_file():
                head = candidate.read_bytes()[:4096]
                if b"<article" in head or b"<pmc-articleset" in head:
                    yield candidate


def measure(path: Path) -> dict[str, int]:
    """Figures with title and paragraph, structured citations, and how many are glued."""
    from lxml import etree

    import mscdata
    from mscdata.parsers.xml_safety import safe_parser

    root = etree.fromstring(path.read_bytes(), safe_parser())
    articles = [root] if local(root) == "article" else [a for a in root if local(a) == "article"]
    parsed = [a for a in mscdata.parse(path) if hasattr(a, "figures")]
    counts = dict.fromkeys(("figures", "figures_glued", "citations", "citations_glued"), 0)
    for article, record in zip(articles, parsed, strict=True):
        captions = [f.find("caption") for f in article.iter("fig")]
        for caption, figure in zip(captions, record.figures, strict=True):
            parts = {local(c) for c in caption} if caption is not None else set()
            if {"title", "p"} <= parts:
                counts["figures"] += 1
                counts["figures_glued"] += glued_caption(caption, figure.caption)
        citations = []
        for ref in article.iter("ref"):
            citation = next((c for c in ref.iter() if local(c) in CITATIONS), None)
            if citation is not None and flat(citation):
                citations.append(citation)
        for citation, reference in zip(citations, record.references, strict=True):
            if is_structured(citation):
                counts["citations"] += 1
                counts["citations_glued"] += bool(glued_parts(citation, reference.citation))
    return counts


def main(arguments: list[str]) -> None:
    total: dict[str, int] = {}
    for path in jats_files([Path(a) for a in arguments]):
        for key, value in measure(path).items():
            total[key] = total.get(key, 0) + value
    print(
        f"figures with title and paragraph: {total.get('figures', 0)}, glued: "
        f"{total.get('figures_glued', 0)}; structured citations: {total.get('citations', 0)}, "
        f"glued: {total.get('citations_glued', 0)}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
