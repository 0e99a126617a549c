"""Every variant of PubMed page text listed in docs/pubmed-page-text-format.md.

The fixtures in tests/data/pages are written from the facts of that document (the real
pages it describes are not shipped); each test names the variant it covers.
"""

from __future__ import annotations

import warnings

import pytest

import mscdata
from mscdata.errors import MissingPmidWarning

from conftest import PAGES, SEED_URL


def parse_page(name: str, url: str | None = None):
    with warnings.catch_warnings():  # pages read without their address on purpose
        warnings.simplefilter("ignore", MissingPmidWarning)
        [article] = mscdata.parse(PAGES / name, url=url)
    return article


def test_structured_abstract_comparative_study_odd_doi():
    a = parse_page("chrome-structured-comparative.txt")
    assert a.publication_types == ["Comparative Study"]
    assert a.doi == "10.1002/1529-0131(199907)42:7<1361::AID-ANR9>3.0.CO;2-9"
    assert a.id == f"doi:{a.doi}"
    assert a.title == "Comparison of two scores: are they interchangeable?"
    assert (a.publication_year, a.publication_month, a.publication_day) == (1999, 7, None)
    assert [s.label for s in a.abstract_sections] == ["Objective", "Methods", "Results"]
    assert a.abstract_sections[1].text.startswith("Methods: Patients")
    assert "[(18)F]fluorodeoxyglucose" in a.abstract and "Actemra(®)" in a.abstract
    assert a.abstract.count("\n\n") == 2
    [author] = a.authors
    assert (author.fore_name, author.last_name, author.initials) == ("M E", "van Baar", "ME")
    assert a.keywords == [] and a.keywords_complete is None
    assert a.figures == [] and a.references == []
    assert a.record_complete is True


def test_epub_curly_keyword_figures_both_reference_shapes():
    a = parse_page("chrome-epub-figures-references.txt")
    assert a.electronic_date == "2017-05-20"
    assert (a.volume, a.issue, a.pages) == ("11", "10", "1267-1276")
    assert a.title == "Mesenchymal Stromal Cells for Crohn's Disease -- a Review"
    assert a.authors[0].last_name == "Le Blanc"
    assert a.authors[0].fore_name == "Katarina"
    assert [k.term for k in a.keywords] == [
        "Crohn\u2019s disease",
        "Mesenchymal stromal cells",
        "Janus kinase inhibitior",
        "Stem cell",
    ]
    assert [(f.label, f.caption) for f in a.figures] == [
        ("Figure 1", "Forest Plots of ACR Scores for the 3 FDA Approved JAKis [13,15,16]."),
        ("Figure 2", "Study flow."),
    ]
    citations = [r.citation for r in a.references]
    assert citations[0] == "Chimerism. 2011 Jan;2(1):16-8"
    assert citations[1].endswith("Nature. 2003;425(6960):836–841.")
    assert citations[2].endswith("Patent no. 5,486,359, 1996.")
    assert all(r.complete for r in a.references)
    assert a.references_complete is True  # fewer than PubMed's five, and the list closed


def test_old_page_without_doi_prints_its_pmid_in_the_affiliations_block():
    a = parse_page("chrome-old-no-doi.txt")
    assert a.pmid == "2406808" and a.id == "pmid:2406808"
    assert a.doi is None
    assert (a.publication_year, a.publication_month, a.volume, a.issue, a.pages) == (
        1990,
        2,
        "16",
        "1",
        "199-216",
    )
    assert a.title == "Connective tissue disease and the skin"
    assert a.publication_types == ["Review"]


def test_url_and_page_disagreeing_on_the_pmid_is_an_error():
    with pytest.raises(mscdata.ParseError, match="2406808"):
        parse_page("chrome-old-no-doi.txt", url="https://pubmed.ncbi.nlm.nih.gov/1/")


def test_single_author_colon_citation_without_publication_type():
    a = parse_page("chrome-single-author-colon-form.txt")
    assert a.publication_types == []
    assert (a.publication_year, a.publication_month) == (2017, None)
    assert (a.volume, a.issue, a.pages) == ("1041", None, "5-18")
    [author] = a.authors
    assert (author.fore_name, author.last_name) == ("Daniel", "Lucas")
    assert a.authors_complete is True
    assert a.journal == "Adv Exp Med Biol"


