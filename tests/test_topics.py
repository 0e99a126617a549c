"""Topics as data: topic files checked with located errors, the PubMed query, and the
local matching rules (properties over generated text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mscdata.errors import TopicError
from mscdata.topics import Descriptor, Topic, bundled_topics, load_topic, normalize


def _topic(*terms: str, exclude: tuple[str, ...] = (), mesh=(), exclude_types=()) -> Topic:
    return Topic(
        name="t",
        title="T",
        description="",
        mesh=tuple(mesh),
        terms=terms,
        exclude_mesh=(),
        exclude_terms=exclude,
        exclude_publication_types=tuple(exclude_types),
        path=Path("t.yaml"),
        sha256="0" * 64,
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """name: cells
title: Some cells
mesh:
  - ui: D059630
    name: Mesenchymal Stem Cells
  - ui: D000001
    name: Some Descriptor
    major: true
    explode: false
terms:
  - mesenchymal stem*
  - Wharton's jelly
exclude:
  terms: [mesenchymal stem-like subtype*]
  publication_types: [Published Erratum]
"""


def test_the_msc_topic_is_bundled_and_valid():
    topic = load_topic("msc")
    assert "msc" in bundled_topics() and topic.name == "msc"
    assert [(d.ui, d.name) for d in topic.mesh] == [
        ("D059630", "Mesenchymal Stem Cells"),
        ("D059631", "Mesenchymal Stem Cell Transplantation"),
    ]
    for variant in ("ADSCs", "BM-MSCs", "UC-MSCs", "Wharton's jelly", "DPSCs", "PDLSCs"):
        assert variant in topic.terms
    assert "exfoliated deciduous teeth" in topic.terms  # SHED
    assert topic.exclude_terms and len(topic.sha256) == 64


def test_the_query_of_a_topic_file(tmp_path):
    topic = load_topic(_write(tmp_path, GOOD))
    assert topic.query() == (
        '("Mesenchymal Stem Cells"[MeSH Terms] OR "Some Descriptor"[majr:noexp] OR '
        '"mesenchymal stem*"[tiab] OR "Wharton\'s jelly"[tiab] OR '
        '"mesenchymal stem*"[ot] OR "Wharton\'s jelly"[ot]) NOT '
        '("mesenchymal stem-like subtype*"[tiab] OR "mesenchymal stem-like subtype*"[ot] OR '
        '"Published Erratum"[Publication Type])'
    )
    assert Descriptor("D1", "X", major=True).query() == '"X"[MeSH Major Topic]'
    assert Descriptor("D1", "X", explode=False).query() == '"X"[mh:noexp]'


def test_the_msc_query_names_every_rule_once_per_field():
    topic = load_topic("msc")
    query = topic.query()
    assert query.count("(") == query.count(")") and query.count('"') % 2 == 0
    assert '"Mesenchymal Stem Cells"[MeSH Terms]' in query
    for term in topic.terms:
        assert query.count(f'"{term}"[tiab]') == 1 and query.count(f'"{term}"[ot]') == 1
    assert query.index(" NOT (") > query.index('"WJ-MSCs"[ot]')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\n", r"topic\.yaml:1: the file: 'title' is a required property"),
        ("name: x\ntitle: X\n", r"topic\.yaml:1: the file: a topic needs 'mesh'"),
        (
            "name: x\ntitle: X\nmesh:\n  - ui: D05\n    name: A\n",
            r"topic\.yaml:4: mesh\[0\]\.ui: 'D05' does not match",
        ),
        (
            "name: x\ntitle: X\nterms:\n  - good\n  - 'bad \"quote'\n",
            r"topic\.yaml:5: terms\[1\]: 'bad \"quote' is not a term",
        ),
        (
            "name: x\ntitle: X\nterms:\n  - good\n  - MSC*\n",
            r"topic\.yaml:5: terms\[1\]: 'MSC\*': PubMed truncates \(\*\) only words of at least 4",
        ),
        (
            "name: x\ntitle: X\nterms:\n  - BM-MSCs\n  - bm mscs\n",
            r"topic\.yaml:5: terms\[1\]: 'bm mscs' repeats terms\[0\]",
        ),
        (
            "name: x\ntitle: X\nterms: [a]\ncolour: red\n",
            r"topic\.yaml:1: the file: unknown keys are not allowed \('colour'",
        ),
        ("name: x\ntitle: [\n", r"topic\.yaml:3: not valid YAML"),
        ("- a list\n", r"topic\.yaml:1: a topic file is a mapping"),
        (
            "name: x\ntitle: X\nterms: [a]\nexclude:\n  publication_types: ['Re[view']\n",
            r"topic\.yaml:5: exclude\.publication_types\[0\]",
        ),
    ],
)
def test_a_bad_topic_file_is_located(tmp_path, text, message):
    with pytest.raises(TopicError, match=message):
        load_topic(_write(tmp_path, text))


def test_an_unknown_topic_names_the_bundled_ones(tmp_path):
    with pytest.raises(TopicError, match="unknown topic 'nope'; bundled topics: msc"):
        load_topic("nope")
    with pytest.raises(TopicError, match="no such topic file"):
        load_topic(tmp_path / "gone.yaml")


def test_matching_reads_title_abstract_keywords_and_mesh():
    topic = load_topic("msc")
    assert topic.matches({"title": "Bone marrow stromal cells in mice"})
    assert topic.matches({"abstract_sections": [{"text": "We used hADSCs."}]})
    assert topic.matches({"abstract": "Human Wharton’s jelly cells."})
    assert topic.matches({"keywords": [{"term": "periodontal ligament stem cells"}]})
    assert topic.matches({"mesh_headings": [{"descriptor_ui": "D059631"}]})
    assert not topic.matches({"title": "Epithelial-mesenchymal transition in cancer"})
    assert not topic.matches({"title": "MSC-AS1 in gastric carcinoma; an MSc degree"})
    tnbc = "The mesenchymal stem-like subtype of triple-negative breast cancer"
    assert not topic.matches({"title": tnbc})
    assert topic.explain({"title": tnbc}) == [
        "term 'mesenchymal stem*'",
        "excluded by term 'mesenchymal stem-like subtype*'",
    ]


def test_phrases_do_not_run_across_fields():
    topic = _topic("stem cells from apical papilla")
    record = {"title": "Stem cells from", "keywords": [{"term": "apical papilla"}]}
    assert not topic.matches(record)
    assert topic.matches({"title": "Stem cells from apical papilla"})


def test_major_and_exclusions_by_mesh_and_publication_type():
    major = _topic(mesh=[Descriptor("D059630", "Mesenchymal Stem Cells", major=True)])
    heading = {"descriptor_ui": "D059630", "descriptor_major_topic": False}
    assert not major.matches({"mesh_headings": [heading]})
    assert major.matches({"mesh_headings": [{**heading, "qualifier_major_topic": True}]})
    erratum = _topic("mscs", exclude_types=["Published Erratum"])
    assert erratum.matches({"title": "MSCs", "publication_types": ["Journal Article"]})
    assert not erratum.matches({"title": "MSCs", "publication_types": ["published erratum"]})


def test_an_article_model_is_matched_like_its_data(seed_article):
    topic = load_topic("msc")
    assert topic.matches(seed_article) and topic.matches(seed_article.model_dump())


_WORDS = st.lists(st.sampled_from(["of", "the", "cells", "zz", "in", "9", "mice"]), max_size=6)
_SEPARATORS = st.sampled_from([" ", ", ", " (", "; ", "\n", " - ", ": "])


def _variant(term: str, data) -> str:
    """The term as an author may print it: any case, hyphens or spaces between words,
    an accent-free spelling, any ending where it ends with *."""
    words = term.rstrip("*").split()
    joined = words[0]
    for word in words[1:]:
        joined += data.draw(st.sampled_from([" ", "-", " - ", "  "])) + word
    if term.endswith("*"):
        joined += data.draw(st.sampled_from(["", "s", "-derived", "ness", " like"]))
    return "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in joined)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_term_is_found_as_printed_anywhere_in_any_field(data):
    topic = load_topic("msc")
    term = data.draw(st.sampled_from(topic.terms))
    printed = _variant(term, data)
    before, after = data.draw(_WORDS), data.draw(_WORDS)
    text = " ".join(before) + data.draw(_SEPARATORS) + printed + data.draw(_SEPARATORS)
    text += " ".join(after)
    field = data.draw(st.sampled_from(["title", "abstract", "keyword"]))
    record = {
        "title": {"title": text},
        "abstract": {"abstract_sections": [{"text": "Background."}, {"text": text}]},
        "keyword": {"keywords": [{"term": "other"}, {"term": text}]},
    }[field]
    assert _topic(term).matches(record), (term, text)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_term_glued_to_other_letters_is_not_found(data):
    term = data.draw(st.sampled_from(load_topic("msc").terms))
    glue = data.draw(st.sampled_from(["x", "pre", "9"]))
    printed = _variant(term, data)
    assert not _topic(term).matches({"title": f"the {glue}{printed} cells"})
    if not term.endswith("*"):
        assert not _topic(term).matches({"title": f"the {printed}{glue} cells"})


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_an_exclusion_wins_over_any_term(data):
    msc = load_topic("msc")
    term = data.draw(st.sampled_from(msc.terms))
    excluded = data.draw(st.sampled_from(msc.exclude_terms))
    topic = _topic(term, exclude=(excluded,))
    text = f"{_variant(term, data)} and the {_variant(excluded, data)}"
    assert not topic.matches({"abstract_sections": [{"text": text}]})
    assert topic.matches({"abstract_sections": [{"text": _variant(term, data)}]})


@given(st.text(max_size=60))
def test_normalized_text_is_words_and_single_spaces(text):
    normalized = normalize(text)
    assert normalized == normalize(normalized)
    assert not re.search(r"[^\w ]|_|  |^ | $", normalized)
