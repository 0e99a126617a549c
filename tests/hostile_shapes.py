"""Adversarial inputs of a chosen size, one builder per (format, shape).

Each builder takes a size in bytes and returns a source of about that size that drives
one parser into a hot spot: long digit runs in an author line, runs of separators and
white space, repeated markers, deep XML nesting, many keywords. The growth test reads
each at two sizes; the crash tests read them too.
"""

from __future__ import annotations

from collections.abc import Callable

from conftest import DATA, PAGES

_LEGACY = (PAGES / "legacy.txt").read_text(encoding="utf-8")
_CHROME = (PAGES / "chrome-epub-figures-references.txt").read_text(encoding="utf-8")
_PLAIN = (PAGES / "plain-structured-mesh-substances.txt").read_text(encoding="utf-8")
_COMPACT = (PAGES / "compact.txt").read_text(encoding="utf-8")
_PMC = (PAGES / "pmc-page.txt").read_text(encoding="utf-8")
_HTML = (DATA / "html" / "publisher-meta.html").read_text(encoding="utf-8")
_HTML_NO_AUTHORS = (
    '<html><head><meta name="citation_title" content="T">'
    '<meta name="citation_pmid" content="1"></head><body></body></html>'
)

_RECORD = (
    "<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><JournalIssue>"
    "<PubDate><Year>2000</Year><Month>Jan</Month><Day>2</Day></PubDate></JournalIssue>"
    "</Journal><ArticleTitle>T</ArticleTitle>{inside}</Article>{after}</MedlineCitation>"
    "</PubmedArticle>\n"
)
_JATS = (
    '<article><front><article-meta><article-id pub-id-type="pmid">1</article-id>'
    "<title-group><article-title>T</article-title></title-group>{meta}</article-meta>"
    "</front>{body}<back>{back}</back></article>"
)
_KEYWORD = "mesenchymal stromal cells in " * 3  # 87 characters: many rows, each a real size
_MEDLINE = "PMID- 1\nTI  - Title\nDP  - 2000 Jan\n{body}\n"


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode("utf-8")))


def _pubmed_set(records: str) -> bytes:
    return f"<PubmedArticleSet>\n{records}</PubmedArticleSet>\n".encode()


def _legacy_author_line(filler: str) -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        line = "van Rheenen RW, " + _repeat(filler, size) + "x"
        return _LEGACY.replace("Author information", line + "\n\nAuthor information", 1).encode()

    return build


def _insert(page: str, marker: str, filler: str, *, after: bool = True) -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        text = _repeat(filler, size)
        return page.replace(marker, marker + text if after else text + marker, 1).encode()

    return build


