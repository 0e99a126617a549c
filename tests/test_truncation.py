"""Real copies of PubMed pages are often cut off anywhere, even mid-word.

For every cut of every page fixture, parsing gives what is there or a ParseError,
and nothing cut short is presented as complete: every value and every item marked
complete equals the one read from the whole page.
"""

from __future__ import annotations

import pytest

import mscdata
from mscdata.parsers.citation import looks_like_citation

from conftest import PAGES, SEED, SEED_URL

URL = "https://pubmed.ncbi.nlm.nih.gov/99999999/"
FILES = [SEED, *sorted(PAGES.glob("*.txt"))]
SCALARS = [
    "doi", "pmcid", "title", "journal", "publication_year", "publication_month",
    "publication_day", "publication_date_text", "electronic_date", "volume", "issue", "pages",
]  # fmt: skip


# Where each rendering's closing parts begin (the lists or references a page ends with,
# after which a whole page copied without its last lines and a cut one look alike).
# A text that stops mid-word before them is cut: record_complete must be False.
CLOSING_MARKERS = {
    "pubmed_page_plain": ["\nPublication types\n"],
    "pmc_page": ["\nReferences\n"],
    "pubmed_page_legacy": ["\nPMID:", "\n[Indexed for MEDLINE]", "\n[PubMed - indexed"],
}


def _closing_start(text: str, source_format: str) -> int:
    found = [text.find(m) for m in CLOSING_MARKERS.get(source_format, [])]
    return min([f for f in found if f >= 0], default=len(text))


def _url(path):
    return SEED_URL if path == SEED else None


def _whole(path):
    text = path.read_text(encoding="utf-8")
    try:
        [article] = mscdata.parse(text, url=_url(path) or URL)
    except mscdata.ParseError:  # a page that prints its own PMID disagrees with URL
        [article] = mscdata.parse(text)
    return text, article


def _check_cut(cut, whole) -> None:
    for name in SCALARS:
        value = getattr(cut, name)
        assert value is None or value == getattr(whole, name), name
    assert set(cut.publication_types) <= set(whole.publication_types)
    if cut.record_complete:
        assert cut.model_dump(exclude={"provenance"}) == whole.model_dump(exclude={"provenance"})
    for slot, text_of in [
        ("keywords", lambda k: k.term),
        ("figures", lambda f: (f.label, f.caption or "")),
        ("references", lambda r: r.citation),
        ("abstract_sections", lambda s: s.text),
    ]:
        cut_items, whole_items = getattr(cut, slot), getattr(whole, slot)
        assert len(cut_items) <= len(whole_items), slot
        for item, full in zip(cut_items, whole_items):  # noqa: B905 (cut is shorter)
            if item.complete:
                assert text_of(item) == text_of(full), (slot, item)
            elif slot == "figures":
                assert item.label == full.label and full.caption.startswith(item.caption or "")
            else:
                assert text_of(full).startswith(text_of(item)), (slot, item)
        flag = {"abstract_sections": "abstract_complete"}.get(slot, f"{slot}_complete")
        if getattr(cut, flag):
            assert [text_of(i) for i in cut_items] == [text_of(i) for i in whole_items], slot
    if cut.abstract_complete:
        assert cut.abstract == whole.abstract
    if cut.authors_complete is not None:
        assert cut.authors_complete == whole.authors_complete
    assert [a.full_name for a in cut.authors] == [a.full_name for a in whole.authors][
        : len(cut.authors)
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_cut_gives_what_is_there_and_never_a_cut_item_as_complete(path):
    text, whole = _whole(path)
    url = f"https://pubmed.ncbi.nlm.nih.gov/{whole.pmid}/"
    # From the end of the title (and of the line that identifies the rendering: the
    # citation line of a plain page, the PMID line of a compact one) every cut must parse.
    lines = text.split("\n")
    if whole.title in text:
        title_end = text.index(whole.title) + len(whole.title) + 1
    else:  # a PMC title joined with its subtitle line: told apart by the author line
        title_end = text.index("\nPMCID:")
    for k, line in enumerate(lines[:6]):
        if k and (line.startswith("- PMID:") or looks_like_citation(line)):
            title_end = max(title_end, len("\n".join(lines[: k + 1])) + 1)
    closing = _closing_start(text, whole.provenance[0].source_format)
    for end in range(len(text)):
        try:
            [cut] = mscdata.parse(text[:end], url=url)
        except mscdata.ParseError as error:
            assert "\n" not in str(error)
            assert end < title_end, f"a cut after the title must still give the article: {error}"
            continue
        _check_cut(cut, whole)
        if end and end < closing and text[end - 1].isalnum() and text[end].isalnum():
            assert cut.record_complete is False, f"cut mid-word at {end}: {text[end - 20 : end]!r}"


def test_seed_cut_inside_the_keywords_heading():
    text = SEED.read_text(encoding="utf-8")
    cut_at = text.index("Keywords:") + len("Keywo")
    [a] = mscdata.parse(text[:cut_at], url=SEED_URL)
    assert a.keywords == [] and a.keywords_complete is None
    assert a.abstract_complete is True  # the heading began, so the abstract had ended
    assert a.record_complete is False


def test_seed_cut_inside_a_keyword():
    text = SEED.read_text(encoding="utf-8")
    cut_at = text.index("osteoarthritis;") + len("osteoar")
    [a] = mscdata.parse(text[:cut_at], url=SEED_URL)
    assert [k.term for k in a.keywords] == [
        "autoimmune diseases",
        "immune tolerance",
        "mesenchymal stem cells",
        "osteoar",
    ]
    assert [k.complete for k in a.keywords] == [True, True, True, False]
    assert a.keywords_complete is False


def test_seed_cut_inside_a_caption_and_inside_a_label():
    text = SEED.read_text(encoding="utf-8")
    [a] = mscdata.parse(text[: text.index("Current therapeutic") + 7], url=SEED_URL)
    assert [f.label for f in a.figures] == ["Figure 1", "Figure 2"]
    assert a.figures[0].complete and not a.figures[1].complete
    assert a.figures[1].caption == "Current"
    assert a.figures_complete is False
    second_label = text.index("Figure 2\nFigure 2")
    [b] = mscdata.parse(text[: second_label + 2], url=SEED_URL)  # "Fi"
    assert [f.label for f in b.figures] == ["Figure 1"] and b.figures[0].complete
    assert b.figures_complete is False


def test_seed_cut_inside_a_reference():
    text = SEED.read_text(encoding="utf-8")
    cut_at = text.index("Le Blanc K., Mougiakakos") + len("Le Blanc K., Mougia")
    [a] = mscdata.parse(text[:cut_at], url=SEED_URL)
    assert len(a.references) == 4
    assert [r.complete for r in a.references] == [True, True, True, False]
    assert a.references[-1].citation == "Le Blanc K., Mougia"
    assert a.references_complete is False


def test_seed_cut_inside_the_abstract():
    text = SEED.read_text(encoding="utf-8")
    cut_at = text.index("paracrine mediators")
    [a] = mscdata.parse(text[:cut_at], url=SEED_URL)
    assert a.abstract_complete is False
    assert not a.abstract_sections[0].complete
    assert a.keywords == [] and a.figures == [] and a.references == []
