"""Properties of mscdata.facts.extract: every fact's span is its text in its part; the
same article gives the same facts; no text, however odd, makes it fail; and a text
holding no word of any lexicon gives no fact. Over generated articles (the models'
strategies, and texts mixing lexicon words with any characters) and real ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.facts import extract, part_texts, summary
from mscdata.facts.lexicon import compile_lexicons

from corpus import corpus_path
from strategies import articles


def _lexicon_words() -> list[str]:
    """Words and phrases the lexicons know, as they would be printed."""
    words = {"MSCs", "hUCMSC", "BM-MSC", "(ASCs)", "CD73", "CD90", "CD105", "NCT01234567"}
    for entries in compile_lexicons().entries.values():
        for entry in entries:
            words.add(entry.value.replace("_", " "))
    extra = "adipose-derived stem cells|mesenchymal stem cells|intravenously|patients|mice|not"
    return [
        *sorted(words),
        *extra.split("|"),
        "conditioned medium (CM)",
        "CM",
        "in vitro",
        "Review",
    ]


WORDS = _lexicon_words()
mixed_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(max_size=12),
        st.sampled_from([".", ",", ";", "(", ")", "-"]),
    ),
    max_size=40,
).map(" ".join)
# words no lexicon holds, and punctuation
NEUTRAL = [
    "apple",
    "river",
    "quietly",
    "green",
    "stone",
    "table",
    "7",
    "0.5",
    "blue",
    "walks",
    "over",
    "under",
    "lamp",
]
neutral_text = st.lists(
    st.one_of(st.sampled_from(NEUTRAL), st.sampled_from([".", ",", ";", "(", ")", "-"])),
    max_size=40,
).map(" ".join)


def _check(article) -> list:
    found = extract(article)
    texts = part_texts(article)
    for position, fact in enumerate(found, 1):
        assert fact.position == position
        assert texts[fact.part][fact.start : fact.end] == fact.text
        assert fact.text and fact.start < fact.end
    assert [f.model_dump() for f in extract(article)] == [f.model_dump() for f in found]
    summary(found)
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=mixed_text, abstract=mixed_text, keywords=st.lists(mixed_text, max_size=3))
def test_spans_are_exact_and_extraction_deterministic_on_any_text(title, abstract, keywords):
    _check(
        {
            "title": title,
            "abstract": abstract,
            "keywords": [{"term": k} for k in keywords if k],
            "publication_types": ["Review"] if "Review" in title else [],
            "accessions": [{"databank": "ClinicalTrials.gov", "accession_number": abstract[:20]}],
            "mesh_headings": [{"descriptor": title[:30] or "x"}],
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles())
def test_spans_are_exact_on_generated_article_models(article):
    _check(article)


@settings(max_examples=100, deadline=None)
@given(title=neutral_text, abstract=neutral_text)
def test_no_fact_without_a_lexicon_word(title, abstract):
    assert extract({"title": title, "abstract": abstract}) == []


@pytest.fixture(scope="module")
def real_articles():
    found = []
    for name in ("pubmed21n1298.small-excerpt.xml", "pubmed4.xml", "pubmed7.xml", "32051057.xml"):
        found += mscdata.read(corpus_path("peers", "pubmed-xml", name)).articles
    for name in ("elife-00666.xml", "pntd.0002065.nxml", "1471-2180-11-174.nxml"):
        found += mscdata.parse(corpus_path("peers", "pmc-jats", name))
    return found


def test_spans_are_exact_on_real_articles(real_articles):
    assert len(real_articles) >= 9
    assert any(a.figures for a in real_articles)  # full text: figure captions are read too
    counted = sum(len(_check(article)) for article in real_articles)
    assert counted > 0
