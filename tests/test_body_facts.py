"""The body text of a JATS article in the facts and the package: the ``body`` part adds
facts to MSC articles only, its spans point into ``part_texts``; ``body_sections`` is
built, merged with the PubMed record of the same article, validated and loaded back."""

from __future__ import annotations

import json

import pytest

import mscdata
from mscdata.cli import main
from mscdata.facts import extract, part_texts
from mscdata.facts.extraction import BODY_FACETS

from corpus import corpus_names, corpus_path
from pubmed_files import Citation, pubmed_file

TITLE = "Mesenchymal stromal cells in experimental colitis"
METHODS = (
    "<sec><title>Methods</title><sec><label>2.1</label><title>Cell <italic>therapy</italic>"
    "</title><p>Bone marrow-derived mesenchymal stem cells were injected intravenously into "
    'mice <xref ref-type="bibr" rid="b1">[1]</xref>.</p></sec></sec>'
)
DISCUSSION = (
    "<sec><title>Discussion</title><p>A meta-analysis of randomized trials in patients with "
    "Crohn's disease found benefits.</p></sec>"
)


def jats(title: str = TITLE, body: str = METHODS + DISCUSSION, pmid: str = "31000001") -> bytes:
    return (
        '<article><front><article-meta><article-id pub-id-type="pmid">'
        f"{pmid}</article-id><title-group><article-title>{title}</article-title>"
        "</title-group><abstract><p>We asked whether the cells reduce inflammation of the "
        f"colon.</p></abstract></article-meta></front><body>{body}</body></article>"
    ).encode()


def _facts(article) -> dict[tuple[str, str], object]:
    return {(f.facet, f.value): f for f in extract(article)}


def test_a_body_sentence_gives_the_source_route_and_species_with_their_spans():
    [article] = mscdata.parse(jats())
    facts = _facts(article)
    body = part_texts(article)["body"]
    assert body.startswith("Methods\n\nCell therapy\nBone marrow-derived")
    for key, text in (
        (("cell_sources", "bone_marrow"), "Bone marrow"),
        (("routes", "intravenous"), "intravenously"),
        (("species", "mouse"), "mice"),
    ):
        fact = facts[key]
        assert (fact.part, fact.text) == ("body", text)
        assert body[fact.start : fact.end] == fact.text
    assert facts["msc_topic", "primary"].part == "title"
    # the discussion's designs, conditions and people are other studies' facts
    assert ("study_design", "systematic_review_meta_analysis") not in facts
    assert ("species", "human") not in facts
    assert not any(key[1] == "Crohn Disease" for key in facts)


def test_the_body_only_adds_facts_and_keeps_the_others_evidence():
    [whole] = mscdata.parse(jats())
    without = whole.model_copy(update={"body_sections": []})
    before = [f.model_dump() for f in extract(without)]
    after = [f.model_dump() for f in extract(whole)]
    kept = [{k: v for k, v in f.items() if k != "position"} for f in after if f["part"] != "body"]
    assert kept == [{k: v for k, v in f.items() if k != "position"} for f in before]
    assert {f["facet"] for f in after if f["part"] == "body"} <= BODY_FACETS
    assert [f["position"] for f in after] == list(range(1, len(after) + 1))


def test_the_body_of_an_article_not_about_mscs_adds_nothing():
    title = "Inflammation of the colon in experimental colitis"
    [article] = mscdata.parse(jats(title=title))
    assert all(f.part != "body" for f in extract(article))
    assert not any(f.facet == "msc_topic" for f in extract(article))


@pytest.mark.parametrize("name", corpus_names("peers/pmc-jats"))
def test_the_peers_full_texts_read_the_same_facts_as_without_their_body(name):
    """None of the peers' JATS articles is about MSCs: their bodies add no fact."""
    for article in mscdata.parse(corpus_path("peers", "pmc-jats", name)):
        without = article.model_copy(update={"body_sections": []})
        assert extract(article) == extract(without)


