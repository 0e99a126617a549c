"""flatten and nest are inverses: an article's rows nest back into the same article.

Every slot survives the round trip. ``abstract`` is not a column: it is derived from the
main abstract's sections (``records.join_abstract``) and ``nest`` derives it again, so it
survives because every record mscdata makes (and the strategy) holds the derived value.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from mscdata.builder.article_rows import _cell, cells, flatten, nest
from mscdata.models import Article
from mscdata.resources import table_schemas
from mscdata.validator.csv_tables import convert

from strategies import article_sets, articles

_FIELDS = {
    r["name"]: [{**f, "missingValues": [""]} for f in r["schema"]["fields"]]
    for r in table_schemas()["resources"]
}


def _merged(per_article: list[dict[str, list]]) -> dict[str, list]:
    tables: dict[str, list] = {}
    for rows in per_article:
        for name, table_rows in rows.items():
            tables.setdefault(name, []).extend(table_rows)
    return tables


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_nest_undoes_flatten(article: Article) -> None:
    (data,) = nest(flatten(article.model_dump()))
    assert Article.model_validate(data) == article


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_cells_read_back_nest_into_the_same_article(article: Article) -> None:
    """Through the CSV text as the loader reads it: cells typed by the schema's fields."""
    typed = {
        name: [
            {
                spec["name"]: convert(cell, spec)
                for spec, cell in zip(_FIELDS[name], row, strict=True)
            }
            for row in rows
        ]
        for name, rows in cells(article.model_dump()).items()
    }
    (data,) = nest(typed)
    assert Article.model_validate(data) == article


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(article_sets())
def test_rows_of_several_articles_nest_back_in_order(found: list[Article]) -> None:
    tables = _merged([flatten(a.model_dump()) for a in found])
    assert [Article.model_validate(d) for d in nest(tables)] == found


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_cells_are_the_rows_of_flatten_as_text(article: Article) -> None:
    data = article.model_dump()
    expected = {
        name: [
            [_cell(value, column, name, article.id) for column, value in row.items()]
            for row in rows
        ]
        for name, rows in flatten(data).items()
    }
    assert cells(data) == expected


def test_flatten_names_every_column_of_every_table() -> None:
    article = Article(id="pmid:1", pmid="1", authors=[{"position": 1, "last_name": "A"}])
    rows = flatten(article.model_dump())
    assert set(rows) == set(_FIELDS)
    for name, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == [f["name"] for f in _FIELDS[name]]
    assert rows["authors"][0]["article_id"] == "pmid:1"
    assert rows["affiliations"] == []
