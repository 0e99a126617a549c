"""Hostile inputs: every source gives articles and located failures or one ParseError,
never another exception, never a record silently lost, and time grows linearly.

The first tests are the six causes of the 0.2.0 audit's 4,695 crashes; then the
limits of :mod:`mscdata.parsers.limits`; then a growth test over every format.
"""

from __future__ import annotations

import gc
import gzip
import re
import time

import pytest
from hostile_shapes import SHAPES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.parsers import formats, limits, pubmed_xml_stream

RECORD = (
    b"<PubmedArticle><MedlineCitation><PMID>%d</PMID><Article><ArticleTitle>T</ArticleTitle>"
    b"</Article></MedlineCitation></PubmedArticle>\n"
)
ALL_FORMATS = list(formats.readable_names())


def pubmed_set(*records: bytes, prolog: bytes = b"") -> bytes:
    return prolog + b"<PubmedArticleSet>\n" + b"".join(records) + b"</PubmedArticleSet>\n"


def records(count: int, start: int = 1) -> list[bytes]:
    return [RECORD % number for number in range(start, start + count)]


def article_pmid(article) -> str:
    """A module-level function for ``apply=``, run in worker processes."""
    return article.pmid


def read_or_parse_error(source, **options) -> mscdata.ReadResult | mscdata.ParseError:
    """What mscdata.read gives; a ParseError must be one located line."""
    try:
        return mscdata.read(source, **options)
    except mscdata.ParseError as error:
        assert str(error) and "\n" not in str(error)
        return error


# ------------------------------------------------------------------ the audit's six causes


def test_damaged_gzip_is_a_parse_error():
    data = bytearray(gzip.compress(pubmed_set(*records(50))))
    data[20] ^= 0xFF
    with pytest.raises(mscdata.ParseError, match="damaged gzip data"):
        mscdata.read(bytes(data))


@pytest.mark.parametrize("workers", [1, 2])
def test_gzip_damaged_after_the_first_records_keeps_them_and_says_where_it_stopped(workers):
    data = bytearray(gzip.compress(pubmed_set(*records(20000)), mtime=0))
    data[len(data) // 2] ^= 0xFF  # past the 64 KiB the format is detected from
    events = list(mscdata.iter_events(bytes(data), apply=article_pmid, workers=workers))
    articles = [e for e in events if isinstance(e, str)]
    assert len(articles) > 1000 and isinstance(events[-1], mscdata.RecordFailure)
    assert "data ends early" in events[-1].reason and "gzip" in events[-1].reason


_GZIPPED = gzip.compress(pubmed_set(*records(2000)), mtime=0)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([None, *ALL_FORMATS]), st.integers(10, len(_GZIPPED) - 1), st.booleans())
def test_gzip_cut_or_damaged_anywhere_is_a_parse_error_or_a_located_failure(fmt, at, cut):
    # only gzip's own damage errors, turned into an OSError by CheckedGzip, are caught
    data = (
        _GZIPPED[:at] if cut else _GZIPPED[:at] + bytes([_GZIPPED[at] ^ 0x55]) + _GZIPPED[at + 1 :]
    )
    result = read_or_parse_error(data, format=fmt)
    if fmt in (None, "pubmed_xml") and isinstance(result, mscdata.ReadResult):
        assert len(result.articles) == 2000 or result.failures  # nothing lost silently


def test_a_text_with_a_lone_surrogate_is_a_parse_error_naming_its_position():
    with pytest.raises(mscdata.ParseError, match=r"lone surrogate U\+DCFF at character 6"):
        mscdata.read("Title\n\udcff")


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        ("foo", "unknown encoding"),
        ("rot13", "not a character encoding"),
        ("base64", "not a character encoding"),
        ("hex", "not a character encoding"),
        ("idna", "not a character encoding"),
        ("punycode", "not a character encoding"),
        ("utf-7", "not a character encoding"),
        ("utf-16", "bytes are ASCII-compatible"),
        ("utf-32", "bytes are ASCII-compatible"),
        ("cp037", "bytes are ASCII-compatible"),
    ],
)
@pytest.mark.parametrize("fmt", ["pubmed_xml", "pmc_jats"])
def test_a_declared_encoding_must_be_a_text_codec_that_reads_the_bytes(encoding, reason, fmt):
    prolog = b'<?xml version="1.0" encoding="%s"?>\n' % encoding.encode()
    if fmt == "pubmed_xml":
        data = pubmed_set(*records(2), prolog=prolog)
    else:
        data = prolog + b'<article><front><article-meta><article-id pub-id-type="pmid">1'
        data += b"</article-id></article-meta></front></article>"
    with pytest.raises(mscdata.ParseError, match=reason):
        mscdata.read(data)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"])
