"""``mscdata summary``: a package's corpus counted (each article once per value), printed,
and drawn as one self-contained HTML page, rendered in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mscdata
from mscdata.cli import main
from mscdata.summary import charts, summarize, summary_page, summary_text, write_page

from conftest import csv_rows, write_csv_rows

FACT_FIELDS = ["article_id", "position", "facet", "value"]


def _with_facts(package: Path, facts: list[list[str]], years: dict[str, str]) -> Path:
    """``package`` given an ``msc_facts`` table of ``facts`` (article, facet, value) and
    the publication ``years`` of its articles (the others' left as they are)."""
    rows = csv_rows(package / "articles.csv")
    year = rows[0].index("publication_year")
    for row in rows[1:]:
        row[year] = years.get(row[0], row[year])
    write_csv_rows(package / "articles.csv", rows)
    write_csv_rows(
        package / "msc_facts.csv",
        [FACT_FIELDS] + [[a, str(i), f, v] for i, (a, f, v) in enumerate(facts, start=1)],
    )
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "msc_facts"]
    descriptor["resources"].append(
        {
            "name": "msc_facts",
            "path": "msc_facts.csv",
            "format": "csv",
            "schema": {"fields": [{"name": n, "type": "string"} for n in FACT_FIELDS]},
        }
    )
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return package


@pytest.fixture
def corpus(built_package: Path) -> Path:
    """The bundled package with facts on three of its articles, in three years."""
    ids = [row[0] for row in csv_rows(built_package / "articles.csv")[1:4]]
    a, b, c = ids
    facts = [
        [a, "msc_topic", "primary"],
        [a, "cell_sources", "bone_marrow"],
        [a, "cell_sources", "bone_marrow"],  # the same value twice counts once
        [a, "conditions", "Osteoarthritis"],
        [a, "trial_registrations", "NCT01234567"],
        [b, "msc_topic", "primary"],
        [b, "cell_sources", "adipose_tissue"],
        [b, "cell_sources", "bone_marrow"],
        [b, "study_design", "clinical_interventional"],
        [b, "trial_registrations", "NCT01234567"],
        [b, "trial_registrations", "ChiCTR2000029990"],
        [c, "msc_topic", "mentioned"],
        [c, "study_design", "review"],
        [c, "routes", "intra_articular"],
    ]
    return _with_facts(built_package, facts, {a: "2015", b: "2019", c: "2019"})


def test_each_article_counts_once_per_value_and_year(corpus):
    summary = summarize(corpus)
    assert summary.articles == 115 and summary.with_facts == 3
    assert summary.facets["cell_sources"] == Counter(bone_marrow=2, adipose_tissue=1)
    # msc_topic "none" is stated by no fact: the articles without one
    assert summary.facets["msc_topic"] == Counter(primary=2, mentioned=1, none=112)
    assert summary.over_time["cell_sources"] == {
        2015: Counter(bone_marrow=1),
        2019: Counter(bone_marrow=1, adipose_tissue=1),
    }
    assert summary.by_year[2015] == 1 and sum(summary.by_year.values()) == 115
    trials = {t.registration: t for t in summary.trials}
    assert trials["NCT01234567"].link == "https://clinicaltrials.gov/study/NCT01234567"
    assert len(trials["NCT01234567"].pmids) == 2
    assert trials["ChiCTR2000029990"].link.startswith("https://trialsearch.who.int/")


