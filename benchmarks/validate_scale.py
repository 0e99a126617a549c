"""Benchmark: the fast engine's peak memory and time as a package grows.

    python benchmarks/validate_scale.py PACKAGE [--copies 1,5,20] [--workdir DIR]

PACKAGE is a CSV (or single-file Parquet) package mscdata built (e.g. from the 30,000 records of
../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz). Each tiled copy repeats
every table's rows ``copies`` times, copy j with each PMID-based id given the
prefix 10 + j (``pmid:399296`` becomes ``pmid:10399296``, ``pmid:11399296``, …),
so that every table stays sorted by its primary key and every key stays unique; the
descriptor's ``bytes`` and ``hash`` are updated. Each package is then validated by
``mscdata.validate`` in its own child process (peak RSS as
:mod:`benchmarks.peak_rss` measures it), and the seconds, seconds per MB of CSV and
peak RSS are printed, with the ratio of each peak to the first package's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks.peak_rss import CHILD, peaks_mib
except ImportError:  # run as a script: benchmarks/ itself is on the path
    from peak_rss import CHILD, peaks_mib

_VALIDATE = """
import sys
import mscdata
report = mscdata.validate(sys.argv[1])
print("VALID", report.valid, len(report.errors), sum(report.rows.values()))
"""


def tile(source: Path, target: Path, copies: int) -> None:
    """A copy of the package at ``source`` with every table's rows ``copies`` times
    (the first cell of every row, an article id, given the copy's prefix)."""
    target.mkdir(parents=True)
    descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        with open(source / resource["path"], "rb") as handle:
            header, body = handle.readline(), handle.read()
        digest = hashlib.sha256(header)
        path = target / resource["path"]
        with open(path, "wb") as out:
            out.write(header)
            for copy in range(copies if body else 0):
                # rows start after a line break (a quoted cell's own "\npmid:" is unlikely)
                data = b"\n" + body.rstrip(b"\n")
                data = data.replace(b"\npmid:", b"\npmid:%d" % (10 + copy))[1:] + b"\n"
                out.write(data)
                digest.update(data)
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{digest.hexdigest()}"
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def tile_parquet(source: Path, target: Path, copies: int) -> None:
    """:func:`tile` for a package of single-file Parquet tables (row groups of 100,000
    rows, as mscdata writes them)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    target.mkdir(parents=True)
    descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        table = pq.read_table(source / resource["path"])
        key = table.column_names[0]
        tiles = []
        for copy in range(copies):
            ids = pc.replace_substring_regex(table[key], "^pmid:", f"pmid:{10 + copy}")
            tiles.append(table.set_column(0, key, ids))
        path = target / resource["path"]
        pq.write_table(pa.concat_tables(tiles), path, row_group_size=100_000, compression="zstd")
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def measure(package: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, the child's VALID line) of validating a package."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, _VALIDATE, str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    line = next(line for line in done.stdout.splitlines() if line.startswith("VALID"))
    return seconds, peaks_mib(done.stdout)[0], line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--copies", default="1,5,20")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    parquet = any(args.package.glob("*.parquet"))
    suffix = "*.parquet" if parquet else "*.csv"
    work = Path(tempfile.mkdtemp(prefix="mscdata-scale-", dir=args.workdir))
    first = None
    try:
        for copies in [int(n) for n in args.copies.split(",")]:
            package = args.package if copies == 1 else work / f"x{copies}"
            if copies != 1:
                (tile_parquet if parquet else tile)(args.package, package, copies)
            size = sum(p.stat().st_size for p in package.glob(suffix)) / 1e6
            seconds, peak, line = measure(package)
            first = first or peak
            print(
                f"x{copies:<3} {size:8.1f} MB {suffix[2:]}  {seconds:7.2f} s  "
                f"{seconds / size:6.3f} s/MB  peak {peak:7.1f} MiB  ({peak / first:.2f}x)  {line}",
                flush=True,
            )
            if copies != 1:
                shutil.rmtree(package)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
