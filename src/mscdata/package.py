"""Build the data package: sources → Article models → rows → CSV files + datapackage.json.

The build writes into a temporary folder beside the target, validates it, and only
then swaps it in (:mod:`mscdata.publish`: one build at a time, and ``out`` always
holds a complete package): a failed build leaves the previous package untouched. The same
sources always give byte-identical files (stable row order, no timestamps).
"""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.errors import BuildError
from mscdata.progress import SILENT, Progress, as_progress
from mscdata.schema_rules import TABLE_LICENSES
from mscdata.tableschema import LIST_DELIMITER
from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.models import Article

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
MANIFEST_NAME = "manifest.yaml"
PACKAGE_NAME = "mscdata"

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


@dataclass(frozen=True)
class SourceEntry:
    """One entry of a sources manifest: a file, or PubMed records to fetch (by
    ``query`` and/or ``pmids``, with their PMC full text when ``pmc``).

    Fetch entries are expanded before reading: into the cached responses to read
    (``listed`` False) and one entry naming the source in the descriptor (no path).
    """

    path: Path | None
    url: str | None = None
    title: str | None = None
    format: str | None = None
    query: str | None = None
    pmids: tuple[str, ...] = ()
    pmc: bool = True
    listed: bool = True

    @property
    def fetched(self) -> bool:
        return self.path is None and bool(self.query or self.pmids)


@functools.cache
def _shared_table_schemas() -> dict[str, Any]:
    """The document parsed once, for read-only use on hot paths."""
    from mscdata.resources import table_schemas_path

    return json.loads(table_schemas_path().read_text(encoding="utf-8"))


def table_schemas() -> dict[str, Any]:
    """The generated Table Schema document shipped with mscdata (a fresh copy)."""
    return copy.deepcopy(_shared_table_schemas())


_FILE_KEYS = {"file", "url", "title", "format"}
_FETCH_KEYS = {"query", "pmids", "pmid_file", "pmc", "title"}


def read_manifest(sources: str | os.PathLike) -> list[SourceEntry]:
    """The entries of ``sources/manifest.yaml`` (a folder or the manifest file itself)."""
    import yaml

    path = Path(sources)
    manifest = path / MANIFEST_NAME if path.is_dir() else path
    if not manifest.is_file():
        raise BuildError(f"{manifest}: no sources manifest here")
    try:
        document = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BuildError(f"{manifest}: not valid YAML: {error}") from None
    entries = (document or {}).get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise BuildError(f"{manifest}: expected a 'sources:' list of entries")
    result = []
    for number, entry in enumerate(entries, start=1):
        where = f"{manifest}: entry {number}"
        if not isinstance(entry, dict):
            raise BuildError(f"{where}: expected a mapping")
        unknown = set(entry) - _FILE_KEYS - _FETCH_KEYS
        if unknown:
            raise BuildError(f"{where}: unknown keys {sorted(unknown)}")
        if "file" in entry and set(entry) & (_FETCH_KEYS - {"title"}):
            raise BuildError(f"{where}: a 'file' entry cannot also name records to fetch")
        if isinstance(entry.get("file"), str):
            file = manifest.parent / entry["file"]
            if not file.is_file():
                raise BuildError(f"{where}: file {entry['file']!r} not found")
            result.append(
                SourceEntry(file, entry.get("url"), entry.get("title"), entry.get("format"))
            )
            continue
        result.append(_fetch_entry(entry, manifest, where))
    return result


