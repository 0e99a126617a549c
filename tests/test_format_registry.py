"""The format table (mscdata.parsers.formats) is the one place formats are declared.

It agrees with the schema's SourceFormat enum, keeps today's merge precedence, and a
toy format registered here alone, one reader and one row, is detected, read by
``mscdata.read`` and ranked in merges without any other module knowing of it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

import mscdata
from mscdata.builder import merge
from mscdata.parsers import detect, formats, streams

from conftest import ROOT, SEED, SEED_URL

_ENUM = yaml.safe_load((ROOT / "schemas" / "mscdata.yaml").read_text("utf-8"))["enums"][
    "SourceFormat"
]["permissible_values"]

# merge precedence as it was before the table existed (mscdata 0.2.0): behaviour kept
_PAGE_TEXT = [f"pubmed_page_{kind}" for kind in ("chrome", "plain", "compact", "legacy")]
_BIBLIOGRAPHIC = [
    *["pubmed_xml", "medline_text", "pmc_jats", "pubmed_html", "html_meta"],
    *_PAGE_TEXT,
    "pmc_page",
]
_CONTENT = ["pubmed_xml", "pmc_jats", "medline_text", "pubmed_html", "html_meta", "pmc_page"]
_FULL_TEXT = ["pmc_jats", "pubmed_xml", "medline_text", "pubmed_html", "html_meta", "pmc_page"]


def test_the_table_has_a_row_for_each_value_of_the_schema_enum():
    from mscdata.models import SourceFormat

    names = [row.name for row in formats.table()]
    assert len(set(names)) == len(names)
    assert set(names) == set(_ENUM) == {member.value for member in SourceFormat}


def test_every_format_but_html_meta_is_read_and_told_apart():
    """html_meta is what the pubmed_html reader records for a publisher's page: a
    provenance value, never detected or forced."""
    assert set(formats.readable_names()) == set(_ENUM) - {"html_meta"}
    meta = formats.get("html_meta")
    assert not meta.readable and not meta.roots and meta.text_rule is None
    for name in formats.readable_names():
        row = formats.get(name)
        assert callable(row.load()), name  # its "module:function" imports
        assert bool(row.roots) != (row.text_rule is not None), name  # told one way
    with pytest.raises(mscdata.ParseError, match=r"unknown format 'html_meta'; known: pubmed_xml"):
        mscdata.read(b"<html><head></head></html>", format="html_meta")


def test_the_merge_precedence_is_what_it_was():
    assert list(merge.BIBLIOGRAPHIC) == _BIBLIOGRAPHIC
    assert list(merge.CONTENT) == [*_CONTENT, *_PAGE_TEXT]
    assert list(merge.FULL_TEXT) == [*_FULL_TEXT, *_PAGE_TEXT]
    assert merge.precedence("title") == _BIBLIOGRAPHIC
    assert merge.precedence("authors") == [*_CONTENT, *_PAGE_TEXT]
    assert merge.precedence("references") == [*_FULL_TEXT, *_PAGE_TEXT]


def test_a_name_is_registered_once_with_a_rank_in_each_group():
    with pytest.raises(ValueError, match="already registered"):
        formats.register(formats.get("pmc_page"))
    with pytest.raises(ValueError, match="one rank for each of"):
        formats.register(formats.Format("toy", label="toy", ranks=(1, 2), reader=None))


# ------------------------------------------------------------------ a toy format

TOY = "toy_jsonl"
TOY_FIRST_LINE = "#toy-jsonl 1"


def read_toy(source: Any, context: formats.ReadContext) -> Iterator[Any]:
    """The toy format's reader: after its first line, one JSON object a line."""
    from mscdata.parsers.records import RecordFailure, make_article

    lines = streams.decode(context.read_whole(source), context.name).splitlines()
    for number, line in enumerate(lines[1:], start=1):
        try:
            record = json.loads(line)
            fields = {"pmid": record["pmid"], "title": record["title"]}
            yield make_article(fields, source=context.name, provenance=context.provenance)
        except (ValueError, KeyError, mscdata.ParseError) as error:
            yield RecordFailure.of(
                ValueError(f"not a toy record: {error}"),
                source=context.name,
                record=number,
                pmid=None,
                line=number + 1,
            )


