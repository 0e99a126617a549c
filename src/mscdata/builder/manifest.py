"""A build's sources: the entries of ``sources/manifest.yaml`` (files, or PubMed records
to fetch), and fetch entries expanded into the cached responses to read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscdata.errors import BuildError
from mscdata.progress import SILENT, Progress
from mscdata.wording import counted

MANIFEST_NAME = "manifest.yaml"


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
    topic: str | None = None  # a file entry: only its records on this topic (name or file)

    @property
    def fetched(self) -> bool:
        return self.path is None and bool(self.query or self.pmids)


_FILE_KEYS = {"file", "url", "title", "format"}
_FETCH_KEYS = {"query", "pmids", "pmid_file", "pmc", "title"}
_TOPIC_KEYS = {"topic", "files", "fetch", "pmc", "title"}


def source_entries(
    sources: str | os.PathLike | Sequence[str | os.PathLike],
) -> list[SourceEntry]:
    """The entries a build or an update reads: a sources folder (its ``manifest.yaml``),
    a manifest file (``.yaml``/``.yml``, or text starting a ``sources:`` list), or one
    or more source files, read in the order given."""
    paths = (
        [Path(sources)] if isinstance(sources, (str, os.PathLike)) else [Path(p) for p in sources]
    )
    if not paths:
        raise BuildError("no sources given: name a sources folder, a manifest or source files")
    if len(paths) == 1 and _is_manifest(paths[0]):
        return read_manifest(paths[0])
    entries = []
    for path in paths:
        if path.is_dir():
            raise BuildError(f"{path}: a folder among source files; name its manifest alone")
        if not path.is_file():
            raise BuildError(f"{path}: source file not found")
        entries.append(SourceEntry(path))
    return entries


def _is_manifest(path: Path) -> bool:
    """Whether a path names a sources manifest (a folder holds one) rather than a source."""
    if path.is_dir() or path.suffix.lower() in {".yaml", ".yml"}:
        return True
    if not path.exists():  # a sources folder by its name, else a source file: not found
        return not path.suffix
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    return any(line.startswith(b"sources:") for line in head.splitlines())


def read_manifest(sources: str | os.PathLike) -> list[SourceEntry]:
    """The entries of ``sources/manifest.yaml`` (a folder or the manifest file itself)."""
    import yaml

    path = Path(sources)
    manifest = path / MANIFEST_NAME if path.is_dir() else path
    if not manifest.is_file():
        raise BuildError(f"{manifest}: no sources manifest here")
    try:
        document = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise BuildError(
            f"{manifest}: a manifest is UTF-8 text; this is not ({error.reason} "
            f"at byte {error.start})"
        ) from None
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
        unknown = set(entry) - _FILE_KEYS - _FETCH_KEYS - _TOPIC_KEYS
        if unknown:
            raise BuildError(f"{where}: unknown keys {sorted(unknown)}")
        if "topic" in entry:
            result += _topic_entries(entry, manifest, where)
            continue
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
    from mscdata.remote.fetching import read_pmid_file

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


def _topic_entries(entry: dict[str, Any], manifest: Path, where: str) -> list[SourceEntry]:
    """A manifest entry naming a topic (:mod:`mscdata.topics`): over bulk ``files`` (only
    their records on the topic are read), or ``fetch: true`` (the topic's PubMed query)."""
    from mscdata.errors import TopicError
    from mscdata.topics import load_topic

    extra = set(entry) - _TOPIC_KEYS
    if extra:
        raise BuildError(f"{where}: a 'topic' entry takes 'files' or 'fetch', not {sorted(extra)}")
    name = entry["topic"]
    if not isinstance(name, str) or not name.strip():
        raise BuildError(f"{where}: 'topic' must name a topic (e.g. msc) or a topic file")
    local = manifest.parent / name
    try:
        topic = load_topic(local if local.suffix in (".yaml", ".yml") else name)
    except TopicError as error:
        raise BuildError(f"{where}: {error}") from None
    files, fetch = entry.get("files"), entry.get("fetch")
    if (files is None) == (not fetch):
        raise BuildError(f"{where}: a 'topic' entry takes 'files' (bulk files) or 'fetch: true'")
    if fetch:
        if fetch is not True:
            raise BuildError(f"{where}: 'fetch' is true (the topic's PubMed query) or absent")
        title = entry.get("title") or f"PubMed search for topic {topic.name} ({topic.title})"
        fetched = {"query": topic.query(), "pmc": entry.get("pmc", True), "title": title}
        return [_fetch_entry(fetched, manifest, where)]
    if "pmc" in entry:
        raise BuildError(f"{where}: 'pmc' goes with 'fetch: true', not with 'files'")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise BuildError(f"{where}: 'files' must be a list of file names")
    entries = []
    for file in files:
        path = manifest.parent / file
        if not path.is_file():
            raise BuildError(f"{where}: file {file!r} not found")
        title = entry.get("title") or f"{path.name}: its records on topic {topic.name}"
        entries.append(SourceEntry(path, title=title, topic=str(topic.path)))
    return entries


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
    from mscdata.errors import FetchError
    from mscdata.remote.cache import CacheError
    from mscdata.remote.fetching import fetch

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
