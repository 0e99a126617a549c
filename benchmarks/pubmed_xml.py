"""Benchmark: PubMed XML into records, mscdata against the tools users would otherwise pick.

    python benchmarks/pubmed_xml.py [FILE] [--pubmed-parser-python PY] [--build]

FILE defaults to ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz (30,000 real
MEDLINE baseline records). Each contender runs in its own child process of this one,
one after the other, and reports records/s, MB/s (of the uncompressed XML), the CPU
time it used (its own and its workers': on a busy machine, the figure that moves least)
and its peak RSS (its own and its workers'):

* ``iter_events(apply=f)``: ``mscdata.iter_events(path, apply=f, workers=2)``, ``f``
  run in the worker processes;
* ``iter_events``: ``mscdata.iter_events(path)``: validated Article models, made in
  worker processes (one per core, at most two), counted in this process;
* ``iter_events 1 process``: the same with ``workers=1``;
* ``parse``: ``mscdata.parse(path)``, which keeps every article in memory;
* ``pubmed_parser``: pubmed_parser 0.5.1 ``parse_medline_xml`` (install it only in a
  benchmark environment: ``pip install -r benchmarks/requirements.txt``), run by
  ``--pubmed-parser-python`` or by this interpreter when it can import it;
* ``lxml-iterparse``: a bare lxml iterparse pass over every element (the floor for any
  parser that looks at every element), clearing as it goes.

Every contender touches each record it gives the same way: ``f`` (:func:`field_count`)
counts its non-empty top-level values, as the pubmed_parser child counts its dicts'
(the ``values/rec`` column). ``--build`` also times ``mscdata build`` of the file into
a validated package. Ratios are printed against pubmed_parser and lxml measured in the
same run. The ``others`` column is the CPU time the rest of the machine used while each
contender ran (Linux: ``/proc/stat``): near 0 on an idle machine; when it is large the
contenders shared the cores, and their seconds (not their CPU s) are slower than an idle machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "corpus" / "peers" / "pubmed-xml" / "pubmed20n0014.xml.gz"

_EVENTS = """
import sys
from mscdata.parsers import iter_events
from mscdata.parsers.records import RecordFailure, Deletion
from benchmarks.pubmed_xml import field_count
records = failures = fields = 0
for event in iter_events(sys.argv[1]%s):
    if isinstance(event, RecordFailure):
        failures += 1
    elif not isinstance(event, Deletion):
        records += 1
        fields += %s
print(records, failures, fields)
"""

_CHILD = {
    "iter_events(apply=f)": _EVENTS % (", apply=field_count, workers=2", "event"),
    "iter_events": _EVENTS % ("", "field_count(event)"),
    "iter_events 1 process": _EVENTS % (", workers=1", "field_count(event)"),
    "parse": """
import sys
import mscdata
from benchmarks.pubmed_xml import field_count
articles = mscdata.parse(sys.argv[1])
print(len(articles), 0, sum(field_count(a) for a in articles))
""",
    "pubmed_parser": """
import sys
import pubmed_parser as pp
records = fields = 0
for record in pp.parse_medline_xml(sys.argv[1]):
    records += 1
    fields += sum(1 for value in record.values() if value not in (None, "", [], {}))
print(records, 0, fields)
""",
    "lxml-iterparse": """
import gzip, sys
from lxml import etree
opener = gzip.open if sys.argv[1].endswith(".gz") else open
records = elements = 0
with opener(sys.argv[1], "rb") as handle:
    for _, element in etree.iterparse(handle, events=("end",), resolve_entities=False,
                                      no_network=True, load_dtd=False, huge_tree=True):
        elements += 1
        if element.tag in ("PubmedArticle", "PubmedBookArticle"):
            records += 1
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
print(records, 0, 0)
""",
}


def field_count(article) -> int:
    """How many of an article's fields hold a value: the count the pubmed_parser child
    makes of its records (non-empty top-level values), so that each contender does the
    same small work per record it gives."""
    return sum(1 for value in article.__dict__.values() if value not in _EMPTY)


_EMPTY = (None, "", [], {})


def _uncompressed_megabytes(path: Path) -> float:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    size = 0
    with opener(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            size += len(block)
    return size / 1e6


def machine_cpu_seconds() -> float | None:
    """CPU time every process of the machine has used since boot (Linux), else None."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    busy = sum(int(value) for value in fields[1:9]) - int(fields[4]) - int(fields[5])
    return busy / os.sysconf("SC_CLK_TCK")  # user..steal, less idle and iowait


