"""The fast paths of the PubMed XML readers agree with the plain rules they shortcut:
leaf text against whitespace splitting and mixed_text, numbers and PMIDs against regular
expressions, flag()'s fast path against its rule, and the list limit on each list reader."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import mscdata
from mscdata.dates import parse_number
from mscdata.identifiers import pick_ids
from mscdata.parsers import limits
from mscdata.parsers.mixed_text import PUBMED_KINDS, mixed_text, normalise_space
from mscdata.parsers.pubmed_xml_parts import flag, text_of

# characters XML 1.0 allows, with every kind of whitespace (and look-alikes) likely
_XML_CHARS = st.characters(
    codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00\ufffe\uffff"
).filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20)
_TEXTS = st.text(
    st.one_of(
        _XML_CHARS,
        st.sampled_from(" \t\n\r\u00a0\u2003\u3000\u0085\u200b\u00e9\u00fc\u4e2d"),
    ),
    max_size=40,
)


def _split_join(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


# any text but the separators \x1c-\x1f, which no XML has and HTML text keeps as found
@given(st.text(st.characters(exclude_characters="\x1c\x1d\x1e\x1f"), max_size=40))
def test_normalise_space_is_whitespace_splitting(text):
    assert normalise_space(text) == _split_join(text)


@given(_TEXTS)
def test_the_text_of_a_leaf_is_its_text_with_whitespace_normalised(text):
    element = etree.Element("LastName")
    element.text = text
    assert text_of(element) == _split_join(text) == mixed_text(element, PUBMED_KINDS)


@given(_TEXTS, _TEXTS, _TEXTS)
def test_the_text_of_an_element_with_markup_is_its_mixed_text(before, inner, after):
    element = etree.Element("ArticleTitle")
    element.text = before
    italic = etree.SubElement(element, "i")
    italic.text, italic.tail = inner, after
    assert text_of(element) == mixed_text(element, PUBMED_KINDS)
    assert text_of(element) == _split_join(before + inner + after)


@given(st.text(max_size=12))
def test_a_number_is_ascii_digits_only(text):
    stripped = text.strip()
    expected = int(stripped) if re.fullmatch(r"[0-9]{1,9}", stripped) else None
    assert parse_number(text) == expected


@pytest.mark.parametrize("value", [None, "Y", "N", "y", " Y ", "n", "", "yes", "X"])
def test_a_flag_s_fast_path_reads_as_its_rule(value):
    element = etree.Element("DescriptorName")
    if value is not None:
        element.set("MajorTopicYN", value)
    rule = None if value is None else value.strip().upper() == "Y"
    assert flag(element.get("MajorTopicYN")) == rule
    assert flag(value, True) == (True if value is None else rule)


_RECORD = """<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE">
<PMID Version="1">1</PMID><Article><Journal><Title>J</Title></Journal>
<ArticleTitle>T</ArticleTitle>{article}</Article>{citation}</MedlineCitation>
</PubmedArticle></PubmedArticleSet>"""


@pytest.mark.parametrize(
    ("where", "list_tag", "row"),
    [
        ("citation", "MeshHeadingList", "<MeshHeading/>"),
        ("citation", "ChemicalList", "<Chemical/>"),
        ("article", "AuthorList", "<Author/>"),
        ("article", "PublicationTypeList", "<PublicationType>p</PublicationType>"),
    ],
)  # fmt: skip
def test_a_list_longer_than_the_limit_fails_its_record_before_rows_are_built(where, list_tag, row):
    rows = f"<{list_tag}>{row * (limits.MAX_CHILD_ROWS + 1)}</{list_tag}>"
    xml = _RECORD.format(**{"article": "", "citation": "", where: rows})
    result = mscdata.read(xml.encode())
    [failure] = result.failures
    assert f"100,001 <{list_tag}> entries in one article" in failure.reason


@given(st.text(st.sampled_from("0123456789 \n\u0663x"), max_size=12))
def test_a_pmid_is_picked_when_the_schema_pattern_takes_it(value):
    pmid = value.strip().lstrip("0")
    expected = {"pmid": pmid} if re.fullmatch(r"[1-9][0-9]{0,8}", pmid) else {}
    assert pick_ids([("pmid", value)]) == expected
