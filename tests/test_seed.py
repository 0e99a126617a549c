"""The seed page, exactly as issue #2 specifies it."""

from __future__ import annotations

import pytest

import mscdata
from mscdata.errors import MissingPmidWarning

from conftest import SEED, SEED_URL, shared_path


def test_identifiers(seed_article):
    assert seed_article.id == "pmid:26237144"
    assert seed_article.pmid == "26237144"
    assert seed_article.doi == "10.3390/jcm2040201"
    assert seed_article.pmcid is None


def test_without_url_the_pmid_is_unknown(seed_text):
    with pytest.warns(MissingPmidWarning, match="--url|url="):
        [article] = mscdata.parse(seed_text)
    assert article.pmid is None
    assert article.id == "doi:10.3390/jcm2040201"


def test_bibliographic_fields(seed_article):
    a = seed_article
    assert a.title == (
        "Mesenchymal Stromal Cells: Updates and Therapeutic Outlook in Rheumatic Diseases"
    )
    assert a.journal == "J Clin Med"
    assert (a.publication_year, a.publication_month, a.publication_day) == (2013, 10, 23)
    assert a.publication_date_text == "2013 Oct 23"
    assert (a.volume, a.issue, a.pages) == ("2", "4", "201-13")
    assert a.publication_types == ["Review"]
    assert a.electronic_date is None


def test_authors(seed_article):
    [author] = seed_article.authors
    assert (author.position, author.fore_name, author.last_name) == (1, "Yves-Marie", "Pers")
    assert author.full_name == "Yves-Marie Pers"
    assert author.initials is None  # not printed, so not derived
    assert seed_article.authors_complete is False


def test_abstract(seed_article):
    abstract = seed_article.abstract
    assert abstract.startswith("Multipotent mesenchymal stromal cells")
    assert abstract.endswith("double-blind trials.")
    assert "\n" not in abstract
    [section] = seed_article.abstract_sections
    assert section.label is None and section.text == abstract and section.complete
    assert seed_article.abstract_complete is True


def test_keywords(seed_article):
    assert [k.term for k in seed_article.keywords] == [
        "autoimmune diseases",
        "immune tolerance",
        "mesenchymal stem cells",
        "osteoarthritis",
        "rheumatic diseases",
        "rheumatoid arthritis",
    ]
    assert [k.position for k in seed_article.keywords] == [1, 2, 3, 4, 5, 6]
    assert all(k.complete for k in seed_article.keywords)
    assert seed_article.keywords_complete is True


def test_figures(seed_article):
    first, second = seed_article.figures
    assert first.label == "Figure 1"
    assert first.caption.startswith("Schematic representation")
    assert first.caption.endswith("manifestations of rheumatic diseases.")
    assert second.label == "Figure 2"
    assert second.caption == (
        "Current therapeutic applications of mesenchymal stem cells (MSCs) in rheumatic diseases."
    )
    assert seed_article.figures_complete is True


def test_references(seed_article):
    refs = seed_article.references
    assert [r.position for r in refs] == [1, 2, 3, 4, 5]
    assert [r.doi for r in refs] == [
        "10.1038/nrrheum.2009.104",
        None,
        "10.1126/science.284.5411.143",
        "10.1038/nri3209",
        "10.1007/s00281-011-0267-7",
    ]
    assert refs[0].citation.startswith("Djouad F., Bouffi C.")
    assert refs[0].citation.endswith("doi: 10.1038/nrrheum.2009.104.")
    assert refs[1].citation.endswith("pp. 1234–1265.")
    assert not any("- DOI" in r.citation or "PubMed" in r.citation for r in refs)
    assert all(r.pmid is None for r in refs)  # behind a link, never printed
    # the page shows the first five references of a longer list
    assert seed_article.references_complete is False


def test_completeness_and_provenance(seed_article):
    assert seed_article.record_complete is True
    [source] = seed_article.provenance
    assert source.source_format == "pubmed_page_chrome"
    assert source.source_file == "pubmed-page-26237144.txt"
    assert source.source_url == SEED_URL
    import hashlib

    assert source.source_sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_nothing_invented(seed_article):
    assert seed_article.mesh_headings == []
    assert seed_article.substances == []
    assert seed_article.license is None
    assert seed_article.languages == []


def test_bundled_source_is_the_shared_seed():
    shared_seed = shared_path("seed", "pubmed-page-26237144.txt")
    assert SEED.read_bytes() == shared_seed.read_bytes()


def test_path_text_and_bytes_agree(seed_text):
    from_path = mscdata.parse(SEED, url=SEED_URL)[0]
    from_text = mscdata.parse(seed_text, url=SEED_URL)[0]
    from_bytes = mscdata.parse(SEED.read_bytes(), url=SEED_URL)[0]
    strip = {"provenance"}
    assert from_path.model_dump(exclude=strip) == from_text.model_dump(exclude=strip)
    assert from_text == from_bytes
