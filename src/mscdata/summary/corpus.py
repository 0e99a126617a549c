"""A package's corpus at a glance: articles per year and what their MSC facts say.

:func:`summarize` reads two tables of a package, ``articles`` (id, PMID, publication
year) and ``msc_facts`` (article, facet, value), only those columns, through pyarrow (a
CSV or Parquet resource alike), and counts each article once per value it states:
an article naming bone marrow MSCs five times counts once for ``bone_marrow``. A
package without ``msc_facts`` (built by an mscdata before the facts) is summarised by
its articles alone.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscdata.errors import PackageError

FACTS = "msc_facts"
ARTICLE_COLUMNS = ("id", "pmid", "publication_year")
FACT_COLUMNS = ("article_id", "facet", "value")
YEARS = (1000, 2999)  # publication_year's bounds in the schema: any other is no year
# facets shown year by year (stacked bars), and as ranked lists
OVER_TIME = ("cell_sources", "study_design")
RANKED = ("conditions", "routes", "species", "cell_products", "donor_relation")


@dataclass
class Trial:
    """A registered trial the corpus names: its id, where to read it, the articles."""

    registration: str
    link: str
    pmids: list[str] = field(default_factory=list)


@dataclass
class CorpusSummary:
    """The counts :func:`summarize` makes of a package (articles counted once per value)."""

    package: str
    version: str | None
    articles: int
    by_year: dict[int, int]
    with_facts: int = 0
    has_facts: bool = False
    facets: dict[str, Counter] = field(default_factory=dict)
    over_time: dict[str, dict[int, Counter]] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The summary as JSON-ready data (years as text keys, values most frequent first)."""
        return {
            "package": self.package,
            "version": self.version,
            "articles": self.articles,
            "articlesWithFacts": self.with_facts if self.has_facts else None,
            "articlesPerYear": {str(y): n for y, n in sorted(self.by_year.items())},
            "facets": {name: dict(counts.most_common()) for name, counts in self.facets.items()},
            "overTime": {
                name: {str(y): dict(c.most_common()) for y, c in sorted(years.items())}
                for name, years in self.over_time.items()
            },
            "trials": [
                {"registration": t.registration, "link": t.link, "pmids": t.pmids}
                for t in self.trials
            ],
        }


def summarize(path: str | os.PathLike | None = None) -> CorpusSummary:
    """The summary of the package at ``path`` (a folder or its descriptor, the URL of a
    descriptor or a storage URL such as ``s3://bucket/mscdata``; default: the package
    bundled with mscdata). PackageError naming the resource and the column when a table
    it needs cannot be read."""
    from mscdata.storage_urls import local_path
    from mscdata.validator.fetch_package import is_remote
    from mscdata.validator.validation import read_descriptor

    path = local_path(path)  # file:// addresses are folders
    if isinstance(path, str) and is_remote(path):
        import tempfile

        from mscdata.validator.fetch_package import fetch

        with tempfile.TemporaryDirectory(prefix="mscdata-summary-") as folder:
            summary = summarize(fetch(path, Path(folder)))
        summary.package = path
        return summary
    descriptor_path, descriptor = read_descriptor(path)
    resources = {
        resource.get("name"): resource
        for resource in descriptor["resources"]
        if isinstance(resource, dict)
    }
    if "articles" not in resources:
        raise PackageError(f"{descriptor_path}: no 'articles' resource to summarise")
    articles = _columns(descriptor_path, descriptor, resources["articles"], ARTICLE_COLUMNS)
    years = dict(zip(articles["id"], articles["publication_year"], strict=True))
    pmids = dict(zip(articles["id"], articles["pmid"], strict=True))
    summary = CorpusSummary(
        package=str(descriptor_path.parent),
        version=descriptor.get("version") if isinstance(descriptor.get("version"), str) else None,
        articles=len(years),
        by_year=dict(sorted(Counter(y for y in years.values() if y is not None).items())),
    )
    if FACTS in resources:
        facts = _columns(descriptor_path, descriptor, resources[FACTS], FACT_COLUMNS)
        _count_facts(summary, facts, years, pmids)
    return summary


