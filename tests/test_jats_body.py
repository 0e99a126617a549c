"""PMC JATS body text: one row per section with its level, text as read, limits kept."""

from __future__ import annotations

import pytest

import mscdata
from mscdata.parsers import limits

from corpus import corpus_names, corpus_path

FILES = corpus_names("peers/pmc-jats")


def _article(body: str, *, pmid: str = "1") -> bytes:
    return (
        f'<article><front><article-meta><article-id pub-id-type="pmid">{pmid}</article-id>'
        "<title-group><article-title>A title</article-title></title-group>"
        f"</article-meta></front>{body}</article>"
    ).encode()


def _sections(body: str) -> list[tuple]:
    [article] = mscdata.parse(_article(body))
    return [(s.position, s.level, s.label, s.title, s.text) for s in article.body_sections]


def test_sections_nested_sections_and_text_outside_them_in_document_order():
    body = (
        "<body><p>Lead paragraph.</p>"
        "<sec><label>1</label><title>Methods</title>"
        "<sec><label>1.1</label><title>Cell culture</title><p>First.</p><p>Second.</p>"
        "<sec><title>Media</title><p>Deepest.</p></sec></sec>"
        "<sec><title>Animals</title><p>Mice.</p></sec></sec>"
        "<p>Between.</p>"
        "<sec><title>Results</title><p>Found.</p></sec></body>"
    )
    assert _sections(body) == [
        (1, 1, None, None, "Lead paragraph."),
        (2, 1, "1", "Methods", None),  # only subsections: no text of its own
        (3, 2, "1.1", "Cell culture", "First.\n\nSecond."),
        (4, 3, None, "Media", "Deepest."),
        (5, 2, None, "Animals", "Mice."),
        (6, 1, None, None, "Between."),
        (7, 1, None, "Results", "Found."),
    ]
    [article] = mscdata.parse(_article(body))
    assert article.body_complete is True


def test_inline_markup_is_kept_as_text_and_figures_tables_formulas_are_left_out():
    body = (
        "<body><sec><title>The <italic>in vivo</italic> model</title>"
        '<p>MSCs  were\n given <xref ref-type="bibr" rid="b1">[1]</xref> to '
        '<italic>Mus</italic> <bold>musculus</bold> (<ext-link xlink:href="x">RRID:1</ext-link>)'
        '<fig id="f1"><label>Figure 1</label><caption><p>A caption.</p></caption></fig>.</p>'
        "<table-wrap><label>Table 1</label><table><tr><td>cell</td></tr></table></table-wrap>"
        "<disp-formula><tex-math>x^2</tex-math></disp-formula>"
        "<list><list-item><p>one</p></list-item><list-item><p>two</p></list-item></list>"
        "</sec></body>"
    )
    body = body.replace("<ext-link ", '<ext-link xmlns:xlink="http://www.w3.org/1999/xlink" ')
    [(_, _, _, title, text)] = _sections(body)
    assert title == "The in vivo model"
    assert text == "MSCs were given [1] to Mus musculus (RRID:1).\n\none two"
    [article] = mscdata.parse(_article(body))
    assert [f.caption for f in article.figures] == ["A caption."]  # figures keep theirs


@pytest.mark.parametrize("body", ["", "<body/>", "<body><sec/></body>", "<body><p> </p></body>"])
def test_an_empty_or_missing_body(body):
    [article] = mscdata.parse(_article(body))
    if "<sec/>" in body:  # a section without anything is still a section
        assert [(s.level, s.title, s.text) for s in article.body_sections] == [(1, None, None)]
        assert article.body_complete is True
    else:
        assert article.body_sections == [] and article.body_complete is None


def test_sub_articles_and_back_matter_are_not_the_body():
    body = (
        "<body><sec><title>Main</title><p>Ours.</p></sec></body>"
        "<back><ack><p>Thanks.</p></ack></back>"
        "<sub-article><front-stub/><body><p>Reply text.</p></body></sub-article>"
    )
    assert _sections(body) == [(1, 1, None, "Main", "Ours.")]


def test_sections_nested_past_the_parsers_depth_limit_are_a_located_parse_error():
    deep = "<sec><p>x</p>" * 300 + "</sec>" * 300
    with pytest.raises(mscdata.ParseError, match="depth") as caught:
        mscdata.parse(_article(f"<body>{deep}</body>"))
    assert caught.value.line == 1 and "\n" not in str(caught.value)


def test_sections_nested_within_the_limit_are_read_without_recursion():
    deep = "<sec><title>t</title><p>x</p>" * 240 + "</sec>" * 240
    [article] = mscdata.parse(_article(f"<body>{deep}</body>"))
    assert [s.level for s in article.body_sections] == list(range(1, 241))


def test_more_sections_than_the_row_limit_fail_the_article_with_its_line(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CHILD_ROWS", 5)
    data = b"<pmc-articleset>\n" + _article("<body>" + "<sec><p>x</p></sec>" * 6 + "</body>")
    result = mscdata.read(data + b"\n" + _article("", pmid="2") + b"</pmc-articleset>")
    [failure] = result.failures
    assert failure.line == 2 and "sec elements" in failure.reason and "limit" in failure.reason
    assert [a.pmid for a in result.articles] == ["2"]  # the next article is read


def test_a_text_node_over_libxml2s_limit_is_a_located_parse_error():
    text = "a" * (limits.MAX_TEXT_NODE_CHARS + 1)
    with pytest.raises(mscdata.ParseError) as caught:
        mscdata.parse(_article(f"<body><p>{text}</p></body>"))
    assert caught.value.line is not None and "\n" not in str(caught.value)


@pytest.mark.parametrize("name", FILES)
def test_every_top_level_section_of_the_real_files_is_a_row(name):
    from lxml import etree

    path = corpus_path("peers", "pmc-jats", name)
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    tree = etree.parse(str(path), parser)
    articles = mscdata.parse(path)
    bodies = tree.xpath("/article/body | /pmc-articleset/article/body")
    assert sum(len(a.body_sections) for a in articles) >= int(
        tree.xpath("count(/article/body//sec | /pmc-articleset/article/body//sec)")
    )
    for article in articles:
        rows = article.body_sections
        assert [s.position for s in rows] == list(range(1, len(rows) + 1))
        assert all(s.text is None or s.text.strip() == s.text for s in rows)
        levels = [s.level for s in rows]
        assert all(b - a <= 1 for a, b in zip([0, *levels], levels, strict=False))
        assert (article.body_complete is True) == bool(rows)
    titles = {s.title for a in articles for s in a.body_sections}
    first_titles = [
        " ".join("".join(t.itertext()).split()) for body in bodies for t in body.xpath("sec/title")
    ]
    assert set(first_titles) <= titles


def test_the_figures_of_a_real_file_are_not_in_its_body_text():
    [article] = mscdata.parse(corpus_path("peers", "pmc-jats", "elife-00666.xml"))
    text = "\n".join(s.text or "" for s in article.body_sections)
    captions = [f.caption for f in article.figures if f.caption and len(f.caption) > 80]
    assert captions and not any(caption in text for caption in captions)
    assert len(article.body_sections) == 30 and len(text) > 20_000
