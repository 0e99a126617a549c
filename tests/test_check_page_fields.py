"""scripts/check_page_fields.py: counts the fields a reader gets right on held pages."""

from __future__ import annotations

import importlib.util
import json

from conftest import PAGES, ROOT

_SPEC = importlib.util.spec_from_file_location(
    "check_page_fields", ROOT / "scripts" / "check_page_fields.py"
)
check_page_fields = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(check_page_fields)

PAGE = "pmc-page-supplementary-footer.txt"
WANT = {
    "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC6694581/",
    "pmid": "31412968",
    "journal": None,
    "journal_title": "Stem Cell Research & Therapy",
    "authors": ["Li Wei", "Chen Hong"],
    "labels": [None],
    "keywords": ["Extracellular vesicles", "Cartilage", "Mesenchymal stromal cells"],
    "record_complete": True,
}


def test_every_field_right_exits_0(tmp_path, capsys):
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({PAGE: WANT}), encoding="utf-8")
    assert check_page_fields.main([str(expected), str(PAGES)]) == 0
    assert "total: 7 of 7 checked fields right (100.0%)" in capsys.readouterr().out


def test_a_miss_and_a_refused_page_are_named():
    checked, misses = check_page_fields.check_page(
        (PAGES / PAGE).read_text(encoding="utf-8"), {**WANT, "journal": "Stem Cell Res Ther"}
    )
    assert checked == 7 and misses == ["journal: got None, expected 'Stem Cell Res Ther'"]
    checked, misses = check_page_fields.check_page("not a page", {"url": None, "pmid": "1"})
    assert checked == 1 and misses[0].startswith("refused: ")
