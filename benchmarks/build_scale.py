"""Benchmark: `mscdata build` at 30k, 150k and 600k records (flat memory, steady
throughput) and `mscdata update` of the 600k package against a rebuild.

    python benchmarks/build_scale.py [--sizes 30000,150000,600000] [--quick]
        [--format csv|parquet|both] [--runner cli|api|both] [--work DIR] [--no-update]

The sources are real PubMed XML tiled with fresh PMIDs (:mod:`benchmarks.tiled_sources`:
the 30,000 records of ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz per file,
``pubmed21n0001.xml.gz`` ...; ``--quick``: the first 3,000 records per file, sizes
3k/15k/60k). Each size is built from a manifest of its files, in a child process of
this one, one after the other:

* ``cli``: ``python -m mscdata.cli build --sources MANIFEST --out DIR -q`` as a user
  types it: seconds, records/s, CPU seconds and the peak RSS of its largest process;
* ``api``: ``mscdata.build(MANIFEST, DIR)`` under :data:`benchmarks.peak_rss.CHILD`: the
  peak RSS of the building process and of its largest worker process apart.

records/s (and CPU s) are those of the faster of the two runs of a size.

Then the ratios issue 12 names: peak RSS at the largest size over the smallest (target
<= 1.2x, and <= 500 MiB), and each size's records/s against their mean (target within
+-20%; also per CPU second, the figure that moves least on a busy machine).

The update (largest size only): the package is copied (``cp -a`` then ``sync``, not
timed), ``mscdata update COPY pubmed21n0100.xml.gz -q`` is timed against a rebuild from
the same tiles and that update file (target: 5x faster), and the two packages must be
byte identical (``datapackage.json`` and every file it lists; hidden files are not
compared).

The peak RSS of a worker process is its own ``ru_maxrss``: for a worker forked from a
large process it counts the pages it shares with that process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks import tiled_sources
    from benchmarks.peak_rss import CHILD, peaks_mib
except ImportError:  # run as a script: benchmarks/ itself is on the path
    import tiled_sources  # type: ignore[no-redef]
    from peak_rss import CHILD, peaks_mib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
SIZES = (30_000, 150_000, 600_000)
QUICK_PER_FILE, QUICK_UPDATE_EVERY = 3_000, 10
RSS_RATIO_TARGET, RSS_LIMIT_MIB, SPREAD_TARGET, UPDATE_TARGET = 1.2, 500, 0.20, 5.0
API_BUILD = "import mscdata; mscdata.build({sources!r}, {out!r}, table_format={fmt!r})"


def _env() -> dict[str, str]:
    path = f"{ROOT}:{ROOT / 'src'}:{os.environ.get('PYTHONPATH', '')}"
    return {**os.environ, "PYTHONPATH": path}


def run_child(command: list[str]) -> dict:
    """Seconds, CPU seconds and peak RSS (MiB, its largest process) of ``command``;
    stops the benchmark with its output when it fails."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=_env())
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read().decode(errors="replace")
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command)}\n{printed[-3000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "tree_peak_mib": usage.ru_maxrss / 1024,
        "output": printed,
    }


def cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "mscdata.cli", *arguments]


def build_cli(manifest: Path, out: Path, fmt: str) -> dict:
    formats = ["--format", fmt] if fmt != "csv" else []
    return run_child(cli("build", "--sources", str(manifest), "--out", str(out), "-q", *formats))


def build_api(manifest: Path, out: Path, fmt: str) -> dict:
    code = API_BUILD.format(sources=str(manifest), out=str(out), fmt=fmt)
    done = run_child([sys.executable, "-c", CHILD, code])
    done["main_mib"], done["workers_mib"] = peaks_mib(done["output"])
    return done


