"""A corpus summary as one self-contained HTML page: ``mscdata summary --html FILE``.

The page holds its styles and its charts (inline SVG, :mod:`mscdata.summary.charts`);
it loads nothing, so it shows the same offline, from a file, or attached to a mail.
Links go out only where the reader follows them: each trial to its registry, each
article to PubMed.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from mscdata.summary import charts
from mscdata.summary.charts import escape
from mscdata.summary.corpus import CorpusSummary
from mscdata.summary.text import TITLES, shown
from mscdata.wording import counted

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fff; }
main { max-width: 1340px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
.lede { color: #555; margin: 0 0 20px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(640px, 1fr)); gap: 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-top: 8px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; }
footer { color: #777; font-size: 0.85em; margin-top: 32px; }
"""


def summary_page(summary: CorpusSummary) -> str:
    """The page: headline figures, the charts, the registered trials."""
    from mscdata.version import __version__

    figures = [
        _figure(
            "articles-per-year",
            "Articles per year",
            charts.column_chart(summary.by_year, "Articles per year"),
        )
    ]
    if summary.has_facts:
        for facet in ("cell_sources", "study_design"):
            title = f"{TITLES[facet]} over time"
            figures.append(
                _figure(facet, title, charts.stacked_chart(_years_shown(summary, facet), title))
            )
        for facet in ("conditions", "routes", "species", "cell_products", "msc_topic"):
            title = (
                f"Top {TITLES[facet].lower()}"
                if facet in ("conditions", "routes")
                else TITLES[facet]
            )
            counts = shown(summary.facets.get(facet) or Counter(), facet)
            figures.append(_figure(facet, title, charts.ranked_chart(counts, title)))
    facts = (
        f"; {counted(summary.with_facts, 'article')} with MSC facts"
        if summary.has_facts
        else "; no MSC facts in this package"
    )
    version = f" {escape(summary.version)}" if summary.version else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>mscdata corpus summary: {escape(summary.package)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>The MSC literature at a glance</h1>\n"
        f'<p class="lede">{counted(summary.articles, "article")}{_span(summary)}{facts} '
        f"(package{version}: {escape(summary.package)})</p>\n"
        f'<section class="grid">\n{"".join(figures)}</section>\n'
        f"{_trials(summary)}"
        f"<footer>Made by mscdata {escape(__version__)} from the package's articles and "
        "msc_facts tables. Each article counts once per value it states.</footer>\n"
        "</main>\n</body>\n</html>\n"
    )


def write_page(summary: CorpusSummary, path: str | os.PathLike) -> Path:
    """The page written to ``path`` whole (a file beside it, then renamed)."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(summary_page(summary), encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _years_shown(summary: CorpusSummary, facet: str) -> dict[int, Counter]:
    return {year: shown(c, facet) for year, c in summary.over_time.get(facet, {}).items()}


def _figure(key: str, title: str, svg: str) -> str:
    return f'<figure id="{key}"><figcaption>{escape(title)}</figcaption>{svg}</figure>\n'


def _span(summary: CorpusSummary) -> str:
    if not summary.by_year:
        return ""
    first, last = min(summary.by_year), max(summary.by_year)
    return f", {first}–{last}" if first != last else f", {first}"


def _trials(summary: CorpusSummary) -> str:
    if not summary.has_facts:
        return ""
    if not summary.trials:
        return '<section id="trials"><h2>Registered trials</h2><p>None named.</p></section>\n'
    rows = []
    for trial in summary.trials:
        articles = ", ".join(
            f'<a href="https://pubmed.ncbi.nlm.nih.gov/{escape(p)}/">{escape(p)}</a>'
            if p.isdigit()
            else escape(p)
            for p in trial.pmids
        )
        rows.append(
            f'<tr><td><a href="{escape(trial.link)}">{escape(trial.registration)}</a></td>'
            f"<td>{articles}</td></tr>"
        )
    return (
        f'<section id="trials"><h2>Registered trials ({len(summary.trials)})</h2>\n'
        "<table><thead><tr><th>Registration</th><th>Articles (PMID)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>\n"
    )
