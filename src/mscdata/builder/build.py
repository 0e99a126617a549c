"""Build the data package: sources → Article models → rows → CSV or Parquet + datapackage.json.

The build writes into a temporary folder beside the target, validates it, and only
then swaps it in (:mod:`mscdata.builder.publish`: one build at a time, and ``out`` always
holds a complete package): a failed build leaves the previous package untouched. The same
sources always give byte-identical files (stable row order, no timestamps).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.builder.manifest import SourceEntry, expand_fetched, read_manifest
from mscdata.errors import BuildError
from mscdata.progress import SILENT, Progress, as_progress
from mscdata.resources import DATA_PACKAGE_PROFILE, table_schemas
from mscdata.schema_rules import TABLE_LICENSES
from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.builder.source_rows import BuildReport
    from mscdata.models import Article

PACKAGE_NAME = "mscdata"
TABLE_FORMATS = ("csv", "parquet")  # how build writes the tables

METADATA_LICENSE = {
    "name": "NLM-PubMed-terms",
    "path": "https://www.nlm.nih.gov/databases/download/terms_and_conditions.html",
    "title": "Bibliographic data from PubMed/MEDLINE, provided by the U.S. National Library "
    "of Medicine under its terms and conditions",
}
PUBLISHER_LICENSE = {
    "name": "publisher-copyright",
    "path": "https://www.ncbi.nlm.nih.gov/home/about/policies/#copyright",
    "title": "Article text (abstracts, figure captions) remains the copyright of its publishers "
    "or authors; an article's own licence, where its source states one, is in articles.license",
}
OWN_LICENSE = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": "Records made by mscdata itself (provenance), dedicated to the public domain",
}
# the licences by name; which table carries which, the schema says (``table_license``)
LICENSES = {lic["name"]: lic for lic in (METADATA_LICENSE, PUBLISHER_LICENSE, OWN_LICENSE)}


def _merge_rows(
    per_article: Iterable[dict[str, list[list[str]]]], document: dict[str, Any]
) -> dict[str, list[list[str]]]:
    tables = {
        r["name"]: [[f["name"] for f in r["schema"]["fields"]]] for r in document["resources"]
    }
    for rows in per_article:
        for name, table_rows in rows.items():
            tables[name].extend(table_rows)
    return tables


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def descriptor(
    files: dict[str, bytes],
    document: dict[str, Any],
    entries: Sequence[SourceEntry],
    *,
    stream: dict[str, int] | None = None,
    layouts: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``datapackage.json`` for the given CSV bytes per resource; ``layouts`` gives
    each resource's file properties instead (a Parquet build's, see
    :func:`mscdata.builder.parquet_tables.write_parts`); ``stream``: the build's counts
    of PubMed's update stream (``mscdata.pubmedStream``)."""
    from mscdata.version import __version__

    sources = [{"title": "PubMed", "path": "https://pubmed.ncbi.nlm.nih.gov/"}]
    for entry in entries:
        if not entry.listed:
            continue
        source: dict[str, str] = {"title": entry.title or entry.path.name}
        if entry.url:
            source["path"] = entry.url
        sources.append(source)
    resources = []
    for resource in document["resources"]:
        if layouts is not None:
            layout = layouts[resource["name"]]
        else:
            data = files[resource["name"]]
            layout = {
                "path": f"{resource['name']}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        resources.append(
            {
                "name": resource["name"],
                "type": "table",
                **{key: layout[key] for key in ("path", "scheme", "format", "mediatype")},
                **({"encoding": layout["encoding"]} if "encoding" in layout else {}),
                "title": resource["name"].replace("_", " ").capitalize(),
                "description": resource["description"],
                "licenses": [LICENSES[TABLE_LICENSES[resource["name"]]]],
                "hash": layout["hash"],
                "bytes": layout["bytes"],
                "schema": resource["schema"],
            }
        )
    profile = {"schemaName": document["schemaName"], "schemaVersion": document["schemaVersion"]}
    if stream is not None:
        profile["pubmedStream"] = stream
    return {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "title": "mscdata: literature on mesenchymal stromal/stem cells",
        "description": (
            "Articles on mesenchymal stromal/stem cells (MSCs) with their authors, abstracts, "
            "keywords, figures, references and indexing, read from PubMed and PMC sources "
            "and validated against the mscdata LinkML schema. Licences differ per resource: "
            "bibliographic metadata and article text do not share one."
        ),
        "version": __version__,
        "keywords": ["mesenchymal stromal cells", "mesenchymal stem cells", "PubMed", "MSC"],
        "mscdata": profile,
        "sources": sources,
        "resources": resources,
    }