def test_documents_really_in_their_declared_encoding_are_read(codec):
    name = "utf-16" if codec.startswith("utf-16") else codec
    text = pubmed_set(*records(3), prolog=b'<?xml version="1.0" encoding="%s"?>\n' % name.encode())
    text = text.decode().replace("<ArticleTitle>T", "<ArticleTitle>Caf\u00e9")
    result = mscdata.read(text.encode(codec))
    assert [a.pmid for a in result.articles] == ["1", "2", "3"] and not result.failures
    assert result.articles[0].title == "Caf\u00e9"


def _document(fmt: str, prolog: bytes) -> bytes:
    """A document in ``fmt`` after ``prolog``, its titles "Café" in Latin-1."""
    if fmt == "pubmed_xml":
        data = pubmed_set(*records(3), prolog=prolog)
    else:
        data = prolog + b'<article><front><article-meta><article-id pub-id-type="pmid">1'
        data += b"</article-id><title-group><article-title>T</article-title></title-group>"
        data += b"</article-meta></front></article>"
    return data.replace(b"Title>T<", b"Title>Caf\xe9<").replace(b"title>T<", b"title>Caf\xe9<")


@pytest.mark.parametrize("fmt", ["pubmed_xml", "pmc_jats"])
@pytest.mark.parametrize(
    "declaration",
    [
        b'<?xml version="1.0"' + b" \n\t" * 1000 + b"encoding = 'latin-1' ?>",
        b'<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"' + b" " * 40_000 + b"?>",
    ],
)
def test_a_long_legal_declaration_is_read_and_its_encoding_applied(fmt, declaration):
    result = mscdata.read(_document(fmt, declaration), format=fmt)
    assert {a.title for a in result.articles} == {"Caf\u00e9"} and not result.failures


@pytest.mark.parametrize("fmt", ["pubmed_xml", "pmc_jats"])
@pytest.mark.parametrize(
    ("declaration", "reason"),
    [
        (b'<?xml version="1.0" encoding="latin-1"' + b" " * 70_000 + b"?>", "within the first"),
        (b'<?xml version="1.0" encoding="latin-1" ', "before the document ends"),
        (b'<?xml version="1.0" encoding="%s"?>' % (b"latin-1" + b"x" * 40), "than the limit of 40"),
        (b'<?xml version="1.0" encoding=latin-1?>', "encoding= cannot be read"),
    ],
)
def test_a_declaration_that_cannot_be_checked_is_a_parse_error(fmt, declaration, reason):
    data = _document(fmt, declaration)
    with pytest.raises(mscdata.ParseError, match=reason):
        mscdata.read(data, format=fmt)
    with pytest.raises(mscdata.ParseError, match=reason):
        mscdata.read(gzip.compress(data), format=fmt)


def test_bytes_invalid_in_the_declared_encoding_are_a_located_failure():
    data = pubmed_set(*records(2), prolog=b'<?xml version="1.0" encoding="utf-16"?>\n')
    data = data.decode().encode("utf-16-le")
    cut = data.index("</PubmedArticleSet>".encode("utf-16-le"))
    data = data[:cut] + b"\x00\xdc" + data[cut:]  # a lone low surrogate
    result = mscdata.read(data)
    assert len(result.articles) == 2
    assert [f.reason for f in result.failures] == [
        f"the data ends early (the bytes at offset {cut} are not utf-16-le text, "
        "as the XML declaration says)"
    ]