def test_mscdata_facts_prints_the_body_facts(tmp_path, capsys):
    path = tmp_path / "article.nxml"
    path.write_bytes(jats())
    assert main(["facts", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {(f["facet"], f["value"]) for f in printed if f["part"] == "body"} == {
        ("cell_sources", "bone_marrow"),
        ("species", "mouse"),
        ("routes", "intravenous"),
    }


def test_a_jats_body_is_built_merged_with_the_pubmed_record_validated_and_loaded(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    pubmed_file(sources, "pubmed.xml", [Citation("31000001", TITLE, abstract="About MSCs.")])
    (sources / "article.nxml").write_bytes(jats())
    (sources / "manifest.yaml").write_text(
        "sources:\n  - file: pubmed.xml\n  - file: article.nxml\n", encoding="utf-8"
    )
    package = mscdata.build(sources, tmp_path / "out")
    report = mscdata.validate(package)
    assert report.valid, report
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == "body_sections"]
    assert resource["licenses"][0]["name"] == "publisher-copyright"
    [article] = mscdata.load(package).articles
    assert [p.source_format for p in article.provenance] == ["pubmed_xml", "pmc_jats"]
    assert article.abstract == "About MSCs."  # PubMed XML first for the content
    assert [(s.level, s.label, s.title) for s in article.body_sections] == [
        (1, None, "Methods"),
        (2, "2.1", "Cell therapy"),
        (1, None, "Discussion"),
    ]
    assert article.body_complete is True
    body = part_texts(article)["body"]
    facts = [f for f in article.msc_facts if f.part == "body"]
    assert {f.value for f in facts} == {"bone_marrow", "mouse", "intravenous"}
    assert all(body[f.start : f.end] == f.text for f in facts)


def test_sections_on_the_work_of_others_are_left_out_of_the_body_part():
    """An introduction or a discussion names other studies' sources, routes, organisms
    and trials: no fact of the body is read there, nor in the sections they hold."""
    others = (
        "<sec><title>Discussion</title><p>Others gave umbilical cord MSCs intravenously to "
        "patients with COVID-19 (NCT04355728).</p><sec><title>Exosomes</title><p>Adipose "
        "MSC exosomes were inhaled by mice.</p></sec></sec>"
        "<sec><title>1. Introduction</title><p>Dental pulp stem cells were given.</p></sec>"
    )
    [article] = mscdata.parse(jats(body=METHODS + others))
    body = part_texts(article)["body"]
    assert "Others gave" not in body and "inhaled" not in body and "Dental" not in body
    added = {key for key, fact in _facts(article).items() if fact.part == "body"}
    assert added == {
        ("cell_sources", "bone_marrow"),
        ("routes", "intravenous"),
        ("species", "mouse"),
    }


def test_an_abbreviation_the_body_defines_adds_no_fact_outside_the_body():
    from mscdata.facts.extraction import _reading
    from mscdata.facts.lexicon import compile_lexicons
    from mscdata.models import Article

    article = Article(
        id="pmid:1",
        pmid="1",
        title="Mesenchymal stromal cells for osteoarthritis",
        abstract="Mesenchymal stromal cells (MSCs) derived from UCB were injected into the "
        "knee. MSCs reduced pain.",
        body_sections=[
            {"position": 1, "level": 1, "title": "Methods", "complete": True,
             "text": "Umbilical cord blood (UCB) was collected at birth."}
        ],
    )  # fmt: skip
    # read with its body, the abstract's UCB is the body's cord blood...
    read_whole = _reading(article, part_texts(article), compile_lexicons())
    [followed] = [e for e in read_whole.facts.values() if e.match.rule == "abbreviation:UCB"]
    assert followed.match.part.name == "abstract"
    # ...which extract does not take: a fact of the body is read in the body
    assert ("cell_sources", "cord_blood") not in _facts(article)
