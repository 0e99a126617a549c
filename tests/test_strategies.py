"""The record strategies cover the models: every field of every class, at every depth
(an author's affiliations, investigators and editors alike), is generated with a value."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from mscdata import models

from strategies import FIELDS, MODELS, article_sets


def _item_class(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The class of a field's items when it is a list of records."""
    annotation = model.model_fields[name].annotation
    for kind in getattr(annotation, "__args__", ()):
        for item in getattr(kind, "__args__", ()):
            if isinstance(item, type) and issubclass(item, BaseModel):
                return item
    return None


def _every_path(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every field of ``model`` and of the records it holds, as a path from it."""
    paths = set()
    for name in model.model_fields:
        paths.add((*prefix, name))
        item = _item_class(model, name)
        if item is not None:
            paths |= _every_path(item, (*prefix, name))
    return paths


def _filled_paths(record: BaseModel, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """The paths of the fields that hold a value (not null, not an empty list)."""
    paths = set()
    for name in type(record).model_fields:
        value: Any = getattr(record, name)
        if value is None or value == []:
            continue
        paths.add((*prefix, name))
        if isinstance(value, list) and isinstance(value[0], BaseModel):
            for item in value:
                paths |= _filled_paths(item, (*prefix, name))
    return paths


def test_every_model_class_and_field_has_a_strategy():
    reached = {models.Article.__name__}
    for path in _every_path(models.Article):
        model = models.Article
        for step in path[:-1]:
            model = _item_class(model, step)
        item = _item_class(model, path[-1])
        if item is not None:
            reached.add(item.__name__)
    assert reached == set(MODELS)  # every class is reached from Article
    assert set(FIELDS) == set(MODELS)
    for name, model in MODELS.items():
        assert set(FIELDS[name]) == set(model.model_fields), name


def test_every_field_of_every_class_is_generated_with_a_value():
    seen: set[tuple[str, ...]] = set()

    @settings(
        max_examples=12,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(article_sets())
    def collect(articles):
        for article in articles:
            seen.update(_filled_paths(article))

    collect()
    expected = _every_path(models.Article)
    assert {("investigators", "affiliation_texts"), ("editors", "orcid")} <= expected
    assert expected - seen == set()
