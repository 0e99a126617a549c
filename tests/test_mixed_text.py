"""mixed_text: one reading of mixed XML and HTML content for every reader."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

import mscdata
from mscdata.parsers.mixed_text import (
    BLOCK,
    HTML_KINDS,
    INLINE,
    JATS_KINDS,
    PART,
    PUBMED_KINDS,
    SKIP,
    mixed_text,
    normalise_space,
)


def _jats(xml: str, **options) -> str | None:
    return mixed_text(etree.fromstring(xml), **options)


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        ("<caption><title>Structures.</title><p>Of A.</p></caption>", "Structures. Of A."),
        (
            "<p>H<sub>2</sub>O and CO<sub>2</sub>, <italic>in vivo</italic></p>",
            "H2O and CO2, in vivo",
        ),
        ("<p>see <xref>1</xref><xref>2</xref></p>", "see 12"),
        (
            "<list><list-item><p>one</p></list-item><list-item><p>two</p></list-item></list>",
            "one two",
        ),
        (
            "<def-list><def-item><term>A</term><def><p>an a</p></def></def-item></def-list>",
            "A an a",
        ),
        ("<name><surname>Losick</surname><given-names>R</given-names></name>", "Losick R"),
        (
            "<x><year>2008</year>;<volume>320</volume>:<fpage>65</fpage>-<lpage>8</lpage></x>",
            "2008;320:65-8",
        ),
        ("<aff><institution>Univ</institution><country>Japan</country></aff>", "Univ Japan"),
        ("<aff><institution>Univ</institution>, <country>Japan</country></aff>", "Univ, Japan"),
        ("<p>  many\n\t spaces\u00a0here  </p>", "many spaces here"),
        ("<p>a<named-content>b</named-content>c</p>", "abc"),  # unknown: inline
        ("<title>Line<break/>break</title>", "Line break"),
        ("<p/>", None),
    ],
)
def test_blocks_apart_inline_joined_parts_spaced_only_when_nothing_separates(xml, text):
    assert _jats(xml) == text


def test_skipped_elements_keep_their_tail():
    xml = "<aff><label>1</label>Department of X, <institution>Univ</institution></aff>"
    assert _jats(xml, skip=frozenset({"label"})) == "Department of X, Univ"


def test_comments_and_processing_instructions_add_nothing_but_their_tail_is_read():
    root = etree.fromstring("<p>a<!-- note -->b<?pi x?>c</p>")
    assert mixed_text(root) == "abc"


def test_a_deep_tree_is_read_without_recursion():
    root = node = etree.Element("p")
    for _ in range(5000):
        node = etree.SubElement(node, "italic")
    node.text = "deep"
    assert mixed_text(root) == "deep"


def test_the_kinds_are_tables_with_one_kind_per_name():
    for table in (JATS_KINDS, HTML_KINDS, PUBMED_KINDS):
        assert set(table.values()) <= {BLOCK, PART, INLINE, SKIP}
    assert JATS_KINDS["p"] == JATS_KINDS["title"] == JATS_KINDS["caption"] == BLOCK
    assert JATS_KINDS["italic"] == JATS_KINDS["xref"] == JATS_KINDS["sup"] == INLINE
    assert JATS_KINDS["surname"] == JATS_KINDS["year"] == JATS_KINDS["source"] == PART
    assert HTML_KINDS["li"] == HTML_KINDS["br"] == HTML_KINDS["td"] == BLOCK
    assert HTML_KINDS["em"] == HTML_KINDS["a"] == HTML_KINDS["span"] == INLINE
    assert HTML_KINDS["script"] == SKIP


def test_html_blocks_are_kept_apart_and_scripts_are_not_read():
    page = lxml.html.fromstring(
        "<div><h2>Methods</h2><p>We <em>used</em> H<sub>2</sub>O.</p><ul><li>one</li>"
        "<li>two</li></ul>a<br>b<script>var x;</script><table><tr><td>1</td><td>2</td>"
        "</tr></table></div>"
    )
    assert mixed_text(page, HTML_KINDS) == "Methods We used H2O. one two a b 1 2"


def test_html_abstract_paragraphs_of_a_page_are_not_glued():
    page = (
        b"<html><head><meta name='citation_title' content='T'>"
        b"<meta name='citation_doi' content='10.1000/x'></head><body>"
        b"<div class='abstract-content'><p><strong class='sub-title'>Aims:</strong>\n  "
        b"We <i>tested</i>.<br>Twice.</p></div></body></html>"
    )
    [article] = mscdata.parse(page, format="pubmed_html")
    [section] = article.abstract_sections
    assert section.label == "Aims" and section.text == "Aims: We tested. Twice."


def test_pubmed_xml_text_keeps_inline_markup_joined_and_normalises_whitespace():
    record = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE">
<PMID Version="1">123</PMID><Article><Journal><Title>J</Title></Journal>
<ArticleTitle>Amalgam  tattoos of H<sub>2</sub>O\n  and <i>E. coli</i>.</ArticleTitle>
<Abstract><AbstractText Label="AIMS">We <b>tested</b>  CO<sub>2</sub>.\n  Twice.</AbstractText>
</Abstract></Article></MedlineCitation><PubmedData><ReferenceList><Reference>
<Citation>Losick R, Desplan C. Stochasticity and cell fate.  Science. 2008;320:65-8.</Citation>
</Reference></ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>"""
    [article] = mscdata.parse(record)
    assert article.title == "Amalgam tattoos of H2O and E. coli."
    assert article.abstract_sections[0].text == "We tested CO2. Twice."
    [reference] = article.references
    assert reference.citation == (
        "Losick R, Desplan C. Stochasticity and cell fate. Science. 2008;320:65-8."
    )
    assert reference.author_list is None and reference.title is None  # plain text: as printed


@pytest.mark.parametrize(
    "text", ["a  b", "a\nb", "a\tb", " a b ", "a\u00a0b", "a\u2003b", "a\rb", "a b"]
)
def test_normalise_space_makes_every_whitespace_run_one_space(text):
    assert normalise_space(text) == "a b"
    assert normalise_space(" \n ") is None
