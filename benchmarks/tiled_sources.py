"""Real PubMed XML tiled with fresh PMIDs: baseline files of any size and an update file
that replaces, adds and deletes records of them, for the build-scale benchmark.

    python -m benchmarks.tiled_sources [--records N] [--work DIR] [--per-file N]
        [--source FILE] [--update FILE] [--update-records M]

**Tiles.** Tile k (k = 1, 2, ...) is a copy of the first ``per_file`` records of a real
baseline file (default ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz, 30,000
MEDLINE records) written as ``pubmed21n<k>.xml.gz`` (PubMed's own names, so a build
applies them in order), byte for byte but for the record's own identifiers:

* its PMID (the MedlineCitation's first ``<PMID>``, the ``pubmed`` ArticleId of the
  record's own ArticleIdList, a ``DeleteCitation``'s PMIDs) is raised by
  k x :data:`PMID_STEP`, within the schema's nine digits;
* its DOI (the ``doi`` ELocationID and ArticleId) ends in ``.tile<k>`` and its PMCID
  (the ``pmc`` ArticleId) is raised by k x :data:`PMID_STEP`, so that copies are
  distinct articles that no build merges by a shared DOI or PMCID.

Cited works (references, comments and corrections) keep their ids.

**Update.** ``pubmed21n0100.xml.gz`` is made from a real update file (default
../shared/corpus/bulk/pubmed21n1298.xml.gz: 20,788 records, 20 deleted PMIDs) for a
package of the first ``tiles`` tiles: a record whose PMID is below
:data:`REVISED_BELOW` (a citation PubMed held before this file's weeks, so a revision)
takes the PMID of a tiled record, spread over all tiles, and replaces it; a newer one
keeps its own PMID (below every tiled PMID) and is new; each deleted PMID is mapped to
one more tiled record, which it deletes. One PMID maps to one PMID throughout the file,
so the versions of a versioned citation stay one citation. The update's DOIs are kept:
no tiled record has them.

Files are written once into the work folder (gzip level 1, one tile per worker
process, streaming: a record at a time) and reused when present.
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_SOURCE = CORPUS / "peers" / "pubmed-xml" / "pubmed20n0014.xml.gz"
DEFAULT_UPDATE = CORPUS / "bulk" / "pubmed21n1298.xml.gz"
PER_FILE = 30_000
PMID_STEP = 40_000_000  # above every 2021 PMID; tile 24 still has nine-digit PMIDs
PMID_LIMIT = 10**9  # schemas/mscdata.yaml: pmid ^[1-9][0-9]{0,8}$
REVISED_BELOW = 34_000_000  # update records of older PMIDs replace tiled records
UPDATE_NUMBER = 100  # pubmed21n0100: after any tile (at most 24)
BLOCK = 1 << 22

_START = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)>")
_PMID = re.compile(rb"(<PMID(?:\s[^>]*)?>)\s*([0-9]+)\s*(</PMID>)")
_OWN_DATA = re.compile(rb"<Pubmed(?:Book)?Data>")
_ID_LIST = re.compile(rb"<ArticleIdList>.*?</ArticleIdList>", re.S)
_ARTICLE_ID = re.compile(rb'(<ArticleId IdType="(pubmed|doi|pmc|pmcid)">)([^<]*)(</ArticleId>)')
_ELOCATION_DOI = re.compile(rb'(<ELocationID EIdType="doi"[^>]*>)([^<]*)(</ELocationID>)')
_PMC = re.compile(rb"^(\s*PMC)([0-9]+)")


def tile_name(number: int) -> str:
    """PubMed's name of file ``number`` of the 2021 series."""
    return f"pubmed21n{number:04d}.xml.gz"


# ------------------------------------------------------------------ records


