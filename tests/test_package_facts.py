"""The MSC facts in a built package: an ``msc_facts`` table read by the extractor from
every article of every source, validated like every table, loaded back per article, and
printed by ``mscdata facts FILE``."""

from __future__ import annotations

import json

import pytest

import mscdata
from mscdata.cli import main
from mscdata.facts import extract
from mscdata.facts.parts import part_texts

from conftest import ROOT, SEED, SEED_URL, csv_rows, write_csv_rows


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The bundled sources built and loaded back."""
    return mscdata.load(mscdata.build(ROOT / "sources", tmp_path_factory.mktemp("b") / "pkg"))


def test_every_article_holds_the_facts_its_text_states(dataset):
    """Read again from the loaded article, the facts are the ones the build stored: the
    table is the extractor's output for every article, merged ones included."""
    with_facts = 0
    for article in dataset:
        assert [f.model_dump() for f in extract(article)] == [
            f.model_dump() for f in article.msc_facts
        ], article.id
        with_facts += bool(article.msc_facts)
    assert with_facts > len(dataset) // 2  # the bundled sources are MSC articles


def test_every_fact_points_at_its_evidence(dataset):
    for article in dataset:
        texts = part_texts(article)
        for position, fact in enumerate(article.msc_facts, start=1):
            assert fact.position == position
            assert texts[fact.part][fact.start : fact.end] == fact.text, (article.id, fact)


def test_the_table_is_in_the_package_and_in_pandas(dataset):
    pytest.importorskip("pandas")
    frame = dataset.to_pandas("msc_facts")
    assert list(frame.columns)[:4] == ["article_id", "position", "facet", "value"]
    assert len(frame) == sum(len(a.msc_facts) for a in dataset)
    descriptor = json.loads((dataset.path.parent / "datapackage.json").read_text())
    [resource] = [r for r in descriptor["resources"] if r["name"] == "msc_facts"]
    assert resource["licenses"][0]["name"] == "CC0-1.0"
    assert resource["schema"]["foreignKeys"][0]["reference"]["resource"] == "articles"


def test_facts_outside_their_vocabulary_or_span_are_reported(built_package):
    rows = csv_rows(built_package / "msc_facts.csv")
    column = {name: rows[0].index(name) for name in rows[0]}
    first, second, third, fourth = rows[1:5]
    first[column["facet"]] = "favourite_colour"  # the Table Schema's enum
    second[column["facet"]], second[column["value"]] = "cell_sources", "moon_rock"
    second[column["curie"]] = ""
    third[column["facet"]], third[column["value"]] = "cell_sources", "bone_marrow"
    third[column["curie"]] = "UBERON:0000000"
    fourth[column["end"]] = str(int(fourth[column["end"]]) + 3)
    write_csv_rows(built_package / "msc_facts.csv", rows)
    report = mscdata.validate(built_package)
    found = {(issue.type, issue.row, issue.field) for issue in report.errors}
    assert ("constraint-error", 2, "facet") in found
    assert ("fact-vocabulary", 3, "value") in found
    assert ("fact-term", 4, "curie") in found
    assert ("fact-span", 5, "end") in found
    assert not report.valid