def write_package(
    articles: Sequence[Article],
    out: Path,
    entries: Sequence[SourceEntry] = (),
    *,
    table_format: str = "csv",
) -> None:
    """Write the tables (``table_format``: CSV or Parquet files) and ``datapackage.json``
    of ``articles`` into folder ``out``."""
    from mscdata.builder.article_rows import cells

    by_id = {a.id: cells(a.model_dump()) for a in articles}
    _write_rows(by_id, out, entries, table_format=table_format)


def _write_rows(
    by_id: dict[str, dict[str, list[list[str]]]],
    out: Path,
    entries: Sequence[SourceEntry],
    progress: Progress = SILENT,
    table_format: str = "csv",
    stream: dict[str, int] | None = None,
) -> None:
    document = table_schemas()
    ordered = (by_id[key] for key in sorted(by_id))
    tables = _merge_rows(ordered, document)
    if table_format == "parquet":
        from mscdata.builder.parquet_tables import write_tables

        layouts = write_tables(tables, document, out, progress)
        described = descriptor({}, document, entries, stream=stream, layouts=layouts)
    else:
        files = {}
        with progress.task("writing tables", total=len(tables), unit="tables") as task:
            for name, rows in tables.items():
                files[name] = _csv_bytes(rows)
                task.update(1)
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / f"{name}.csv").write_bytes(data)
        described = descriptor(files, document, entries, stream=stream)
    text = json.dumps(described, indent=2, ensure_ascii=False) + "\n"
    (out / "datapackage.json").write_text(text, encoding="utf-8", newline="\n")


def build(
    sources: str | os.PathLike | Sequence[str | os.PathLike] = "sources",
    out: str | os.PathLike = "datapackage",
    *,
    validate: bool = True,
    skip_failures: bool = False,
    from_cache: bool = False,
    report: BuildReport | None = None,
    wait: float = 0.0,
    progress: Progress | bool | None = None,
    table_format: str = "csv",
) -> Path:
    """Build the data package from ``sources`` into folder ``out`` and return its path.

    ``sources`` is a folder holding ``manifest.yaml`` (or the manifest itself), or a
    list of source files. Manifest entries may name files, or PubMed queries and
    PMIDs, fetched through the E-utilities cache (``from_cache``: the cache alone).
    With ``validate`` (the default) the new package must pass :func:`mscdata.validate`
    before it replaces the old one. Records that fail to parse stop the build unless
    ``skip_failures``; pass a :class:`BuildReport` to learn the counts.

    One build at a time writes into ``out``: another one holding its lock makes this one
    fail at once with a :class:`BuildError`, or wait up to ``wait`` seconds. The new
    package replaces the old one in one atomic step (see :mod:`mscdata.builder.publish`).

    ``progress`` (see :mod:`mscdata.progress`; ``True`` for a display on stderr) is
    shown each stage: fetching, reading, making rows, writing and validating.

    ``table_format`` is ``"csv"`` (default) or ``"parquet"``: every table written as
    Parquet with the same Table Schemas (see :mod:`mscdata.builder.parquet_tables`).
    """
    from mscdata.builder import publish
    from mscdata.builder.source_rows import read_sources

    progress = as_progress(progress)
    if table_format not in TABLE_FORMATS:
        raise ValueError(
            f"table_format must be one of {', '.join(TABLE_FORMATS)}, not {table_format!r}"
        )

    if isinstance(sources, (str, os.PathLike)):
        entries = read_manifest(sources)
    else:
        entries = [SourceEntry(Path(p)) for p in sources]
        for entry in entries:
            if not entry.path.is_file():
                raise BuildError(f"{entry.path}: source file not found")
    with publish.publishing(out, wait=wait) as publication:
        entries, notes = expand_fetched(entries, from_cache=from_cache, progress=progress)
        by_id, found = read_sources(entries, skip_failures=skip_failures, progress=progress)
        found.notes += notes
        if report is not None:
            report.__dict__.update(found.__dict__)
        stream = found.stream.as_descriptor()
        _write_rows(by_id, publication.staging, entries, progress, table_format, stream)
        publish.checkpoint("staged")
        if validate:
            from mscdata.validator.validation import validate as validate_package

            checked = validate_package(publication.staging, progress=progress)
            if not checked.valid:
                first = checked.errors[0]
                raise BuildError(
                    f"the built package is invalid ({counted(len(checked.errors), 'error')}); "
                    f"first: {first}"
                )
            publish.checkpoint("validated")
        publication.commit()
    return Path(out)