def pieces(stream: IO[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """The file as ``(tag, bytes)`` pieces: each record (``PubmedArticle``,
    ``PubmedBookArticle``, ``DeleteCitation``) and the text between them (tag ``b""``),
    read a block at a time."""
    buffer, position, done = b"", 0, False
    while True:
        start = _START.search(buffer, position)
        if start:
            end_tag = b"</" + start.group(1) + b">"
            end = buffer.find(end_tag, start.end())
            if end >= 0:
                end += len(end_tag)
                yield b"", buffer[position : start.start()]
                yield start.group(1), buffer[start.start() : end]
                position = end
                continue
        if done:
            yield b"", buffer[position:]
            return
        block = stream.read(BLOCK)
        done = not block
        buffer, position = buffer[position:] + block, 0


def own_pmid(record: bytes) -> str:
    """A record's own PMID: its first ``<PMID>``."""
    found = _PMID.search(record)
    if found is None:
        raise ValueError(f"a record without a PMID: {record[:200]!r}")
    return found.group(2).decode()


def rewrite_record(
    record: bytes, pmid_of: Callable[[str], str], doi_suffix: bytes = b"", pmc_step: int = 0
) -> bytes:
    """``record`` with its own PMID (and its DeleteCitation PMIDs) mapped by ``pmid_of``,
    its DOI ending in ``doi_suffix`` and its PMCID raised by ``pmc_step``."""
    if record.startswith(b"<DeleteCitation"):
        return _PMID.sub(lambda m: m[1] + pmid_of(m[2].decode()).encode() + m[3], record)
    old = own_pmid(record)
    new = pmid_of(old).encode()
    record = _PMID.sub(lambda m: m[1] + new + m[3], record, count=1)
    data = _OWN_DATA.search(record)
    head_end = data.start() if data else len(record)
    head = record[:head_end]
    if doi_suffix:
        head = _ELOCATION_DOI.sub(lambda m: m[1] + m[2] + doi_suffix + m[3], head)
    tail = record[head_end:]
    ids = _ID_LIST.search(tail)
    references = tail.find(b"<ReferenceList")
    if ids and (references < 0 or ids.start() < references):

        def article_id(m: re.Match) -> bytes:
            kind, value = m[2], m[3]
            if kind == b"pubmed" and value.strip() == old.encode():
                value = new
            elif kind == b"doi":
                value += doi_suffix
            elif kind in (b"pmc", b"pmcid") and pmc_step:
                value = _PMC.sub(lambda p: p[1] + str(int(p[2]) + pmc_step).encode(), value)
            return m[1] + value + m[4]

        tail = tail[: ids.start()] + _ARTICLE_ID.sub(article_id, ids[0]) + tail[ids.end() :]
    return head + tail


# ------------------------------------------------------------------ tiles


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _publish(write: Callable[[IO[bytes]], None], path: Path) -> None:
    """Write ``path`` through a temporary file renamed in place: a file there is whole."""
    part = path.with_name(path.name + f".part{os.getpid()}")
    with (
        part.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0) as out,
    ):
        write(out)
    part.replace(path)


def _copy(
    source: Path, limit: int, out: IO[bytes], rewrite: Callable[[bytes], bytes], every: int = 1
) -> None:
    """Every ``every``-th of the first ``limit`` records of ``source`` (and every
    DeleteCitation), each rewritten, in the file's own frame."""
    records = 0
    with _open(source) as stream:
        for tag, piece in pieces(stream):
            if not tag:
                if (records < limit and records % every == 0) or piece.strip():
                    out.write(piece)
            elif tag == b"DeleteCitation":
                out.write(rewrite(piece))
            elif records < limit:
                if records % every == 0:
                    out.write(rewrite(piece))
                records += 1


def check_step(largest_pmid: int, tiles: int) -> None:
    """Refuse tiles whose PMIDs would leave the schema's nine digits or meet another's."""
    if largest_pmid >= PMID_STEP or tiles * PMID_STEP + largest_pmid >= PMID_LIMIT:
        raise SystemExit(
            f"{tiles} tiles of PMIDs up to {largest_pmid} do not fit nine digits "
            f"with a step of {PMID_STEP:,}"
        )


def write_tile(source: Path, per_file: int, number: int, path: Path) -> Path:
    """Tile ``number`` of ``source`` at ``path`` (unless there already)."""
    if not path.exists():
        step = number * PMID_STEP
        suffix = f".tile{number}".encode()

        def rewrite(record: bytes) -> bytes:
            return rewrite_record(record, lambda p: str(int(p) + step), suffix, step)

        _publish(lambda out: _copy(source, per_file, out, rewrite), path)
    return path


def source_pmids(source: Path, per_file: int) -> list[int]:
    """The PMIDs of the first ``per_file`` records of ``source``, in order."""
    pmids: list[int] = []
    with _open(source) as stream:
        for tag, piece in pieces(stream):
            if tag and tag != b"DeleteCitation":
                pmids.append(int(own_pmid(piece)))
                if len(pmids) == per_file:
                    break
    return pmids


def tile_folder(work: Path, source: Path, per_file: int) -> Path:
    """Where the tiles of ``source`` by ``per_file`` records are kept."""
    stem = source.name.split(".")[0]
    folder = work / f"{stem}-{per_file}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_tiles(
    work: Path,
    tiles: int,
    source: Path = DEFAULT_SOURCE,
    per_file: int = PER_FILE,
    workers: int = 2,
) -> list[Path]:
    """Tiles 1..``tiles`` of ``source`` in the work folder, written where missing."""
    folder = tile_folder(work, source, per_file)
    paths = [folder / tile_name(k) for k in range(1, tiles + 1)]
    missing = [(k, p) for k, p in enumerate(paths, start=1) if not p.exists()]
    if missing:
        check_step(max(source_pmids(source, per_file)), tiles)
        with ProcessPoolExecutor(max(1, min(workers, len(missing)))) as pool:
            jobs = [pool.submit(write_tile, source, per_file, k, p) for k, p in missing]
            for job in jobs:
                job.result()
    return paths


