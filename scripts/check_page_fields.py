"""Count the fields the page readers get right on real page texts you hold.

    python scripts/check_page_fields.py EXPECTED.json FOLDER

EXPECTED.json maps each page file in FOLDER to the page's address and the values a
reader must find, e.g. ``{"pmc-PMC8173294.txt": {"url": "https://pmc.ncbi.nlm.nih.gov/
articles/PMC8173294", "pmid": "34124233", "journal": null, "authors": ["Ashwini P
Aithal", …], "labels": [null], "keywords": […], "record_complete": false}}``. Scalars
name Article fields; ``authors`` (full names), ``labels`` (abstract section labels) and
``keywords`` (terms) are lists. Prints each miss and the total right; exit 1 on a miss.
Real pages are third-party text: keep them (and this file's input) outside the repo.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import mscdata

LISTS = {
    "authors": lambda a: [x.full_name for x in a.authors],
    "labels": lambda a: [s.label for s in a.abstract_sections],
    "keywords": lambda a: [k.term for k in a.keywords],
}


def check_page(text: str, want: dict[str, Any]) -> tuple[int, list[str]]:
    """The number of checked fields, and a line for each one the reader got wrong."""
    fields = [k for k in want if k != "url"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            [article] = mscdata.parse(text, url=want.get("url"))
    except mscdata.ParseError as error:
        return len(fields), [f"refused: {error}"]
    misses = []
    for name in fields:
        got = LISTS[name](article) if name in LISTS else getattr(article, name)
        if got != want[name]:
            misses.append(f"{name}: got {got!r}, expected {want[name]!r}")
    return len(fields), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("expected", type=Path, help="JSON: page file -> url and field values")
    parser.add_argument("folder", type=Path, help="folder holding the page files")
    args = parser.parse_args(argv)
    expected = json.loads(args.expected.read_text(encoding="utf-8"))
    right = total = 0
    for name, want in expected.items():
        checked, misses = check_page((args.folder / name).read_text(encoding="utf-8"), want)
        total += checked
        right += checked - len(misses)
        print(f"{name}: {checked - len(misses)}/{checked}")
        for miss in misses:
            print(f"    {miss}")
    print(f"total: {right} of {total} checked fields right ({100 * right / max(total, 1):.1f}%)")
    return 0 if right == total else 1


if __name__ == "__main__":
    sys.exit(main())
