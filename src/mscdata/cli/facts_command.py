"""``mscdata facts FILE``: the MSC facts a source's articles state, with their evidence."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mscdata.cli.common import progress_of, read_source, report_read

SHOWN_TEXT = 48  # characters of the matched text in the table


def add_facts_command(commands: Any, formats: list[str]) -> argparse.ArgumentParser:
    """Add ``facts`` to the subcommands ``commands`` (``formats``: the source formats
    ``--format`` accepts); it."""
    facts = commands.add_parser(
        "facts",
        help="print the MSC facts of a source's articles (tissue source, species, design…)",
        description="Read a source (any format mscdata parses) and print what each article "
        "states about the mesenchymal stromal/stem cells it studies (mscdata.facts.extract): "
        "facet, value, ontology term, and the evidence (the part of the record, the "
        "character span, the matched text, the rule). A table on a terminal, JSON "
        "otherwise (--json, --table to choose). The PMIDs the source deletes and the "
        "records that failed are reported on stderr; exit 1 when a record failed to parse.",
    )
    facts.add_argument("file", metavar="FILE", help="the source file ('-' for standard input)")
    facts.add_argument("--url", help="the address the source was retrieved from (as for parse)")
    facts.add_argument(
        "--format",
        dest="source_format",
        choices=formats,
        metavar="FORMAT",
        help=f"the format, instead of telling it from the content: {', '.join(formats)}",
    )
    shown = facts.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print JSON (default off a terminal)")
    shown.add_argument("--table", action="store_true", help="print a table (default on one)")
    return facts


def cmd_facts(args: argparse.Namespace) -> int:
    """``mscdata facts``: a source's articles read, their facts printed."""
    from mscdata.facts import extract

    result = read_source(args, progress_of(args))
    rows = [
        {"article_id": article.id, "pmid": article.pmid, **fact.model_dump(mode="json")}
        for article in result.articles
        for fact in extract(article)
    ]
    as_table = args.table or (not args.json and sys.stdout.isatty())
    if as_table:
        print(facts_table(rows), end="")
    else:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    return report_read(result, "facts")


def facts_table(rows: list[dict[str, Any]]) -> str:
    """The facts as aligned columns: article, facet, value, part and span, matched text."""
    if not rows:
        return "no MSC facts\n"
    lines = [["article", "facet", "value", "part", "span", "text"]]
    for row in rows:
        text = " ".join(row["text"].split())
        if len(text) > SHOWN_TEXT:
            text = text[: SHOWN_TEXT - 1] + "…"
        lines.append(
            [
                row["pmid"] or row["article_id"],
                row["facet"],
                str(row["value"]),
                row["part"],
                f"{row['start']}-{row['end']}",
                text,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]) - 1)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        + "\n"
        for line in lines
    )
