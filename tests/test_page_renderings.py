"""Every page rendering read as well as the seed's (issue 16).

The fixtures are written from the rendering facts of the page-text format notes (and the
facts added for issue 16: PMC footer, subtitles, label and keyword spellings); each test
names the behaviour it pins down. Completeness follows one rule in every rendering: a
text that ends at its rendering's natural end is complete, one that stops before it is
not, and one that stops where a whole page and a cut one look alike is None.
"""

from __future__ import annotations

import pytest

import mscdata
from mscdata.addresses import address_ids

from conftest import PAGES, SEED, SEED_URL

PMC_CUT_BODY = PAGES / "pmc-page-subtitle-labels-cut-body.txt"
PMC_WHOLE = PAGES / "pmc-page-supplementary-footer.txt"
PLAIN_WHOLE = PAGES / "plain-short-whole-key-words.txt"
PLAIN_URL = "http://www.pubmed.gov/25372360/"


def _parse(text_or_path, url=None):
    [article] = mscdata.parse(text_or_path, url=url)
    return article


def _text(path) -> str:
    return path.read_text(encoding="utf-8")


def test_pmc_subtitle_line_belongs_to_the_title_not_to_the_authors():
    a = _parse(PMC_CUT_BODY)
    assert (
        a.title
        == "Mesenchymal stromal cells for knee osteoarthritis: A Systematic Review of Outcomes"
    )
    assert [x.last_name for x in a.authors] == ["Berg", "Lind", "Holm", "Dahl", "Nyberg", "Strand"]
    assert a.authors_complete is True


def test_pmc_subtitle_cut_before_the_author_line_gives_no_title_rather_than_a_wrong_one():
    text = _text(PMC_CUT_BODY)
    cut = text[: text.index("Anna K Berg")]  # the subtitle is whole, the authors are not there
    a = _parse(cut, url="https://pubmed.ncbi.nlm.nih.gov/33802501/")
    assert a.title is None and a.authors == []
    assert a.record_complete is False


def test_pmc_inline_labels_with_a_colon_and_key_words_line():
    a = _parse(PMC_CUT_BODY)
    assert [s.label for s in a.abstract_sections] == [
        "Background",
        "Methods",
        "Results",
        "Conclusions",
    ]
    assert [k.term for k in a.keywords] == [
        "osteoarthritis",
        "knee",
        "mesenchymal stromal cells",
        "systematic review",
    ]
    assert a.abstract_complete is True and a.keywords_complete is True


def test_pmc_page_cut_in_its_body_is_incomplete():
    assert _parse(PMC_CUT_BODY).record_complete is False  # stops mid-word: "tissue enginee"
    text = _text(PMC_CUT_BODY)
    whole_line = text[: text.index("Cell therapy")] + "\n"  # a whole line, still no references
    assert _parse(whole_line).record_complete is False
    assert _parse(PAGES / "pmc-page.txt").record_complete is False


def test_pmc_page_ending_at_its_footer_is_complete_and_a_cut_in_the_references_cannot_tell():
    a = _parse(PMC_WHOLE)
    assert a.record_complete is True
    text = _text(PMC_WHOLE)
    in_references = _parse(text[: text.index("Pers YM") + 4])
    assert in_references.record_complete is None
    assert in_references.keywords == a.keywords and in_references.abstract == a.abstract
    assert _parse(text[: text.index("Cartilage has")]).record_complete is False


@pytest.mark.parametrize("cut_before", ["Information", "The online", "version contains", "KEYWO"])
def test_pmc_abstract_is_complete_when_the_cut_falls_in_the_block_after_it(cut_before):
    text = _text(PMC_WHOLE)
    a = _parse(text[: text.index(cut_before)])
    assert a.abstract_complete is True
    assert a.abstract.startswith("Extracellular vesicles carry") and a.abstract.endswith("injury.")
    assert a.record_complete is False


def test_pmc_abstract_is_complete_when_the_cut_falls_in_the_keywords_line():
    text = _text(PMC_CUT_BODY)
    a = _parse(text[: text.index("knee, mesenchymal") + 2])
    assert a.abstract_complete is True
    assert [(k.term, k.complete) for k in a.keywords] == [("osteoarthritis", True), ("kn", False)]
    assert a.keywords_complete is False


def test_pmc_cut_in_a_paragraph_of_the_abstract_is_not_complete():
    text = _text(PMC_CUT_BODY)
    a = _parse(text[: text.index("reporting pain")])
    assert a.abstract_complete is False and a.record_complete is False
    assert a.abstract_sections[-1].complete is False


