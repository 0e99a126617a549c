"""PMC JATS: counts equal XPath counts of every real file; figures, references, licence."""

from __future__ import annotations

import pytest

import mscdata

from corpus import corpus_names, corpus_path

FILES = corpus_names("peers/pmc-jats")
AUTHORS = "//article-meta/contrib-group/contrib[@contrib-type='author' or not(@contrib-type)]"
CITATIONS = "self::mixed-citation or self::element-citation or self::citation or self::nlm-citation"


@pytest.fixture(scope="module", params=FILES)
def jats_file(request):
    from lxml import etree

    path = corpus_path("peers", "pmc-jats", request.param)
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.parse(str(path), parser), mscdata.read(path)


def _count(tree, xpath: str) -> int:
    return int(tree.xpath(f"count({xpath})"))


def test_counts_equal_the_files_elements(jats_file):
    tree, result = jats_file
    assert result.failures == []
    articles = result.articles
    assert len(articles) == _count(tree, "/article | /pmc-articleset/article")
    assert sum(len(a.identifiers) for a in articles) == _count(tree, "//article-meta/article-id")
    assert sum(1 for a in articles if a.pmid) == _count(
        tree, "//article-meta[article-id[@pub-id-type='pmid']]"
    )
    assert sum(1 for a in articles if a.pmcid) == _count(
        tree, "//article-meta[article-id[@pub-id-type='pmc' or @pub-id-type='pmcid']]"
    )
    authors = [x for a in articles for x in a.authors]
    assert len(authors) == _count(tree, AUTHORS)
    assert sum(1 for x in authors if x.collective_name) == _count(tree, f"{AUTHORS}/collab")
    assert sum(1 for x in authors if x.orcid) == _count(
        tree, f"{AUTHORS}[contrib-id[@contrib-id-type='orcid']]"
    )
    aff_ids = set(tree.xpath("//article-meta//aff/@id"))
    linked = sum(
        1
        for rids in tree.xpath(f"{AUTHORS}/xref[@ref-type='aff']/@rid")
        for rid in rids.split()
        if rid in aff_ids
    )
    assert sum(len(x.affiliations) for x in authors) == linked + _count(tree, f"{AUTHORS}/aff")
    assert sum(len(a.keywords) for a in articles) == _count(
        tree, "//article-meta/kwd-group/kwd[normalize-space()]"
    )
    assert sum(len(a.figures) for a in articles) == _count(tree, "//fig")
    assert sum(len(a.references) for a in articles) == _count(tree, f"//ref[.//*[{CITATIONS}]]")
    for kind, attribute in (("pmid", "pmid"), ("doi", "doi")):
        assert sum(1 for a in articles for r in a.references if getattr(r, attribute)) == _count(
            tree, f"//ref[.//pub-id[@pub-id-type='{kind}']]"
        ), kind
    assert sum(1 for a in articles if a.license) == _count(
        tree, "//article-meta[permissions/license]"
    )


def test_figures_abstracts_and_orcid_of_the_elife_kitchen_sink():
    path = corpus_path("peers", "pmc-jats", "elife-00666.xml")
    [a] = mscdata.parse(path)
    assert a.doi == "10.7554/eLife.00666" and a.id == "doi:10.7554/eLife.00666"
    assert [x.orcid for x in a.authors if x.orcid] == ["0000-0003-3523-4408"]
    assert any(x.collective_name for x in a.authors)
    assert len(a.figures) == 11 and a.figures_complete is True
    assert all(f.caption for f in a.figures if f.label)
    assert a.figures[0].figure_id and a.figures[0].graphic
    kinds = {s.abstract_type for s in a.abstract_sections}
    assert None in kinds and "executive-summary" in kinds
    summary = [s.text for s in a.abstract_sections if s.abstract_type == "executive-summary"]
    assert a.abstract and not any(text in a.abstract for text in summary)
    assert a.license == "http://creativecommons.org/licenses/by/4.0/"
    assert a.electronic_date is not None


def test_author_summary_is_kept_apart_from_the_abstract():
    path = corpus_path("peers", "pmc-jats", "pntd.0002065.nxml")
    [a] = mscdata.parse(path)
    summary = [s for s in a.abstract_sections if s.abstract_type == "summary"]
    main = [s for s in a.abstract_sections if s.abstract_type is None]
    assert summary and main
    assert a.abstract == "\n\n".join(s.text for s in main)


def test_efetch_articleset_and_a_correction_without_body():
    path = corpus_path("peers", "pmc-jats", "efetch_pmc.xml")
    [a] = mscdata.parse(path)
    assert (a.pmid, a.pmcid) == ("34527728", "PMC8435807")
    assert a.license.startswith("https://creativecommons.org/licenses/by-")


def test_jats_entity_declarations_are_refused_and_malformed_xml_is_located():
    doctype = '<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    with pytest.raises(mscdata.ParseError, match="declares entities"):
        mscdata.parse(f"{doctype}<article><front/></article>".encode())
    with pytest.raises(mscdata.ParseError, match="malformed XML") as caught:
        mscdata.parse(b"<article>\n<front>\n<article-meta>\n</front></article>")
    assert caught.value.line is not None


def test_an_article_without_front_matter_is_a_located_failure():
    result = mscdata.read(b"<pmc-articleset>\n<article><body/></article>\n</pmc-articleset>")
    [failure] = result.failures
    assert failure.record == 1 and failure.line == 2 and "front/article-meta" in failure.reason