def _fetch_entry(entry: dict[str, Any], manifest: Path, where: str) -> SourceEntry:
    """A manifest entry naming PubMed records: ``query``, ``pmids`` or ``pmid_file``."""
    from mscdata.errors import FetchError
    from mscdata.fetching import read_pmid_file

    pmids = entry.get("pmids") or []
    if not isinstance(pmids, list) or not all(str(p).strip().isdigit() for p in pmids):
        raise BuildError(f"{where}: 'pmids' must be a list of PMIDs")
    pmids = [str(p).strip() for p in pmids]
    if isinstance(entry.get("pmid_file"), str):
        try:
            pmids += read_pmid_file(manifest.parent / entry["pmid_file"])
        except (OSError, FetchError) as error:
            raise BuildError(f"{where}: {error}") from None
    query = entry.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise BuildError(f"{where}: 'query' must be a PubMed query")
    if not (query or pmids):
        raise BuildError(f"{where}: expected 'file', 'query', 'pmids' or 'pmid_file'")
    return SourceEntry(
        None,
        title=entry.get("title"),
        query=query,
        pmids=tuple(dict.fromkeys(pmids)),
        pmc=bool(entry.get("pmc", True)),
    )


class CacheBuildError(BuildError):
    """A build stopped by a damaged or odd entry of the fetch cache (exit status 1)."""

    exit_status = 1


def expand_fetched(
    entries: Sequence[SourceEntry], *, from_cache: bool = False, progress: Progress = SILENT
) -> tuple[list[SourceEntry], list[str]]:
    """Fetch entries replaced by the cached responses to read (fetched first unless
    ``from_cache``) and one entry naming the source; with notes on PMC articles
    NCBI has no full text for. A PubMed record that does not arrive stops the build;
    so does a damaged cached answer when ``from_cache`` (:class:`CacheBuildError`)."""
    from mscdata.cache import CacheError
    from mscdata.errors import FetchError
    from mscdata.fetching import fetch

    expanded, notes = [], []
    for entry in entries:
        if not entry.fetched:
            expanded.append(entry)
            continue
        try:
            result = fetch(
                entry.pmids,
                query=entry.query,
                pmc=entry.pmc,
                offline=from_cache,
                progress=progress,
            )
        except CacheError as error:  # the message says how to clear the entry
            raise CacheBuildError(f"cannot fetch {_describe(entry)}: {error}") from None
        except FetchError as error:
            hint = " (run mscdata fetch first)" if from_cache else ""
            raise BuildError(f"cannot fetch {_describe(entry)}: {error}{hint}") from None
        if result.missing or result.failed or result.pmc_failed or result.problems:
            raise BuildError(f"{_describe(entry)}: records missing\n{result.summary()}")
        if result.pmc_missing:
            notes.append(
                f"{_describe(entry)}: no PMC full text for "
                f"{counted(len(result.pmc_missing), 'article')}"
            )
        expanded.append(
            SourceEntry(
                None,
                url=_pubmed_url(entry),
                title=entry.title or f"{_describe(entry)}: {counted(len(result.found), 'record')}",
                query=entry.query,
                pmids=entry.pmids,
            )
        )
        for response in result.responses + result.pmc_responses:
            short = response.url if len(response.url) <= 2000 else response.url.split("&id=")[0]
            expanded.append(SourceEntry(response.path, url=short, listed=False))
        if result.pmc_found:
            expanded.append(
                SourceEntry(
                    None,
                    url="https://pmc.ncbi.nlm.nih.gov/",
                    title=f"PubMed Central (PMC) full text of {len(result.pmc_found)} of "
                    "these articles, fetched with NCBI E-utilities",
                )
            )
    return expanded, notes


def _describe(entry: SourceEntry) -> str:
    parts = []
    if entry.query:
        parts.append(f"PubMed search {entry.query!r}")
    if entry.pmids:
        shown = ", ".join(entry.pmids[:10]) + (" …" if len(entry.pmids) > 10 else "")
        parts.append(f"PubMed records {shown}")
    return " and ".join(parts) + " (NCBI E-utilities)"


def _pubmed_url(entry: SourceEntry) -> str:
    from urllib.parse import quote

    term = entry.query or ",".join(entry.pmids[:200])
    return f"https://pubmed.ncbi.nlm.nih.gov/?term={quote(term)}"


def _cell(value: Any, field: dict[str, Any], where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [str(v) for v in value]
        if any(LIST_DELIMITER in item for item in items):
            raise BuildError(
                f"{where}: a {field['name']} item holds the list delimiter "
                f"{LIST_DELIMITER!r}: {items}"
            )
        return LIST_DELIMITER.join(items)
    if hasattr(value, "value"):  # an Enum
        value = value.value
    return str(value)


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name)