_JATS_BODY = (
    b'<article><front><article-meta><article-id pub-id-type="pmid">1</article-id>'
    b"<title-group><article-title>A &e; B</article-title></title-group></article-meta>"
    b"</front></article>"
)


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!-- <article> --><!DOCTYPE article [<!ENTITY e "boom">]>',
        b'<!DOCTYPE article [<!-- <article> --><!ENTITY e "boom">]>',
        b'<!DOCTYPE article [<!-- <pmc-articleset> --><!ENTITY e "boom">]>',
    ],
)
def test_entity_declarations_hidden_behind_a_comment_are_refused(prolog):
    # the comment's start tag ended the byte scan of the prolog early; the parsed
    # document's internal subset still declares the entity
    with pytest.raises(mscdata.ParseError, match="declares entities"):
        mscdata.read(prolog + _JATS_BODY)


def test_a_root_start_tag_without_its_closing_bracket_is_a_parse_error():
    with pytest.raises(mscdata.ParseError, match="start tag is never closed"):
        mscdata.read(b"<PubmedArticleSet ")


def test_an_empty_root_element_gives_nothing():
    assert mscdata.read(b"<PubmedArticleSet/>") == mscdata.ReadResult()


@pytest.mark.parametrize("part", ["Year", "Month", "Day"])
def test_huge_numbers_in_a_pubmed_date_give_no_date(part):
    date = {"Year": b"2000", "Month": b"1", "Day": b"2"}
    date[part] = b"9" * 5000
    pub_date = b"".join(b"<%s>%s</%s>" % (k.encode(), v, k.encode()) for k, v in date.items())
    record = RECORD.replace(
        b"<ArticleTitle>",
        b"<Journal><JournalIssue><PubDate>%s</PubDate></JournalIssue></Journal><ArticleTitle>"
        % pub_date,
    )
    [article] = mscdata.parse(pubmed_set(record % 1))
    expected = {"Year": None, "Month": 2000, "Day": 2000}[part]
    assert article.publication_year == expected
    assert article.publication_day is None


@pytest.mark.parametrize("day", [b"99999999999999999999", b"\xc2\xb2", b"9" * 5000])
def test_odd_numbers_in_a_jats_date_give_no_day(day):
    data = (
        b'<article><front><article-meta><article-id pub-id-type="pmid">1</article-id>'
        b'<title-group><article-title>T</article-title></title-group><pub-date pub-type="ppub">'
        b"<year>2000</year><month>1</month><day>%s</day></pub-date></article-meta></front>"
        b"</article>" % day
    )
    [article] = mscdata.parse(data)
    assert (article.publication_year, article.publication_month) == (2000, 1)
    assert article.publication_day is None


@pytest.mark.parametrize("fmt", [f for f in ALL_FORMATS if f != "pubmed_xml"])
@pytest.mark.parametrize("data", [b"", b"\n", b" \r\n\t", b"\xef\xbb\xbf", b"x"])
def test_empty_or_tiny_input_with_a_forced_format_is_a_parse_error(fmt, data):
    result = read_or_parse_error(data, format=fmt)
    assert isinstance(result, mscdata.ParseError) or not result.articles


# ------------------------------------------------------------------ nothing lost silently


def test_a_bad_medline_line_fails_its_record_only():
    text = "PMID- 1\nTI  - One\n\nPMID- 2\nnot a tag line\nTI  - Two\n\nPMID- 3\nTI  - Three\n"
    result = mscdata.read(text, format="medline_text")
    assert [a.pmid for a in result.articles] == ["1", "3"]
    [failure] = result.failures
    assert (failure.record, failure.pmid, failure.line) == (2, "2", 5)


def test_jats_children_that_are_no_article_are_failures():
    data = b"<pmc-articleset><error>rate limited</error></pmc-articleset>"
    [failure] = mscdata.read(data).failures
    assert failure.reason == "unexpected element <error> in pmc-articleset"


def test_jats_forced_on_another_root_is_a_parse_error():
    with pytest.raises(mscdata.ParseError, match="unknown root element <PubmedArticleSet>"):
        mscdata.read(pubmed_set(*records(1)), format="pmc_jats")


