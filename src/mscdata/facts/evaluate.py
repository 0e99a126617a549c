"""Measure :func:`mscdata.facts.extract` against a gold file.

    python -m mscdata.facts.evaluate GOLD.json [--source FILE] [--range A:B] [--json]
                                               [--differences]

A gold file (the shape of ``DEV-GOLD.json`` of the shared corpus) is a JSON object with
``source`` (the PubMed XML file holding its records: found beside the gold file, or in a
sibling folder of it, unless ``--source`` names it) and ``articles``: PMID -> the
article's facts (``msc_topic`` a string, ``isct_criteria`` a boolean, every other facet
of :data:`mscdata.facts.FACETS` a list of values; ``evidence`` is not read). Only the
records of those PMIDs are parsed (the file is streamed; a later version of a PMID
replaces an earlier one, as in PubMed's update stream). ``--range A:B`` measures the
articles A to B-1 of the gold file, in its order.

How each number is computed, over the N articles measured:

- a set facet (every facet but msc_topic and isct_criteria), micro-averaged: for each
  article, the values extracted (P) and the gold values (G) are compared as sets;
  TP = sum |P ∩ G|, FP = sum |P - G|, FN = sum |G - P| over the articles; precision =
  TP / (TP + FP), recall = TP / (TP + FN) (each 1.0 when its denominator is 0: nothing
  claimed, or nothing to find), F1 = 2 · precision · recall / (precision + recall)
  (0.0 when both are 0); support = TP + FN;
- msc_topic accuracy: the share of articles whose extracted msc_topic (``none`` when no
  fact states one) equals the gold one; isct accuracy: the same for isct_criteria (false
  when no fact states it).

Exit status 0 after printing, 2 for a gold file or source that cannot be used (one
located line on stderr).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from mscdata.errors import MscdataError
from mscdata.facts import FACETS, SINGLE_FACETS

SET_FACETS = tuple(f for f in FACETS if f not in SINGLE_FACETS)  # compared as sets
_PMID = re.compile(rb"<PMID[^>]*>\s*0*([1-9][0-9]*)\s*</PMID>")
_RECORD_END = re.compile(rb"</PubmedArticle>|</PubmedBookArticle>")


class GoldError(MscdataError):
    """A gold file that cannot be read as one, or whose source cannot be found."""


def load_gold(path: Path) -> tuple[dict[str, dict[str, Any]], str]:
    """The gold file's articles (PMID -> facts) and its source's name, checked."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GoldError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("articles"), dict):
        raise GoldError(f"{path}: no 'articles' object (PMID -> facts)")
    source = document.get("source")
    if not isinstance(source, str) or not source:
        raise GoldError(f"{path}: no 'source' naming the PubMed file of its records")
    for pmid, facts in document["articles"].items():
        where = f"{path}: articles.{pmid}"
        if not re.fullmatch(r"[1-9][0-9]{0,8}", pmid):
            raise GoldError(f"{where}: not a PMID")
        if not isinstance(facts, dict):
            raise GoldError(f"{where}: not an object of facts")
        if facts.get("msc_topic") not in ("primary", "mentioned", "none"):
            raise GoldError(f"{where}.msc_topic: must be primary, mentioned or none")
        if not isinstance(facts.get("isct_criteria"), bool):
            raise GoldError(f"{where}.isct_criteria: must be true or false")
        for facet in SET_FACETS:
            values = facts.get(facet)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise GoldError(f"{where}.{facet}: must be a list of strings")
    return document["articles"], source


def find_source(gold: Path, name: str) -> Path:
    """The gold's source file: beside the gold file, or in a sibling folder of it."""
    candidates = [gold.parent / name, *sorted(gold.parent.parent.glob(f"*/{name}"))]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise GoldError(f"{gold}: its source {name} is neither beside it nor in a sibling folder")


