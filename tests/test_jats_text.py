"""JATS captions and citations read as a person reads them: no glued blocks or parts,
structured citations in one style, their parts kept as typed columns."""

from __future__ import annotations

import re

import pytest
from glued_text import glued_caption, glued_parts, jats_files, measure
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

import mscdata
from mscdata.parsers.jats import caption_text
from mscdata.parsers.jats_citation import AUTHORS_SHOWN, citation_fields

from conftest import DATA, shared_path
from corpus import VENDORED, corpus_names, corpus_path

JATS = "peers/pmc-jats"  # every real JATS file: vendored ones, the rest in ../shared
OWN = [p for p in jats_files([DATA]) if VENDORED not in p.parents]


def _article(body: str) -> bytes:
    return (
        '<article><front><article-meta><article-id pub-id-type="pmid">1</article-id>'
        "<title-group><article-title>T</article-title></title-group></article-meta></front>"
        f"{body}</article>"
    ).encode()


@pytest.mark.parametrize("name", corpus_names(JATS))
def test_no_caption_block_or_citation_part_is_glued_in_real_jats(name):
    counts = measure(corpus_path(JATS, name))
    assert counts["figures_glued"] == 0 and counts["citations_glued"] == 0, counts


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_no_caption_block_or_citation_part_is_glued_in_the_projects_jats(path):
    counts = measure(path)
    assert counts["figures_glued"] == 0 and counts["citations_glued"] == 0, counts


def test_the_real_files_hold_the_cases_the_issue_names():
    shared_path("corpus", JATS)  # the whole set, not only the vendored files
    totals: dict[str, int] = {}
    for name in corpus_names(JATS):
        for key, value in measure(corpus_path(JATS, name)).items():
            totals[key] = totals.get(key, 0) + value
    assert totals["figures"] >= 10 and totals["citations"] >= 300  # 12 and 311 today


def test_pmc3460867_caption_reads_title_then_paragraph():
    path = corpus_path(JATS, "pone.0046493.nxml")
    [article] = mscdata.parse(path)
    caption = article.figures[0].caption
    assert caption.startswith("Chemical structure of inhibitors. Chemical structures of A, THL")


def test_akhter_nlm_citation_is_rendered_with_its_parts_typed():
    path = corpus_path(JATS, "6605965a.nxml")
    [article] = mscdata.parse(path)
    [akhter] = [r for r in article.references if r.citation.startswith("Akhter")]
    assert akhter.citation.startswith(
        "Akhter M, Inoue M, Kurahashi N, Iwasaki M, Sasazuki S, Tsugane S. Reproductive factors,"
    )
    assert "Prospective Study. Eur J Cancer Prev. 2008;17:515-524." in akhter.citation
    assert (akhter.publication_year, akhter.source, akhter.volume) == (
        2008,
        "Eur J Cancer Prev",
        "17",
    )
    assert (akhter.first_page, akhter.last_page) == ("515", "524")
    assert akhter.author_list.split(", ")[0] == "Akhter M"


LOSICK = (
    "<nlm-citation citation-type='journal'><person-group person-group-type='author'>"
    "<name><surname>Losick</surname><given-names>R</given-names></name>"
    "<name><surname>Desplan</surname><given-names>C</given-names></name></person-group>"
    "<article-title>Stochasticity and cell fate</article-title><source>Science</source>"
    "<year>2008</year><volume>320</volume><issue>5872</issue><fpage>65</fpage><lpage>8</lpage>"
    "<pub-id pub-id-type='doi'>10.1126/science.1147888</pub-id>"
    "<pub-id pub-id-type='pmid'>18388284</pub-id></nlm-citation>"
)


@pytest.mark.parametrize("kind", ["nlm-citation", "element-citation", "mixed-citation"])
def test_losick_desplan_is_no_longer_glued(kind):
    xml = LOSICK.replace("nlm-citation", kind)
    fields = citation_fields(etree.fromstring(xml))
    assert fields["citation"] == (
        "Losick R, Desplan C. Stochasticity and cell fate. Science. 2008;320(5872):65-8. "
        "doi:10.1126/science.1147888. PMID: 18388284."
    )
    assert fields["author_list"] == "Losick R, Desplan C"
    assert (fields["title"], fields["source"], fields["publication_year"]) == (
        "Stochasticity and cell fate",
        "Science",
        2008,
    )
    assert (fields["volume"], fields["issue"], fields["first_page"], fields["last_page"]) == (
        "320",
        "5872",
        "65",
        "8",
    )


