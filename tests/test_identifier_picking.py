"""One rule picks an article's (or a reference's) PMID, DOI and PMCID, in every reader."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

import mscdata
from mscdata.identifiers import DOI_RE, PMCID_RE, PMID_RE, pick_ids

_WELL_FORMED = {"pmid": PMID_RE, "doi": DOI_RE, "pmcid": PMCID_RE}


def test_kinds_are_matched_without_case_and_values_normalised() -> None:
    picked = pick_ids(
        [
            ("PubMed", "0026237144"),
            ("DOI", "doi: 10.1000/x.1."),
            ("PMCID", "PMC6134338.4"),
            ("publisher-id", "123"),
        ]
    )
    assert picked == {"pmid": "26237144", "doi": "10.1000/x.1", "pmcid": "PMC6134338"}


def test_the_first_well_formed_value_of_a_kind_wins() -> None:
    picked = pick_ids(
        [("pmid", "abc"), ("pmid", "12"), ("pmid", "13"), ("pmc", "x"), ("pmcid", "7")]
    )
    assert picked == {"pmid": "12", "pmcid": "PMC7"}
    assert pick_ids([("doi", "not a doi"), ("other", "10.1/x"), (None, None)]) == {}


_KIND = st.sampled_from(["pmid", "PubMed", "doi", "pmc", "pmcid", "pmcaid", "pii", "", None])
_VALUE = st.none() | st.text(max_size=12) | st.integers(0, 10**10).map(str)


@given(st.lists(st.tuples(_KIND, _VALUE), max_size=8))
def test_picked_values_are_well_formed(candidates) -> None:
    for name, value in pick_ids(candidates).items():
        assert _WELL_FORMED[name].match(value), (name, value)


_REFERENCE = b"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle>
<MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">100</PMID>
<Article><ArticleTitle>T.</ArticleTitle></Article></MedlineCitation>
<PubmedData><ReferenceList><Reference><Citation>A cited work.</Citation>
<ArticleIdList><ArticleId IdType="pubmed">x12</ArticleId>
<ArticleId IdType="pubmed">27170326</ArticleId>
<ArticleId IdType="pmcid">4882309</ArticleId></ArticleIdList></Reference></ReferenceList>
</PubmedData></PubmedArticle></PubmedArticleSet>
"""


def test_pubmed_reference_ids_given_as_pmcid_or_after_a_malformed_one() -> None:
    """Regression: PubMed writes a reference's PMC id as IdType "pmcid" (2021 baseline on);
    the PubMed XML reader took only "pmc" and dropped them, and a malformed first PMID
    hid a well-formed second one."""
    (article,) = mscdata.parse(_REFERENCE)
    (reference,) = article.references
    assert (reference.pmid, reference.pmcid) == ("27170326", "PMC4882309")


# page text readers take the one id a page prints, set as shown even when malformed so
# that validation refuses it by name (identifiers.set_shown_pmcid): they choose nothing
_PRINTED_ID_READERS = {"pmc_page.py", "pubmed_page.py", "legacy_page.py"}


def test_every_reader_uses_the_one_picker() -> None:
    """No reader of id lists matches an id kind itself (``kind == "doi"``): they call
    pick_ids."""
    from pathlib import Path

    import mscdata.parsers

    folder = Path(mscdata.parsers.__file__).parent
    sources = [*folder.glob("*.py"), folder.parent / "remote" / "fetching.py"]
    written_out = re.compile(
        r"""(?:==|\bin)\s*[({\[]?\s*["'](?:pmid|pubmed|doi|pmc|pmcid|pmcaid)["']"""
    )
    for path in sources:
        if path.name in _PRINTED_ID_READERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not written_out.search(line), f"{path.name}:{number}: {line.strip()}"
