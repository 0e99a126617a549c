"""The same article from several sources becomes one record; conflicts are reported."""

from __future__ import annotations

import pytest

import mscdata
from mscdata.merge import BIBLIOGRAPHIC, FULL_TEXT, merge, precedence

from conftest import PAGES, SEED, SEED_URL, shared_path
from corpus import corpus_path


@pytest.mark.filterwarnings("ignore::mscdata.MissingPmidWarning")  # keyed by DOI on purpose
def test_records_sharing_an_identifier_are_merged_with_precedence_and_conflicts():
    [page] = mscdata.parse(SEED)  # no URL: keyed by DOI
    [with_pmid] = mscdata.parse(SEED, url=SEED_URL)
    plain = with_pmid.model_copy(
        update={
            "title": "Mesenchymal stromal cells: updates and therapeutic outlook in rheumatic "
            "diseases",  # the same title, cased differently: not a conflict
            "journal": "J. Clin. Med.",  # a different spelling: reported
            "provenance": [
                with_pmid.provenance[0].model_copy(
                    update={"source_format": "pubmed_xml", "source_file": "26237144.xml"}
                )
            ],
            "keywords": [],
            "figures": [],
            "references": [],
        }
    )
    [merged], conflicts = merge([page, plain])
    assert merged.id == "pmid:26237144" and merged.doi == "10.3390/jcm2040201"
    assert [p.source_format for p in merged.provenance] == ["pubmed_page_chrome", "pubmed_xml"]
    assert merged.journal == "J. Clin. Med."  # PubMed XML comes first for bibliographic fields
    assert len(merged.keywords) == 6 and len(merged.figures) == 2  # only the page has them
    assert [(c.field, c.kept, c.other) for c in conflicts] == [
        ("journal", "J. Clin. Med.", "J Clin Med")
    ]
    assert str(conflicts[0]).startswith("pmid:26237144: journal: kept 'J. Clin. Med.'")


def test_unrelated_articles_are_left_alone():
    [a] = mscdata.parse(SEED, url=SEED_URL)
    [b] = mscdata.parse(PAGES / "compact.txt")
    merged, conflicts = merge([a, b])
    assert [m.id for m in merged] == [a.id, b.id] and conflicts == []


def test_documented_precedence():
    assert precedence("title") == BIBLIOGRAPHIC and BIBLIOGRAPHIC[0] == "pubmed_xml"
    assert precedence("figures") == FULL_TEXT and FULL_TEXT[0] == "pmc_jats"
    assert precedence("references")[0] == "pmc_jats"


def test_a_legacy_page_and_its_xml_report_merge_into_one_record():
    page = corpus_path("pubmed-html", "legacy-pmid-24737116.html")
    report = corpus_path("pubmed-html", "legacy-pmid-24737116.report-xml.html")
    [merged], conflicts = merge([*mscdata.parse(page), *mscdata.parse(report)])
    assert merged.id == "pmid:24737116" and len(merged.provenance) == 2
    assert "Journal Article" in merged.publication_types  # the XML's list wins
    assert [c.field for c in conflicts] == ["journal"]  # "Eur J …" against "Eur. J. …"


def test_records_with_different_pmids_are_never_merged_even_with_one_doi():
    [a] = mscdata.parse(SEED, url=SEED_URL)
    b = a.model_copy(update={"id": "pmid:26237145", "pmid": "26237145"})
    merged, conflicts = merge([a, b])
    assert [m.id for m in merged] == ["pmid:26237144", "pmid:26237145"] and conflicts == []


def test_the_baseline_file_has_no_two_records_merged():
    """PubMed gives a few distinct records one DOI; they must stay apart."""
    import gzip
    import re

    from mscdata.merge import group_by_identity

    path = shared_path("corpus", "peers", "pubmed-xml", "pubmed20n0014.xml.gz")
    with gzip.open(path, "rb") as handle:
        text = handle.read()
    records = []
    for block in re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", text, flags=re.S):
        pmid = re.search(rb"<PMID[^>]*>([0-9]+)<", block).group(1).decode()
        doi = re.search(rb'<ArticleId IdType="doi">([^<]+)<', block)
        records.append({"pmid": pmid, "doi": doi.group(1).decode() if doi else None})
    dois = [r["doi"] for r in records if r["doi"]]
    assert len(dois) > len(set(dois))  # the file does hold records sharing a DOI
    assert len(group_by_identity(records)) == len(records) == 30_000
