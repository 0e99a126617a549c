"""Validation reports: grouped text, JSON with its own schema, GitHub annotations."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

import mscdata
import mscdata.validator.record_files
from mscdata.cli import main

from conftest import DATA, ROOT


def _broken(built_package, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(built_package, broken)
    path = broken / "articles.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",10.3390/", ",11.3390/"), encoding="utf-8"
    )
    keywords = broken / "keywords.csv"
    lines = keywords.read_text(encoding="utf-8").splitlines(keepends=True)
    keywords.write_text("".join([*lines[:2], lines[1], *lines[2:]]), encoding="utf-8")
    return broken


def test_json_report_matches_its_published_schema(built_package, tmp_path, capsys):
    schema = json.loads((ROOT / "schemas" / "mscdata.report.schema.json").read_text())
    for path, code in ((built_package, 0), (_broken(built_package, tmp_path), 1)):
        assert main(["validate", str(path), "--format", "json"]) == code
        document = json.loads(capsys.readouterr().out)
        jsonschema.validate(document, schema)
        assert document["valid"] is (code == 0)
    doi = next(e for e in document["errors"] if e["field"] == "doi")
    assert doi["value"] == "11.3390/jcm2040201" and doi["row"] == 2
    key = next(e for e in document["errors"] if e["type"] == "primary-key")
    assert key["resource"] == "keywords" and key["value"] == "pmid:26237144, 1"
    assert key["field"] == "article_id, position"


def test_text_report_groups_by_resource_and_type(built_package, tmp_path):
    report = mscdata.validate(_broken(built_package, tmp_path))
    text = report.to_text().splitlines()
    assert text[0].startswith("invalid: ") and "errors in 2 resources" in text[0]
    assert "  articles" in text and "  keywords" in text
    assert "    constraint-error (1)" in text
    assert any("row 2, field doi, value '11.3390/jcm2040201'" in line for line in text)


def test_max_errors_and_github_annotations(built_package, tmp_path):
    report = mscdata.validate(_broken(built_package, tmp_path), max_errors=2)
    assert len(report.errors) == 2 and report.omitted > 0 and not report.valid
    lines = report.to_github().splitlines()
    assert lines[0].startswith("::error file=") and ",line=2,title=constraint-error::" in lines[0]
    assert lines[-2].startswith("::notice::") and lines[-1].endswith("shown)")
    assert all("\n" not in line for line in lines)


def test_several_packages_in_one_call(built_package, tmp_path, capsys):
    descriptor = str(built_package / "datapackage.json")
    assert main(["validate", str(built_package), descriptor, str(built_package)]) == 0
    assert capsys.readouterr().out.count("valid: ") == 1  # each package validated once
    assert main(["validate", str(built_package), str(_broken(built_package, tmp_path))]) == 1


def _descriptor(path):
    return json.loads((path / "datapackage.json").read_text(encoding="utf-8"))


def _write(path, descriptor):
    (path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_an_older_compatible_schema_validates_with_a_notice(built_package, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(built_package, old)
    descriptor = _descriptor(old)
    descriptor["mscdata"]["schemaVersion"] = "0.1.0"
    # an older package lacks the tables and fields added since
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "editors"]
    (old / "editors.csv").unlink()
    _write(old, descriptor)
    report = mscdata.validate(old)
    assert report.valid, report.to_text()
    [notice] = report.notices
    assert "schema 0.1.0" in notice and "editors" in notice
    assert "notice: made with mscdata schema 0.1.0" in report.to_text()


def test_a_package_made_by_mscdata_0_1_0_validates_with_a_notice(tmp_path):
    # tests/data/packages/made-with-0.1.0 is the package mscdata 0.1.0 built (schema 0.1.0)
    package = tmp_path / "package"
    shutil.copytree(DATA / "packages" / "made-with-0.1.0", package)
    report = mscdata.validate(package)
    assert report.valid, report.to_text()
    [notice] = report.notices
    assert "schema 0.1.0 (matching its table schemas)" in notice
    assert "articles.vernacular_title" in notice  # added by 0.2.0
    # it must still match its own version: a 0.1.0 field it lacks is an error
    descriptor = _descriptor(package)
    descriptor["resources"][0]["schema"]["fields"] = [
        f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] != "volume"
    ]
    _write(package, descriptor)
    report = mscdata.validate(package)
    assert any(
        e.type == "schema-mismatch" and e.field == "volume" and "schema 0.1.0" in e.message
        for e in report.errors
    )


def test_a_newer_or_undeclared_or_incompatible_schema_fails(built_package, tmp_path):
    for version, expected in (("9.0.0", "install a newer mscdata"), (None, "must declare")):
        folder = tmp_path / f"v{version}"
        shutil.copytree(built_package, folder)
        descriptor = _descriptor(folder)
        if version is None:
            del descriptor["mscdata"]
        else:
            descriptor["mscdata"]["schemaVersion"] = version
        _write(folder, descriptor)
        report = mscdata.validate(folder)
        assert not report.valid
        assert any(e.type == "schema-version" and expected in e.message for e in report.errors)
    incompatible = tmp_path / "incompatible"
    shutil.copytree(built_package, incompatible)
    descriptor = _descriptor(incompatible)
    descriptor["mscdata"]["schemaVersion"] = "0.1.0"
    descriptor["resources"][0]["schema"]["fields"][7]["type"] = "number"
    _write(incompatible, descriptor)
    report = mscdata.validate(incompatible)
    assert any("is not compatible with" in e.message for e in report.errors)


def test_record_files_in_every_format(tmp_path, capsys):
    from conftest import DATA
    from invalid_records import mutated

    good = json.loads((DATA / "examples" / "valid" / "seed-article.json").read_text())
    bad = mutated("doi-pattern")
    (tmp_path / "records.json").write_text(json.dumps([good, bad]))
    (tmp_path / "records.jsonl").write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n")
    import yaml

    (tmp_path / "records.yaml").write_text(yaml.safe_dump([good, bad]))
    (tmp_path / "keywords.csv").write_text(
        "position,term,complete\n1,stem cells,true\n0,osteoarthritis,true\n"
    )
    for name, row in (("records.json", 2), ("records.jsonl", 3), ("records.yaml", 2)):
        report = mscdata.validator.record_files.validate_records(tmp_path / name)
        [error] = report.errors
        assert (error.row, error.field, error.value) == (row, "doi", "11.3390/jcm2040201"), name
    report = mscdata.validator.record_files.validate_records(
        tmp_path / "keywords.csv", class_name="Keyword"
    )
    [error] = report.errors
    assert (error.resource, error.row, error.field) == ("Keyword", 3, "position")
    assert main(["validate", "--records", str(tmp_path / "records.json")]) == 1
    assert "row 2, field doi" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:  # argparse names the classes there are
        main(["validate", "--records", str(tmp_path / "keywords.csv"), "--class", "Nope"])
    assert usage.value.code == 2 and "Provenance" in capsys.readouterr().err
