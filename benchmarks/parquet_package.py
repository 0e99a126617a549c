"""Benchmark: the same package as CSV and as Parquet: build, validate and load times,
peak memory and size on disk.

    python benchmarks/parquet_package.py [FILE] [--workdir DIR]

FILE defaults to the 30,000 real MEDLINE records of
../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz. Each step (``mscdata.build``
with ``table_format`` csv or parquet, ``mscdata.validate`` with the fast engine,
``mscdata.load``) runs in its own child process, one after the other, and reports
seconds and peak RSS; the two packages must load the same articles.
"""

from __future__ import annotations

import argparse
import json
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
DEFAULT = ROOT.parent / "shared" / "corpus" / "peers" / "pubmed-xml" / "pubmed20n0014.xml.gz"

STEPS = {
    "build": "import mscdata; mscdata.build([{source!r}], {out!r}, table_format={fmt!r}, "
    "validate=False)",
    "validate": "import mscdata; r = mscdata.validate({out!r}); assert r.valid, r.to_text()",
    "load": "import mscdata, hashlib; d = mscdata.load({out!r}); "
    "print('DIGEST', hashlib.sha256(repr(d.articles).encode()).hexdigest(), len(d))",
}


def _run(code: str) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and output of ``code`` in a child process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, code], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"step failed:\n{code}\n{done.stderr[-2000:]}")
    return seconds, peaks_mib(done.stdout)[0], done.stdout


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="mscdata-parquet-") as folder:
        results, digests = {}, {}
        for fmt in ("csv", "parquet"):
            out = str(Path(folder) / fmt)
            for step, template in STEPS.items():
                code = template.format(source=args.file, out=out, fmt=fmt)
                seconds, rss, printed = _run(code)
                results[(fmt, step)] = (seconds, rss)
                if step == "load":
                    digests[fmt] = next(
                        line for line in printed.splitlines() if line.startswith("DIGEST")
                    )
            results[(fmt, "size")] = _size(Path(out))
        if digests["csv"] != digests["parquet"]:
            raise SystemExit(f"the packages load different articles: {digests}")
        print(f"source: {args.file} ({digests['csv'].split()[-1]} articles loaded alike)")
        print(f"{'step':<10}{'CSV s':>9}{'MiB':>8}{'Parquet s':>12}{'MiB':>8}{'ratio':>8}")
        for step in STEPS:
            (c, c_rss), (p, p_rss) = results[("csv", step)], results[("parquet", step)]
            print(f"{step:<10}{c:>9.2f}{c_rss:>8.0f}{p:>12.2f}{p_rss:>8.0f}{c / p:>7.2f}x")
        c, p = results[("csv", "size")], results[("parquet", "size")]
        print(f"{'size MiB':<10}{c / 2**20:>9.1f}{'':>8}{p / 2**20:>12.1f}{'':>8}{c / p:>7.2f}x")
        json.dump({f"{k[0]} {k[1]}": v for k, v in results.items()}, sys.stderr)
        print(file=sys.stderr)


if __name__ == "__main__":
    main()
