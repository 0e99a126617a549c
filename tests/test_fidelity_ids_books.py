"""Two fidelity slips found on real files: versioned PMC ids and a whole book's authors.

* F1000 / Wellcome Open Research records give the PMC id with the version of the
  deposited text (``PMC6134338.4``): ``pmcid`` is the PMCID (``PMC6134338``) and the
  value as given stays in ``identifiers``, in every format that carries PMC ids.
* A whole book's ``Book/AuthorList Type="authors"`` are its authors, not its editors.

Each is tested on a small synthetic fixture (``tests/data/fidelity``, so a bare clone
tests it) and on the real record in ``../shared`` (skipped when absent).
"""

from __future__ import annotations

import functools
import gzip

from hypothesis import given
from hypothesis import strategies as st

import mscdata
from mscdata.identifiers import pmcid_of

from conftest import DATA, PAGES, shared_path

FIDELITY = DATA / "fidelity"
BULK_2021 = ("corpus", "bulk", "pubmed21n1298.xml.gz")
BOOK = ("corpus", "peers", "pubmed-xml", "TestPubMedFetch.test_book.xml")
CHAPTER = ("corpus", "peers", "pubmed-xml", "TestPubMedFetch.test_book_chapter.xml")


def _pmc_values(article) -> list[str]:
    return [i.value for i in article.identifiers if i.id_type in {"pmc", "pmcid"}]


@given(st.integers(1, 10**9), st.integers(1, 99), st.sampled_from(["PMC", "pmc", ""]))
def test_a_versioned_pmc_id_names_its_pmcid(number: int, version: int, prefix: str):
    assert pmcid_of(f"{prefix}{number}.{version}") == f"PMC{number}"
    assert pmcid_of(f"{prefix}{number}") == f"PMC{number}"


def test_a_versioned_pmc_url_names_its_pmcid():
    from mscdata.addresses import ids_from_url

    for url in (
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC6134338.4/",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6134338/",
    ):
        assert ids_from_url(url) == {"pmcid": "PMC6134338"}, url


def test_what_is_no_pmc_id_gives_none():
    for value in ("", None, "PMC", "PMC0123", "PMC12.", "PMC12.0", "PMC12.4.1", "NIHMS123"):
        assert pmcid_of(value) is None, value


def test_versioned_pmcid_in_every_record_format():
    for name in ("versioned-pmcid.xml", "versioned-pmcid.txt", "versioned-pmcid.nxml"):
        [article] = mscdata.parse(FIDELITY / name)
        assert article.pmcid == "PMC9000001", name
        assert "PMC9000001.4" in _pmc_values(article), name  # the version is kept
        assert article.id == "pmid:90000001"
    for name in ("versioned-pmcid.xml", "versioned-pmcid.nxml"):  # a cited article's
        [article] = mscdata.parse(FIDELITY / name)
        assert [r.pmcid for r in article.references] == ["PMC9000002"], name


def test_versioned_pmcid_on_pages():
    compact = (PAGES / "compact.txt").read_text(encoding="utf-8")
    [article] = mscdata.parse(compact.replace("- PMCID: PMC8780115", "- PMCID: PMC8780115.2"))
    assert article.pmcid == "PMC8780115"
    assert _pmc_values(article) == ["PMC8780115.2"]
    pmc_page = (PAGES / "pmc-page.txt").read_text(encoding="utf-8")
    [article] = mscdata.parse(pmc_page.replace("PMCID: PMC4514421", "PMCID: PMC4514421.3"))
    assert article.pmcid == "PMC4514421"
    assert _pmc_values(article) == ["PMC4514421.3"]
    [unversioned] = mscdata.parse(pmc_page)
    assert unversioned.pmcid == "PMC4514421" and _pmc_values(unversioned) == []


def test_fetch_asks_pmc_for_the_pmcid_of_a_versioned_id():
    from mscdata.remote.fetching import _read_pubmed

    body = (FIDELITY / "versioned-pmcid.xml").read_bytes()
    assert _read_pubmed(body) == [("90000001", "PMC9000001")]


@functools.lru_cache(maxsize=1)
def _bulk_record(marker: bytes) -> bytes:
    """The one ``PubmedArticle`` of the 2021 update file that holds ``marker``, as a
    PubmedArticleSet of its own (the file is streamed once, never parsed whole)."""
    window = b""
    with gzip.open(shared_path(*BULK_2021), "rb") as stream:
        while block := stream.read(1 << 23):
            window = window[-(1 << 20) :] + block  # a record is far below 1 MiB
            if (at := window.find(marker)) < 0:
                continue
            start = window.rfind(b"<PubmedArticle>", 0, at)
            end = window.find(b"</PubmedArticle>", at)
            while end < 0 and (more := stream.read(1 << 20)):
                window += more
                end = window.find(b"</PubmedArticle>", at)
            record = window[start : end + len(b"</PubmedArticle>")]
            return b"<PubmedArticleSet>" + record + b"</PubmedArticleSet>"
    raise AssertionError(f"{marker!r} is not in the 2021 update file")


def test_versioned_pmcid_of_the_real_wellcome_open_research_record():
    [article] = mscdata.parse(_bulk_record(b'<ArticleId IdType="pmc">PMC6134338.4<'))
    assert article.pmid == "30271887"
    assert article.pmcid == "PMC6134338"
    assert _pmc_values(article) == ["PMC6134338.4"]
    assert article.doi == "10.12688/wellcomeopenres.14677.4"


def test_a_whole_books_authors_are_its_authors():
    whole, chapter = mscdata.parse(FIDELITY / "book-authors.xml")
    assert whole.record_type == "book"
    assert [a.collective_name for a in whole.authors] == [
        "Committee on Examples",
        "Board on Fixtures",
    ]
    assert whole.authors_complete is True and whole.editors == []
    assert chapter.record_type == "book_chapter"
    assert [a.last_name for a in chapter.authors] == ["Writer"]
    assert [e.last_name for e in chapter.editors] == ["Editor"]


def test_the_real_whole_book_has_its_six_collective_authors():
    [book] = mscdata.parse(shared_path(*BOOK))
    assert book.record_type == "book" and book.pmid == "26468569"
    assert len(book.authors) == 6 and book.editors == []
    assert all(a.collective_name for a in book.authors)
    assert book.authors[-1].collective_name == (
        "The National Academies of Sciences, Engineering, and Medicine"
    )
    [chapter] = mscdata.parse(shared_path(*CHAPTER))  # an edited book: its editors stay
    text = shared_path(*CHAPTER).read_text(encoding="utf-8")
    book_part, _, chapter_part = text.partition("</Book>")
    assert len(chapter.editors) == book_part.count("<Author ") > 0
    assert len(chapter.authors) == chapter_part.count("<Author ") > 0