def test_a_deletion_without_pmid_is_a_failure():
    result = mscdata.read(pubmed_set(b"<DeleteCitation></DeleteCitation>\n", *records(1)))
    assert [f.reason for f in result.failures] == ["a DeleteCitation without any PMID"]
    assert len(result.articles) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"<article><![CDATA[\nabc\n",  # lxml quotes the unfinished text, line breaks and all
        b'<?xml version="1.0" encoding="a\x00b"?><article/>',
        b'<?xml version="1.0" encoding=""?><PubmedArticleSet/>',
    ],
)
def test_parse_errors_are_one_line(data):
    assert isinstance(read_or_parse_error(data), mscdata.ParseError)


def test_record_failures_are_one_line():
    broken = RECORD.replace(b"<ArticleTitle>T", b"<ArticleTitle><![CDATA[\nT\n") % 2
    result = mscdata.read(pubmed_set(*records(1), broken))
    assert len(result.articles) == 1 and "\n" not in str(result.failures[0])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("space", [b"", b" ", b"\t" * 70, b" \r\n\t" * 25_000])
def test_end_tags_with_any_amount_of_white_space_end_their_records(space, gzipped, workers):
    # XML allows any white space before an end tag's ">"; 100,000 bytes cross blocks
    data = pubmed_set(
        *(r.replace(b"</PubmedArticle>", b"</PubmedArticle%s>" % space) for r in records(3))
    )
    data = gzip.compress(data) if gzipped else data
    assert list(mscdata.iter_events(data, apply=article_pmid, workers=workers)) == ["1", "2", "3"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"</PubmedArticle", b"</DeleteCitation", b"Set", b">", b" ", b"\n\t", b"<"]
        )
    ),
    st.lists(st.integers(0, 200)),
)
def test_end_tags_are_found_the_same_however_the_bytes_arrive_in_blocks(pieces, cuts):
    data, scanner, buffer, ends = b"".join(pieces), pubmed_xml_stream._EndTagScanner(), b"", []
    for cut in [*sorted(cuts), len(data)]:
        buffer += data[len(buffer) : cut]
        ends += scanner.scan(buffer)
    expected = re.finditer(rb"</(?:PubmedArticle|DeleteCitation)[ \t\r\n]*>", data)
    assert ends == [m.end() for m in expected]


def test_a_longer_name_after_an_end_tag_name_ends_no_record():
    data = pubmed_set(*records(2)).replace(b"</PubmedArticle>\n<", b"</PubmedArticleX>\n<", 1)
    [failure] = mscdata.read(data).failures
    assert failure.record == 1 and "malformed XML" in failure.reason


# ------------------------------------------------------------------ limits


def test_a_record_over_the_size_limit_is_a_located_failure_and_the_rest_is_read(monkeypatch):
    monkeypatch.setattr(pubmed_xml_stream, "MAX_RECORD_BYTES", 1 << 20)
    big = RECORD.replace(b"<ArticleTitle>T", b"<ArticleTitle>" + b"x" * (3 << 20)) % 2
    data = pubmed_set(*records(1), big, *records(2, start=3))
    result = mscdata.read(data)
    assert [a.pmid for a in result.articles] == ["1", "3", "4"]
    [failure] = result.failures
    assert (failure.record, failure.pmid, failure.line) == (2, "2", 3)
    assert "larger than the limit of 1 MiB" in failure.reason


def test_an_end_tag_with_more_white_space_than_the_record_limit_fails_its_record(monkeypatch):
    monkeypatch.setattr(pubmed_xml_stream, "MAX_RECORD_BYTES", 1 << 20)
    big = RECORD.replace(b"</PubmedArticle>", b"</PubmedArticle" + b" \n" * (1 << 20) + b">") % 2
    result = mscdata.read(gzip.compress(pubmed_set(*records(1), big, *records(1, start=3))))
    assert [a.pmid for a in result.articles] == ["1", "3"]
    [failure] = result.failures
    assert (failure.record, failure.pmid) == (2, "2") and "larger than the limit" in failure.reason
    assert mscdata.read(pubmed_set(big, *records(1, start=3))).failures[0].line == 2


def test_a_huge_text_node_fails_its_record_fast():
    node = b"<Abstract><AbstractText>" + b"x" * (64 << 20) + b"</AbstractText></Abstract>"
    data = pubmed_set(RECORD.replace(b"</ArticleTitle>", b"</ArticleTitle>" + node) % 1)
    started = time.perf_counter()
    result = mscdata.read(gzip.compress(data, compresslevel=1))
    assert time.perf_counter() - started < 10
    [failure] = result.failures
    assert failure.record == 1 and "larger than the limit" in failure.reason