# ------------------------------------------------------------------ the update


@dataclass
class UpdatePlan:
    """How the update file's PMIDs map onto the tiled package, and what they do there."""

    targets: list[int]  # the tiled PMIDs, in the order targets are handed out
    mapped: dict[str, str] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)  # tiled PMIDs an update record has
    new: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    records: int = 0

    taken: int = 0

    def _target(self) -> str:
        """The next tiled PMID, a stride prime to their number apart: spread evenly."""
        total = len(self.targets)
        if self.taken >= total:
            raise SystemExit(f"the update names more PMIDs than the {total} tiled records")
        stride = next(
            s for s in range(int(total * 0.618) or 1, 2 * total + 2) if math.gcd(s, total) == 1
        )
        self.taken += 1
        return str(self.targets[(self.taken - 1) * stride % total])

    def record_pmid(self, pmid: str) -> str:
        if pmid not in self.mapped:
            if int(pmid) < REVISED_BELOW:
                self.mapped[pmid] = self._target()
                self.replaced.add(self.mapped[pmid])
            else:
                self.mapped[pmid] = pmid
                self.new.add(pmid)
        return self.mapped[pmid]

    def deleted_pmid(self, pmid: str) -> str:
        if pmid not in self.mapped:
            self.mapped[pmid] = self._target()
        self.deleted.add(self.mapped[pmid])
        return self.mapped[pmid]

    def summary(self) -> str:
        return (
            f"{self.records:,} records: {len(self.replaced):,} replace tiled PMIDs, "
            f"{len(self.new):,} PMIDs new; {len(self.deleted):,} tiled PMIDs deleted"
        )


def tiled_pmids(source: Path, per_file: int, tiles: int) -> list[int]:
    """Every PMID of tiles 1..``tiles``, tile after tile."""
    pmids = source_pmids(source, per_file)
    return [p + k * PMID_STEP for k in range(1, tiles + 1) for p in pmids]


def write_update(
    work: Path,
    tiles: int,
    source: Path = DEFAULT_SOURCE,
    per_file: int = PER_FILE,
    update: Path = DEFAULT_UPDATE,
    update_every: int = 1,
) -> tuple[Path, UpdatePlan]:
    """The update file for tiles 1..``tiles`` (made unless there) and its plan."""
    folder = tile_folder(work, source, per_file) / f"update-{tiles}-every{update_every}"
    folder.mkdir(exist_ok=True)
    path = folder / tile_name(UPDATE_NUMBER)
    plan = UpdatePlan(tiled_pmids(source, per_file, tiles))

    def rewrite(record: bytes) -> bytes:
        if record.startswith(b"<DeleteCitation"):
            return rewrite_record(record, plan.deleted_pmid)
        plan.records += 1
        return rewrite_record(record, plan.record_pmid)

    def write(out: IO[bytes]) -> None:
        _copy(update, sys.maxsize, out, rewrite, update_every)

    if path.exists():  # the plan again, without writing
        write(_Discard())
    else:
        _publish(write, path)
    return path, plan


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=600_000, help="tiled records in all")
    parser.add_argument("--work", type=Path, default=None, help="cache folder (default: temp)")
    parser.add_argument("--per-file", type=int, default=PER_FILE, help="records per tile")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--update", type=Path, default=DEFAULT_UPDATE)
    parser.add_argument(
        "--update-every", type=int, default=1, help="keep every n-th update record (default 1)"
    )
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="mscdata-tiles-"))
    tiles = math.ceil(args.records / args.per_file)
    paths = write_tiles(work, tiles, args.source, args.per_file, args.workers)
    update, plan = write_update(
        work, tiles, args.source, args.per_file, args.update, args.update_every
    )
    for path in [*paths, update]:
        print(f"{path}  {path.stat().st_size / 2**20:.1f} MiB")
    print(f"update {update.name}: {plan.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
