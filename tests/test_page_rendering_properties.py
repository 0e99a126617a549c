"""Properties of the PMC and plain renderings, on pages built from their grammar.

Each page is assembled from drawn parts of its rendering's grammar; read whole it gives
back every part, and cut anywhere it never presents what was cut as complete: the same
guarantees the seed's rendering has (tests/test_truncation.py).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import mscdata

URL = "https://pubmed.ncbi.nlm.nih.gov/31412968/"
WORDS = ["stromal", "cells", "cartilage", "repair", "bone", "marrow", "therapy", "knee", "vesicles"]
GIVEN = ["Anna K", "Li", "Tomas", "Sara M", "Olof", "Maja", "Jean-Luc", "Ana María"]
SURNAMES = ["Berg", "Wei", "Lind", "Holm", "Dahl", "Nyberg", "González-Gay", "van Baar"]
LABELS = ["Background", "Methods", "Results", "Conclusions", "Purpose of review"]
KEYWORD_LABELS = ["Keywords:", "Key Words:", "Key words:", "KEYWORDS:", "KEY WORDS:"]
MARKS = ["1", "1,2", "2,#", "3,*", "1,2,3,"]
PMC_FOOTER = "\n\nNLM\nNIH\nHHS\nUSA.gov"

words = st.lists(st.sampled_from(WORDS), min_size=3, max_size=8).map(" ".join)
sentence = words.map(lambda w: w[0].upper() + w[1:] + ".")
names = st.lists(
    st.tuples(st.sampled_from(GIVEN), st.sampled_from(SURNAMES)).map(" ".join),
    min_size=1,
    max_size=8,
)


@st.composite
def pmc_pages(draw) -> tuple[str, dict]:
    """A PMC article page's text, and what a reader must find in it."""
    title = draw(sentence).rstrip(".").capitalize()
    subtitle = draw(st.none() | words.map(lambda w: "A Review of " + w.title()))
    authors = draw(names)
    labelled = draw(st.sampled_from(["inline", "own line", "own line:", None]))
    paragraphs = draw(st.lists(st.lists(sentence, min_size=2, max_size=3), min_size=1, max_size=4))
    keywords = draw(st.lists(words, min_size=1, max_size=5, unique=True))
    supplement = draw(st.booleans())
    footer = draw(st.booleans())
    author_line = ", ".join(f"{name} {draw(st.sampled_from(MARKS))}" for name in authors)
    lines = [
        "Skip to main content",
        "Stem Cell Research & Therapy logoLink to Stem Cell Research & Therapy",
        ". 2019 Aug 14;10:262. doi: 10.1186/s13287-019-1366-4",
        "",
        title,
        *([subtitle] if subtitle else []),
        "",
        author_line,
        "PMCID: PMC6694581  PMID: 31412968",
        "",
        "Abstract",
        "",
    ]
    texts, labels = [], []
    for number, paragraph in enumerate(paragraphs):
        text, label = " ".join(paragraph), None
        if labelled and len(paragraphs) > 1:
            label = LABELS[number % len(LABELS)]
        if label and labelled == "inline":
            text = f"{label}: {text}"
        elif label:  # an own-line label ("Background" or "Background:"), not repeated
            lines += [label + labelled.removeprefix("own line"), ""]
        texts.append(text)
        labels.append(label)
        lines += [text, ""]
    if supplement:
        lines += ["Supplementary Information", "", "The online version contains material.", ""]
    lines += [f"{draw(st.sampled_from(KEYWORD_LABELS))} {', '.join(keywords)}", ""]
    lines += ["Introduction", "", *draw(st.lists(sentence, min_size=1, max_size=3)), ""]
    lines += [
        "References",
        "",
        "    1. Caplan AI. Mesenchymal stem cells. J Orthop Res. 1991;9:641.",
    ]
    text = "\n".join(lines) + (PMC_FOOTER if footer else "")
    expected = {
        "title": f"{title}: {subtitle}" if subtitle else title,
        "authors": authors,
        "abstract": texts,
        "labels": labels,
        "keywords": keywords,
        "record_complete": True if footer else None,
    }
    return text, expected