def test_short_whole_plain_page_is_not_marked_cut():
    text = _text(PLAIN_WHOLE)
    assert not text.endswith("\n")  # stored copies keep no final newline
    a = _parse(PLAIN_WHOLE, url=PLAIN_URL)
    assert a.record_complete is None  # its last entry has no end mark: whole or cut alike
    assert a.abstract_complete is True
    assert [k.term for k in a.keywords] == [
        "systemic sclerosis",
        "mesenchymal stromal cells",
        "TGF-beta",
    ]
    assert a.publication_types == ["Comparative Study", "Journal Article"]
    assert len(a.mesh_headings) == 15


@pytest.mark.parametrize(
    "stop_at",
    [
        "Bone marrow stromal cells from",
        "These results",
        "Key words:",
        "Publication types",
        "MeSH terms",
    ],
)
def test_plain_page_stopping_before_its_closing_lists_is_cut(stop_at):
    text = _text(PLAIN_WHOLE)
    a = _parse(text[: text.index(stop_at) + 5], url=PLAIN_URL)
    assert a.record_complete is False


def test_legacy_page_ending_at_its_indexing_status_is_not_marked_cut():
    text = _text(PAGES / "legacy.txt")
    a = _parse(text[: text.index("Free full text")])
    assert a.record_complete is None
    assert _parse(text).record_complete is True  # the footer is there
    cut = _parse(
        text[: text.index("senescence")], url="https://www.ncbi.nlm.nih.gov/pubmed/16125890"
    )
    assert cut.record_complete is False


@pytest.mark.parametrize(
    "label", ["Keywords:", "Key Words:", "Key words:", "KEYWORDS:", "KEY WORDS:"]
)
def test_every_spelling_of_the_keywords_label_in_every_rendering(label):
    seed = SEED.read_text(encoding="utf-8").replace("Keywords:", label)
    assert len(_parse(seed, url=SEED_URL).keywords) == 6
    plain = _text(PLAIN_WHOLE).replace("Key words:", label)
    assert len(_parse(plain, url=PLAIN_URL).keywords) == 3
    pmc = _text(PMC_CUT_BODY).replace("Key Words:", label)
    assert len(_parse(pmc).keywords) == 4
    legacy = _text(PAGES / "legacy.txt").replace("\naging;", f"\n{label}\n\naging;")
    assert len(_parse(legacy).keywords) == 3


def test_journal_holds_the_abbreviation_and_journal_title_the_full_name_in_every_rendering():
    seed = _parse(SEED, url=SEED_URL)
    assert (seed.journal, seed.journal_title) == ("J Clin Med", None)
    plain = _parse(PLAIN_WHOLE, url=PLAIN_URL)
    assert (plain.journal, plain.journal_title) == ("Clin Exp Rheumatol", None)
    legacy = _parse(PAGES / "legacy.txt")
    assert (legacy.journal, legacy.journal_title) == ("Exp Gerontol", None)
    pmc = _parse(PMC_WHOLE)
    assert (pmc.journal, pmc.journal_title) == (None, "Stem Cell Research & Therapy")
    manuscript = _parse(PAGES / "pmc-page-author-manuscript.txt")  # prints the abbreviation
    assert (manuscript.journal, manuscript.journal_title) == (
        "Neuroepidemiology",
        "Neuroepidemiology",
    )


ADDRESSES = [
    ("https://pubmed.ncbi.nlm.nih.gov/25372360/", {"pmid": "25372360"}),
    ("https://pubmed.ncbi.nlm.nih.gov/25372360", {"pmid": "25372360"}),
    ("http://pubmed.ncbi.nlm.nih.gov/25372360/?from_term=msc&from_pos=2", {"pmid": "25372360"}),
    ("pubmed.ncbi.nlm.nih.gov/25372360/", {"pmid": "25372360"}),
    ("http://www.pubmed.gov/25372360/", {"pmid": "25372360"}),
    ("https://pubmed.gov/25372360", {"pmid": "25372360"}),
    ("https://www.ncbi.nlm.nih.gov/pubmed/25372360", {"pmid": "25372360"}),
    ("http://ncbi.nlm.nih.gov/pubmed/25372360/#abstract", {"pmid": "25372360"}),
    ("https://www.ncbi.nlm.nih.gov/pubmed/?term=25372360", {"pmid": "25372360"}),
    ("https://pubmed.ncbi.nlm.nih.gov/?term=25372360%5Bpmid%5D", {"pmid": "25372360"}),
    (
        "https://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&db=pubmed&list_uids=25372360",
        {"pmid": "25372360"},
    ),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/pmid/25372360/", {"pmid": "25372360"}),
    ("HTTPS://WWW.NCBI.NLM.NIH.GOV/pmc/articles/PMC6694581/", {"pmcid": "PMC6694581"}),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6694581", {"pmcid": "PMC6694581"}),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6694581/", {"pmcid": "PMC6694581"}),
    ("https://pmc.ncbi.nlm.nih.gov/articles/pmc6694581.2/?report=classic", {"pmcid": "PMC6694581"}),
    ("https://www.pubmedcentral.nih.gov/articlerender.fcgi?artid=6694581", {"pmcid": "PMC6694581"}),
    ("https://doi.org/10.1186/s13287-019-1366-4", {"doi": "10.1186/s13287-019-1366-4"}),
    ("doi.org/10.1186/s13287-019-1366-4", {"doi": "10.1186/s13287-019-1366-4"}),
    ("https://pubmed.ncbi.nlm.nih.gov/?term=25372360[PMID]", {"pmid": "25372360"}),
    ("https://pubmed.ncbi.nlm.nih.gov/?term=25372360[Pmid]", {"pmid": "25372360"}),
]


