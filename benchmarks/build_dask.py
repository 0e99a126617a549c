"""Benchmark: `mscdata build` on a local Dask cluster of 1 and 2 workers, against the
build on one machine, on the same files.

    python benchmarks/build_dask.py [--files 4] [--per-file 30000] [--work DIR]
                                    [--format csv|parquet]

The sources are real PubMed XML tiled with fresh PMIDs (:mod:`benchmarks.tiled_sources`:
``--per-file`` records of ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz per
file, ``pubmed21n0001.xml.gz`` ...). Each build runs in a child process of this one,
one after the other, through the API as a user calls it:

* ``one machine``: ``mscdata.build(MANIFEST, OUT)``;
* ``dask N workers``: ``mscdata.build(MANIFEST, OUT, scheduler="local", workers=N)``, the
  cluster's start and stop included.

For each: seconds, records/s, CPU seconds (the child's and its workers') and the CPU
seconds of the client process alone; then the ratio of 2 workers to 1 (issue 13's
target: at least 1.7x on a 2-core machine), the reading cost of one file on a worker
(``file_records`` of one tile, timed alone), whether every package is byte identical
to the one-machine build (``datapackage.json`` and every file it lists), the CPU per
record of the client and of the workers, and what these figures project for the
whole baseline on 8, 32 and 128 workers: the workers' share spread over them, the
client's share (absorbing the shards' stores, merging, writing the CSV text) alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks import tiled_sources
    from benchmarks.build_scale import differing_files, machine, run_child, write_manifest
except ImportError:  # run as a script: benchmarks/ itself is on the path
    import tiled_sources  # type: ignore[no-redef]
    from build_scale import (  # type: ignore[no-redef]
        differing_files,
        machine,
        run_child,
        write_manifest,
    )

RATIO_TARGET = 1.7
BASELINE_RECORDS = 36_000_000  # PubMed's yearly baseline, about 1,300 files
BUILD = (
    "import time, mscdata; mscdata.build({sources!r}, {out!r}{options}); "
    "print('mscdata-client-cpu-seconds', time.process_time())"
)
ONE_FILE = (
    "import time; from mscdata.builder.cluster import file_records; "
    "started = time.process_time(); records = file_records({path!r}); "
    "print(len(records), time.process_time() - started)"
)


def build(manifest: Path, out: Path, workers: int | None, table_format: str) -> dict:
    """One build in a child process: its seconds, CPU seconds (workers included) and
    the CPU seconds of the client process alone."""
    options = f", table_format={table_format!r}"
    if workers is not None:
        options += f", scheduler='local', workers={workers}"
    code = BUILD.format(sources=str(manifest), out=str(out), options=options)
    done = run_child([sys.executable, "-c", code])
    marked = [line for line in done["output"].splitlines() if "mscdata-client-cpu-seconds" in line]
    return {**done, "client_cpu": float(marked[-1].split()[-1])}


def one_file(path: Path) -> tuple[int, float]:
    """Records and CPU seconds of reading one file as a Dask task does."""
    done = run_child([sys.executable, "-c", ONE_FILE.format(path=str(path))])
    records, cpu = done["output"].split()[-2:]
    return int(records), float(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=4, help="tiles to build (default 4)")
    parser.add_argument("--per-file", type=int, default=tiled_sources.PER_FILE)
    parser.add_argument("--work", type=Path, default=None, help="tile cache (default: temp)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args(argv)
    if not tiled_sources.DEFAULT_SOURCE.exists():
        print(f"{tiled_sources.DEFAULT_SOURCE}: not found", file=sys.stderr)
        return 2
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("Dask is not installed: pip install 'mscdata[dask]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mscdata-dask-bench-") as temp:
        work = args.work or Path(temp)
        started = time.perf_counter()
        tiles = tiled_sources.write_tiles(work, args.files, per_file=args.per_file)
        print(machine())
        print(
            f"sources: {args.files} tiles of {args.per_file:,} records "
            f"(ready in {time.perf_counter() - started:.0f} s)"
        )
        manifest = write_manifest(Path(temp) / "sources" / "manifest.yaml", tiles)
        records = args.files * args.per_file
        runs = {}
        for name, workers in (("one machine", None), ("dask 1 worker", 1), ("dask 2 workers", 2)):
            print(f"... {name}", flush=True)
            out = Path(temp) / name.replace(" ", "-")
            runs[name] = {**build(manifest, out, workers, args.format), "out": out}
        per_file_records, per_file_cpu = one_file(tiles[0])
        print(f"format: {args.format}")
        print(
            f"{'build':<16}{'seconds':>9}{'CPU s':>8}{'client CPU s':>14}{'records/s':>11}"
            f"{'identical':>11}"
        )
        reference = runs["one machine"]["out"]
        for name, run in runs.items():
            same = not differing_files(reference, run["out"])
            rate = records / run["seconds"]
            print(
                f"{name:<16}{run['seconds']:>9.1f}{run['cpu_seconds']:>8.1f}"
                f"{run['client_cpu']:>14.1f}{rate:>11,.0f}{'yes' if same else 'NO':>11}"
            )
        ratio = runs["dask 1 worker"]["seconds"] / runs["dask 2 workers"]["seconds"]
        met = "met" if ratio >= RATIO_TARGET else "NOT met"
        print(f"2 workers / 1 worker: {ratio:.2f}x records/s (target >= {RATIO_TARGET}x: {met})")
        local = runs["one machine"]["seconds"] / runs["dask 2 workers"]["seconds"]
        print(f"2 workers / one machine: {local:.2f}x records/s")
        print(
            f"one file on a worker: {per_file_records:,} records in {per_file_cpu:.1f} CPU s "
            f"({per_file_records / per_file_cpu:,.0f} records per CPU s)"
        )
        two = runs["dask 2 workers"]
        client = two["client_cpu"] / records  # CPU s per record, in the client process
        spread = (two["cpu_seconds"] - two["client_cpu"]) / records  # on the workers
        print(
            f"the client's share (absorbing the shards, merging, writing the CSV text, and "
            f"Dask): {client * 1e3:.3f} CPU ms per record; the workers' (reading, applying, "
            f"Parquet, checking): {spread * 1e3:.2f}"
        )
        baseline = BASELINE_RECORDS
        for workers in (8, 32, 128):
            hours = max(baseline * spread / workers, baseline * client) / 3600
            print(
                f"projection, the whole baseline ({baseline / 1e6:.0f}M records) on {workers} "
                f"workers: about {hours:.1f} h (bound by the "
                f"{'workers' if spread / workers > client else 'client'})"
            )
        cores = os.cpu_count() or 1
        print(f"({cores} cores: the client and the workers share them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
