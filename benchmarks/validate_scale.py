"""Benchmark: the fast engine's peak memory and time as a package grows.

    python benchmarks/validate_scale.py PACKAGE [--copies 1,5,20] [--workdir DIR]

PACKAGE is a CSV package mscdata built (e.g. from the 30,000 records of
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
    work = Path(tempfile.mkdtemp(prefix="mscdata-scale-", dir=args.workdir))
    first = None
    try:
        for copies in [int(n) for n in args.copies.split(",")]:
            package = args.package if copies == 1 else work / f"x{copies}"
            if copies != 1:
                tile(args.package, package, copies)
            size = sum(p.stat().st_size for p in package.glob("*.csv")) / 1e6
            seconds, peak, line = measure(package)
            first = first or peak
            print(
                f"x{copies:<3} {size:8.1f} MB CSV  {seconds:7.2f} s  {seconds / size:6.3f} s/MB  "
                f"peak {peak:7.1f} MiB  ({peak / first:.2f}x)  {line}",
                flush=True,
            )
            if copies != 1:
                shutil.rmtree(package)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