def _count_facts(
    summary: CorpusSummary,
    facts: dict[str, list[Any]],
    years: dict[str, int | None],
    pmids: dict[str, str | None],
) -> None:
    """Each (article, facet, value) once into the summary's counts."""
    seen = {
        (article, facet, value)
        for article, facet, value in zip(
            facts["article_id"], facts["facet"], facts["value"], strict=True
        )
        if article in years and facet and value  # a row of no article, or empty: none
    }
    summary.has_facts = True
    summary.with_facts = len({article for article, _, _ in seen})
    facets: dict[str, Counter] = defaultdict(Counter)
    over_time: dict[str, dict[int, Counter]] = {name: defaultdict(Counter) for name in OVER_TIME}
    trials: dict[str, set[str]] = defaultdict(set)
    for article, facet, value in seen:
        facets[facet][value] += 1
        year = years.get(article)
        if facet in over_time and year is not None:
            over_time[facet][year][value] += 1
        if facet == "trial_registrations":
            trials[value].add(pmids.get(article) or article)
    # "none" is no fact (a fact needs evidence): the articles without an msc_topic fact
    topical = {article for article, facet, _ in seen if facet == "msc_topic"}
    if summary.articles > len(topical):
        facets["msc_topic"]["none"] = summary.articles - len(topical)
    summary.facets = dict(sorted(facets.items()))
    summary.over_time = {name: dict(sorted(years_.items())) for name, years_ in over_time.items()}
    summary.trials = [
        Trial(registration, trial_link(registration), sorted(articles))
        for registration, articles in sorted(trials.items())
    ]


def trial_link(registration: str) -> str:
    """Where a registered trial can be read: ClinicalTrials.gov for NCT numbers, the
    ISRCTN registry, else the WHO's International Clinical Trials Registry Platform,
    which gathers every primary registry (ChiCTR, EudraCT, ANZCTR, IRCT, CRiS, jRCT,
    CTRI…)."""
    from urllib.parse import quote

    if registration.upper().startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{quote(registration)}"
    if registration.upper().startswith("ISRCTN"):
        return f"https://www.isrctn.com/{quote(registration)}"
    identifier = registration.removeprefix("EudraCT ").strip()
    return f"https://trialsearch.who.int/Trial2.aspx?TrialID={quote(identifier)}"


def _columns(
    descriptor_path: Path,
    descriptor: dict[str, Any],
    resource: dict[str, Any],
    names: tuple[str, ...],
) -> dict[str, list[Any]]:
    """The named columns of a CSV or Parquet resource, as Python values."""
    from mscdata.validator.package_files import guard_package
    from mscdata.validator.parquet_files import is_parquet

    label = resource.get("name")
    guarded = guard_package(descriptor_path.parent, {"resources": [resource]}, urls=False)
    if guarded.problems:
        raise PackageError(f"{descriptor_path}: resource {label!r}: {guarded.problems[0][1]}")
    files = [str(file) for file in guarded.files[0]]
    if not files:
        raise PackageError(f"{descriptor_path}: resource {label!r} names no file")
    try:
        table = _parquet(files, names) if is_parquet(resource) else _csv(files, names)
    except KeyError as missing:
        raise PackageError(
            f"{descriptor_path}: resource {label!r} has no column {missing.args[0]!r}"
        ) from None
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise PackageError(f"{descriptor_path}: resource {label!r}: {error}") from None
    return table


def _parquet(files: list[str], names: tuple[str, ...]) -> dict[str, list[Any]]:
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {name: [] for name in names}
    for file in files:
        present = pq.read_schema(file).names
        for name in names:
            if name not in present:
                raise KeyError(name)
        part = pq.read_table(file, columns=list(names))
        for name in names:
            columns[name].extend(_typed(name, part.column(name).to_pylist()))
    return columns


def _csv(files: list[str], names: tuple[str, ...]) -> dict[str, list[Any]]:
    """The columns of CSV files (the header in the first, as frictionless reads parts)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = pacsv.open_csv(files[0]).schema.names
    for name in names:
        if name not in header:
            raise KeyError(name)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for number, file in enumerate(files):
        read = pacsv.ReadOptions(
            column_names=header, skip_rows=1 if number == 0 else 0, block_size=1 << 24
        )
        convert = pacsv.ConvertOptions(
            include_columns=list(names),
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            null_values=[""],
        )
        parse = pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
        part = pacsv.read_csv(file, read_options=read, parse_options=parse, convert_options=convert)
        for name in names:
            columns[name].extend(_typed(name, part.column(name).to_pylist()))
    return columns


def _typed(name: str, values: list[Any]) -> list[Any]:
    """Years as integers within the schema's bounds (any other cell counts as no year);
    the rest as text."""
    if name != "publication_year":
        return [None if v is None else str(v) for v in values]
    typed: list[Any] = []
    for value in values:
        try:
            year = None if value is None else int(value)
        except (ValueError, OverflowError):  # text, or a float that is no number
            year = None
        typed.append(year if year is not None and YEARS[0] <= year <= YEARS[1] else None)
    return typed