def test_a_mixed_citation_with_its_own_punctuation_is_kept_as_printed():
    xml = (
        "<mixed-citation><person-group><name><surname>Samui</surname> <given-names>KL"
        "</given-names></name>, <name><surname>Inoue</surname> <given-names>S</given-names>"
        "</name>, <etal/></person-group> (<year>1997</year>) <article-title>Rift Valley "
        "fever in <italic>Zambia</italic></article-title>. <source>Jpn J Med Sci Biol</source>"
        " <volume>50</volume>: <fpage>73</fpage>–<lpage>77</lpage></mixed-citation>"
    )
    fields = citation_fields(etree.fromstring(xml))
    assert fields["citation"] == (
        "Samui KL, Inoue S, et al. (1997) Rift Valley fever in Zambia. Jpn J Med Sci Biol 50: 73–77"
    )
    assert fields["author_list"] == "Samui KL, Inoue S, et al."
    assert (fields["publication_year"], fields["first_page"], fields["last_page"]) == (
        1997,
        "73",
        "77",
    )


def test_seven_authors_are_six_then_et_al_and_the_column_keeps_all():
    names = "".join(
        f"<name><surname>S{i}</surname><given-names>G</given-names></name>" for i in range(7)
    )
    group = f"<person-group>{names}</person-group>"
    xml = f"<element-citation>{group}<source>J</source></element-citation>"
    fields = citation_fields(etree.fromstring(xml))
    assert fields["citation"] == "S0 G, S1 G, S2 G, S3 G, S4 G, S5 G, et al. J."
    assert fields["author_list"].count(",") == 6 and "et al" not in fields["author_list"]


def test_a_book_chapter_names_its_editors_and_publisher():
    xml = (
        "<element-citation publication-type='book'><person-group person-group-type='author'>"
        "<name><surname>Pers</surname><given-names>YM</given-names></name></person-group>"
        "<chapter-title>Cell and gene therapy</chapter-title><person-group "
        "person-group-type='editor'><name><surname>Bijlsma</surname><given-names>JWJ"
        "</given-names></name></person-group><source>EULAR Textbook</source>"
        "<publisher-loc>London</publisher-loc><publisher-name>BMJ</publisher-name>"
        "<year>2012</year><fpage>1234</fpage><lpage>1265</lpage></element-citation>"
    )
    assert citation_fields(etree.fromstring(xml))["citation"] == (
        "Pers YM. Cell and gene therapy. In: Bijlsma JWJ, editor. EULAR Textbook. "
        "London: BMJ; 2012. p. 1234-1265."
    )


@pytest.mark.parametrize(
    ("caption", "text"),
    [
        ("<title>Structures</title><p>Of A.</p>", "Structures. Of A."),
        ("<title>Is it?</title><p>Yes.</p>", "Is it? Yes."),
        ("<title>Levels (A)</title><p>One.</p><p>Two.</p>", "Levels (A). One. Two."),
        ("<p>Only a paragraph.</p><p>And another.</p>", "Only a paragraph. And another."),
        ("<title>Only a title</title>", "Only a title"),
    ],
)
def test_captions_read_title_then_paragraphs(caption, text):
    assert caption_text(etree.fromstring(f"<caption>{caption}</caption>")) == text
    xml = _article(
        f"<body><fig id='f1'><label>Figure 1</label><caption>{caption}</caption></fig></body>"
    )
    [article] = mscdata.parse(xml)
    assert article.figures[0].caption == text


# ------------------------------------------------------------------ properties

WORDS = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8)
PHRASES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
NUMBERS = st.integers(1, 9999).map(str)
INLINE = ("italic", "bold", "sup", "sub", "sc")