def test_erratum_and_comment_blocks_missing_affiliations_free_tag():
    a = parse_page("chrome-erratum-comment-free.txt")
    assert a.title == "Clinical Practice. Postmenopausal Osteoporosis"
    assert a.publication_types == ["Review"]
    erratum, comment = a.linked_articles
    assert erratum.relation == "erratum_in"
    assert erratum.pmid == "28282105" and erratum.doi == "10.1056/NEJMx160008"
    assert erratum.citation.startswith("Postmenopausal Osteoporosis. [No authors listed]")
    assert comment.relation == "comment_in"
    assert comment.citation == "Nat Rev Rheumatol. 2013 Feb;9(2):64"
    assert comment.pmid is None
    # a pseudo-label without a colon is not a section label
    [section] = a.abstract_sections
    assert section.label is None
    assert section.text.startswith("Key Clinical Points Postmenopausal")


def test_cochrane_labels_with_spaces_and_five_references():
    a = parse_page("chrome-cochrane-meta-analysis.txt")
    assert a.publication_types == ["Meta-Analysis"]
    assert a.pages == "CD013342"
    assert [s.label for s in a.abstract_sections] == [
        "Background",
        "Objectives",
        "Search methods",
        "Selection criteria",
    ]
    assert len(a.references) == 5
    assert a.references[0].doi == "10.1016/S0140-6736(15)00001-1"
    # five shown: PubMed shows at most five, so more may be hidden
    assert a.references_complete is False


def test_plain_rendering_with_mesh_lost_substances_heading_and_grants():
    a = parse_page("plain-structured-mesh-substances.txt")
    assert a.provenance[0].source_format == "pubmed_page_plain"
    assert a.journal == "Cell Biosci"
    assert (a.publication_year, a.publication_month, a.publication_day) == (2020, 5, 24)
    assert (a.volume, a.issue, a.pages) == ("10", None, "69")
    assert a.doi == "10.1186/s13578-020-00427-y"
    assert a.authors == [] and a.authors_complete is None  # this rendering prints none
    assert [s.label for s in a.abstract_sections] == ["Purpose of review", "Recent findings"]
    assert [k.term for k in a.keywords] == ["Exosome", "Mesenchymal stem cell", "Osteoarthritis"]
    assert a.publication_types == ["Review", "Research Support, Non-U.S. Gov't"]
    assert [
        (m.descriptor, m.descriptor_major_topic, m.qualifier, m.qualifier_major_topic)
        for m in a.mesh_headings
    ] == [
        ("Animals", False, None, None),
        ("Exosomes", True, "metabolism", False),
        ("Humans", False, None, None),
        ("Mesenchymal Stem Cells", True, "cytology", False),
        ("Osteoarthritis", False, "therapy", True),
    ]
    assert [s.name for s in a.substances] == ["Cytokines", "Interleukin-6"]
    [grant] = a.grants
    assert (grant.grant_id, grant.agency, grant.country) == (
        "R01 AR071000",
        "NIAMS NIH HHS",
        "United States",
    )


def test_plain_non_english_without_abstract_heading_or_doi():
    url = "https://pubmed.ncbi.nlm.nih.gov/21928687/"
    a = parse_page("plain-non-english-no-abstract-heading.txt", url=url)
    assert a.id == "pmid:21928687" and a.doi is None
    assert a.title == "[Subchondral bone in osteoarthritis]"
    assert a.languages == ["Chinese"]
    assert a.publication_date_text == "2007 Jan-Mar"
    assert (a.publication_year, a.publication_month) == (2007, None)  # a range: month unknown
    assert a.abstract == "Subchondral bone changes come before cartilage loss in osteoarthritis."
    assert [s.name for s in a.substances] == ["Collagen Type II"]
    assert a.publication_types == ["English Abstract", "Review"]


def test_plain_page_without_any_identifier_needs_a_url():
    with pytest.raises(mscdata.ParseError, match="no PMID, DOI or PMCID"):
        parse_page("plain-non-english-no-abstract-heading.txt")


