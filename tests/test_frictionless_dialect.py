"""frictionless reads CSV files with the Data Package's dialect defaults, never with
csv.Sniffer's guesses (quadratic in a long quoted cell: one cell of 400 KB kept
`validate --engine frictionless` busy for minutes; fuzz campaign 2811, case 1357)."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

import mscdata


@pytest.fixture
def package(built_package, tmp_path):
    copy = tmp_path / "package"
    shutil.copytree(built_package, copy)
    return copy


def _undeclare(package, name: str) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource.pop("hash", None)
            resource.pop("bytes", None)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def test_frictionless_never_asks_the_sniffer(package, monkeypatch):
    def guessed(*args, **kwargs):
        raise AssertionError("csv.Sniffer was asked to guess a dialect")

    monkeypatch.setattr(csv.Sniffer, "sniff", guessed)
    report = mscdata.validate(package, engine="frictionless")
    assert report.valid, report.errors


def test_a_long_quoted_cell_is_read_as_the_standard_reads_it(package):
    table = package / "abstract_sections.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("text")] = 'word, "quoted"; ' * 25_000  # 400 KB, quotes inside
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    _undeclare(package, "abstract_sections")
    fast = mscdata.validate(package)
    reference = mscdata.validate(package, engine="frictionless")
    assert fast.valid and reference.valid, (fast.errors, reference.errors)


def test_the_declared_dialect_still_wins(package):
    table = package / "keywords.csv"
    text = table.read_text(encoding="utf-8").replace(",", ";")
    table.write_text(text, encoding="utf-8")
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [keywords] = [r for r in descriptor["resources"] if r["name"] == "keywords"]
    keywords.pop("hash", None)
    keywords.pop("bytes", None)
    keywords["dialect"] = {"delimiter": ";"}
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert mscdata.validate(package, engine="frictionless").valid
    keywords["dialect"] = {}  # the standard's ",": one column of "a;b;…" labels
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    report = mscdata.validate(package, engine="frictionless")
    assert not report.valid and {e.resource for e in report.errors} == {"keywords"}
