"""MEDLINE text: fields kept per author, counts equal to the file's own tag counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mscdata

from corpus import corpus_names, corpus_path

FILES = corpus_names("peers/medline-txt")


def _tags(path: Path) -> list[tuple[str, str]]:
    """(tag, value) of every field, continuation lines joined."""
    fields: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("      ") and fields:
            fields[-1][1] += " " + line.strip()
        elif m := re.match(r"^([A-Z][A-Z0-9 ]{1,3})\s*- ?(.*)$", line):
            fields.append([m.group(1).strip(), m.group(2).strip()])
    return [(t, v) for t, v in fields]


@pytest.fixture(scope="module", params=FILES)
def medline_file(request):
    path = corpus_path("peers", "medline-txt", request.param)
    return _tags(path), mscdata.read(path)


def _n(tags, *names) -> int:
    return sum(1 for t, v in tags if t in names and v)


def test_counts_equal_the_files_tags(medline_file):
    tags, result = medline_file
    articles = result.articles
    assert result.failures == []
    assert [a.pmid for a in articles] == [v for t, v in tags if t == "PMID"]
    authors = [x for a in articles for x in a.authors]
    # FAU starts an author; records without full names list AU only; CN is a group
    expected_authors = 0
    record: list[tuple[str, str]] = []
    for tag, value in [*tags, ("PMID", "")]:
        if tag == "PMID" and record:
            has_fau = any(t == "FAU" for t, _ in record)
            expected_authors += _n(record, "FAU" if has_fau else "AU", "CN")
            record = []
        record.append((tag, value))
    assert len(authors) == expected_authors
    assert sum(1 for x in authors if x.collective_name) == _n(tags, "CN")
    assert sum(len(x.affiliations) for x in authors) == _n(tags, "AD")
    assert sum(1 for x in authors if x.orcid) == sum(
        1 for t, v in tags if t == "AUID" and v.upper().startswith("ORCID")
    )
    investigators = [i for a in articles for i in a.investigators]
    assert len(investigators) == _n(tags, "IR")
    assert sum(len(i.affiliation_texts) for i in investigators) == _n(tags, "IRAD")
    assert sum(len(a.keywords) for a in articles) == _n(tags, "OT")
    assert sum(len(a.mesh_headings) for a in articles) == sum(
        max(1, v.count("/")) for t, v in tags if t == "MH"
    )
    assert sum(len(a.publication_types) for a in articles) == _n(tags, "PT")
    assert sum(len(a.substances) for a in articles) == _n(tags, "RN")
    assert sum(len(a.grants) for a in articles) == _n(tags, "GR")
    assert sum(len(a.identifiers) for a in articles) == _n(tags, "LID", "AID", "PMC")
    assert sum(1 for a in articles if a.pmcid) == _n(tags, "PMC")
    for article in articles:
        dois = {i.value for i in article.identifiers if i.id_type == "doi"}
        assert (article.doi is not None) == bool(dois)


def test_an_author_keeps_its_own_lines_together():
    path = corpus_path("peers", "medline-txt", "pubmed_Kolmogorov2020.txt")
    [a] = mscdata.parse(path)
    evgeny = a.authors[8]
    assert (evgeny.last_name, evgeny.fore_name, evgeny.initials) == ("Polevikov", "Evgeny", "E")
    assert [x.text for x in evgeny.affiliations] == [
        "Center for Algorithmic Biotechnology, St. Petersburg State University, St. "
        "Petersburg, Russia.",
        "Bioinformatics Institute, St. Petersburg, Russia.",
    ]
    assert evgeny.orcid is None and a.authors[10].orcid == "0000-0002-0418-165X"
    assert a.doi == "10.1038/s41592-020-00971-x" and a.electronic_date == "2020-10-05"
    assert (a.journal, a.journal_issn, a.journal_issn_linking) == (
        "Nat Methods",
        "1548-7105",
        "1548-7091",
    )
    assert a.grants[0].acronym == "GM"


def test_a_malformed_line_is_located(tmp_path):
    path = tmp_path / "bad.nbib"
    path.write_text("PMID- 1\nTI  - A title\nthis is not a tag line\n", encoding="utf-8")
    result = mscdata.read(path, format="medline_text")
    [failure] = result.failures
    assert failure.line == 3 and "not a MEDLINE line" in failure.reason
