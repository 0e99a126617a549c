"""The same article from several sources becomes one record; conflicts are reported."""

from __future__ import annotations

import pytest
import yaml

import mscdata
from mscdata.builder.merge import merge

from conftest import PAGES, ROOT, SEED, SEED_URL, shared_path
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


# The README's names for source formats (its merge table lumps the four PubMed page
# renderings together), and the Article fields each part of a row's label covers.
_README_FORMAT_NAMES = {
    "PubMed XML": ["pubmed_xml"],
    "MEDLINE": ["medline_text"],
    "PMC JATS": ["pmc_jats"],
    "PubMed HTML": ["pubmed_html"],
    "page metadata": ["html_meta"],
    "PubMed page text": [
        "pubmed_page_chrome",
        "pubmed_page_plain",
        "pubmed_page_compact",
        "pubmed_page_legacy",
    ],
    "PMC page text": ["pmc_page"],
}
_README_FIELD_NAMES = {
    "bibliographic fields": ["title", "journal", "publication_year", "volume", "issue", "pages"],
    "MeSH": ["mesh_headings"],
    "substances": ["substances"],
    "grants": ["grants"],
    "links": ["linked_articles"],
    "authors": ["authors"],
    "abstract": ["abstract_sections"],
    "keywords": ["keywords"],
    "figures": ["figures"],
    "body text": ["body_sections"],
    "references": ["references"],
    "licence": ["license"],
}


def _readme_merge_table() -> list[tuple[list[str], list[list[str]]]]:
    """The README's "Merging sources" table: per row, the fields it covers and the
    source formats in order of trust (formats the README names alike share a rank)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Merging sources", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    table = []
    for row in rows:
        part, order = (cell.strip() for cell in row.strip("|").split("|"))
        fields = [f for term in part.split(", ") for f in _README_FIELD_NAMES[term]]
        ranks = [_README_FORMAT_NAMES[name] for name in order.split(", ")]
        table.append((fields, ranks))
    return table


def test_the_readme_merge_table_ranks_every_source_format_once_per_row():
    formats = set(
        yaml.safe_load((ROOT / "schemas" / "mscdata.yaml").read_text("utf-8"))["enums"][
            "SourceFormat"
        ]["permissible_values"]
    )
    table = _readme_merge_table()
    assert len(table) == 3
    for fields, ranks in table:
        ranked = [fmt for rank in ranks for fmt in rank]
        assert sorted(ranked) == sorted(formats), fields


def _from(fmt: str, field: str, seed: dict) -> dict:
    """The seed record as read from ``fmt``, holding a value of ``field`` that names it."""
    value = f"{field} as read from {fmt}"
    return {
        **seed,
        field: [{"position": 1, "text": value}] if isinstance(seed[field], list) else value,
        "provenance": [{**seed["provenance"][0], "source_format": fmt, "source_file": fmt}],
    }


@pytest.mark.parametrize("row", [0, 1, 2], ids=["bibliographic", "content", "full-text"])
def test_merging_follows_the_readme_precedence_for_every_field_of_a_row(row):
    """Every format holds its own value; the README's first-ranked format that is left
    must win, whatever the order the records come in."""
    from mscdata.builder.merge import merge_records

    [seed_article] = mscdata.parse(SEED, url=SEED_URL)
    seed = seed_article.model_dump()
    fields, ranks = _readme_merge_table()[row]
    for field in fields:
        remaining = [fmt for rank in ranks for fmt in rank]
        while len(remaining) > 1:
            best = next(rank for rank in ranks if set(rank) & set(remaining))
            records = [_from(fmt, field, seed) for fmt in remaining]
            for ordered in (records, records[::-1]):
                merged, _ = merge_records(ordered)
                [winner] = [r for r in records if r[field] == merged[field]]
                won = winner["provenance"][0]["source_format"]
                assert won in best, f"{field}: {won} won over {best} (of {remaining})"
            remaining.remove(won)


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

    from mscdata.builder.merge import group_by_identity

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


def test_a_page_merges_with_the_latest_pubmed_record_of_its_article(tmp_path):
    """PubMed records of one PMID replace each other (update stream); the page of the
    same article is still merged field by field with the one that won."""
    import shutil

    from mscdata.builder.source_rows import BuildReport

    from pubmed_files import Citation, pubmed_file

    doi = "10.3390/jcm2040201"
    pubmed_file(tmp_path, "pubmed21n0001.xml", [Citation("26237144", "Old.", abstract="Old.")])
    pubmed_file(tmp_path, "pubmed21n0002.xml", [Citation("26237144", "Revised.", doi=doi)])
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "manifest.yaml").write_text(
        "sources:\n  - file: pubmed21n0001.xml\n  - file: pubmed21n0002.xml\n"
        f"  - file: {SEED.name}\n    url: {SEED_URL}\n",
        encoding="utf-8",
    )
    report = BuildReport()
    [article] = mscdata.load(mscdata.build(tmp_path, tmp_path / "out", report=report)).articles
    assert [(p.source_format, p.source_file) for p in article.provenance] == [
        ("pubmed_xml", "pubmed21n0002.xml"),
        ("pubmed_page_chrome", SEED.name),
    ]
    assert article.title == "Revised."  # PubMed XML first for bibliographic fields
    assert article.pmid_version == 1 and article.journal == "J Tests"
    assert article.abstract.startswith("Multipotent mesenchymal")  # the page's: none in XML
    assert "Old." not in article.abstract and len(article.keywords) == 6
    assert report.merged == 1 and report.stream.replaced == 1
    assert {c.field for c in report.conflicts} >= {"title", "journal"}
