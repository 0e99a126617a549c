"""Hypothesis strategies for valid mscdata records, derived from the models.

Every field of every class in :mod:`mscdata.models` is generated from its type and
constraints there (pattern, bounds, enum, nested class, list), and a field's Table Schema
``format`` (a URI); :data:`FIELDS` holds the strategy of each. Overrides are only where a
rule reaches beyond one field: the article key and the derived slots
(``schema_rules.DERIVED_FROM``) and the MSC facts (``mscdata.facts.extract``) are
computed, positions run 1..n, date parts fit
together and name days that exist, and a list flagged complete
(``schema_rules.COMPLETENESS_FLAGS``) holds no item marked cut short.
"""

from __future__ import annotations

import calendar
import inspect
from enum import Enum
from typing import Any, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel

from mscdata import models, schema_rules
from mscdata.builder.build import table_schemas
from mscdata.facts import extract
from mscdata.identifiers import article_key
from mscdata.parsers.records import join_abstract

# printable text without the surrogates and control characters no CSV cell carries,
# stripped and non-empty (an empty string is never data: sources give null instead),
# without the list delimiter
_ALPHABET = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|")
text = st.text(_ALPHABET, min_size=1, max_size=40).map(str.strip).filter(bool)
_MAX_ITEMS = 3

# every model class, as the generated module defines them
MODELS: dict[str, type[BaseModel]] = {
    name: cls
    for name, cls in vars(models).items()
    if inspect.isclass(cls)
    and issubclass(cls, models.ConfiguredBaseModel)
    and cls is not models.ConfiguredBaseModel
}
_FORMATS = {
    (resource["class"], field["name"]): field["format"]
    for resource in table_schemas()["resources"]
    for field in resource["schema"]["fields"]
    if "format" in field
}
_FORMAT_STRATEGIES = {
    "uri": st.builds(
        "https://example.org/{}".format,
        st.text("abcdefghijklmnopqrstuvwxyz0123456789-._~/", max_size=20),
    )
}
# titles that state MSC facts (tissue, species, route, condition, design, trial)
MSC_TITLES = (
    "Bone marrow mesenchymal stem cells given intravenously to rats with collagen-induced "
    "arthritis",
    "Umbilical cord MSCs for knee osteoarthritis: a randomized controlled trial (NCT01234567)",
    "Exosomes of adipose-derived stem cells (ADSCs) in mice with liver fibrosis",
)
# the functions that compute each derived slot from its source (drawn as models; the
# records layer takes article data, their dumps)
_DERIVE = {"abstract": lambda sections: join_abstract([s.model_dump() for s in sections])}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``Optional[...]``, and whether it was optional."""
    if get_origin(annotation) is Union:
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return annotation, False


def _constraint(info: Any, name: str) -> Any:
    return next((getattr(m, name) for m in info.metadata if hasattr(m, name)), None)


def _scalar(model: type[BaseModel], name: str, kind: Any) -> st.SearchStrategy:
    info = model.model_fields[name]
    if (model.__name__, name) in _FORMATS:
        return _FORMAT_STRATEGIES[_FORMATS[model.__name__, name]]
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(_constraint(info, "ge"), _constraint(info, "le"))
    if inspect.isclass(kind) and issubclass(kind, Enum):
        return st.sampled_from([member.value for member in kind])
    if kind is str:
        pattern = _constraint(info, "pattern")
        if pattern:
            return st.from_regex(pattern, fullmatch=True, alphabet=_ALPHABET)
        return text
    raise TypeError(f"{model.__name__}.{name}: no strategy for {kind!r}")


def _field(model: type[BaseModel], name: str) -> st.SearchStrategy:
    """The values of one field as its type and constraints allow (a list field is a
    list, never null: the models' default is the empty list)."""
    kind, optional = _unwrap(model.model_fields[name].annotation)
    if get_origin(kind) is list:
        [item] = get_args(kind)
        if inspect.isclass(item) and issubclass(item, BaseModel):
            return numbered(item)
        return st.lists(_scalar(model, name, item), max_size=_MAX_ITEMS)
    value = _scalar(model, name, kind)
    return st.none() | value if optional else value


# each model's field strategies; ``position`` is set by the list that holds the item
FIELDS: dict[str, dict[str, st.SearchStrategy]] = {}


def _fields(model: type[BaseModel]) -> dict[str, st.SearchStrategy]:
    if model.__name__ not in FIELDS:
        FIELDS[model.__name__] = {}  # filled below; a class nested in itself would recurse
        FIELDS[model.__name__].update(
            {name: st.deferred(lambda m=model, n=name: _field(m, n)) for name in model.model_fields}
        )
    return FIELDS[model.__name__]


def numbered(model: type[BaseModel]) -> st.SearchStrategy:
    """Lists of ``model`` items whose positions run 1..n."""
    fields = {k: v for k, v in _fields(model).items() if k != "position"}
    return st.lists(st.fixed_dictionaries(fields), max_size=_MAX_ITEMS).map(
        lambda items: [model(position=i, **f) for i, f in enumerate(items, start=1)]
    )


for _model in MODELS.values():
    _fields(_model)


@st.composite
def _dates(draw) -> dict[str, Any]:
    """Publication year, month and day that fit together (a day needs its month, a
    month its year, the day exists), and an Epub date at a precision the source states."""
    fields = FIELDS["Article"]
    year = draw(fields["publication_year"])
    month = draw(fields["publication_month"]) if year else None
    day = None
    if month:
        days = calendar.monthrange(year, month)[1]
        day = draw(st.none() | st.integers(1, days))
    epub = draw(st.none() | st.dates())
    if epub is not None:
        shown = f"{epub.year:04d}-{epub.month:02d}-{epub.day:02d}"
        epub = shown[: draw(st.sampled_from([4, 7, 10]))]
    return {
        "publication_year": year,
        "publication_month": month,
        "publication_day": day,
        "electronic_date": epub,
    }


@st.composite
def articles(draw) -> models.Article:
    """An Article with every field drawn from its model, keyed as the schema documents."""
    values = {
        name: draw(strategy)
        for name, strategy in FIELDS["Article"].items()
        if name not in {"id", *_DERIVE}
    }
    if not (values["pmid"] or values["doi"] or values["pmcid"]):
        values["pmid"] = draw(FIELDS["Article"]["pmid"].filter(bool))
    values.update(draw(_dates()))
    # a list flagged complete holds no item marked cut short (mscdata.validate checks it)
    for items, flag in schema_rules.COMPLETENESS_FLAGS.items():
        cut = any(getattr(item, "complete", True) is False for item in values[items])
        if values[flag] and cut:
            values[flag] = False
    for name, source in schema_rules.DERIVED_FROM.items():
        values[name] = _DERIVE[name](values[source])
    if draw(st.booleans()):  # about MSCs, so that the facts' every field is drawn too
        values["title"] = f"{draw(st.sampled_from(MSC_TITLES))} {values['title'] or ''}".strip()
    article = models.Article(
        id=article_key(values["pmid"], values["doi"], values["pmcid"]), **values
    )
    article.msc_facts = extract(article)  # read from the article, as every build reads them
    return article


@st.composite
def article_sets(draw) -> list[models.Article]:
    """Articles with distinct keys."""
    found = draw(st.lists(articles(), min_size=1, max_size=4))
    unique = {a.id: a for a in found}
    return list(unique.values())