def run(name: str, python: str, path: Path) -> dict | None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}:{os.environ.get('PYTHONPATH', '')}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_before = machine_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-c", CHILD, _CHILD[name], str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    machine_after = machine_cpu_seconds()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    others = None
    if machine_before is not None and machine_after is not None:
        others = max(0.0, machine_after - machine_before - cpu)
    if done.returncode != 0:
        print(f"{name}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    lines = done.stdout.split("\n")
    records, failures, fields = (int(x) for x in lines[0].split())
    own, workers = peaks_mib(done.stdout)
    return {
        "name": name,
        "records": records,
        "failures": failures,
        "fields": fields,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "others_cpu_seconds": others,
        "rss_mib": own,
        "workers_rss_mib": workers,
    }


def time_build(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources"
        sources.mkdir()
        shutil.copy(path, sources / path.name)
        (sources / "manifest.yaml").write_text(f"sources:\n  - file: {path.name}\n")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mscdata.cli",
                "build",
                "--sources",
                str(sources),
                "--out",
                str(Path(folder) / "out"),
            ],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        seconds = time.perf_counter() - started
        rows = sum(
            max(0, len(p.read_bytes().splitlines()) - 1)
            for p in (Path(folder) / "out").glob("*.csv")
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "rows": rows, "peak_rss_mib_any_child_so_far": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument(
        "--pubmed-parser-python",
        default=None,
        help="interpreter that can import pubmed_parser 0.5.1",
    )
    parser.add_argument("--build", action="store_true", help="also time mscdata build")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--only", action="append", choices=list(_CHILD), help="run only these contenders"
    )
    args = parser.parse_args()
    if not args.file.exists():
        print(f"{args.file}: not found", file=sys.stderr)
        return 2
    megabytes = _uncompressed_megabytes(args.file)
    pp_python = args.pubmed_parser_python
    if pp_python is None:
        probe = subprocess.run(
            [sys.executable, "-c", "import pubmed_parser"], check=False, capture_output=True
        )
        pp_python = sys.executable if probe.returncode == 0 else None
    ours = ("iter_events(apply=f)", "iter_events", "iter_events 1 process", "parse")
    wanted = set(args.only or _CHILD)
    results = [run(name, sys.executable, args.file) for name in ours if name in wanted]
    if pp_python and "pubmed_parser" in wanted:
        results.append(run("pubmed_parser", pp_python, args.file))
    elif "pubmed_parser" in wanted:
        print("pubmed_parser: not installed here; pass --pubmed-parser-python", file=sys.stderr)
    if "lxml-iterparse" in wanted:
        results.append(run("lxml-iterparse", sys.executable, args.file))
    results = [r for r in results if r]
    by_name = {r["name"]: r for r in results}
    print(f"input: {args.file.name}, {megabytes:.0f} MB uncompressed, {os.cpu_count()} cores")
    print(
        f"{'contender':<24}{'records':>9}{'fail':>6}{'seconds':>9}{'CPU s':>7}"
        f"{'records/s':>11}{'MB/s':>8}"
        f"{'RSS MiB':>9}{'+workers':>10}{'values/rec':>12}{'others':>8}"
    )
    for r in results:
        rate = r["records"] / r["seconds"]
        values = r["fields"] / r["records"] if r["fields"] else float("nan")
        print(
            f"{r['name']:<24}{r['records']:>9}{r['failures']:>6}{r['seconds']:>9.1f}"
            f"{r['cpu_seconds']:>7.1f}{rate:>11.0f}{megabytes / r['seconds']:>8.1f}"
            f"{r['rss_mib']:>9.0f}"
            f"{r['workers_rss_mib']:>10.0f}{values:>12.1f}"
            + (f"{r['others_cpu_seconds']:>8.1f}" if r["others_cpu_seconds"] is not None else "")
        )
    for base in ("pubmed_parser", "lxml-iterparse"):
        for name in ("iter_events", "parse", "iter_events(apply=f)"):
            if base in by_name and name in by_name:
                ratio = by_name[base]["seconds"] / by_name[name]["seconds"]
                print(f"{name} / {base}: {ratio:.2f}x records/s")
    if args.build:
        build = time_build(args.file)
        print(f"mscdata build (validated package): {build['seconds']:.1f} s, {build['rows']} rows")
        results.append({"name": "mscdata-build", **build})
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
