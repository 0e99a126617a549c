"""``mscdata summary [PACKAGE] [--html FILE] [--json]``: a package's corpus at a glance."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mscdata.cli.common import EXIT_OK, EXIT_USAGE


def add_summary_command(commands: Any) -> argparse.ArgumentParser:
    """Add ``summary`` to the subcommands ``commands``; it."""
    summary = commands.add_parser(
        "summary",
        help="print a package's corpus at a glance, or write it as an HTML page of charts",
        description="Count a package's articles per year and what their MSC facts say "
        "(tissue sources and study designs over time, conditions, routes, species, "
        "products, registered trials), each article once per value; print it, or write "
        "one self-contained HTML page of charts that needs no network to view (--html).",
    )
    summary.add_argument(
        "package",
        nargs="?",
        help="a package folder or its datapackage.json (default: the bundled package)",
    )
    summary.add_argument("--html", metavar="FILE", help="write the page of charts to FILE")
    summary.add_argument("--json", action="store_true", help="print the counts as JSON")
    return summary


def cmd_summary(args: argparse.Namespace) -> int:
    """``mscdata summary``: the counts printed (text or JSON), the page written."""
    from mscdata.summary import summarize, summary_text, write_page

    summary = summarize(args.package)
    if args.json:
        print(json.dumps(summary.as_json(), indent=2, ensure_ascii=False))
    else:
        print(summary_text(summary), end="")
    if args.html:
        try:
            page = write_page(summary, args.html)
        except OSError as error:
            print(
                f"mscdata summary: error: {args.html}: {error.strerror or error}", file=sys.stderr
            )
            return EXIT_USAGE
        if not args.json:  # standard output stays one JSON document
            print(f"wrote {page}")
    return EXIT_OK
