"""Benchmark: what the progress display costs ``mscdata build``.

    python benchmarks/progress_overhead.py [FILE] [--rounds N]

FILE defaults to ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz (30,000
records). Each round builds a validated package of it three times, in turn, each in
a child process: with stderr on a pseudo-terminal (the progress display drawn), on a
pseudo-terminal with ``--quiet``, and with stderr a pipe (not a terminal). Printed:
each mode's median wall time and CPU time (user + system, the child's and its worker
processes'), and the display's cost against ``--quiet``.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "corpus" / "peers" / "pubmed-xml" / "pubmed20n0014.xml.gz"
MODES = ("progress", "quiet", "not a terminal")


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(sources: Path, out: Path, mode: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes the terminal received) of one build."""
    command = [sys.executable, "-m", "mscdata.cli", "build", "--sources", str(sources)]
    command += ["--out", str(out)] + (["--quiet"] if mode == "quiet" else [])
    shown = bytearray()
    main = secondary = None
    if mode != "not a terminal":
        main, secondary = pty.openpty()
    cpu, started = _cpu_of_children(), time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=secondary if secondary is not None else subprocess.PIPE,
    )
    reader = None
    if secondary is not None:
        os.close(secondary)

        def drain() -> None:
            while True:
                try:
                    data = os.read(main, 1 << 16)
                except OSError:
                    return
                if not data:
                    return
                shown.extend(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        process.wait()
    else:
        shown.extend(process.communicate()[1])
    wall = time.perf_counter() - started
    if reader is not None:
        reader.join()
        os.close(main)
    if process.returncode:
        raise SystemExit(f"mscdata build failed in mode {mode!r}: {bytes(shown[-500:])!r}")
    return wall, _cpu_of_children() - cpu, len(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    source = Path(args.file).resolve()
    times: dict[str, list[tuple[float, float, int]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="mscdata-progress-") as folder:
        sources = Path(folder) / "sources"
        sources.mkdir()
        (sources / "manifest.yaml").write_text(f"sources:\n  - file: {source}\n", encoding="utf-8")
        for round_number in range(args.rounds):
            order = MODES if round_number % 2 == 0 else tuple(reversed(MODES))
            for mode in order:
                result = run_build(sources, Path(folder) / "out", mode)
                times[mode].append(result)
                print(f"round {round_number + 1} {mode:>15}: {result[0]:6.1f} s wall, "
                      f"{result[1]:6.1f} s CPU, {result[2]:,} bytes shown", flush=True)  # fmt: skip
    medians = {
        mode: (statistics.median(w for w, _, _ in runs), statistics.median(c for _, c, _ in runs))
        for mode, runs in times.items()
    }
    for mode, (wall, cpu) in medians.items():
        print(f"median {mode:>15}: {wall:6.1f} s wall, {cpu:6.1f} s CPU")
    wall, cpu = medians["progress"]
    quiet_wall, quiet_cpu = medians["quiet"]
    print(
        f"progress display: {100 * (wall / quiet_wall - 1):+.1f}% wall, "
        f"{100 * (cpu / quiet_cpu - 1):+.1f}% CPU against --quiet"
    )


if __name__ == "__main__":
    main()