def _xml_records(inside: str = "", after: str = "") -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        one = _RECORD.format(pmid=1, inside=inside, after=after)
        count = max(1, size // len(one))
        return _pubmed_set(
            "".join(_RECORD.format(pmid=k + 1, inside=inside, after=after) for k in range(count))
        )

    return build


def _xml_one_record(unit: str, wrap: tuple[str, str] = ("", "")) -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        inside = wrap[0] + _repeat(unit, size) + wrap[1]
        return _pubmed_set(_RECORD.format(pmid=1, inside=inside, after=""))

    return build


def _nested(open_tag: str, close_tag: str, depth: int, core: str) -> str:
    return open_tag * depth + core + close_tag * depth


def _jats(meta_unit: str = "", back_unit: str = "", body_unit: str = "") -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        meta = _repeat(meta_unit, size) if meta_unit else ""
        back = _repeat(back_unit, size) if back_unit else ""
        body = f"<body>{_repeat(body_unit, size)}</body>" if body_unit else ""
        return _JATS.format(meta=meta, back=back, body=body).encode()

    return build


def _medline(unit: str) -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        return _MEDLINE.format(body=_repeat(unit, size).rstrip("\n")).encode()

    return build


def _html_head(unit: str, page: str = _HTML) -> Callable[[int], bytes]:
    return _insert(page, "</head>", unit, after=False)


SHAPES: dict[str, tuple[str, Callable[[int], bytes]]] = {
    # PubMed pages as text
    "legacy: digits in the author line": ("pubmed_page_legacy", _legacy_author_line("0")),
    "legacy: commas in the author line": ("pubmed_page_legacy", _legacy_author_line(", ")),
    "legacy: spaces in the author line": ("pubmed_page_legacy", _legacy_author_line(" ")),
    "legacy: repeated Author information": (
        "pubmed_page_legacy",
        _insert(_LEGACY, "Author information\n", "Author information\n"),
    ),
    "legacy: spaces in the PMID line": (
        "pubmed_page_legacy",
        _insert(_LEGACY, "PMID: 16125890", " ", after=True),
    ),
    "legacy: keywords": ("pubmed_page_legacy", _insert(_LEGACY, "aging; ", _KEYWORD + "; ")),
    "chrome: link labels in a reference": (
        "pubmed_page_chrome",
        _insert(_CHROME, "1996.", " - DOI - PMC"),
    ),
    "chrome: spaces in a reference": ("pubmed_page_chrome", _insert(_CHROME, "Chimerism.", " ")),
    "chrome: dashes in a reference": ("pubmed_page_chrome", _insert(_CHROME, "1996.", " - ")),
    "chrome: keywords": ("pubmed_page_chrome", _insert(_CHROME, "Keywords: ", _KEYWORD + "; ")),
    "chrome: bullets": ("pubmed_page_chrome", _insert(_CHROME, "Publication types\n", "  • R\n")),
    "plain: spaces in the citation line": ("pubmed_page_plain", _insert(_PLAIN, "2020 May", " ")),
    "plain: Epub in the citation line": (
        "pubmed_page_plain",
        _insert(_PLAIN, "eCollection 2020", " Epub eCollection"),
    ),
    "plain: separators in the volume": (
        "pubmed_page_plain",
        _insert(_PLAIN, "May 24:", " ( ;"),
    ),
    "plain: abstract labels": ("pubmed_page_plain", _insert(_PLAIN, "Purpose", " /- a")),
    "compact: identifier lines": (
        "pubmed_page_compact",
        _insert(_COMPACT, "- PMID: 35055087\n", "- DOI: 1\n"),
    ),
    "compact: grant slashes": ("pubmed_page_compact", _insert(_COMPACT, "- R01 NS106907", "/")),
    "pmc_page: spaces before logo": ("pmc_page", _insert(_PMC, "Stem Cells International ", " ")),
    "pmc_page: author marks": ("pmc_page", _insert(_PMC, "Jane Q Doe 3,", "1,*,")),
    "pmc_page: subtitle lines": (
        "pmc_page",
        _insert(_PMC, "Change the Name!\n", "A Subtitle Line\n"),
    ),
    "pmc_page: abbreviation lines": (
        "pmc_page",
        _insert(_PMC, "in the body.\n", "Abbreviations: MSC, cell.\n"),
    ),
    "pmc_page: spaces before a version": ("pmc_page", _insert(_PMC, ". 2015 Jul", " ")),
    "pmc_page: keywords": ("pmc_page", _insert(_PMC, "Keywords: ", _KEYWORD + ", ")),
    # PubMed XML
    "pubmed_xml: many records": (
        "pubmed_xml",
        _xml_records(f"<Abstract><AbstractText>{_KEYWORD * 10}</AbstractText></Abstract>"),
    ),
    "pubmed_xml: keywords": (
        "pubmed_xml",
        _xml_one_record(f"<Keyword>{_KEYWORD}</Keyword>", ("<KeywordList>", "</KeywordList>")),
    ),
    "pubmed_xml: deep nesting": (
        "pubmed_xml",
        _xml_one_record(
            _nested("<i>", "</i>", 200, "x"),
            ("<Abstract><AbstractText>", "</AbstractText></Abstract>"),
        ),
    ),
    "pubmed_xml: malformed record full of <PMID": (
        "pubmed_xml",
        _xml_one_record("<PMID <PMID ", ("<Abstract>", "")),
    ),
    "pubmed_xml: long text": (
        "pubmed_xml",
        _xml_one_record("x", ("<Abstract><AbstractText>", "</AbstractText></Abstract>")),
    ),
    # PMC JATS
    "jats: keywords": (
        "pmc_jats",
        _jats(meta_unit=f"<kwd-group><kwd>{_KEYWORD}</kwd><kwd>{_KEYWORD}</kwd></kwd-group>"),
    ),
    "jats: nested affiliations": (
        "pmc_jats",
        _jats(meta_unit=_nested('<aff id="a">', "</aff>", 200, "x")),
    ),
    "jats: nested references": (
        "pmc_jats",
        _jats(
            back_unit="<ref-list>"
            + _nested("<ref>", "</ref>", 100, "<mixed-citation>c</mixed-citation>")
            + "</ref-list>"
        ),
    ),
    "jats: spaces": ("pmc_jats", _jats(meta_unit="<volume>" + " " * 1000 + "1</volume>")),
    "jats: nested body sections": (
        "pmc_jats",
        _jats(body_unit=_nested("<sec><title>T</title><p>p</p>", "</sec>", 200, "<p>x</p>")),
    ),
    "jats: body paragraphs in inline markup": (
        "pmc_jats",
        _jats(body_unit="<p>" + _nested("<italic>", "</italic>", 200, "x ") + "</p>"),
    ),
    # MEDLINE text
    "medline: continuation lines": ("medline_text", _medline("AB  - a\n" + "      b\n" * 8)),
    "medline: many abstracts": ("medline_text", _medline(f"AB  - {_KEYWORD}\n")),
    "medline: spaces before an id kind": ("medline_text", _medline("LID - 1" + " " * 200 + "x\n")),
    "medline: many records": (
        "medline_text",
        _medline(f"\nPMID- 2\nTI  - T\nAB  - {_KEYWORD * 10}\n"),
    ),
    # HTML pages
    "html: creators": (
        "pubmed_html",
        _html_head(f'<meta name="dc.creator" content="A {_KEYWORD}">\n', _HTML_NO_AUTHORS),
    ),
    "html: deep JSON-LD": (
        "pubmed_html",
        _html_head('<script type="application/ld+json">' + "[" * 2000 + "</script>\n"),
    ),
    "html: nested divs": ("pubmed_html", _insert(_HTML, "<body>", "<div>")),
    "html: keywords": (
        "pubmed_html",
        _html_head(f'<meta name="citation_keywords" content="{_KEYWORD}; b, c">\n'),
    ),
}