def test_the_text_and_json_say_the_same(corpus, capsys):
    assert main(["summary", str(corpus)]) == 0
    text = capsys.readouterr().out
    assert "115 articles" in text and "3 with MSC facts" in text
    assert "Tissue sources: bone marrow 2, adipose tissue 1" in text
    assert "NCT01234567" in text and "https://clinicaltrials.gov/study/NCT01234567" in text
    assert main(["summary", str(corpus), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["facets"]["cell_sources"] == {"bone_marrow": 2, "adipose_tissue": 1}
    assert data["articlesWithFacts"] == 3 and data["overTime"]["study_design"]["2019"]


def test_the_bundled_sources_facts_are_counted(built_package):
    summary = summarize(built_package)
    assert summary.has_facts and 0 < summary.with_facts <= summary.articles == 115
    assert summary.facets["msc_topic"]["primary"] > 50
    assert summary.facets["cell_sources"] and summary.facets["study_design"]
    assert sum(summary.facets["msc_topic"].values()) == 115  # primary, mentioned, none


def test_a_package_without_facts_is_summarised_by_its_articles(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "msc_facts"]
    (built_package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    summary = summarize(built_package)
    assert not summary.has_facts and summary.articles == 115
    assert "No msc_facts table" in summary_text(summary)
    assert "no MSC facts in this package" in summary_page(summary)


def test_a_facts_table_in_parquet_reads_the_same(corpus):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = csv_rows(corpus / "msc_facts.csv")
    table = pa.table({name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])})
    pq.write_table(table, corpus / "msc_facts.parquet")
    descriptor = json.loads((corpus / "datapackage.json").read_text(encoding="utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "msc_facts")
    facts.update(path="msc_facts.parquet", format="parquet")
    (corpus / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    as_csv = summarize(corpus).as_json()
    (corpus / "msc_facts.csv").unlink()
    assert summarize(corpus).as_json() == as_csv


def test_a_table_without_a_column_it_needs_is_one_located_error(corpus, capsys):
    rows = csv_rows(corpus / "msc_facts.csv")
    write_csv_rows(
        corpus / "msc_facts.csv", [["article_id", "position", "facet"]] + [r[:3] for r in rows[1:]]
    )
    with pytest.raises(mscdata.PackageError, match=r"resource 'msc_facts' has no column 'value'"):
        summarize(corpus)
    assert main(["summary", str(corpus)]) == 2
    assert "no column 'value'" in capsys.readouterr().err
    assert main(["summary", str(corpus.parent / "missing")]) == 2


def test_the_page_is_self_contained(corpus, tmp_path):
    page = write_page(summarize(corpus), tmp_path / "corpus.html").read_text(encoding="utf-8")
    lowered = page.lower()
    for loads_something in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import"):
        assert loads_something not in lowered
    assert page.count('<svg class="chart"') == 8
    assert '<a href="https://clinicaltrials.gov/study/NCT01234567">' in page
    assert ">intra articular</text>" in page and "intra_articular" not in page  # as words
    assert not list(tmp_path.glob(".*partial"))  # written whole


def test_the_command_line_writes_the_page(corpus, tmp_path, capsys):
    assert main(["summary", str(corpus), "--html", str(tmp_path / "p.html")]) == 0
    assert f"wrote {tmp_path / 'p.html'}" in capsys.readouterr().out
    assert main(["summary", str(corpus), "--html", str(tmp_path / "no" / "p.html")]) == 2
    assert "No such file or directory" in capsys.readouterr().err


@given(
    st.dictionaries(st.text(min_size=1, max_size=40), st.integers(0, 10**6), max_size=30),
    st.dictionaries(
        st.integers(1900, 2100),
        st.dictionaries(
            st.sampled_from(["a", "<b>", "c&d", 'e"f', "g"]), st.integers(1, 999), min_size=1
        ),
        max_size=40,
    ),
)
def test_charts_are_well_formed_svg_whatever_the_counts(ranked, by_year):
    years = {year: sum(c.values()) for year, c in by_year.items()}
    for svg in (
        charts.ranked_chart(Counter(ranked), "ranked <&>"),
        charts.stacked_chart({y: Counter(c) for y, c in by_year.items()}, "stacked"),
        charts.column_chart(years, "columns"),
    ):
        root = ElementTree.fromstring(svg)  # escaped: no value breaks the markup
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        for mark in root.iter("{http://www.w3.org/2000/svg}rect"):
            assert float(mark.get("height")) >= 0 and float(mark.get("width")) >= 0


def _browser() -> str:
    found = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    if found is None:
        if os.environ.get("MSCDATA_REQUIRE_BROWSER"):
            pytest.fail("MSCDATA_REQUIRE_BROWSER is set and no Chromium is installed")
        pytest.skip("no headless Chromium here (Debian: apt-get install chromium)")
    return found


def _pixels(png: bytes) -> Counter:
    """How many pixels of each colour (r, g, b) a PNG screenshot holds (8-bit RGB or RGBA,
    not interlaced, as Chromium writes them)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, header = 8, b"", None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        chunk = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(data), width * channels
    previous, counts = bytearray(stride), Counter()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min(
                    (abs(guess - left), 0, left),
                    (abs(guess - up), 1, up),
                    (abs(guess - corner), 2, corner),
                )
                line[i] = (line[i] + near[2]) & 255
        counts.update(zip(line[0::channels], line[1::channels], line[2::channels], strict=True))
        previous = line
    return counts


def test_chromium_shows_the_charts(corpus, tmp_path):
    browser = _browser()
    page = write_page(summarize(corpus), tmp_path / "corpus.html")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--no-proxy-server", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={shot}", "--window-size=1340,2400", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pixels = _pixels(shot.read_bytes())
    colour = lambda text: tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    # the bars: the first colour fills the year columns and the ranked bars
    assert pixels[colour(charts.BAR)] > 20_000
    # the stacked charts: a second value in the next colour, in the bars and the legends
    assert pixels[colour(charts.PALETTE[1])] > 5_000


def test_a_package_at_a_url_is_summarised_as_its_folder(corpus, file_server):
    root, base = file_server
    shutil.copytree(corpus, root / "pkg", ignore=shutil.ignore_patterns(".mscdata"))
    here = summarize(corpus).as_json()
    there = summarize(f"{base}/pkg/datapackage.json").as_json()
    assert there.pop("package") == f"{base}/pkg/datapackage.json"
    here.pop("package")
    assert there == here


def test_rows_of_no_article_and_empty_cells_count_for_nothing(corpus):
    rows = csv_rows(corpus / "msc_facts.csv")
    rows += [["pmid:999", "1", "cell_sources", "bone_marrow"], [rows[1][0], "99", "", ""]]
    write_csv_rows(corpus / "msc_facts.csv", rows)
    summary = summarize(corpus)
    assert summary.with_facts == 3
    assert summary.facets["cell_sources"]["bone_marrow"] == 2


def test_years_beyond_the_schemas_bounds_are_no_years(corpus):
    rows = csv_rows(corpus / "articles.csv")
    year = rows[0].index("publication_year")
    rows[1][year], rows[2][year], rows[3][year] = "999999999", "0", "20x1"
    write_csv_rows(corpus / "articles.csv", rows)
    summary = summarize(corpus)
    assert sum(summary.by_year.values()) == 112 and max(summary.by_year) < 3000
    assert len(summary_page(summary)) < 200_000  # no bar for every year up to 999999999


def test_values_spanning_lines_are_read_as_one_cell(corpus):
    rows = csv_rows(corpus / "articles.csv")
    title = rows[0].index("title")
    for row in rows[1:]:
        row[title] = "A title\nover lines, with, commas\n" * 800  # 3 MB: reading in blocks
    write_csv_rows(corpus / "articles.csv", rows)
    import pyarrow as pa
    import pyarrow.csv as pacsv

    assert summarize(corpus).articles == 115
    with pytest.raises(pa.ArrowInvalid):  # pyarrow's default reading would cut the rows
        pacsv.read_csv(corpus / "articles.csv")


def test_the_terminal_is_sent_no_control_character(corpus):
    rows = csv_rows(corpus / "msc_facts.csv")
    rows.append([rows[1][0], "98", "conditions", "\x1b[2J\x1b[31mRED"])
    write_csv_rows(corpus / "msc_facts.csv", rows)
    text = summary_text(summarize(corpus))
    assert "\x1b" not in text and "\ufffd[2J" in text


def test_a_vocabulary_value_named_other_is_not_the_rest(corpus):
    rows = csv_rows(corpus / "msc_facts.csv")
    rows.append([rows[1][0], "97", "study_design", "other"])
    write_csv_rows(corpus / "msc_facts.csv", rows)
    page = summary_page(summarize(corpus))
    assert ">other</text>" in page and f">{charts.OTHERS}</text>" not in page
