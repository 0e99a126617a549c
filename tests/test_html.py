"""HTML pages: legacy PubMed pages against their own XML report, and metadata tags."""

from __future__ import annotations

import pytest

import mscdata

from conftest import DATA
from corpus import corpus_path


@pytest.mark.parametrize("pmid", ["7288891", "24737116"])
def test_a_legacy_page_and_its_xml_report_give_the_same_values(pmid):
    page = corpus_path("pubmed-html", f"legacy-pmid-{pmid}.html")
    report = corpus_path("pubmed-html", f"legacy-pmid-{pmid}.report-xml.html")
    [html_article] = mscdata.parse(page)
    [xml_article] = mscdata.parse(report)
    assert html_article.provenance[0].source_format == "pubmed_html"
    assert xml_article.provenance[0].source_format == "pubmed_xml"
    for field in (
        "id",
        "pmid",
        "doi",
        "title",
        "volume",
        "issue",
        "pages",
        "electronic_date",
        "publication_year",
        "publication_month",
        "abstract",
    ):
        assert getattr(html_article, field) == getattr(xml_article, field), field
    assert [
        (a.last_name, a.initials, [x.text for x in a.affiliations]) for a in html_article.authors
    ] == [(a.last_name, a.initials, [x.text for x in a.affiliations]) for a in xml_article.authors]
    assert [
        m.model_dump(exclude={"descriptor_ui", "qualifier_ui"}) for m in html_article.mesh_headings
    ] == [
        m.model_dump(exclude={"descriptor_ui", "qualifier_ui"}) for m in xml_article.mesh_headings
    ]
    assert [s.name for s in html_article.substances] == [s.name for s in xml_article.substances]
    # the page leaves out the generic "Journal Article" type that the XML lists
    assert set(html_article.publication_types) <= set(xml_article.publication_types)


def test_publisher_page_through_citation_meta_tags():
    [a] = mscdata.parse(DATA / "html" / "publisher-meta.html")
    assert a.provenance[0].source_format == "html_meta"
    assert (a.id, a.doi) == ("pmid:33333333", "10.1000/jt.2021.101")
    assert a.title == "Mesenchymal stromal cell therapy in knee osteoarthritis"
    assert (a.journal, a.journal_title) == ("J Tests", "Journal of Tests")
    assert (a.volume, a.issue, a.pages) == ("12", "3", "101-110")
    assert (a.publication_year, a.publication_month, a.publication_day) == (2021, 3, 15)
    assert a.electronic_date == "2021-02-01"
    jane, richard = a.authors
    assert (jane.last_name, jane.fore_name, jane.orcid) == ("Doe", "Jane Q", "0000-0002-1825-0097")
    assert [x.text for x in jane.affiliations] == ["University of Testing, Lab A", "Hospital B"]
    assert richard.affiliations == []
    assert [k.term for k in a.keywords] == ["mesenchymal stromal cells", "osteoarthritis"]


def test_current_pubmed_page_with_abstract_in_the_body():
    [a] = mscdata.parse(DATA / "html" / "current-pubmed.html")
    assert a.id == "pmid:26237144" and a.doi == "10.3390/jcm2040201"
    assert (a.publication_year, a.publication_month, a.publication_day) == (2013, 10, 23)
    assert [x.full_name for x in a.authors] == ["Yves-Marie Pers", "Christian Jorgensen"]
    assert a.abstract.startswith("Multipotent mesenchymal stromal cells")


def test_html_without_article_metadata_is_a_parse_error():
    with pytest.raises(mscdata.ParseError, match="without article metadata"):
        mscdata.parse(b"<html><head><title>Hello</title></head><body>hi</body></html>")
