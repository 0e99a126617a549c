"""Bring a built package up to date: ``mscdata update PACKAGE SOURCE...``.

A package built by :func:`mscdata.build` keeps its record store
(:mod:`mscdata.builder.record_store`, ``.mscdata/store.sqlite`` in the package folder):
every record applied so far, in its place, with the stream's counts, the sources listed
and the last PubMed file applied. An update copies that store into the new package's
staging folder, applies the new sources to it exactly as a build applies a later
entry of its manifest (PubMed's update stream: replacements, versions, deletions; the
merge of formats), writes every table again from it, validates the articles whose rows
changed (or, asked, the whole package), and only then replaces the package
(:mod:`mscdata.builder.publish`). What the sources bring is read once; nothing already in
the package is parsed or validated again.

The package an update gives is byte for byte the one a build of the same sources in
the same order gives (the package's sources, then the update's): the store holds what
that build would hold after its earlier entries, and the counts add up.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mscdata.builder.article_facts import FACTS_READ_BY, facts_fingerprint
from mscdata.builder.manifest import expand_fetched, source_entries
from mscdata.builder.record_store import STORE_PATH, RecordStore, store_errors
from mscdata.errors import BuildError
from mscdata.progress import Progress, as_progress

# where an update writes the articles it changed, to validate them (removed after)
CHANGED_PATH = STORE_PATH.parent / "changed"

if TYPE_CHECKING:
    from mscdata.builder.source_rows import BuildReport


def update(
    package: str | os.PathLike,
    sources: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    validate: bool = True,
    validate_all: bool = False,
    skip_failures: bool = False,
    from_cache: bool = False,
    report: BuildReport | None = None,
    wait: float = 0.0,
    progress: Progress | bool | None = None,
) -> Path:
    """Apply ``sources`` (update files, fetch results, or a manifest: as
    :func:`mscdata.build` takes them) to the package built in folder ``package``, in its
    own table format; returns the package's path.

    PubMed files (``pubmedYYnNNNN.xml``) must come after the last one the package holds.
    ``report`` is given this update's counts (``report.changed``: the articles whose rows
    changed); the descriptor states the package's counts in all.

    With ``validate`` (the default), the articles whose rows the update changed are
    validated, as a package of their own, before the package is replaced: every other
    row is the one the package held, and what holds across articles (one article per
    id, keys that start with it) the store makes so; ``validate_all`` validates
    the whole package instead, as :func:`mscdata.build` does (time then grows with the
    package, not with the change). The other options are :func:`mscdata.build`'s. Raises
    :class:`mscdata.BuildError` when the folder holds no package built by mscdata (its
    store is missing: build it again with :func:`mscdata.build`), and leaves the package
    as it was when anything fails.
    """
    from mscdata.builder import publish
    from mscdata.builder.build import check_built, described_sources, write_rows
    from mscdata.builder.source_rows import read_sources

    progress = as_progress(progress)
    package = Path(package)
    stored = package / STORE_PATH
    if not (package / "datapackage.json").is_file():
        raise BuildError(f"{package}: not a data package (no datapackage.json)")
    if not stored.is_file():
        raise BuildError(
            f"{package}: no record store ({STORE_PATH.as_posix()}), which mscdata build keeps "
            "in the package folder to update it; build the package again with mscdata build"
        )
    entries = source_entries(sources)
    with publish.publishing(package, wait=wait) as publication:
        entries, notes = expand_fetched(entries, from_cache=from_cache, progress=progress)
        staged = publication.staging / STORE_PATH
        staged.parent.mkdir(parents=True, exist_ok=True)
        with progress.task("copying the record store", total=None, unit="B"):
            shutil.copyfile(stored, staged)
        with store_errors(stored), RecordStore(staged, named=stored) as store:
            if store.fact(FACTS_READ_BY) != facts_fingerprint():
                raise BuildError(
                    f"{package}: its MSC facts were read by another version of mscdata's "
                    "facts extractor, and an update would read only the new records' again; "
                    "build the package again with mscdata build"
                )
            listed, counts, table_format = store.package_facts()
            found = read_sources(
                entries,
                store,
                skip_failures=skip_failures,
                progress=progress,
                after=store.fact("last_pubmed_file"),
            )
            found.notes += notes
            found.changed = store.changed_articles()
            if report is not None:
                report.__dict__.update(found.__dict__)
            counts += found.stream
            listed += described_sources(entries)
            stream = counts.as_descriptor()
            store.keep_package_facts(listed, stream, table_format)
            store.commit()
            rows = store.table_rows()
            write_rows(
                rows, found.articles, publication.staging, listed, progress, table_format, stream
            )
            changed = publication.staging / CHANGED_PATH
            if validate and not validate_all:
                rows = store.changed_rows()
                write_rows(rows, found.changed, changed, listed, progress, table_format)
        publish.checkpoint("staged")
        if validate and validate_all:
            check_built(publication.staging, progress, "the updated package")
        elif validate:
            check_built(changed, progress, "the package of the articles the update changed")
            shutil.rmtree(changed)
        publication.commit()
    return package