def read_records(source: Path, pmids: set[str]) -> dict[str, Any]:
    """The Articles of ``pmids`` in a PubMed XML file (gzipped or not), streamed: only
    their records are parsed."""
    from mscdata.parsers import parse
    from mscdata.parsers.pubmed_xml_stream import iter_chunks
    from mscdata.parsers.streams import gunzipped

    kept: dict[str, bytes] = {}
    try:
        with source.open("rb") as raw:
            stream = gunzipped(raw) if source.name.endswith(".gz") else raw
            for event in iter_chunks(stream, source.name):
                if event[0] != "chunk":
                    continue
                chunk, start = event[1], 0
                for end in _RECORD_END.finditer(chunk):
                    record = chunk[start : end.end()]
                    start = end.end()
                    found = _PMID.search(record)
                    if found and found.group(1).decode() in pmids:
                        kept[found.group(1).decode()] = record  # a later version replaces
    except OSError as error:
        raise GoldError(f"{source}: cannot be read ({error})") from None
    document = b"<PubmedArticleSet>" + b"".join(kept.values()) + b"</PubmedArticleSet>"
    articles = parse(document) if kept else []
    return {article.pmid: article for article in articles}


def measure(gold: dict[str, dict[str, Any]], articles: dict[str, Any]) -> dict[str, Any]:
    """The numbers of the module's docstring, and each article's differences."""
    from mscdata.facts import extract, summary

    counts = {facet: [0, 0, 0] for facet in SET_FACETS}
    topic_right = isct_right = 0
    differences: dict[str, dict[str, Any]] = {}
    for pmid, expected in gold.items():
        found = summary(extract(articles[pmid])) if pmid in articles else summary([])
        wrong: dict[str, Any] = {}
        for facet in SET_FACETS:
            got, want = set(found[facet]), set(expected[facet])
            counts[facet][0] += len(got & want)
            counts[facet][1] += len(got - want)
            counts[facet][2] += len(want - got)
            if got != want:
                wrong[facet] = {"extra": sorted(got - want), "missing": sorted(want - got)}
        topic_right += found["msc_topic"] == expected["msc_topic"]
        isct_right += found["isct_criteria"] == expected["isct_criteria"]
        for facet in ("msc_topic", "isct_criteria"):
            if found[facet] != expected[facet]:
                wrong[facet] = {"got": found[facet], "want": expected[facet]}
        if pmid not in articles:
            wrong["record"] = "not in the source"
        if wrong:
            differences[pmid] = wrong
    facets = {}
    for facet, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        facets[facet] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    total = len(gold) or 1
    return {
        "articles": len(gold),
        "facets": facets,
        "msc_topic_accuracy": topic_right / total,
        "isct_accuracy": isct_right / total,
        "differences": differences,
    }


def render(result: dict[str, Any]) -> str:
    """The numbers as a text table."""
    lines = [
        f"{result['articles']} articles",
        f"{'facet':<22}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}",
    ]
    for facet, numbers in result["facets"].items():
        lines.append(
            f"{facet:<22}{numbers['precision']:>10.3f}{numbers['recall']:>8.3f}"
            f"{numbers['f1']:>7.3f}{numbers['support']:>9}"
        )
    lines.append(f"{'msc_topic accuracy':<22}{result['msc_topic_accuracy']:>10.3f}")
    lines.append(f"{'isct accuracy':<22}{result['isct_accuracy']:>10.3f}")
    return "\n".join(lines)


def _range(text: str) -> slice:
    found = re.fullmatch(r"(\d*):(\d*)", text)
    if not found:
        raise argparse.ArgumentTypeError(f"{text!r} is not A:B (e.g. 0:25, 25:)")
    return slice(int(found.group(1) or 0), int(found.group(2)) if found.group(2) else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mscdata.facts.evaluate",
        description="Precision, recall and F1 of the MSC facts against a gold file.",
    )
    parser.add_argument("gold", type=Path, help="the gold file (JSON)")
    parser.add_argument("--source", type=Path, help="the PubMed XML file of its records")
    parser.add_argument("--range", type=_range, default=slice(None), help="articles A:B only")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--differences", action="store_true", help="also print each article's differences"
    )
    args = parser.parse_args(argv)
    try:
        gold, source_name = load_gold(args.gold)
        chosen = dict(list(gold.items())[args.range])
        source = args.source or find_source(args.gold, source_name)
        if not source.is_file():
            raise GoldError(f"{source}: no such file")
        articles = read_records(source, set(chosen))
    except MscdataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = measure(chosen, articles)
    if args.json:
        shown = (
            result if args.differences else {k: v for k, v in result.items() if k != "differences"}
        )
        print(json.dumps(shown, indent=2, sort_keys=True))
    else:
        print(render(result))
        if args.differences:
            for pmid, wrong in result["differences"].items():
                print(f"{pmid}: {json.dumps(wrong, sort_keys=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