def test_compact_rendering_prints_all_identifiers():
    a = parse_page("compact.txt")
    assert (a.pmid, a.pmcid, a.doi) == ("35055087", "PMC8780115", "10.3390/ijms23020905")
    assert a.provenance[0].source_format == "pubmed_page_compact"
    assert [s.text for s in a.abstract_sections] == [
        "Spinal cord injury causes lasting disability.",
        "Mesenchymal stem cells may help recovery.",
    ]
    assert [k.term for k in a.keywords] == ["mesenchymal stem cells", "spinal cord injury"]
    assert a.grants[0].grant_id == "R01 NS106907"
    assert a.record_complete is True


def test_legacy_entrez_page():
    a = parse_page("legacy.txt")
    assert a.provenance[0].source_format == "pubmed_page_legacy"
    assert a.pmid == "16125890" and a.doi == "10.1016/j.exger.2005.07.006"
    assert a.journal == "Exp Gerontol"
    assert a.electronic_date == "2005-08-25"
    assert a.title == "Ageing of mesenchymal stem cells."
    [section] = a.abstract_sections
    assert section.text.startswith("Objective: To study ageing")
    assert [k.term for k in a.keywords] == ["aging", "mesenchymal stem cells", "senescence"]
    assert a.authors == []


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty text"),
        ("hello world", "not a PubMed page"),
        ("Title\n\nnot a citation\n", "not a PubMed page"),
        ("Skip to main page content\nU.S. flag\n", "site header"),
        ("<?xml version='1.0'?><html/>", "without article metadata"),
        ("<?xml version='1.0'?><eSearchResult/>", "unknown root element"),
    ],
)
def test_text_that_is_not_a_pubmed_page_raises_parse_error(text, reason):
    with pytest.raises(mscdata.ParseError, match=reason) as caught:
        mscdata.parse(text)
    assert "\n" not in str(caught.value)


def test_crlf_and_bom_are_accepted(seed_text):
    [a] = mscdata.parse("\ufeff" + seed_text.replace("\n", "\r\n"), url=SEED_URL)
    assert a.doi == "10.3390/jcm2040201" and len(a.keywords) == 6


def test_non_utf8_bytes_give_a_located_error():
    with pytest.raises(mscdata.ParseError, match=r"line 2.*not UTF-8|not UTF-8"):
        mscdata.parse(b"Title\n\xff\xfe bad")


def test_legacy_page_with_an_author_line_and_two_spaces_before_the_epub_date():
    a = parse_page("legacy-authors-no-abstract.txt")
    assert a.pmid == "24737116" and a.doi == "10.1007/s00259-014-2762-2"
    assert a.electronic_date == "2014-04-16"
    assert [(x.last_name, x.initials) for x in a.authors][:2] == [
        ("van Rheenen", "RW"),
        ("Glaudemans", "AW"),
    ]
    assert len(a.authors) == 5 and a.authors_complete is True
    assert a.abstract is None and a.abstract_sections == []  # affiliations are not abstract


def test_pmc_page_front_matter():
    a = parse_page("pmc-page.txt")
    assert a.provenance[0].source_format == "pmc_page"
    assert (a.pmid, a.pmcid, a.doi) == ("26273305", "PMC4514421", "10.1155/2015/628767")
    # the page prints the journal's full name only; the NLM abbreviation is not shown
    assert (a.journal, a.journal_title) == (None, "Stem Cells International")
    assert (a.volume, a.pages, a.publication_year) == ("2015", "628767", 2015)
    assert [x.full_name for x in a.authors] == ["Arnold I Caplan", "Jane Q Doe"]
    assert a.authors_complete is True
    assert [(s.label, s.text[:20]) for s in a.abstract_sections] == [
        ("Background", "Mesenchymal stem cel"),
        ("The Problem", "The name no longer f"),
    ]
    assert a.abstract_complete is True
    assert [k.term for k in a.keywords] == [
        "mesenchymal stem cells",
        "medicinal signaling cells",
        "nomenclature",
    ]


def test_pmc_author_manuscript_takes_the_final_published_citation():
    a = parse_page("pmc-page-author-manuscript.txt")
    assert (a.pmid, a.pmcid) == ("23860517", "PMC3808254")
    assert a.journal == "Neuroepidemiology"
    assert (a.publication_year, a.publication_month, a.publication_day) == (2013, 7, 11)
    assert (a.volume, a.issue) == ("41", "2")
    assert a.doi == "10.1159/000351698"
    [section] = a.abstract_sections
    assert section.label is None and section.text.endswith("We review the trials.")
    assert a.abstract_complete is True  # the body's INTRODUCTION heading ends it
