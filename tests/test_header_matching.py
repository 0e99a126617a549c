"""A header is matched to its Table Schema by name: a missing, extra, renamed or
misplaced column is one error naming it, with no cascade into the other columns or
the rows, in both engines and in load(); a size or hash mismatch says how to fix it."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mscdata
from mscdata.validator.table_header import match_header

from conftest import ROOT

INTEGRITY = {"hash-count", "byte-count"}
FIELDS = ["id", "pmid", "doi", "title", "journal", "year"]
SCHEMA = {"fields": [{"name": name, "type": "string"} for name in FIELDS]}


def _issues(labels: list[str], **schema) -> list[tuple]:
    match = match_header("articles", labels, {**SCHEMA, **schema})
    return [(i.type, i.field, i.value) for i in match.issues]


# ----------------------------------------------------------------- the header alone


def test_a_matching_header_has_no_issue():
    assert _issues(FIELDS) == []


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["id", "pmid", "doi", "title", "year"], ("missing-label", "journal", None)),
        (["pmid", "doi", "title", "journal", "year"], ("missing-label", "id", None)),
        ([*FIELDS[:2], "surplus", *FIELDS[2:]], ("extra-label", None, "surplus")),
        ([*FIELDS, "surplus"], ("extra-label", None, "surplus")),
        (["id", "pmid", "doi", "title", "jrnl", "year"], ("incorrect-label", "journal", "jrnl")),
        (["xid", *FIELDS[1:]], ("incorrect-label", "id", "xid")),
        (["id", "pmid", "doi", "title", "", "year"], ("blank-label", "journal", None)),
        (["id", "pmid", "doi", "title", "title", "year"], ("duplicate-label", "journal", "title")),
        (["id", "pmid", "doi", "journal", "title", "year"], ("incorrect-label", "journal", None)),
        (["id", "journal", "pmid", "doi", "title", "year"], ("incorrect-label", "journal", None)),
        (
            ["id", "title", "doi", "pmid", "journal", "year"],
            ("incorrect-label", "doi, title", None),
        ),
    ],
    ids=[
        "missing",
        "missing-first",
        "extra",
        "extra-last",
        "renamed",
        "renamed-first",
        "blank",
        "duplicate",
        "swapped",
        "moved",
        "two-swapped",
    ],
)
def test_one_difference_is_one_issue_naming_the_column(labels, expected):
    assert _issues(labels) == [expected]


def test_the_messages_name_the_column_and_the_place():
    [missing] = match_header("articles", ["id", "pmid", "doi", "title", "year"], SCHEMA).issues
    assert missing.message == "the column journal is missing"
    [renamed] = match_header("a", ["id", "pmid", "doi", "title", "jrnl", "year"], SCHEMA).issues
    assert renamed.message == "the column journal is labelled 'jrnl'"
    [moved] = match_header("a", ["id", "journal", "pmid", "doi", "title", "year"], SCHEMA).issues
    assert "journal" in moved.message and "after title" in moved.message


def test_fields_match_decides_what_is_an_error():
    reordered = ["id", "pmid", "doi", "year", "title", "journal"]
    assert _issues(reordered) == [("incorrect-label", "year", None)]  # the one column moved
    assert _issues(reordered, fieldsMatch="equal") == []
    assert _issues([*FIELDS, "x"], fieldsMatch="subset") == []
    assert _issues(FIELDS[:4], fieldsMatch="subset") == [
        ("missing-label", "journal", None),
        ("missing-label", "year", None),
    ]
    assert _issues(["pmid", "doi"], fieldsMatch="superset", primaryKey="id") == [
        ("missing-label", "id", None)
    ]
    assert _issues(["id", "x"], fieldsMatch="partial") == []
    assert _issues(["x"], fieldsMatch="partial")[0][0] == "unmatched-header"


def test_each_column_holds_the_field_of_its_name():
    match = match_header("a", ["title", "x", "id", "x"], SCHEMA)
    assert [c["name"] for c in match.columns] == ["title", "x", "id", "x2"]
    assert [c["type"] for c in match.columns] == ["string", "any", "string", "any"]
    assert match.missing == ["pmid", "doi", "journal", "year"]


@given(st.data())
def test_any_one_column_deleted_added_or_renamed_is_one_issue(data):
    names = data.draw(
        st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=12, unique=True)
    )
    schema = {"fields": [{"name": n} for n in names]}
    where = data.draw(st.integers(0, len(names) - 1))
    other = data.draw(st.from_regex(r"[A-Z]{1,6}", fullmatch=True))  # never a field's name
    deleted = names[:where] + names[where + 1 :]
    added = [*names[:where], other, *names[where:]]
    renamed = [*names[:where], other, *names[where + 1 :]]
    assert [(i.type, i.field) for i in match_header("t", deleted, schema).issues] == [
        ("missing-label", names[where])
    ]
    assert [(i.type, i.value) for i in match_header("t", added, schema).issues] == [
        ("extra-label", other)
    ]
    assert [(i.type, i.field, i.value) for i in match_header("t", renamed, schema).issues] == [
        ("incorrect-label", names[where], other)
    ]


@given(st.data())
def test_any_one_column_moved_is_one_issue(data):
    count = data.draw(st.integers(2, 12))
    names = [f"f{n}" for n in range(count)]
    start, end = data.draw(st.integers(0, count - 1)), data.draw(st.integers(0, count - 1))
    moved = list(names)
    moved.insert(end, moved.pop(start))
    issues = match_header("t", moved, {"fields": [{"name": n} for n in names]}).issues
    assert len(issues) == (moved != names)
    if issues:
        assert issues[0].type == "incorrect-label" and "," not in issues[0].field


# ------------------------------------------------------------- packages, both engines


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return mscdata.build(ROOT / "sources", tmp_path_factory.mktemp("built") / "datapackage")


def _edited(package: Path, tmp_path: Path, resource: str, edit) -> Path:
    copy = tmp_path / "package"
    shutil.copytree(package, copy)
    path = copy / f"{resource}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(edit(rows))
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return copy


def _without(name):
    def edit(rows):
        column = rows[0].index(name)
        return [row[:column] + row[column + 1 :] for row in rows]

    return edit


def _with_extra(rows):
    return [[*row[:3], "surplus" if n == 0 else "v", *row[3:]] for n, row in enumerate(rows)]


def _renamed(rows):
    rows[0][rows[0].index("journal")] = "journal_abbr"
    return rows


def _swapped(rows):
    i, j = rows[0].index("title"), rows[0].index("journal")
    for row in rows:
        row[i], row[j] = row[j], row[i]
    return rows


def _relabelled(label):
    def edit(rows):
        rows[0][rows[0].index("journal")] = label
        return rows

    return edit


CASES = {
    "deleted": (_without("journal"), ("missing-label", "articles", 1, "journal"), "journal"),
    "extra": (_with_extra, ("extra-label", "articles", 1, None), "'surplus'"),
    "renamed": (_renamed, ("incorrect-label", "articles", 1, "journal"), "'journal_abbr'"),
    "reordered": (_swapped, ("incorrect-label", "articles", 1, "title, journal"), "journal"),
    "blank": (_relabelled(""), ("blank-label", "articles", 1, "journal"), "journal"),
    "repeated": (_relabelled("title"), ("duplicate-label", "articles", 1, "journal"), "'title'"),
}


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_changed_column_is_one_error_naming_it(package, tmp_path, case, engine):
    edit, expected, named = CASES[case]
    broken = _edited(package, tmp_path, "articles", edit)
    report = mscdata.validate(broken, engine=engine)
    errors = [e for e in report.errors if e.type not in INTEGRITY]
    assert [(e.type, e.resource, e.row, e.field) for e in errors] == [expected]
    assert named in errors[0].message


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_the_rows_are_checked_by_name_after_a_deleted_column(package, tmp_path, engine):
    def edit(rows):
        rows[1][rows[0].index("publication_month")] = "13"
        return _without("journal")(rows)

    report = mscdata.validate(_edited(package, tmp_path, "articles", edit), engine=engine)
    errors = [(e.type, e.row, e.field, e.value) for e in report.errors if e.type not in INTEGRITY]
    assert errors == [
        ("missing-label", 1, "journal", None),
        ("constraint-error", 2, "publication_month", "13"),
    ]


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_missing_key_column_is_not_reported_again_by_its_foreign_keys(package, tmp_path, engine):
    broken = _edited(package, tmp_path, "articles", _without("id"))
    report = mscdata.validate(broken, engine=engine)
    errors = [(e.type, e.resource, e.field) for e in report.errors if e.type not in INTEGRITY]
    assert errors == [("missing-label", "articles", "id")]


@pytest.mark.parametrize("case", list(CASES))
def test_load_refuses_a_changed_column_naming_it(package, tmp_path, case):
    edit, _, named = CASES[case]
    broken = _edited(package, tmp_path, "articles", edit)
    with pytest.raises(mscdata.PackageError, match="resource 'articles': the header") as caught:
        mscdata.load(broken)
    assert named in str(caught.value)


def test_columns_in_any_order_are_read_by_name_when_the_schema_allows_it(package, tmp_path):
    broken = _edited(package, tmp_path, "articles", _swapped)
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    articles = descriptor["resources"][0]
    articles["schema"]["fieldsMatch"] = "equal"
    del articles["hash"], articles["bytes"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for engine in ("fast", "frictionless"):
        assert mscdata.validate(broken, engine=engine).valid
    article = mscdata.load(broken).articles[0]
    original = mscdata.load(package).articles[0]
    assert (article.title, article.journal) == (original.title, original.journal)


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_changed_file_names_the_command_that_describes_it_again(package, tmp_path, engine):
    broken = tmp_path / "package"
    shutil.copytree(package, broken)
    path = broken / "keywords.csv"
    path.write_bytes(path.read_bytes().replace(b"immune", b"immunes", 1))
    report = mscdata.validate(broken, engine=engine)
    integrity = [e for e in report.errors if e.type in INTEGRITY]
    assert {e.type for e in integrity} == INTEGRITY
    for error in integrity:
        assert "the file changed after the descriptor was written" in error.message
        assert "mscdata describe --update <package folder>" in error.message