TOY_ROW = formats.Format(
    TOY,
    label="toy JSON lines",
    ranks=(5, 95, 95),  # first for bibliographic fields; content: before the legacy page
    reader=read_toy,
    text_rule=lambda head: head.first == TOY_FIRST_LINE,
    told_by=f"first line `{TOY_FIRST_LINE}`",
)


def _toy_source(*records: dict) -> bytes:
    return "\n".join([TOY_FIRST_LINE, *map(json.dumps, records)]).encode("utf-8") + b"\n"


@pytest.fixture
def toy_format():
    """The toy's row registered, and its name a SourceFormat value for as long as the
    test runs: a real format adds it to schemas/mscdata.yaml and regenerates the models,
    which a test cannot do, so the fixture rebuilds the two models that hold it."""
    from mscdata.models import Article, Provenance

    field = Provenance.model_fields["source_format"]
    schema_enum = field.annotation
    values = {member.name: member.value for member in schema_enum}
    field.annotation = enum.Enum("SourceFormat", {**values, TOY: TOY}, type=str)
    Provenance.model_rebuild(force=True)
    Article.model_rebuild(force=True)
    formats.register(TOY_ROW)
    try:
        yield TOY_ROW
    finally:
        formats.unregister(TOY)
        field.annotation = schema_enum
        Provenance.model_rebuild(force=True)
        Article.model_rebuild(force=True)


def test_a_toy_format_is_told_from_its_content_and_forced_by_name(toy_format):
    data = _toy_source({"pmid": "1", "title": "One"})
    assert detect.detect_bytes(data) == TOY
    assert TOY in formats.readable_names()
    from mscdata.cli.arguments import build_parser

    args = build_parser().parse_args(["parse", "x", "--format", TOY])
    assert args.source_format == TOY
    # another format's text is still told as before
    assert detect.detect_bytes(SEED.read_bytes()) == "pubmed_page_chrome"


def test_the_toy_is_named_where_formats_are_listed(toy_format):
    from mscdata.cli.arguments import build_parser

    parse_help = build_parser()._subparsers._group_actions[0].choices["parse"].format_help()
    assert TOY in " ".join(parse_help.split())
    with pytest.raises(mscdata.ParseError, match=f"first line '{TOY_FIRST_LINE}' \\({TOY}\\)"):
        mscdata.read(b"neither a page nor a toy\n")


def test_a_toy_format_is_read_by_mscdata_read(toy_format):
    data = _toy_source({"pmid": "1", "title": "One"}, {"title": "no PMID"})
    result = mscdata.read(data)
    [article] = result.articles
    assert (article.pmid, article.title) == ("1", "One")
    assert article.provenance[0].source_format == TOY
    [failure] = result.failures
    assert (failure.record, failure.line) == (2, 3) and "not a toy record" in failure.reason
    # forced, with apply= (run by the shared loop: the toy does not apply it itself)
    events = list(mscdata.iter_events(data, format=TOY, apply=_title))
    assert events[0] == "One" and events[1] == failure


def _title(article: Any) -> str:
    return article.title


def test_a_toy_format_is_ranked_in_merges(toy_format):
    assert merge.BIBLIOGRAPHIC[0] == TOY
    assert list(merge.CONTENT)[-2:] == [TOY, "pubmed_page_legacy"]
    [page] = mscdata.parse(SEED, url=SEED_URL)
    [toy] = mscdata.parse(_toy_source({"pmid": page.pmid, "title": "The toy's title"}))
    [merged], conflicts = merge.merge([page, toy])
    assert merged.title == "The toy's title"  # the toy is trusted first for titles
    assert merged.authors == page.authors  # the page's authors: the toy has none
    assert [p.source_format for p in merged.provenance] == ["pubmed_page_chrome", TOY]
    [conflict] = [c for c in conflicts if c.field == "title"]
    assert conflict.kept == "The toy's title" and conflict.other == page.title


def test_the_toy_leaves_no_trace_once_unregistered(toy_format):
    formats.unregister(TOY)
    try:
        assert TOY not in formats.readable_names() and TOY not in merge.BIBLIOGRAPHIC
        assert list(merge.BIBLIOGRAPHIC) == _BIBLIOGRAPHIC
        with pytest.raises(mscdata.ParseError, match="not a PubMed page"):
            mscdata.read(_toy_source({"pmid": "1", "title": "One"}))
    finally:
        formats.register(TOY_ROW)  # the fixture removes it again