def test_the_command_line_prints_a_sources_facts(capsys, tmp_path):
    assert main(["facts", str(SEED), "--url", SEED_URL, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    [article] = mscdata.parse(SEED, url=SEED_URL)
    assert printed == [
        {"article_id": article.id, "pmid": article.pmid, **f.model_dump(mode="json")}
        for f in extract(article)
    ]
    assert main(["facts", str(SEED), "--url", SEED_URL, "--table"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["article", "facet", "value", "part", "span", "text"]
    assert len(table) == len(printed) + 1 if printed else table == ["no MSC facts"]
    broken = tmp_path / "broken.xml"
    broken.write_text("<PubmedArticleSet><PubmedArticle><MedlineCitation>", encoding="utf-8")
    assert main(["facts", str(broken)]) == 1
    assert "mscdata facts:" in capsys.readouterr().err
    deleting = tmp_path / "deleting.xml"
    deleting.write_text(
        "<PubmedArticleSet><DeleteCitation><PMID Version='1'>123</PMID>"
        "<PMID Version='1'>456</PMID></DeleteCitation></PubmedArticleSet>",
        encoding="utf-8",
    )
    assert main(["facts", str(deleting), "--json"]) == 0
    printed = capsys.readouterr()
    assert json.loads(printed.out) == []
    assert "mscdata facts: 2 deleted PMIDs (DeleteCitation): 123 456" in printed.err


def test_fact_checks_take_whatever_types_a_package_declares():
    """A package whose own Table Schema types the facts' columns otherwise (found by the
    fuzzer: offsets as strings) is checked by its schema; these checks skip what they
    cannot read."""
    from mscdata.validator.fact_checks import fact_issues

    columns = {
        "facet": ["routes", 3, None],
        "value": ["intravenous", "x", None],
        "curie": ["NCIT:C38276", None, None],
        "start": ["0", 1, True],
        "end": ["5", "2", False],
        "text": ["given", None, "x"],
    }
    assert fact_issues("msc_facts", columns, 2) == []


def test_both_engines_check_the_facts(built_package):
    rows = csv_rows(built_package / "msc_facts.csv")
    column = {name: rows[0].index(name) for name in rows[0]}
    rows[2][column["facet"]], rows[2][column["value"]] = "cell_sources", "moon_rock"
    rows[2][column["curie"]] = ""
    write_csv_rows(built_package / "msc_facts.csv", rows)
    for engine in ("fast", "frictionless"):
        report = mscdata.validate(built_package, engine=engine)
        found = {(issue.type, issue.row) for issue in report.errors}
        assert ("fact-vocabulary", 3) in found, engine


def test_an_update_by_another_extractor_is_refused(built_package, monkeypatch, tmp_path):
    """The facts of the records already stored would not be read again: the update would
    not be the rebuild it promises."""
    from mscdata.builder import update as updating

    monkeypatch.setattr(updating, "facts_fingerprint", lambda: "another")
    before = (built_package / "msc_facts.csv").read_bytes()
    with pytest.raises(mscdata.BuildError, match="another version of mscdata's facts extractor"):
        mscdata.update(built_package, [SEED])
    assert (built_package / "msc_facts.csv").read_bytes() == before


def test_records_of_facts_are_checked_by_the_facts_rules(dataset, tmp_path):
    """``validate --records``: an Article's facts are checked against its vocabularies
    and its own text, each issue located by record and field; MscFact records alone by
    their vocabularies and terms."""
    from mscdata.validator.record_files import validate_records

    article = next(a for a in dataset if len(a.msc_facts) > 2 and a.msc_facts[2].curie)
    good = json.loads(article.model_dump_json())
    (tmp_path / "good.json").write_text(json.dumps([good]), encoding="utf-8")
    assert not validate_records(tmp_path / "good.json").errors

    bad = json.loads(article.model_dump_json())
    bad["msc_facts"][0]["value"] = "unheard_of"
    span = bad["msc_facts"][1]
    span["text"] = "x" * (span["end"] - span["start"])
    (tmp_path / "bad.json").write_text(json.dumps([good, bad]), encoding="utf-8")
    found = {(e.type, e.row, e.field) for e in validate_records(tmp_path / "bad.json").errors}
    assert found == {
        ("fact-vocabulary", 2, "msc_facts.0.value"),
        ("fact-span", 2, "msc_facts.1.text"),
    }

    facts = [bad["msc_facts"][0], {**good["msc_facts"][2], "curie": "UBERON:0000000"}]
    (tmp_path / "facts.jsonl").write_text("\n".join(map(json.dumps, facts)), encoding="utf-8")
    assert main(["validate", "--records", str(tmp_path / "facts.jsonl"), "--class", "MscFact"]) == 1
    report = validate_records(tmp_path / "facts.jsonl", class_name="MscFact")
    found = {(e.type, e.row, e.field) for e in report.errors}
    assert found == {("fact-vocabulary", 1, "value"), ("fact-term", 2, "curie")}
