"""What every ``mscdata`` command shares: exit codes, progress, the records skipped."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.progress import Progress

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_SHOWN = 20  # failures listed one per line before the count


def progress_of(args: argparse.Namespace) -> Progress:
    """Progress on stderr when it is a terminal and ``--quiet`` is not given."""
    from mscdata.progress import terminal_progress

    return terminal_progress(quiet=args.quiet)


def print_skipped(failures: list[Any], command: str) -> None:
    """The records a command skipped (``--skip-failures``), and how many, on stderr."""
    for failure in failures[:MAX_SHOWN]:
        print(f"mscdata {command}: skipped: {failure}", file=sys.stderr)
    if failures:
        print(
            f"mscdata {command}: {counted(len(failures), 'record')} failed and "
            f"{'was' if len(failures) == 1 else 'were'} skipped",
            file=sys.stderr,
        )


def report_read(result: Any, command: str) -> int:
    """On stderr, the PMIDs a source deletes and the records that failed (the first
    :data:`MAX_SHOWN`, then how many); the exit code: :data:`EXIT_INVALID` on a failure."""
    if result.deletions:
        pmids = " ".join(d.pmid for d in result.deletions[:MAX_SHOWN])
        more = " …" if len(result.deletions) > MAX_SHOWN else ""
        deleted = counted(len(result.deletions), "deleted PMID")
        print(f"mscdata {command}: {deleted} (DeleteCitation): {pmids}{more}", file=sys.stderr)
    for failure in result.failures[:MAX_SHOWN]:
        print(f"mscdata {command}: failed: {failure}", file=sys.stderr)
    if result.failures:
        failed = counted(len(result.failures), "record")
        print(f"mscdata {command}: {failed} failed, {len(result.articles)} read", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def read_source(args: argparse.Namespace, progress: Progress) -> Any:
    """``mscdata.read`` of the command's FILE (``-``: standard input; ``--url``,
    ``--format``), its warnings on stderr as one line each (a page without PMID: how to
    give its address)."""
    import warnings
    from pathlib import Path

    from mscdata.errors import MissingPmidWarning
    from mscdata.parsers import read

    # a Path is always read as a file: "no such file" or "is a directory", never as text
    source = sys.stdin.buffer.read() if args.file == "-" else Path(args.file)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # mscdata's own; not ResourceWarning
        result = read(source, url=args.url, format=args.source_format, progress=progress)
    for warning in caught:
        if isinstance(warning.message, MissingPmidWarning):
            advice = warning.message.advice("--url https://pubmed.ncbi.nlm.nih.gov/<PMID>/")
            print(f"mscdata {args.command}: note: {advice}", file=sys.stderr)
        else:
            text = " ".join(str(warning.message).split())
            print(f"mscdata {args.command}: warning: {text}", file=sys.stderr)
    return result
