"""Real input files for the format tests: a few vendored in tests/data/corpus (so a bare
clone tests every format), the rest read from ../shared/corpus when it is beside the
checkout. A test names a file by its place under corpus/; it gets the vendored copy when
there is one, else the shared file, else it is skipped with the reason.

The files of each shared folder are listed here by name, so that a bare clone reports
each file's tests as skipped instead of collecting fewer tests."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA, SHARED, shared_path

VENDORED = DATA / "corpus"  # the same layout as ../shared/corpus; README.md names the sources

# ../shared/corpus/<folder>: every file the per-file fidelity tests read
SHARED_FILES: dict[str, tuple[str, ...]] = {
    "peers/pubmed-xml": (
        "23657305.xml",
        "32051057.xml",
        "34843274.xml",
        "36156117.xml",
        "36987902.xml",
        "37909814.xml",
        "38048813.xml",
        "38329942.xml",
        "38833988.xml",
        "39236155.xml",
        "TestPubMedFetch.test_book.xml",
        "TestPubMedFetch.test_book_chapter.xml",
        "TestPubMedFetch.test_doi.xml",
        "TestPubMedFetch.test_standard_query.xml",
        "TestPubMedFetch.test_utf8.xml",
        "pubmed-29768149.xml",
        "pubmed1.xml",
        "pubmed21n1298.excerpt.xml.gz",
        "pubmed4.xml",
        "pubmed7.xml",
    ),
    "peers/pmc-jats": (
        "1471-2180-11-174.nxml",
        "1472-6831-8-11.nxml",
        "6605965a.nxml",
        "efetch_pmc.xml",
        "ehp-116-1694.nxml",
        "elife-00666.xml",
        "mds526.nxml",
        "pntd.0002065.nxml",
        "pone.0000217.nxml",
        "pone.0046493.nxml",
    ),
    "peers/medline-txt": (
        "medline_test.medline",
        "pubmed_Kolmogorov2020.txt",
        "pubmed_result1.txt",
        "pubmed_result2.txt",
        "pubmed_result3.txt",
    ),
}
# files kept out of the per-file tests (each has tests of its own)
NOT_PER_FILE = {"peers/pubmed-xml": ("pubmed20n0014.xml.gz",)}  # 30,000 records


def corpus_path(*parts: str) -> Path:
    """``corpus/<parts>``: the vendored copy, else the shared file, else skip the test."""
    vendored = VENDORED.joinpath(*parts)
    if vendored.is_file():
        return vendored
    return shared_path("corpus", *parts)


def corpus_names(folder: str) -> list[str]:
    """Every file of a corpus folder the per-file tests read: those listed above, the
    vendored ones, and any other that ../shared holds (so none is ever left out)."""
    names = set(SHARED_FILES.get(folder, ()))
    for root in (VENDORED / folder, SHARED / "corpus" / folder):
        if root.is_dir():
            names |= {p.name for p in root.iterdir() if p.is_file() and p.name != "README.md"}
    return sorted(names - set(NOT_PER_FILE.get(folder, ())))


def is_vendored(*parts: str) -> bool:
    return VENDORED.joinpath(*parts).is_file()
