"""PubMed XML: every field kept, counts equal to the XML's own, hostile input refused.

Fidelity: for every real file in corpus/peers/pubmed-xml (vendored in tests/data/corpus or
in ../shared), what mscdata read is counted against an XPath count of the same elements in
the file itself.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import mscdata

from conftest import shared_path
from corpus import corpus_names, corpus_path

BASELINE = "pubmed20n0014.xml.gz"  # 30,000 records: the benchmark's input
CORPUS = corpus_names("peers/pubmed-xml")
# = //ReferenceList//Reference[…], over which libxml2 spends minutes on 18,000 references
CITED_REFERENCES = "//Reference[ancestor::ReferenceList][Citation[normalize-space()]]"
# editors (AuthorList[@Type='editors']) are not the record's authors; a Book's authors
# are the record's unless a chapter lists its own (BookDocument/AuthorList)
AUTHORS = (
    "//AuthorList[not(@Type='editors') and (not(parent::Book) or "
    "not(../../AuthorList[not(@Type='editors')]))]/Author"
)


def _tree(path: Path):
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return etree.parse(handle, parser)


def _count(tree, xpath: str) -> int:
    return int(tree.xpath(f"count({xpath})"))


@pytest.fixture(scope="module", params=CORPUS)
def corpus_file(request):
    path = corpus_path("peers", "pubmed-xml", request.param)
    return _tree(path), mscdata.read(path)


def test_every_record_is_read(corpus_file):
    tree, result = corpus_file
    assert result.failures == []
    assert len(result.articles) == _count(
        tree, "/PubmedArticleSet/*[self::PubmedArticle or self::PubmedBookArticle]"
    )
    assert [a.pmid for a in result.articles] == [
        p.lstrip("0")
        for p in tree.xpath(
            "/PubmedArticleSet/PubmedArticle/MedlineCitation/PMID"
            "/text() | /PubmedArticleSet/PubmedBookArticle/"
            "BookDocument/PMID/text()"
        )
    ]
    assert [d.pmid for d in result.deletions] == tree.xpath("//DeleteCitation/PMID/text()")


def test_identifiers_are_all_kept(corpus_file):
    tree, result = corpus_file
    own_ids = "//ArticleIdList[not(ancestor::Reference)]/ArticleId"
    for kind in ("doi", "pmc", "pii", "pubmed"):
        found = sum(
            1
            for a in result.articles
            for i in a.identifiers
            if i.id_type == kind and i.origin == "article_id_list"
        )
        assert found == _count(tree, f"{own_ids}[@IdType='{kind}']"), kind
    elocations = sum(
        1 for a in result.articles for i in a.identifiers if i.origin == "elocation_id"
    )
    assert elocations == _count(tree, "//ELocationID")
    records_with = "/*/*[.//ArticleIdList[not(ancestor::Reference)]/ArticleId[@IdType='{}']]"
    assert sum(1 for a in result.articles if a.pmcid) == _count(tree, records_with.format("pmc"))
    # a DOI is the key's fallback only when well-formed; every DOI stays in identifiers
    assert sum(1 for a in result.articles if a.doi) <= _count(
        tree,
        "/*/*[.//ArticleIdList[not(ancestor::Reference)]/ArticleId[@IdType='doi'] or "
        ".//ELocationID[@EIdType='doi']]",
    )


def test_authors_affiliations_orcids(corpus_file):
    tree, result = corpus_file
    authors = [x for a in result.articles for x in a.authors]
    assert len(authors) == _count(tree, AUTHORS)
    assert sum(len(x.affiliations) for x in authors) == _count(
        tree, f"{AUTHORS}/AffiliationInfo/Affiliation[normalize-space()]"
    )
    assert sum(1 for x in authors if x.collective_name) == _count(tree, f"{AUTHORS}/CollectiveName")
    assert sum(1 for x in authors if x.orcid) == _count(
        tree, f"{AUTHORS}[Identifier[@Source='ORCID']]"
    )
    assert sum(1 for x in authors if x.orcid) + sum(
        len(x.person_identifiers) for x in authors
    ) == _count(tree, f"{AUTHORS}/Identifier[normalize-space()]")
    assert sum(len(f.affiliation_identifiers) for x in authors for f in x.affiliations) == _count(
        tree, f"{AUTHORS}/AffiliationInfo[Affiliation[normalize-space()]]/Identifier"
    )
    articles = result.articles
    assert sum(len(a.investigators) for a in articles) == _count(
        tree, "//InvestigatorList/Investigator"
    )
    assert sum(len(a.editors) for a in articles) == _count(
        tree, "//AuthorList[@Type='editors']/Author"
    )
    assert sum(1 for x in authors if x.equal_contribution) == _count(
        tree, f"{AUTHORS}[@EqualContrib='Y']"
    )


def test_indexing_counts(corpus_file):
    tree, result = corpus_file
    articles = result.articles
    assert sum(len(a.keywords) for a in articles) == _count(
        tree, "//KeywordList/Keyword[normalize-space()]"
    )
    rows = sum(len(a.mesh_headings) for a in articles)
    headings = tree.xpath("//MeshHeading")
    assert rows == sum(max(1, len(h.findall("QualifierName"))) for h in headings)
    assert sum(len(a.substances) for a in articles) == _count(tree, "//Chemical")
    assert sum(len(a.grants) for a in articles) == _count(tree, "//GrantList/Grant")
    assert sum(len(a.accessions) for a in articles) == _count(
        tree, "//DataBank/AccessionNumberList/AccessionNumber"
    )
    assert sum(len(a.publication_types) for a in articles) == _count(tree, "//PublicationType")
    links = _count(tree, "//CommentsCorrections[not(@RefType='Cites')]")
    assert sum(len(a.linked_articles) for a in articles) == links


def test_references_and_their_ids(corpus_file):
    tree, result = corpus_file
    refs = [r for a in result.articles for r in a.references]
    assert len(refs) == _count(tree, CITED_REFERENCES) + _count(
        tree, "//CommentsCorrections[@RefType='Cites']"
    )
    for attribute, kinds in _REFERENCE_ID_KINDS.items():
        expected = sum(
            1 for ref in tree.xpath("//Reference") if _well_formed(ref, attribute, kinds)
        )
        if attribute == "pmid":  # old-style references carry their PMID too
            expected += _count(tree, "//CommentsCorrections[@RefType='Cites'][PMID]")
        found = sum(1 for r in refs if getattr(r, attribute))
        assert found == expected, attribute


# PubMed writes a reference's PMC id as IdType "pmc" or (2021 on) "pmcid"
_REFERENCE_ID_KINDS = {"pmid": ("pubmed",), "doi": ("doi",), "pmcid": ("pmc", "pmcid")}
_WELL_FORMED = {
    "pmid": r"^0*[1-9][0-9]{0,8}$",
    "doi": r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$",
    "pmcid": r"^(PMC)?[1-9][0-9]*(\.[1-9][0-9]*)?$",
}


def _well_formed(reference, attribute: str, kinds: tuple[str, ...]) -> bool:
    """Whether a reference lists a well-formed id of these kinds (malformed ones are kept
    out of the typed columns)."""
    import re

    values = reference.xpath("ArticleIdList/ArticleId/@IdType/..")
    texts = [(v.text or "").strip() for v in values if v.get("IdType") in kinds]
    return any(re.match(_WELL_FORMED[attribute], t, re.I) for t in texts)


def _pmid_of(article) -> str:
    return article.pmid


@pytest.mark.slow
def test_the_baseline_file_in_worker_processes():
    """30,000 real records through the parallel path: none lost, none failed, in order."""
    import re

    path = shared_path("corpus", "peers", "pubmed-xml", BASELINE)
    with gzip.open(path, "rb") as handle:
        expected = [
            m.decode().lstrip("0")
            for m in re.findall(
                rb"<PubmedArticle>\s*<MedlineCitation[^>]*>\s*<PMID[^>]*>([0-9]+)<", handle.read()
            )
        ]
    events = list(mscdata.iter_events(path, apply=_pmid_of, workers=2))
    assert [e for e in events if not isinstance(e, str)] == []
    assert events == expected and len(events) == 30_000