def write_manifest(path: Path, files: list[Path]) -> Path:
    """A sources manifest naming ``files`` (relative to the manifest where they can be)."""
    lines = ["sources:"]
    for file in files:
        lines.append(f"  - file: {os.path.relpath(file, path.parent)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def listed_files(package: Path) -> list[str]:
    """``datapackage.json`` and every file its resources list, relative to the package."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    names = ["datapackage.json"]
    for resource in descriptor.get("resources", []):
        paths = resource.get("path", [])
        names += [paths] if isinstance(paths, str) else list(paths)
    return names


def differing_files(one: Path, other: Path) -> list[str]:
    """The listed files of either package that the other lacks or holds otherwise."""
    names = sorted(set(listed_files(one)) | set(listed_files(other)))
    return [
        name
        for name in names
        if not ((one / name).is_file() and (other / name).is_file())
        or (one / name).read_bytes() != (other / name).read_bytes()
    ]


def disk_mib(package: Path) -> tuple[float, float]:
    """(all files, hidden files and folders) under ``package``, in MiB."""
    total = hidden = 0
    for path in package.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if any(part.startswith(".") for part in path.relative_to(package).parts):
                hidden += size
    return total / 2**20, hidden / 2**20


def article_rows(package: Path) -> int:
    """The rows of the package's articles table (CSV or Parquet parts)."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "articles")
    paths = [resource["path"]] if isinstance(resource["path"], str) else resource["path"]
    if resource.get("format") == "parquet":
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(package / p).metadata.num_rows for p in paths)
    import csv

    with (package / paths[0]).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def stream_counts(package: Path) -> str:
    """The counts of PubMed's update stream the descriptor states (new, replaced, ...)."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    counts = descriptor.get("mscdata", {}).get("pubmedStream") or {}
    return ", ".join(f"{value:,} {key}" for key, value in counts.items()) or "none stated"


def update_available() -> bool:
    probe = subprocess.run(cli("update", "--help"), capture_output=True, env=_env(), check=False)
    return probe.returncode == 0


def machine() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        arrow = version("pyarrow")
    except PackageNotFoundError:
        arrow = "absent"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cI"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, load {load}; Python {platform.python_version()}, "
        f"pyarrow {arrow}; mscdata {commit or '?'}{' + uncommitted src changes' if dirty else ''}"
    )


def measure_sizes(args, tiles: list[Path], fmt: str, runs: Path) -> list[dict]:
    """Build each size (each runner), one after the other."""
    results = []
    for size in args.sizes:
        count = math.ceil(size / args.per_file)
        manifest = write_manifest(runs / f"manifest-{count}.yaml", tiles[:count])
        result = {"format": fmt, "tiles": count, "records": count * args.per_file}
        out = runs / f"{fmt}-{count}"
        for runner in ("cli", "api") if args.runner == "both" else (args.runner,):
            shutil.rmtree(out, ignore_errors=True)
            print(f"... {fmt} {result['records']:,} records: {runner}", file=sys.stderr)
            done = (build_cli if runner == "cli" else build_api)(manifest, out, fmt)
            done.pop("output")
            result[runner] = done
        result["articles"] = article_rows(out)
        result["disk_mib"], result["hidden_mib"] = disk_mib(out)
        result["package"] = str(out)
        results.append(result)
    return results


def fastest(result: dict) -> dict:
    """The faster of a size's runs (the CLI and the API build the same package)."""
    return min((result[k] for k in ("cli", "api") if k in result), key=lambda r: r["seconds"])


def print_sizes(results: list[dict]) -> None:
    print(
        f"{'format':<8}{'records':>9}{'articles':>10}{'CLI s':>8}{'API s':>8}{'CPU s':>8}"
        f"{'records/s':>11}{'tree MiB':>10}{'main MiB':>10}{'worker MiB':>12}"
        f"{'disk MiB':>10}{'hidden':>8}"
    )
    for r in results:
        c, a, best = r.get("cli", {}), r.get("api", {}), fastest(r)
        print(
            f"{r['format']:<8}{r['records']:>9,}{r['articles']:>10,}"
            f"{c.get('seconds', math.nan):>8.1f}{a.get('seconds', math.nan):>8.1f}"
            f"{best['cpu_seconds']:>8.1f}{r['records'] / best['seconds']:>11,.0f}"
            f"{c.get('tree_peak_mib', math.nan):>10.0f}"
            f"{a.get('main_mib', math.nan):>10.0f}{a.get('workers_mib', math.nan):>12.0f}"
            f"{r['disk_mib']:>10.1f}{r['hidden_mib']:>8.1f}"
        )


def print_ratios(results: list[dict]) -> None:
    """Peak RSS largest/smallest size and throughput spread, against the targets."""
    first, last = results[0], results[-1]

    def peak(r: dict) -> float:
        a = r.get("api")
        return max(a["main_mib"], a["workers_mib"]) if a else r["cli"]["tree_peak_mib"]

    ratio = peak(last) / peak(first)
    ok = ratio <= RSS_RATIO_TARGET and peak(last) <= RSS_LIMIT_MIB
    print(
        f"{last['format']}: peak RSS {last['records']:,} / {first['records']:,} records: "
        f"{peak(last):.0f} / {peak(first):.0f} MiB = {ratio:.2f}x "
        f"(target <= {RSS_RATIO_TARGET}x and <= {RSS_LIMIT_MIB} MiB: {'met' if ok else 'NOT met'})"
    )
    for clock in ("seconds", "cpu_seconds"):
        rates = [r["records"] / fastest(r)[clock] for r in results]
        mean = sum(rates) / len(rates)
        spread = [rate / mean - 1 for rate in rates]
        ok = all(abs(s) <= SPREAD_TARGET for s in spread)
        shown = ", ".join(f"{s:+.0%}" for s in spread)
        unit = "records/s" if clock == "seconds" else "records/CPU s"
        print(
            f"{last['format']}: {unit} against their mean of {mean:,.0f}: {shown} "
            f"(target within +-{SPREAD_TARGET:.0%}: {'met' if ok else 'NOT met'})"
        )


