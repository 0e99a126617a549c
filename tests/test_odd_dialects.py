"""Declared dialects, encodings and compressions the csv module cannot use: describe
warns, load and validate refuse with a located message, and none of them crashes or
reads a huge header at length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_describe import LAB_ARTICLES, write_table

import mscdata
from mscdata.builder.describing import describe
from mscdata.errors import PackageError

# declared properties -> whether describe still reads the header: a dialect the csv
# module refuses falls back to the default one (the file is comma-separated), an
# unknown encoding to UTF-8; a compression the file does not have leaves no header
ODD_DIALECTS = {
    "two-character delimiter": ({"dialect": {"delimiter": ";;"}}, True),
    "empty delimiter": ({"dialect": {"delimiter": ""}}, True),
    "number as delimiter": ({"dialect": {"delimiter": 5}}, True),
    "two-character escapeChar": ({"dialect": {"escapeChar": "ab"}}, True),
    "an encoding Python lacks": ({"encoding": "no-such-codec"}, True),
    "zip declared on a plain file": ({"compression": "zip"}, False),
    "gz declared on a plain file": ({"compression": "gz"}, False),
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    folder = tmp_path / "lab"
    folder.mkdir()
    write_table(folder, "articles", LAB_ARTICLES)
    describe(folder)
    return folder


def _declare(folder: Path, properties: dict) -> None:
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][0].update(properties)
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.mark.parametrize("case", ODD_DIALECTS)
def test_describe_update_reads_or_warns_but_never_crashes(package, case):
    properties, header_read = ODD_DIALECTS[case]
    _declare(package, properties)
    description = describe(package, update=True)
    assert description.tables == ["articles"]
    if header_read:
        assert description.warnings == []
    else:
        assert "articles.csv: no header row could be read" in description.warnings[0]


def test_a_header_of_a_million_cells_is_not_read_at_length(package):
    (package / "articles.csv").write_text("," * 3_000_000 + "\n", encoding="utf-8")
    description = describe(package, update=True)
    assert "no header row could be read" in description.warnings[0]


def test_a_header_wider_than_the_limit_is_not_matched(package):
    (package / "articles.csv").write_text(",".join(["x"] * 2_500) + "\n", encoding="utf-8")
    description = describe(package, update=True)
    assert "at most 2,000 columns" in description.warnings[0]


def test_describe_still_reads_a_header_declared_with_a_semicolon(package):
    text = (package / "articles.csv").read_text(encoding="utf-8").replace(",", ";")
    (package / "articles.csv").write_text(text, encoding="utf-8")
    _declare(package, {"dialect": {"delimiter": ";"}})
    assert describe(package, update=True).warnings == []


def test_load_refuses_an_unusable_escape_character_by_resource(package):
    _declare(package, {"dialect": {"escapeChar": "ab"}})
    with pytest.raises(PackageError, match="articles"):
        mscdata.load(package)


def test_validate_names_the_unusable_escape_character(package):
    _declare(package, {"dialect": {"escapeChar": "ab"}})
    report = mscdata.validate(package)
    assert not report.valid
    assert any("escapeChar" in str(issue) for issue in report.errors), report.errors