@settings(max_examples=60, deadline=None)
@given(pmc_pages())
def test_a_whole_pmc_page_gives_back_every_part(page):
    text, expected = page
    [a] = mscdata.parse(text)
    assert a.title == expected["title"]
    assert [x.full_name for x in a.authors] == expected["authors"]
    assert [s.text for s in a.abstract_sections] == expected["abstract"]
    assert [s.label for s in a.abstract_sections] == expected["labels"]
    assert [k.term for k in a.keywords] == expected["keywords"]
    assert (a.journal, a.journal_title) == (None, "Stem Cell Research & Therapy")
    assert a.abstract_complete is True and a.keywords_complete is True
    assert a.record_complete is expected["record_complete"]


def _check_cut_against_whole(cut, whole) -> None:
    if cut.record_complete:
        assert cut.model_dump(exclude={"provenance"}) == whole.model_dump(exclude={"provenance"})
    assert cut.title is None or cut.title == whole.title
    assert [x.full_name for x in cut.authors] in ([], [x.full_name for x in whole.authors])
    for item, full in zip(cut.abstract_sections, whole.abstract_sections, strict=False):
        assert full.text.startswith(item.text) and (not item.complete or item.text == full.text)
    if cut.abstract_complete:
        assert cut.abstract == whole.abstract
    for item, full in zip(cut.keywords, whole.keywords, strict=False):
        assert full.term.startswith(item.term) and (not item.complete or item.term == full.term)


@settings(max_examples=60, deadline=None)
@given(pmc_pages(), st.data())
def test_a_pmc_page_cut_anywhere_never_shows_a_cut_part_as_complete(page, data):
    text, _ = page
    [whole] = mscdata.parse(text)
    end = data.draw(st.integers(text.index("\n\n") + 1, len(text) - 1))  # after the citation
    [cut] = mscdata.parse(text[:end], url=URL)
    _check_cut_against_whole(cut, whole)
    if end < text.index("\nReferences\n") and text[end - 1].isalnum() and text[end].isalnum():
        assert cut.record_complete is False


@st.composite
def plain_pages(draw) -> tuple[str, dict]:
    """A plain PubMed page's text (no final newline, as stored copies keep it)."""
    title = draw(sentence)
    paragraphs = [" ".join(p) for p in draw(st.lists(st.lists(sentence, min_size=1), min_size=1))]
    keywords = draw(st.lists(words, min_size=1, max_size=5, unique=True))
    types = draw(
        st.lists(
            st.sampled_from(["Review", "Journal Article", "Meta-Analysis"]), min_size=1, unique=True
        )
    )
    mesh = draw(
        st.lists(
            st.sampled_from(["Humans", "Animals", "Cartilage / cytology*"]), min_size=1, unique=True
        )
    )
    lines = [title, "", "Cell Biosci. 2020 May 24:10:69. doi: 10.1186/s13578-020-00427-y.", ""]
    lines += ["Abstract", ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    lines += [f"{draw(st.sampled_from(KEYWORD_LABELS))} {'; '.join(keywords)}.", ""]
    lines += ["Publication types", "", *[f"  • {t}" for t in types], ""]
    lines += ["MeSH terms", "", *[f"  • {m}" for m in mesh]]
    return "\n".join(lines), {"title": title, "keywords": keywords, "types": types}


@settings(max_examples=60, deadline=None)
@given(plain_pages(), st.data())
def test_a_plain_page_whole_is_not_marked_cut_and_cut_before_its_lists_is(page, data):
    text, expected = page
    [whole] = mscdata.parse(text, url=URL)
    assert whole.title == expected["title"]
    assert [k.term for k in whole.keywords] == expected["keywords"]
    assert whole.publication_types == expected["types"]
    assert whole.record_complete is None and whole.abstract_complete is True
    end = data.draw(st.integers(len(expected["title"]) + 80, len(text) - 1))
    [cut] = mscdata.parse(text[:end], url=URL)
    _check_cut_against_whole(cut, whole)
    if (
        end < text.index("\nPublication types\n")
        and text[end - 1].isalnum()
        and text[end].isalnum()
    ):
        assert cut.record_complete is False
