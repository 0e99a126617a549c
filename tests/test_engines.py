"""The fast engine against frictionless, the reference for the standard's semantics.

Every package broken at random (cells, rows, labels, bytes) must give the same
table errors (type, resource, row, field) from both engines, and every cell value
the generated Pydantic models accept must pass the Table Schema checks and vice
versa, so dropping the per-row model pass loses nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata import models
from mscdata.resources import table_schemas
from mscdata.validator.column_checks import check_column
from mscdata.validator.tablecheck import unsupported

from conftest import csv_rows, write_csv_rows

TABLE_ERRORS = {
    "type-error",
    "constraint-error",
    "primary-key",
    "foreign-key",
    "unique-error",
    "extra-cell",
    "missing-cell",
    "blank-row",
    "extra-label",
    "missing-label",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
    "hash-count",
    "byte-count",
    "encoding-error",
    "scheme-error",
}

# cells that exercise both the column-wise decisions and frictionless's reader
CELLS = [
    "",
    "x",
    "0",
    "-1",
    "13",
    "+5",
    " 5",
    "1_0",
    "\u0663",
    "99999999999999999999",
    "1.0",
    "true",
    "TRUE",
    "yes",
    "pmid:26237144",
    "pmid:0",
    "10.1/x",
    "10.3390/jcm\u00a02040201",
    "10.3390/a\n",
    "PMC12",
    "a|b",
    "journal_article",
    "comment_in",
    "https://example.org/x",
    "not a uri",
    "0000-0002-1825-0097",
    "D012345",
]


EDITS = (
    "cell",
    "cell",
    "cell",
    "duplicate",
    "delete",
    "blank",
    "extra",
    "short",
    "label",
    "commas",
)


# each table's columns by name, in the order the Table Schemas give them
COLUMNS = {
    resource["name"]: [field["name"] for field in resource["schema"]["fields"]]
    for resource in table_schemas()["resources"]
}


@st.composite
def breakages(draw):
    """A list of (resource, what, row, column name, cell) edits."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        resource = draw(st.sampled_from(sorted(COLUMNS)))
        edits.append(
            (
                resource,
                draw(st.sampled_from(EDITS)),
                draw(st.integers(0, 40)),
                draw(st.sampled_from(COLUMNS[resource])),
                draw(st.sampled_from(CELLS)),
            )
        )
    return edits