@pytest.mark.parametrize("address, ids", ADDRESSES, ids=[a for a, _ in ADDRESSES])
def test_every_pubmed_and_pmc_address_form_supplies_its_identifier(address, ids):
    assert address_ids(address) == ids


def test_a_page_without_printed_pmid_takes_it_from_any_pubmed_address_form():
    for address, ids in ADDRESSES:
        if "pmid" in ids:
            assert _parse(PLAIN_WHOLE, url=address).pmid == "25372360", address


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/25372360/",
        "https://www.ncbi.nlm.nih.gov.evil.example/pubmed/25372360",
        "ftp://pubmed.ncbi.nlm.nih.gov/25372360/",
        "https://scholar.google.com/scholar?q=25372360",
        "http://[pubmed.ncbi.nlm.nih.gov/25372360",  # not even a URL: urlsplit refuses it
    ],
)
def test_an_address_that_is_not_pubmed_or_pmc_is_a_parse_error_naming_what_was_expected(address):
    with pytest.raises(mscdata.ParseError, match="is not a PubMed or PMC address") as caught:
        _parse(PLAIN_WHOLE, url=address)
    assert "https://pubmed.ncbi.nlm.nih.gov/<PMID>/" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_pubmed_address_that_names_no_article_is_a_parse_error():
    with pytest.raises(mscdata.ParseError, match="names no article"):
        _parse(PLAIN_WHOLE, url="https://pubmed.ncbi.nlm.nih.gov/?term=stem+cells")


def test_pmc_main_text_is_an_abstract_label_and_a_cut_in_its_paragraph_is_marked():
    # BMC abstracts are labelled Background / Main text / Conclusion on their own lines
    a = _parse(PAGES / "pmc-page-own-line-labels-cut-in-abstract.txt")
    assert [(s.label, s.complete) for s in a.abstract_sections] == [
        ("Background", True),
        ("Main text", False),
    ]
    assert a.abstract_sections[1].text.endswith("why the disease fl")
    assert a.abstract_complete is False and a.record_complete is False
    assert (a.journal, a.journal_title) == (None, "Arthritis Research & Therapy")


def test_pmc_own_line_label_with_a_colon_is_a_label():
    text = _text(PAGES / "pmc-page-own-line-labels-cut-in-abstract.txt")
    a = _parse(text.replace("\nBackground\n", "\nBackground:\n"))
    assert [s.label for s in a.abstract_sections] == ["Background", "Main text"]
    assert a.abstract_sections[0].text.startswith("Stromal cells of the joint")


@pytest.mark.parametrize(
    "block",
    [
        "Abbreviations and Acronyms:\n\nMSC = mesenchymal stromal cell\n\nOA = osteoarthritis\n\n",
        "Abbreviations: MSC, mesenchymal stromal cell; OA, osteoarthritis.\n\n",
        "Supplementary Information\n\nThe online version contains supplementary material.\n\n",
    ],
)
def test_pmc_blocks_between_the_abstract_and_the_keywords_end_the_abstract(block):
    text = _text(PMC_CUT_BODY).replace("Key Words:", block + "Key Words:")
    a = _parse(text)
    assert [s.label for s in a.abstract_sections] == [
        "Background",
        "Methods",
        "Results",
        "Conclusions",
    ]
    assert a.abstract_complete is True and len(a.keywords) == 4


def test_an_html_page_and_an_address_naming_another_pmid_is_a_parse_error():
    from corpus import corpus_path

    page = corpus_path("pubmed-html", "legacy-pmid-7288891.html")
    [article] = mscdata.parse(page, url="https://www.ncbi.nlm.nih.gov/pubmed/7288891")
    assert article.pmid == "7288891"
    assert mscdata.parse(page, url="http://[broken")[0].pmid == "7288891"  # not an address
    with pytest.raises(mscdata.ParseError, match="shows pmid 7288891 but the URL"):
        mscdata.parse(page, url="https://pubmed.ncbi.nlm.nih.gov/999/")
