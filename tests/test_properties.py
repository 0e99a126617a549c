"""Properties: any text parses or raises ParseError; every built package validates and
loads back into the same models."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.builder.build import write_package

from conftest import DATA, PAGES, SEED
from strategies import article_sets

_PAGE_TEXTS = [SEED.read_text(encoding="utf-8")] + [
    p.read_text(encoding="utf-8") for p in sorted(PAGES.glob("*.txt"))
]
_LINES = sorted({line for text in _PAGE_TEXTS for line in text.split("\n")})
# the lines a page can start with: the seed's header lines and every rendering's first
# lines (PMC, plain, legacy, compact), so the shuffles reach every reader
_STARTS = sorted(
    set(_PAGE_TEXTS[0].split("\n")[:17]) | {line for t in _PAGE_TEXTS for line in t.split("\n")[:3]}
)


def _parse_or_parse_error(source) -> None:
    try:
        result = mscdata.parse(source, url="https://pubmed.ncbi.nlm.nih.gov/12345/")
    except mscdata.ParseError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert isinstance(result, list)
    for article in result:
        assert article.id == _documented_key(article), article.id


def _documented_key(article) -> str:
    """The key the schema documents: pmid:<PMID> when known, else doi:<DOI>, else
    pmc:<PMCID>, from the article's own identifier fields."""
    if article.pmid:
        return f"pmid:{article.pmid}"
    if article.doi:
        return f"doi:{article.doi}"
    assert article.pmcid, "an article with none of PMID, DOI, PMCID"
    return f"pmc:{article.pmcid}"


@pytest.mark.filterwarnings("ignore::mscdata.MissingPmidWarning")  # no address on purpose
def test_every_page_rendering_keys_its_articles_as_documented():
    # the sample pages read with and without their address: keys by PMID and by DOI
    for text in _PAGE_TEXTS:
        for url in (None, "https://pubmed.ncbi.nlm.nih.gov/12345/"):
            try:
                articles = mscdata.parse(text, url=url)
            except mscdata.ParseError:
                continue
            for article in articles:
                assert article.id == _documented_key(article), article.id


@pytest.mark.parametrize(
    "dropped, prefix",
    [((), "pmid"), (("pmid",), "doi"), (("doi",), "pmid"), (("pmid", "doi"), "pmc")],
)
def test_an_article_without_some_identifiers_is_keyed_by_the_next_one(dropped, prefix):
    # a JATS article states all three; with some article-ids removed, the key moves on
    text = (DATA / "fidelity" / "versioned-pmcid.nxml").read_text(encoding="utf-8")
    for kind in dropped:
        text = re.sub(rf'\s*<article-id pub-id-type="{kind}">[^<]*</article-id>', "", text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mscdata.MissingPmidWarning)
        [article] = mscdata.parse(text)
    assert article.id.startswith(f"{prefix}:") and article.id == _documented_key(article)


@given(st.text())
def test_any_text_gives_articles_or_a_parse_error(text):
    _parse_or_parse_error(text)


@given(st.binary())
def test_any_bytes_give_articles_or_a_parse_error(data):
    _parse_or_parse_error(data)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_LINES), max_size=60), st.sampled_from(_STARTS))
def test_page_lines_shuffled_give_articles_or_a_parse_error(lines, start):
    # real page lines in any order, after a real header: the grammar's worst cases
    chrome_header = "\n".join(_PAGE_TEXTS[0].split("\n")[:16])
    _parse_or_parse_error(chrome_header + "\n" + "\n".join(lines))
    _parse_or_parse_error("\n".join([start, *lines]))


@settings(max_examples=300)
@given(st.sampled_from(_PAGE_TEXTS), st.data())
def test_pages_with_lines_dropped_or_doubled(text, data):
    lines = text.split("\n")
    k = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "double", "blank"]))
    edited = {
        "drop": lines[:k] + lines[k + 1 :],
        "double": lines[: k + 1] + lines[k:],
        "blank": [*lines[:k], "", *lines[k:]],
    }[action]
    _parse_or_parse_error("\n".join(edited))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_sets())
def test_every_built_package_validates_and_loads_back_the_same_models(articles):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "package"
        write_package(articles, out)
        report = mscdata.validate(out)
        assert report.valid, report.to_text()
        loaded = mscdata.load(out)
        assert loaded.articles == sorted(articles, key=lambda a: a.id)