def _items(article: Any, path: Sequence[str]) -> list[tuple[tuple, Any]]:
    """Each object at ``path`` below an article, with the key of its parent row."""
    level: list[tuple[tuple, Any]] = [((_get(article, "id"),), article)]
    for depth, slot in enumerate(path):
        level = [
            ((*keys, _get(parent, "position")) if depth else keys, child)
            for keys, parent in level
            for child in _get(parent, slot) or []
        ]
    return level


def article_tables(article: Any) -> dict[str, list[list[str]]]:
    """One article's rows of every table, as CSV cells (from a model or its dumped data)."""
    tables: dict[str, list[list[str]]] = {}
    article_id = _get(article, "id")
    for resource in _shared_table_schemas()["resources"]:
        fields = resource["schema"]["fields"]
        path = resource["path"]
        where = f"{article_id}: {resource['name']}"
        rows = []
        for keys, item in _items(article, path) if path else [((), article)]:
            own = fields[len(keys) :]
            rows.append(
                [str(k) for k in keys] + [_cell(_get(item, f["name"]), f, where) for f in own]
            )
        tables[resource["name"]] = rows
    return tables


def article_dump(article: Any) -> dict[str, Any]:
    """An article's data as plain values, for building (a module-level function, so that
    bulk builds dump articles in worker processes)."""
    return article.model_dump()


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
    files: dict[str, bytes], document: dict[str, Any], entries: Sequence[SourceEntry]
) -> dict[str, Any]:
    """The ``datapackage.json`` for the given CSV bytes per resource."""
    from mscdata import __version__

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
        data = files[resource["name"]]
        resources.append(
            {
                "name": resource["name"],
                "type": "table",
                "path": f"{resource['name']}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": resource["name"].replace("_", " ").capitalize(),
                "description": resource["description"],
                "licenses": [LICENSES[TABLE_LICENSES[resource["name"]]]],
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "schema": resource["schema"],
            }
        )
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
        "mscdata": {
            "schemaName": document["schemaName"],
            "schemaVersion": document["schemaVersion"],
        },
        "sources": sources,
        "resources": resources,
    }


def write_package(
    articles: Sequence[Article], out: Path, entries: Sequence[SourceEntry] = ()
) -> None:
    """Write the CSV files and ``datapackage.json`` of ``articles`` into folder ``out``."""
    _write_rows({a.id: article_tables(a) for a in articles}, out, entries)


def _write_rows(
    by_id: dict[str, dict[str, list[list[str]]]],
    out: Path,
    entries: Sequence[SourceEntry],
    progress: Progress = SILENT,
) -> None:
    document = table_schemas()
    ordered = (by_id[key] for key in sorted(by_id))
    tables = _merge_rows(ordered, document)
    files = {}
    with progress.task("writing tables", total=len(tables), unit="tables") as task:
        for name, rows in tables.items():
            files[name] = _csv_bytes(rows)
            task.update(1)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / f"{name}.csv").write_bytes(data)
    text = json.dumps(descriptor(files, document, entries), indent=2, ensure_ascii=False) + "\n"
    (out / "datapackage.json").write_text(text, encoding="utf-8", newline="\n")


@dataclass
class BuildReport:
    """What a build read: articles kept, merges and conflicts, deletions, failures."""

    articles: int = 0
    merged: int = 0
    deleted: list[str] = field(default_factory=list)
    failures: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. articles without PMC full text


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
    package replaces the old one in one atomic step (see :mod:`mscdata.publish`).

    ``progress`` (see :mod:`mscdata.progress`; ``True`` for a display on stderr) is
    shown each stage: fetching, reading, making rows, writing and validating.
    """
    from mscdata import publish
    from mscdata.source_rows import read_sources

    progress = as_progress(progress)

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
        _write_rows(by_id, publication.staging, entries, progress)
        publish.checkpoint("staged")
        if validate:
            from mscdata.validation import validate as validate_package

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
