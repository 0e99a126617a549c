"""Benchmark: mscdata.facts.extract on every article of a PubMed update file.

    python benchmarks/facts.py [FILE] [--repeat N]

FILE defaults to ../shared/corpus/bulk/pubmed21n1298.xml.gz (the 2021 update file:
20,788 articles, about 115 of them on MSCs). All in this process, one core:

* ``parse``: ``mscdata.iter_events(FILE, workers=1)``, the Articles made and kept
  (the baseline: what reading the file costs);
* ``extract``: ``mscdata.facts.extract`` on each article parsed above, the best of
  ``--repeat`` passes (default 3), extraction alone;
* ``parse + extract``: ``iter_events(FILE, workers=1)`` extracting each article as it
  comes, end to end.

Each line gives articles/s by CPU time (the process's own: on a shared machine, the
figure that moves least), by wall time, and the ratio to parsing measured in the same
run. ``others`` is the CPU time the rest of the machine used meanwhile (Linux,
``/proc/stat``): near 0 on an idle machine; when it is large the cores were shared and
the wall-time figures are slower than an idle machine's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    from benchmarks.pubmed_xml import machine_cpu_seconds
except ImportError:  # run as a script: benchmarks/ itself is on the path
    from pubmed_xml import machine_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "corpus" / "bulk" / "pubmed21n1298.xml.gz"


class Timed:
    """CPU and wall seconds of a block, and the CPU the rest of the machine used."""

    def __enter__(self) -> Timed:
        self.machine = machine_cpu_seconds()
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall
        machine = machine_cpu_seconds()
        self.others = None if machine is None else max(0.0, machine - self.machine - self.cpu)


def _articles(path: Path, extract=None) -> list:
    from mscdata.parsers import iter_events
    from mscdata.parsers.records import Deletion, RecordFailure

    kept = []
    for event in iter_events(path, workers=1):
        if not isinstance(event, (Deletion, RecordFailure)):
            kept.append(extract(event) if extract else event)
    return kept


def _line(name: str, count: int, timed: Timed, baseline: float | None) -> str:
    per_cpu = count / timed.cpu
    ratio = f"{per_cpu / baseline:8.1f}x" if baseline else f"{'1.0x':>9}"
    others = f"{timed.others:8.1f}" if timed.others is not None else f"{'n/a':>8}"
    return (
        f"{name:<18}{count:>8}{timed.cpu:>8.2f}{timed.wall:>8.2f}"
        f"{per_cpu:>14,.0f}{count / timed.wall:>14,.0f}{ratio}{others}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    from mscdata.facts import extract

    extract({"title": "warm-up: mesenchymal stem cells"})  # lexicons compiled once
    with Timed() as parse_time:
        articles = _articles(args.file)
    best = None
    for _ in range(max(1, args.repeat)):
        with Timed() as timed:
            facts = sum(len(extract(article)) for article in articles)
        best = timed if best is None or timed.cpu < best.cpu else best
    with Timed() as both:
        _articles(args.file, extract)
    n = len(articles)
    parse_rate = n / parse_time.cpu
    print(f"{args.file.name}: {n} articles, {facts} facts")
    print(
        f"{'':<18}{'articles':>8}{'CPU s':>8}{'wall s':>8}{'art/s (CPU)':>14}"
        f"{'art/s (wall)':>14}{'vs parse':>9}{'others':>8}"
    )
    print(_line("parse", n, parse_time, None))
    print(_line("extract", n, best, parse_rate))
    print(_line("parse + extract", n, both, parse_rate))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
