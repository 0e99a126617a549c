"""A corpus summary as text for a terminal: ``mscdata summary [PACKAGE]``."""

from __future__ import annotations

import re
from collections import Counter

from mscdata.summary.corpus import OVER_TIME, RANKED, CorpusSummary
from mscdata.wording import counted

SHOWN = 10  # values listed per facet, the most frequent first
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but the line ends

TITLES = {
    "msc_topic": "MSC topic",
    "cell_sources": "Tissue sources",
    "study_design": "Study designs",
    "conditions": "Conditions",
    "routes": "Routes",
    "species": "Species",
    "cell_products": "Cell products",
    "donor_relation": "Donors",
    "isct_criteria": "ISCT criteria",
    "trial_registrations": "Registered trials",
}


def shown(counts: Counter, facet: str) -> Counter:
    """A facet's counts with its vocabulary values as words (``bone_marrow`` → ``bone
    marrow``); conditions (MeSH names) and trial ids as they are."""
    if facet in ("conditions", "trial_registrations"):
        return counts
    named: Counter = Counter()
    for value, n in counts.items():
        named[value.replace("_", " ")] += n
    return named


def summary_text(summary: CorpusSummary) -> str:
    """The summary in a few lines per part: years, then each facet's leading values
    (control characters of a package's values shown as U+FFFD, never sent to the
    terminal)."""
    return _CONTROL.sub("\ufffd", _text(summary))


def _text(summary: CorpusSummary) -> str:
    lines = [_heading(summary)]
    if summary.by_year:
        years = list(summary.by_year.items())
        lines.append("Articles per year: " + ", ".join(f"{y} {n}" for y, n in years))
    if not summary.has_facts:
        lines.append("No msc_facts table: this package was built without MSC facts.")
        return "\n".join(lines) + "\n"
    for facet in ("msc_topic", *OVER_TIME, *RANKED, "isct_criteria"):
        counts = summary.facets.get(facet)
        if counts:
            lines.append(f"{TITLES[facet]}: {_ranked(shown(counts, facet))}")
    if summary.trials:
        lines.append(f"Registered trials ({len(summary.trials)}):")
        for trial in summary.trials:
            lines.append(f"  {trial.registration}  {', '.join(trial.pmids)}  {trial.link}")
    return "\n".join(lines) + "\n"


def _heading(summary: CorpusSummary) -> str:
    version = f" {summary.version}" if summary.version else ""
    span = ""
    if summary.by_year:
        first, last = min(summary.by_year), max(summary.by_year)
        span = f", {first}–{last}" if first != last else f", {first}"
    facts = f"; {summary.with_facts} with MSC facts" if summary.has_facts else ""
    return f"{summary.package}{version}: {counted(summary.articles, 'article')}{span}{facts}"


def _ranked(counts: Counter) -> str:
    shown = [f"{value} {n}" for value, n in counts.most_common(SHOWN)]
    more = len(counts) - SHOWN
    return ", ".join(shown) + (f", … ({more} more)" if more > 0 else "")
