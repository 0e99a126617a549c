"""Build the data package: sources → Article models → rows → CSV or Parquet + datapackage.json.

The build writes into a temporary folder beside the target, validates it, and only
then swaps it in (:mod:`mscdata.builder.publish`: one build at a time, and ``out`` always
holds a complete package): a failed build leaves the previous package untouched. The same
sources always give byte-identical files (stable row order, no timestamps).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shlex
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.builder.article_facts import FACTS_READ_BY, facts_fingerprint
from mscdata.builder.manifest import SourceEntry, expand_fetched, source_entries
from mscdata.builder.package_check import check_built
from mscdata.builder.record_store import STORE_PATH, RecordStore, store_errors
from mscdata.errors import BuildError
from mscdata.progress import SILENT, Progress, as_progress
from mscdata.resources import DATA_PACKAGE_PROFILE, table_schemas
from mscdata.schema_rules import TABLE_LICENSES
from mscdata.storage_urls import is_storage_url, local_path

if TYPE_CHECKING:
    from mscdata.builder.source_rows import BuildReport, Reader
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
    "title": "Article text (abstracts, figure captions, body text) remains the copyright of its "
    "publishers or authors; an article's own licence, where its source states one, is in "
    "articles.license",
}
OWN_LICENSE = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": "Records made by mscdata itself (provenance), dedicated to the public domain",
}
# the licences by name; which table carries which, the schema says (``table_license``)
LICENSES = {lic["name"]: lic for lic in (METADATA_LICENSE, PUBLISHER_LICENSE, OWN_LICENSE)}


PUBMED_SOURCE = {"title": "PubMed", "path": "https://pubmed.ncbi.nlm.nih.gov/"}


def described_sources(entries: Sequence[SourceEntry]) -> list[dict[str, str]]:
    """The descriptor's ``sources`` for a build's manifest entries (without PubMed's own,
    which every package lists first)."""
    sources = []
    for entry in entries:
        if not entry.listed:
            continue
        source: dict[str, str] = {"title": entry.title or entry.path.name}  # type: ignore[union-attr]
        if entry.url:
            source["path"] = entry.url
        sources.append(source)
    return sources


def descriptor(
    layouts: dict[str, dict[str, Any]],
    document: dict[str, Any],
    sources: Sequence[dict[str, str]],
    *,
    stream: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The ``datapackage.json`` of tables whose file properties (``path``, ``format``,
    ``hash``, ``bytes``…) ``layouts`` gives by name: ``sources`` (see
    :func:`described_sources`) listed after PubMed; ``stream``: the package's counts of
    PubMed's update stream (``mscdata.pubmedStream``)."""
    from mscdata.version import __version__

    resources = []
    for resource in document["resources"]:
        layout = layouts[resource["name"]]
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
        "sources": [PUBMED_SOURCE, *sources],
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
    of ``articles`` (as they are, not merged nor applied as a stream, their MSC facts
    read again by the extractor) into folder ``out``; the record store is left out."""
    import tempfile

    from mscdata.builder.article_facts import with_facts
    from mscdata.builder.stored_records import stored_data

    with (
        tempfile.TemporaryDirectory(prefix="mscdata-store-") as folder,
        RecordStore(Path(folder) / "store.sqlite", create=True) as store,
    ):
        for article in articles:  # with the facts the extractor reads, as a build's
            store.add(stored_data(with_facts(article), None, None, ()))
        sources = described_sources(entries)
        write_rows(store.table_rows(), store.articles(), out, sources, table_format=table_format)


def write_rows(
    rows: Iterable[list[bytes]],
    total: int,
    out: Path,
    sources: Sequence[dict[str, str]],
    progress: Progress = SILENT,
    table_format: str = "csv",
    stream: dict[str, int] | None = None,
    *,
    client: Any = None,
    store: RecordStore | None = None,
) -> None:
    """A package of ``total`` articles' rows (as a record store gives them) written into
    folder ``out``: every table (CSV or Parquet) and ``datapackage.json``; with a Dask
    ``client``, its workers write the tables from the record ``store`` instead."""
    document = table_schemas()
    if client is None:
        from mscdata.builder.table_files import write_tables

        layouts = write_tables(rows, document, out, progress, table_format, total)
    else:
        from mscdata.builder.cluster_tables import write_tables_on_cluster

        layouts = write_tables_on_cluster(
            client, store, document, out, progress, table_format, total
        )
    described = descriptor(layouts, document, sources, stream=stream)
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
    scheduler: str | None = None,
    workers: int | None = None,
    work: str | os.PathLike | None = None,
    storage_options: dict[str, Any] | None = None,
) -> Path | str:
    """Build the data package from ``sources`` into folder ``out`` and return its path.

    ``sources`` is a folder holding ``manifest.yaml`` (or the manifest itself), or
    source files (a list, or one path). Manifest entries may name files, or PubMed
    queries and PMIDs, fetched through the E-utilities cache (``from_cache``: the cache
    alone).
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

    ``scheduler`` runs the build on a Dask cluster (``pip install 'mscdata[dask]'``):
    ``"local"`` starts ``workers`` worker processes here (one per core when None), an
    address (``"tcp://host:8786"``) joins a running scheduler whose workers see the
    files and the folder ``out`` is in at the same paths. The workers read the source
    files, apply PubMed's update stream, write the tables and check them;
    the package is byte for byte the same (see :mod:`mscdata.builder.cluster`).

    ``out`` may be a storage URL (``s3://bucket/mscdata``; ``pip install
    'mscdata[cloud]'`` and the file system's package, such as s3fs): the package is
    built and validated in the folder ``work`` (by default one in mscdata's cache,
    named after the URL; on a remote cluster, a folder the workers share), then
    uploaded there as a new version with the descriptor last (see
    :mod:`mscdata.builder.upload`; ``storage_options`` go to the file system), and the
    URL is returned.
    """
    from mscdata.builder import publish
    from mscdata.builder.source_rows import read_sources

    progress = as_progress(progress)
    if table_format not in TABLE_FORMATS:
        raise ValueError(
            f"table_format must be one of {', '.join(TABLE_FORMATS)}, not {table_format!r}"
        )
    with _cluster_errors():
        if scheduler is not None or workers is not None:  # before anything is started
            from mscdata.dask_cluster import check_engine

            check_engine(scheduler or "", workers)
        entries = source_entries(sources)
        url = str(out) if is_storage_url(str(out)) else None
        if url is not None:
            from mscdata.builder.upload import published_at, storage_url

            url = storage_url(url)
            published_at(url, storage_options)  # reachable, a package or empty: first
            out = work if work is not None else work_folder(url)
        with (
            publish.publishing(local_path(out), wait=wait) as publication,
            _cluster(scheduler, workers) as client,
        ):
            entries, notes = expand_fetched(entries, from_cache=from_cache, progress=progress)
            stored = publication.staging / STORE_PATH
            with store_errors(stored), RecordStore(stored, create=True) as store:
                store.set_fact(FACTS_READ_BY, facts_fingerprint())
                found = read_sources(
                    entries,
                    store,
                    skip_failures=skip_failures,
                    progress=progress,
                    reader=_reader(client),
                )
                found.notes += notes
                if report is not None:
                    report.__dict__.update(found.__dict__)
                stream = found.stream.as_descriptor()
                sources = described_sources(entries)
                store.keep_package_facts(sources, stream, table_format)
                store.commit()
                # on a cluster, tasks read the rows from the store (cluster_tables)
                rows = store.table_rows() if client is None else iter(())
                write_rows(
                    rows,
                    found.articles,
                    publication.staging,
                    sources,
                    progress,
                    table_format,
                    stream,
                    client=client,
                    store=store,
                )
            publish.checkpoint("staged")
            if validate:
                check_built(publication.staging, progress, client=client)
            publication.commit()
            if url is not None:
                _uploaded(publication.out, url, storage_options, progress, client)
                return url
    return Path(local_path(out))


def work_folder(url: str) -> Path:
    """Where a build for the storage ``url`` is made when no ``work`` folder is given:
    in mscdata's cache, a folder named after the URL."""
    import hashlib
    import re

    from mscdata.remote.cache import cache_dir

    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", url).strip("-")[:60]
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return cache_dir() / "built" / f"{readable}-{digest}"


def _uploaded(
    folder: Path, url: str, options: dict[str, Any] | None, progress: Progress, client: Any
) -> None:
    """The package built in ``folder`` uploaded to ``url`` (already validated); a
    failure says the package is kept in ``folder`` and how to upload it again."""
    from mscdata.builder.upload import upload_held

    try:  # the lock of the work folder is held by the build
        upload_held(folder, url, options, validate=False, progress=progress, client=client)
    except BuildError as error:
        again = f"mscdata upload {shlex.quote(str(folder))} {shlex.quote(url)}"
        raise BuildError(
            f"{error} (the package is built in {folder}; `{again}` uploads it again)"
        ) from None


@contextlib.contextmanager
def _cluster(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """The Dask client the build runs on, kept open while it runs; None on one machine."""
    if scheduler is None:
        yield None
        return
    from mscdata.dask_cluster import dask_client

    with dask_client(scheduler, workers) as client:
        yield client


def _reader(client: Any) -> Reader | None:
    """How the build reads and applies its files: here (None), or on the cluster."""
    if client is None:
        return None
    from mscdata.builder.cluster import read_on_cluster

    return functools.partial(read_on_cluster, client=client)


@contextlib.contextmanager
def _cluster_errors() -> Iterator[None]:
    """A cluster the build cannot use stops it as any build stops: with a BuildError."""
    from mscdata.errors import ClusterError

    try:
        yield
    except ClusterError as error:
        raise BuildError(str(error)) from None