def measure_update(args, tiles: list[Path], update: Path, largest: dict, runs: Path) -> dict:
    """``mscdata update`` of a copy of the largest package against a rebuild."""
    fmt, package = largest["format"], Path(largest["package"])
    copy = runs / f"{fmt}-updated"
    shutil.rmtree(copy, ignore_errors=True)
    subprocess.run(["cp", "-a", str(package), str(copy)], check=True)
    os.sync()  # the copy's gigabytes written out now, not while the update is timed
    print(f"... {fmt} update of {largest['records']:,} records", file=sys.stderr)
    updated = run_child(cli("update", str(copy), str(update), "-q"))
    manifest = write_manifest(
        runs / f"rebuild-{largest['tiles']}.yaml", [*tiles[: largest["tiles"]], update]
    )
    rebuilt = runs / f"{fmt}-rebuilt"
    shutil.rmtree(rebuilt, ignore_errors=True)
    print(f"... {fmt} rebuild of {largest['records']:,} records + update", file=sys.stderr)
    rebuild = build_cli(manifest, rebuilt, fmt)
    differing = differing_files(copy, rebuilt)
    for name, package in (("updated", copy), ("rebuilt", rebuilt)):
        print(f"{fmt} {name}: PubMed stream counts {stream_counts(package)}")
    speedup = rebuild["seconds"] / updated["seconds"]
    print(
        f"{fmt}: update {updated['seconds']:.1f} s ({updated['tree_peak_mib']:.0f} MiB) "
        f"vs rebuild {rebuild['seconds']:.1f} s ({rebuild['tree_peak_mib']:.0f} MiB): "
        f"{speedup:.1f}x (target >= {UPDATE_TARGET:.0f}x: "
        f"{'met' if speedup >= UPDATE_TARGET else 'NOT met'}); byte-identical: "
        + ("yes" if not differing else f"NO, differ: {', '.join(differing)}")
    )
    for name in (copy, rebuilt):
        shutil.rmtree(name, ignore_errors=True)
    updated.pop("output")
    rebuild.pop("output")
    return {"update": updated, "rebuild": rebuild, "speedup": speedup, "differing": differing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="records per build, comma separated")
    parser.add_argument("--quick", action="store_true", help="3k/15k/60k records")
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="csv")
    parser.add_argument("--runner", choices=("cli", "api", "both"), default="both")
    parser.add_argument("--work", type=Path, default=None, help="tile cache (default: temp)")
    parser.add_argument("--no-update", action="store_true", help="builds only")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)
    args.per_file = QUICK_PER_FILE if args.quick else tiled_sources.PER_FILE
    sizes = args.sizes or ",".join(str(s // (10 if args.quick else 1)) for s in SIZES)
    args.sizes = sorted(int(s.replace("_", "")) for s in sizes.split(","))
    every = QUICK_UPDATE_EVERY if args.quick else 1
    sys.stdout.reconfigure(line_buffering=True)  # the table between the progress lines
    print(machine())
    with tempfile.TemporaryDirectory(prefix="mscdata-scale-") as scratch:
        work = args.work or Path(scratch)
        runs = Path(tempfile.mkdtemp(prefix="runs-", dir=work))
        count = math.ceil(args.sizes[-1] / args.per_file)
        started = time.perf_counter()
        tiles = tiled_sources.write_tiles(work, count, per_file=args.per_file)
        update, plan = tiled_sources.write_update(
            work, count, per_file=args.per_file, update_every=every
        )
        print(
            f"sources: {count} tiles of {args.per_file:,} records of "
            f"{tiled_sources.DEFAULT_SOURCE.name} in {tiles[0].parent} "
            f"(ready in {time.perf_counter() - started:.0f} s); "
            f"update {update.name}: {plan.summary()}"
        )
        available = not args.no_update and update_available()
        if not args.no_update and not available:
            print("mscdata update: not available in this mscdata; update not measured")
        everything = []
        for fmt in ("csv", "parquet") if args.format == "both" else (args.format,):
            results = measure_sizes(args, tiles, fmt, runs)
            print_sizes(results)
            if len(results) > 1:
                print_ratios(results)
            if available:
                results[-1]["update"] = measure_update(args, tiles, update, results[-1], runs)
            everything += results
        shutil.rmtree(runs, ignore_errors=True)
    if args.json:
        print(json.dumps(everything, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
