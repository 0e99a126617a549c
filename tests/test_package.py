"""Building, validating and loading the data package, and breaking it on purpose."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import mscdata
from mscdata.builder.source_rows import BuildReport
from mscdata.resources import DATA_PACKAGE_PROFILE, table_schemas

from conftest import ROOT, folder_files

EXPECTED_RESOURCES = [
    "articles", "authors", "affiliations", "investigators", "editors", "abstract_sections",
    "keywords", "figures", "body_sections",
    "references", "mesh_headings", "substances", "grants", "linked_articles", "identifiers",
    "accessions", "provenance", "msc_facts",
]  # fmt: skip


def test_descriptor(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == DATA_PACKAGE_PROFILE
    assert descriptor["name"] == "mscdata"
    assert descriptor["version"] == mscdata.__version__
    assert descriptor["title"] and descriptor["description"]
    assert [r["name"] for r in descriptor["resources"]] == EXPECTED_RESOURCES
    assert {"title": "PubMed", "path": "https://pubmed.ncbi.nlm.nih.gov/"} in descriptor["sources"]
    assert any(
        s.get("path") == "https://pubmed.ncbi.nlm.nih.gov/26237144/" for s in descriptor["sources"]
    )
    for resource in descriptor["resources"]:
        data = (built_package / resource["path"]).read_bytes()
        import hashlib

        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
        assert resource["type"] == "table" and resource["licenses"]
        assert b"\r" not in data and data.endswith(b"\n")
    licences = {r["name"]: r["licenses"][0]["name"] for r in descriptor["resources"]}
    assert licences["articles"] != licences["abstract_sections"]  # metadata vs article text


def test_table_schemas_have_keys(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    articles, *children = descriptor["resources"]
    assert articles["schema"]["primaryKey"] == ["id"]
    assert "abstract" not in [f["name"] for f in articles["schema"]["fields"]]
    affiliations = next(c for c in children if c["name"] == "affiliations")
    assert affiliations["schema"]["primaryKey"] == ["article_id", "author_position", "position"]
    assert affiliations["schema"]["foreignKeys"] == [
        {
            "fields": ["article_id", "author_position"],
            "reference": {"resource": "authors", "fields": ["article_id", "position"]},
        }
    ]
    for child in children:
        if child is affiliations:
            continue
        schema = child["schema"]
        assert schema["primaryKey"] == ["article_id", "position"]
        assert schema["foreignKeys"] == [
            {"fields": ["article_id"], "reference": {"resource": "articles", "fields": ["id"]}}
        ]


def test_build_is_byte_identical(tmp_path):
    first = mscdata.build(ROOT / "sources", tmp_path / "a")
    second = mscdata.build(ROOT / "sources", tmp_path / "b")
    assert folder_files(first) == folder_files(second)  # the record store too


def test_committed_package_is_what_the_sources_build(built_package):
    for path in sorted(p for p in built_package.iterdir() if p.is_file()):
        committed = ROOT / "datapackage" / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run `mscdata build`"
        )


def test_failed_build_leaves_the_previous_package_untouched(tmp_path, built_package):
    before = folder_files(built_package)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "bad.txt").write_text("not a pubmed page\n", encoding="utf-8")
    (sources / "manifest.yaml").write_text("sources:\n  - file: bad.txt\n", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match=r"bad\.txt.*not a PubMed page"):
        mscdata.build(sources, built_package)
    assert folder_files(built_package) == before
    assert [p.name for p in built_package.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("sources: 3\n", "expected a 'sources:' list"),
        ("sources:\n  - url: x\n", "entry 1: expected 'file', 'query', 'pmids' or 'pmid_file'"),
        ("sources:\n  - 3\n", "entry 1: expected a mapping"),
        ("sources:\n  - pmids: [12, x]\n", "entry 1: 'pmids' must be a list of PMIDs"),
        ("sources:\n  - pmid_file: ids.txt\n", "entry 1: .*ids.txt"),
        ("sources:\n  - file: a.txt\n    query: x\n", "entry 1: a 'file' entry cannot"),
        ("sources:\n  - file: missing.txt\n", "entry 1: file 'missing.txt' not found"),
        ("sources:\n  - file: a.txt\n    colour: red\n", "unknown keys"),
        ("sources: [\n", "not valid YAML"),
    ],
)
def test_bad_manifests_are_located(tmp_path, manifest, message):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match=message):
        mscdata.build(tmp_path, tmp_path / "out")


@pytest.mark.filterwarnings("ignore::mscdata.MissingPmidWarning")  # the seed without its URL
def test_the_same_file_twice_gives_one_record_with_both_sources(tmp_path):
    seed = ROOT / "sources" / "pubmed-page-26237144.txt"
    report = BuildReport()
    mscdata.build([seed, seed], tmp_path / "out", report=report)
    [article] = mscdata.load(tmp_path / "out").articles
    assert report.merged == 1 and report.conflicts == []
    assert len(article.provenance) == 2 and article.id == "doi:10.3390/jcm2040201"


def test_bundled_package_validates_and_loads():
    """The bundled package: the seed page's article and the MSC records selected from
    the 2021 update file 1298 (sources/pubmed21n1298-msc.xml.gz), all loaded offline."""
    report = mscdata.validate()
    assert report.valid, report.to_text()
    selected = mscdata.read(ROOT / "sources" / "pubmed21n1298-msc.xml.gz")
    assert len(selected.articles) == 114 and not selected.failures
    assert report.rows["articles"] == 1 + len(selected.articles)
    for table in ("authors", "affiliations", "abstract_sections", "keywords", "references"):
        assert report.rows[table] > len(selected.articles), table
    # none of these records is MEDLINE-indexed yet (In-Process, In-Data-Review,
    # Publisher, PubMed-not-MEDLINE), and neither is the seed: no MeSH headings to load
    assert not any(a.mesh_headings for a in selected.articles)
    assert report.rows["mesh_headings"] == 0
    dataset = mscdata.load()
    assert {a.pmid for a in dataset.articles} == {"26237144"} | {a.pmid for a in selected.articles}
    for article in selected.articles:
        loaded = dataset.by_pmid(article.pmid)
        assert loaded.authors == article.authors and loaded.keywords == article.keywords
        assert loaded.references == article.references


def test_load_gives_the_parsed_models_back(built_package, seed_article):
    from mscdata.facts import extract

    dataset = mscdata.load(built_package)
    article = dataset.by_pmid(26237144)
    # the package holds the article parsed, and the facts a build reads from it
    assert article.msc_facts and article.msc_facts == extract(seed_article)
    assert article == seed_article.model_copy(update={"msc_facts": article.msc_facts})
    assert dataset.get("pmid:26237144") is article
    assert dataset["pmid:26237144"] is article
    assert dataset.by_pmid(26237144) is article
    assert dataset.by_doi("https://doi.org/10.3390/JCM2040201") is article
    assert dataset.by_pmcid("PMC1") is None and dataset.get("pmid:1") is None
    assert article.keywords[0].term == "autoimmune diseases"
    assert article.references[2].doi == "10.1126/science.284.5411.143"


def test_to_pandas_uses_nullable_dtypes(built_package):
    pd = pytest.importorskip("pandas")
    dataset = mscdata.load(built_package)
    frames = dataset.to_pandas()
    assert list(frames) == EXPECTED_RESOURCES
    articles = dataset.to_pandas("articles")
    assert str(articles["publication_year"].dtype) == "Int64"
    assert str(articles["authors_complete"].dtype) == "boolean"
    seed = articles.set_index("id").loc["pmid:26237144"]
    assert seed["publication_year"] == 2013 and pd.isna(seed["pmcid"])
    assert articles["pmcid"].isna().any() and articles["pmcid"].notna().any()
    keywords = frames["keywords"]
    assert isinstance(keywords, pd.DataFrame)
    assert (keywords["article_id"] == "pmid:26237144").sum() == 6
    with pytest.raises(KeyError, match="no table"):
        dataset.to_pandas("nope")


# ------------------------------------------------------------ broken on purpose


def _copy(built_package: Path, tmp_path: Path) -> Path:
    broken = tmp_path / "broken"
    shutil.copytree(built_package, broken)
    return broken


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(params=["fast", "frictionless"])
def engine(request) -> str:
    """Each broken package is checked by both engines, which must agree."""
    return request.param


def _errors(path: Path, engine: str = "fast") -> set[tuple]:
    report = mscdata.validate(path, engine=engine)
    assert not report.valid
    return {(e.type, e.resource, e.row, e.field) for e in report.errors}


def test_bad_doi(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    _edit(broken / "articles.csv", ",10.3390/jcm2040201,", ",11.3390/jcm2040201,")
    errors = _errors(broken, engine)
    assert ("constraint-error", "articles", 2, "doi") in errors
    assert ("hash-count", "articles", None, None) in errors


def test_duplicate_key(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    path = broken / "keywords.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], lines[1], *lines[2:]]), encoding="utf-8")
    errors = _errors(broken, engine)
    assert ("primary-key", "keywords", 3, "article_id, position") in errors


def test_dangling_article_id(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    _edit(broken / "authors.csv", "pmid:26237144,1,", "pmid:26237145,1,")
    report = mscdata.validate(broken, engine=engine)
    [fk] = [e for e in report.errors if e.type == "foreign-key"]
    assert (fk.resource, fk.row) == ("authors", 2)
    assert "pmid:26237145" in fk.message


def test_wrong_hash(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][EXPECTED_RESOURCES.index("keywords")]["hash"] = "sha256:" + "0" * 64
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert _errors(broken, engine) == {("hash-count", "keywords", None, None)}


def test_missing_file(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    (broken / "figures.csv").unlink()
    report = mscdata.validate(broken, engine=engine)
    [error] = report.errors
    assert (error.type, error.resource) == ("scheme-error", "figures")
    assert "figures.csv" in error.message


def test_malformed_json(built_package, tmp_path):
    broken = _copy(built_package, tmp_path)
    (broken / "datapackage.json").write_text('{"name": "mscdata",\n', encoding="utf-8")
    with pytest.raises(mscdata.PackageError, match=r"datapackage.json:2:1: malformed JSON"):
        mscdata.validate(broken)


def test_column_removed(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    path = broken / "authors.csv"
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(",".join(r[:-1]) for r in rows) + "\n", encoding="utf-8")
    errors = _errors(broken, engine)
    assert ("missing-label", "authors", 1, rows[0][-1]) in errors


def test_field_removed_from_the_schema(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    fields = descriptor["resources"][0]["schema"]["fields"]
    descriptor["resources"][0]["schema"]["fields"] = [f for f in fields if f["name"] != "title"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    errors = _errors(broken, engine)
    assert ("schema-mismatch", "articles", None, "title") in errors


def test_position_gap(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    _edit(broken / "keywords.csv", "pmid:26237144,6,", "pmid:26237144,7,")
    errors = _errors(broken, engine)
    assert ("position-gap", "keywords", 7, "position") in errors


def test_not_a_v2_package(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["$schema"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert ("descriptor", None, None, None) in _errors(broken, engine)


def test_no_package_at_all(tmp_path):
    with pytest.raises(mscdata.PackageError, match="no such data package"):
        mscdata.validate(tmp_path)
    with pytest.raises(mscdata.PackageError):
        mscdata.load(tmp_path / "nothing")


def test_generated_table_schemas_cover_every_class_with_a_table():
    document = table_schemas()
    assert [r["name"] for r in document["resources"]] == EXPECTED_RESOURCES
    assert document["schemaVersion"] == mscdata.__version__


def test_dates_that_do_not_exist_or_do_not_fit(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    _edit(broken / "articles.csv", ",2013,10,23,", ",2013,2,30,")
    assert ("date-invalid", "articles", 2, "publication_day") in _errors(broken, engine)
    broken = _copy(built_package, tmp_path / "second")
    _edit(broken / "articles.csv", ",2013,10,23,", ",2013,,23,")
    assert ("partial-date", "articles", 2, "publication_day") in _errors(broken, engine)


def test_completeness_flags_must_agree_with_the_items(built_package, tmp_path, engine):
    broken = _copy(built_package, tmp_path)
    _edit(broken / "keywords.csv", "rheumatoid arthritis,,,true", "rheumatoid arthritis,,,false")
    assert ("completeness", "keywords", 7, "complete") in _errors(broken, engine)