def test_more_child_rows_than_the_limit_fail_the_record():
    keywords = b"<KeywordList>" + b"<Keyword>k</Keyword>" * (limits.MAX_CHILD_ROWS + 1)
    record = RECORD.replace(b"</Article>", b"</Article>" + keywords + b"</KeywordList>")
    result = mscdata.read(pubmed_set(record % 1, *records(1, start=2)))
    assert [a.pmid for a in result.articles] == ["2"]
    assert "100,001 <KeywordList> entries in one article" in result.failures[0].reason


def test_a_page_with_more_keywords_than_the_limit_is_a_parse_error(seed_text):
    text = seed_text.replace("Keywords: ", "Keywords: " + "k; " * limits.MAX_CHILD_ROWS, 1)
    with pytest.raises(mscdata.ParseError, match=r"100,0\d\d keywords in one article"):
        mscdata.read(text)


def test_a_page_larger_than_the_limit_is_a_parse_error(seed_text):
    text = seed_text + " " * limits.MAX_PAGE_BYTES
    with pytest.raises(mscdata.ParseError, match="larger than the limit of 16 MiB"):
        mscdata.read(text)


# ------------------------------------------------------------------ linear time


def _seconds(fmt: str, data: bytes) -> float:
    """CPU seconds of this process reading ``data`` (not wall time: another process busy
    on the same cores, such as a second test worker, does not count)."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        read_or_parse_error(data, format=fmt)
        return time.process_time() - started
    finally:
        gc.enable()


@pytest.mark.filterwarnings("ignore::mscdata.MissingPmidWarning")  # pages without their URL
@pytest.mark.parametrize("shape", list(SHAPES))
def test_time_grows_linearly_with_adversarial_input(shape):
    """Doubling ~0.5 MB of adversarial input at most multiplies the time by 2.5.

    CPU time, minimum of two runs each (two more, up to six, while a busy machine
    makes them disagree); 30 ms of slack absorbs timer noise on inputs that take a few
    milliseconds. A quadratic hot spot takes 4x, and seconds.
    """
    fmt, build = SHAPES[shape]
    small, large = build(1 << 19), build(1 << 20)
    assert len(large) >= 1.8 * len(small)
    small_seconds = large_seconds = float("inf")
    for _ in range(3):
        small_seconds = min(small_seconds, *(_seconds(fmt, small) for _ in range(2)))
        large_seconds = min(large_seconds, *(_seconds(fmt, large) for _ in range(2)))
        if large_seconds <= 2.5 * small_seconds + 0.03:
            break
    assert large_seconds <= 2.5 * small_seconds + 0.03, (small_seconds, large_seconds)


# ------------------------------------------------------------------ properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_FORMATS), st.binary(max_size=300))
def test_any_bytes_in_any_forced_format_give_articles_or_a_parse_error(fmt, data):
    read_or_parse_error(data, format=fmt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([None, *ALL_FORMATS]), st.text(max_size=300))
def test_any_text_in_any_forced_format_gives_articles_or_a_parse_error(fmt, text):
    read_or_parse_error(text + "\n", format=fmt)


_XML_PIECES = [
    b'<?xml version="1.0" encoding="utf-16"?>',
    b"<PubmedArticleSet>",
    b"</PubmedArticleSet>",
    b"<PubmedArticle>",
    b"</PubmedArticle>",
    b"<MedlineCitation><PMID>1</PMID><Article><ArticleTitle>T</ArticleTitle></Article>",
    b"</MedlineCitation>",
    b"<DeleteCitation><PMID>9</PMID></DeleteCitation>",
    b"<Year>99999999999</Year>",
    b"<!DOCTYPE x [",
    b"<!--",
    b"-->",
    b"]>",
    b"\xff\xfe",
    b"\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_XML_PIECES), max_size=20), st.booleans())
def test_any_arrangement_of_pubmed_xml_pieces_gives_events_or_a_parse_error(pieces, gzipped):
    data = b"".join(pieces)
    read_or_parse_error(gzip.compress(data) if gzipped else data, format="pubmed_xml")
