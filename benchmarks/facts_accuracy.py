"""Benchmark: mscdata.facts.extract against every gold file, side by side.

    python benchmarks/facts_accuracy.py [--source FILE] [--json]

Reads the development gold of the shared corpus (``DEV-GOLD.json``, whose records
shaped the rules) and the hold-out gold files of ``benchmarks/gold/`` (records of the
same 2021 update file annotated blind by the same guide; see
``benchmarks/gold/README.md``), extracts the facts of their records from FILE (default
``../shared/corpus/bulk/pubmed21n1298.xml.gz``) and prints each facet's F1 and the
MSC topic accuracy per gold file, as ``python -m mscdata.facts.evaluate`` computes them.
The last columns are the agreement of the two annotators of hold-outs C and F (one
annotation scored against the other by the same formulas): the ceiling a reader of
these abstracts reaches.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold"
SHARED = ROOT.parent / "shared" / "corpus"
DEFAULT_SOURCE = SHARED / "bulk" / "pubmed21n1298.xml.gz"
# (column, gold file): the development gold, then the hold-outs in the order measured
GOLD_FILES = (
    ("DEV", SHARED / "msc" / "DEV-GOLD.json"),
    ("A", GOLD / "HOLDOUT-A.json"),
    ("B", GOLD / "HOLDOUT-B.json"),
    ("C", GOLD / "HOLDOUT-C.json"),
    ("D", GOLD / "HOLDOUT-D.json"),  # annotated after the rules of the previous release
    ("E", GOLD / "HOLDOUT-E.json"),  # records naming "mesenchymal" etc., none on MSCs
    ("F", GOLD / "HOLDOUT-F.json"),  # the same draw's others, measured once, blind
)
# hold-outs annotated again, blind to the first annotation
SECOND_ANNOTATIONS = (("C", GOLD / "HOLDOUT-C2.json"), ("F", GOLD / "HOLDOUT-F2.json"))


def agreement(first: dict[str, Any], second: dict[str, Any]) -> dict[str, float]:
    """Each set facet's F1 and the topic's agreement of two annotations of one record
    set (``second`` scored against ``first``; F1 is symmetric)."""
    from mscdata.facts.evaluate import SET_FACETS

    scores = {}
    for facet in SET_FACETS:
        tp = fp = fn = 0
        for pmid, wanted in first.items():
            got, want = set(second[pmid][facet]), set(wanted[facet])
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        total = precision + recall
        scores[facet] = 2 * precision * recall / total if total else 0.0
    same = sum(second[p]["msc_topic"] == first[p]["msc_topic"] for p in first)
    scores["msc_topic"] = same / len(first)
    return scores


def measure_all(source: Path) -> dict[str, dict[str, float]]:
    """Column -> facet -> F1 (``msc_topic``: accuracy), the annotators' agreements last."""
    from mscdata.facts.evaluate import load_gold, measure, read_records

    golds = {name: load_gold(path)[0] for name, path in GOLD_FILES if path.is_file()}
    wanted = {pmid for gold in golds.values() for pmid in gold}
    articles = read_records(source, wanted)
    columns: dict[str, dict[str, float]] = {}
    for name, gold in golds.items():
        result = measure(gold, articles)
        columns[f"{name} ({len(gold)})"] = {
            **{facet: numbers["f1"] for facet, numbers in result["facets"].items()},
            "msc_topic": result["msc_topic_accuracy"],
        }
    for name, path in SECOND_ANNOTATIONS:
        first = load_gold(dict(GOLD_FILES)[name])[0]
        columns[f"{name}: annotators"] = agreement(first, load_gold(path)[0])
    return columns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    if not args.source.is_file():
        print(f"error: {args.source}: no such file", file=sys.stderr)
        return 2
    columns = measure_all(args.source)
    if args.json:
        print(json.dumps(columns, indent=2))
        return 0
    names = list(columns)
    print(f"{'facet':<22}" + "".join(f"{n:>14}" for n in names))
    for facet in next(iter(columns.values())):
        print(f"{facet:<22}" + "".join(f"{columns[n][facet]:>14.3f}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