def _break(package: Path, edits) -> None:
    """Apply (resource, what, row, column name, cell) edits to the package's tables; the
    row is counted from 1 (wrapping around), the column is named as the schema names it."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    for name, what, row, column_name, cell in edits:
        path = package / resources[name]["path"]
        rows = csv_rows(path)
        width = len(rows[0])
        row = 1 + row % max(len(rows) - 1, 1) if len(rows) > 1 else 1
        column = COLUMNS[name].index(column_name)
        if len(rows) > 1 and not rows[row]:  # a blank line an earlier edit inserted
            rows[row] = [""] * width
        if what == "label":
            rows[0][column] = cell
        elif len(rows) == 1:
            rows.append([cell] * width)
        elif what == "cell":
            rows[row][column] = cell
        elif what == "duplicate":
            rows.insert(row, list(rows[row]))
        elif what == "delete":
            del rows[row]
        elif what == "blank":
            rows.insert(row, [])
        elif what == "commas":
            rows.insert(row, [""] * width)
        elif what == "extra":
            rows[row] = [*rows[row], cell]
        elif what == "short":
            rows[row] = rows[row][:column]
        write_csv_rows(path, rows)


def _frictionless_takes_another_header(path: Path) -> bool:
    """With no dialect in the descriptor, frictionless takes as header the first of its
    first 100 rows whose width is within 10% of their rounded mean width; a table broken
    so that a later row fits better than the header (e.g. one data row cut short) is
    read with a data row as header, and gives no reference to compare with."""
    widths = [len(row) for row in csv_rows(path)[:100]]
    if not widths:
        return False
    mean = round(sum(widths) / len(widths))
    drift = max(round(mean * 0.1), 1)
    fits = [n for n, width in enumerate(widths) if abs(width - mean) <= drift]
    return bool(fits) and fits[0] != 0


def _table_errors(package: Path, engine: str) -> set[tuple]:
    report = mscdata.validate(package, engine=engine)
    return {
        (e.type, e.resource, e.row, e.field, e.value)
        for e in report.errors
        if e.type in TABLE_ERRORS
    }


def _same_errors(fast: set[tuple], reference: set[tuple]) -> None:
    """The engines agree, except that the fast engine matches a pattern against the
    whole value (as JSON Schema and the models do), where frictionless's re.match
    lets a final line break through."""
    located = {e[:4] for e in fast}
    assert {e[:4] for e in reference} <= located
    for extra in fast - reference:
        if extra[:4] not in {e[:4] for e in reference}:
            assert extra[0] == "constraint-error" and extra[4].endswith("\n"), extra


@pytest.mark.slow
@settings(
    max_examples=15,  # each runs frictionless (~0.5 s of CPU); 1-4 edits of any table each
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=breakages())
def test_both_engines_find_the_same_table_errors(built_package, tmp_path_factory, edits):
    package = tmp_path_factory.mktemp("broken") / "package"
    shutil.copytree(built_package, package)
    _break(package, edits)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    assume(not any(_frictionless_takes_another_header(package / paths[name]) for name, *_ in edits))
    _same_errors(_table_errors(package, "fast"), _table_errors(package, "frictionless"))


def test_every_kind_of_error_at_once(built_package, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(built_package, package)
    edits = [
        ("authors", "cell", 0, "position", "x"),  # type
        ("authors", "duplicate", 0, "article_id", ""),  # primary key
        ("articles", "cell", 0, "doi", "10.1/x"),  # pattern
        ("articles", "cell", 0, "publication_month", "13"),  # maximum
        ("linked_articles", "cell", 0, "relation", "cited_by"),  # enum
        ("keywords", "cell", 0, "article_id", "pmid:999"),  # foreign key
        ("keywords", "blank", 2, "article_id", ""),  # blank row
        ("references", "extra", 0, "article_id", "more"),  # extra cell
        ("abstract_sections", "short", 0, "nlm_category", ""),  # missing cells from there
        ("accessions", "label", 0, "databank", "db"),  # incorrect label
    ]
    _break(package, edits)
    (package / "figures.csv").write_bytes(
        (package / "figures.csv").read_bytes().replace(b"Fig", b"F\xffg", 1)
    )
    fast = _table_errors(package, "fast")
    reference = _table_errors(package, "frictionless")
    kinds = {e[0] for e in fast}
    assert {
        "type-error",
        "constraint-error",
        "primary-key",
        "foreign-key",
        "blank-row",
        "extra-cell",
        "missing-cell",
        "incorrect-label",
        "hash-count",
        "byte-count",
        "encoding-error",
    } <= kinds
    # frictionless stops reading a resource at its first undecodable byte; the fast
    # engine reports the byte (with its line) and checks the rest of the file too
    assert ("encoding-error", "figures", None, None, None) in reference
    assert {e[0] for e in fast if e[1] == "figures"} == {
        "encoding-error",
        "hash-count",
    }
    _same_errors(
        {e for e in fast if e[1] != "figures"}, {e for e in reference if e[1] != "figures"}
    )


def test_the_fast_engine_hands_other_resources_to_frictionless(built_package, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(built_package, package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    [keywords] = [r for r in descriptor["resources"] if r["name"] == "keywords"]
    keywords["dialect"] = {"commentChar": "#"}
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert "dialect" in unsupported(keywords)
    report = mscdata.validate(package)
    assert report.valid
    assert any("keywords is checked by frictionless" in n for n in report.notices)


@pytest.mark.parametrize("ragged", [False, True], ids=["pyarrow", "csv-module"])
def test_rows_with_quoted_line_breaks_keep_their_numbers_and_lines(built_package, tmp_path, ragged):
    package = tmp_path / "package"
    shutil.copytree(built_package, package)
    path = package / "keywords.csv"
    rows = csv_rows(path)
    term, position = rows[0].index("term"), rows[0].index("position")
    rows[1][term] = "two\nlines"
    rows[3][position] = "x"
    if ragged:  # a row of the wrong width sends the file through the exact reader
        rows[5].append("surplus")
    write_csv_rows(path, rows)
    report = mscdata.validate(package)
    [error] = [e for e in report.errors if e.type == "type-error"]
    assert (error.row, error.line, error.field) == (4, 5, "position")
    if ragged:
        [extra] = [e for e in report.errors if e.type == "extra-cell"]
        assert (extra.row, extra.line, extra.value) == (6, 7, "surplus")
    assert "line=5" in report.to_github()


def test_cli_runs_either_engine(built_package, tmp_path, capsys):
    from mscdata.cli import main

    package = tmp_path / "package"
    shutil.copytree(built_package, package)
    _break(package, [("keywords", "cell", 0, "position", "x")])
    for engine in ("fast", "frictionless"):
        assert main(["validate", str(package), "--engine", engine, "--format", "json"]) == 1
        document = json.loads(capsys.readouterr().out)
        assert ("type-error", "keywords", 2, "position") in {
            (e["type"], e["resource"], e["row"], e["field"]) for e in document["errors"]
        }


# ------------------------------------------------------- models and Table Schemas agree


def _fields():
    document = table_schemas()
    for resource in document["resources"]:
        model = getattr(models, resource["class"])
        for spec in resource["schema"]["fields"]:
            if spec["name"] in model.model_fields and spec["type"] in ("string", "integer"):
                yield resource["name"], model, spec


FIELDS = list(_fields())


@pytest.mark.parametrize(
    ("resource", "model", "spec"), FIELDS, ids=[f"{r}.{s['name']}" for r, _, s in FIELDS]
)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_cell_passes_the_table_schema_exactly_when_the_model_accepts_it(
    resource, model, spec, data
):
    import pyarrow as pa
    from pydantic import ValidationError

    constraints = spec.get("constraints") or {}
    if spec["type"] == "integer":
        value = data.draw(st.integers(-5, 3100))
        cell = str(value)
    elif "pattern" in constraints:
        cell = data.draw(st.one_of(st.from_regex(constraints["pattern"]), st.text(max_size=12)))
        value = cell
    elif "enum" in constraints:
        cell = data.draw(st.one_of(st.sampled_from(constraints["enum"]), st.text(max_size=8)))
        value = cell
    else:
        return
    if cell == "":
        return  # the empty cell is a missing value: a table null, not a model string
    column = check_column(pa.array([cell], pa.string()), spec, [""])
    table_accepts = not column.errors
    field_model = _one_field_model(model, spec["name"])
    try:
        field_model.model_validate({spec["name"]: value})
        model_accepts = True
    except ValidationError:
        model_accepts = False
    assert table_accepts == model_accepts, (resource, spec["name"], cell)


def _one_field_model(model, name):
    from pydantic import create_model

    info = model.model_fields[name]
    return create_model(f"Only_{name}", **{name: (info.annotation, info)})