def _with_inline(parent, words: list[str], inline: list[int]) -> str:
    """Words into ``parent``, some inside inline elements; returns the plain text."""
    last = None
    for index, word in enumerate(words):
        separator = " " if index else ""
        if index in inline:
            if last is None:
                parent.text = (parent.text or "") + separator
            else:
                last.tail = (last.tail or "") + separator
            last = etree.SubElement(parent, INLINE[index % len(INLINE)])
            last.text = word
        elif last is None:
            parent.text = (parent.text or "") + separator + word
        else:
            last.tail = (last.tail or "") + separator + word
    return " ".join(words)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.one_of(st.none(), st.tuples(PHRASES, st.sampled_from(["", ".", "?", "!"]))),
    paragraphs=st.lists(
        st.tuples(st.lists(WORDS, min_size=1, max_size=6), st.sets(st.integers(0, 5))),
        min_size=0,
        max_size=3,
    ),
)
def test_generated_captions_keep_title_and_paragraphs_apart(title, paragraphs):
    caption = etree.Element("caption")
    title_text = None
    if title is not None:
        element = etree.SubElement(caption, "title")
        element.text = title_text = title[0] + title[1]
    texts = []
    for words, inline in paragraphs:
        texts.append(_with_inline(etree.SubElement(caption, "p"), words, sorted(inline)))
    body = " ".join(texts)
    if title_text and body:
        joiner = "" if title_text[-1] in ".?!" else "."
        expected = f"{title_text}{joiner} {body}"
    else:
        expected = title_text or body or None
    assert caption_text(caption) == expected
    assert not glued_caption(caption, expected)


PERSON = st.tuples(
    WORDS, st.text(st.sampled_from("ABCDEFGHJKLMNOPQRSTUVWZ"), min_size=1, max_size=3)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["element-citation", "nlm-citation", "mixed-citation"]),
    people=st.lists(PERSON, min_size=0, max_size=9),
    etal=st.booleans(),
    title=st.one_of(st.none(), PHRASES),
    source=st.one_of(st.none(), PHRASES),
    year=st.one_of(st.none(), st.integers(1800, 2030)),
    volume=st.one_of(st.none(), NUMBERS),
    issue=st.one_of(st.none(), NUMBERS),
    pages=st.one_of(st.none(), st.tuples(NUMBERS, st.one_of(st.none(), NUMBERS))),
)
@example(  # one author's initials hold the next author's and the source's texts
    kind="element-citation",
    people=[("0", "AN"), ("0", "A")],
    etal=False,
    title=None,
    source="N",
    year=None,
    volume=None,
    issue=None,
    pages=None,
)
def test_generated_citations_separate_every_part_and_type_it(
    kind, people, etal, title, source, year, volume, issue, pages
):
    citation = etree.Element(kind)
    group = etree.SubElement(citation, "person-group", {"person-group-type": "author"})
    for surname, given_names in people:
        name = etree.SubElement(group, "name")
        etree.SubElement(name, "surname").text = surname
        etree.SubElement(name, "given-names").text = given_names
    if etal:
        etree.SubElement(group, "etal")
    parts = {"article-title": title, "source": source, "year": year and str(year)}
    parts |= {"volume": volume, "issue": issue}
    parts |= {"fpage": pages and pages[0], "lpage": pages and pages[1]}
    for name, value in parts.items():
        if value is not None:
            etree.SubElement(citation, name).text = value
    fields = citation_fields(citation)
    text = fields["citation"]
    assert not glued_parts(citation, text), text
    shown = people[:AUTHORS_SHOWN]
    for surname, given_names in shown:
        person = re.escape(f"{surname} {given_names}")
        assert re.search(rf"(?<![^\W_]){person}(?![^\W_])", text)
    for value in parts.values():
        if value is not None:
            assert re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", text), (value, text)
    if people or etal:
        assert ("et al." in text) == (etal or len(people) > AUTHORS_SHOWN)
    authors = [f"{s} {g}" for s, g in people]
    expected_authors = ", ".join(authors + (["et al."] if etal else [])) or None
    assert fields.get("author_list") == expected_authors
    assert fields.get("publication_year") == year
    assert fields.get("title") == title and fields.get("source") == source
    assert (fields.get("volume"), fields.get("issue")) == (volume, issue)
    assert (fields.get("first_page"), fields.get("last_page")) == (
        pages and pages[0],
        pages and pages[1],
    )
