"""``mscdata build``, ``update`` and ``upload``: a library call each, and what they did."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mscdata.cli.common import EXIT_OK, MAX_SHOWN, print_skipped, progress_of
from mscdata.wording import counted


def cmd_build(args: argparse.Namespace) -> int:
    """``mscdata build``: the package built (and uploaded to a storage URL), what it read."""
    from mscdata.builder.build import build
    from mscdata.builder.source_rows import BuildReport

    report = BuildReport()
    out = build(
        args.sources[0] if len(args.sources) == 1 else args.sources,
        args.out,
        validate=not args.no_validate,
        skip_failures=args.skip_failures,
        from_cache=args.from_cache,
        report=report,
        wait=args.wait,
        progress=progress_of(args),
        table_format=args.table_format,
        scheduler=args.scheduler,
        workers=args.workers,
        work=args.work,
        storage_options=storage_options(args),
    )
    checked = "" if args.no_validate else " and validated"
    print(f"built{checked}: {out}/datapackage.json ({counted(report.articles, 'article')})")
    if isinstance(out, str) and args.work is None:  # a storage URL: where update finds it
        from mscdata.builder.build import work_folder

        print(f"kept with its record store in {work_folder(out)} (for mscdata update, upload)")
    return print_report(report, args.command)


def cmd_upload(args: argparse.Namespace) -> int:
    """``mscdata upload``: the package published at a storage URL, or unchanged there."""
    from mscdata.builder.upload import upload

    done = upload(
        args.package,
        args.url,
        storage_options=storage_options(args),
        validate=not args.no_validate,
        progress=progress_of(args),
    )
    if done.unchanged:
        print(f"unchanged: {args.url}/datapackage.json already points at {done.version}")
    else:
        sent = f"{counted(done.files, 'file')}, {counted(done.bytes, 'byte')}"
        print(f"uploaded: {args.url}/datapackage.json → {done.version} ({sent})")
    for name in done.removed:
        print(f"removed the older version {name}")
    return EXIT_OK


def storage_options(args: argparse.Namespace) -> dict[str, Any] | None:
    """The ``--storage-option KEY=VALUE`` given (BuildError for a malformed one)."""
    from mscdata.errors import BuildError
    from mscdata.storage_urls import parse_options

    try:
        return parse_options(args.storage_option) or None
    except ValueError as error:
        raise BuildError(str(error)) from None


def cmd_update(args: argparse.Namespace) -> int:
    """``mscdata update``: the package brought up to date, what the update changed."""
    from mscdata.builder.source_rows import BuildReport
    from mscdata.builder.update import update

    report = BuildReport()
    out = update(
        args.package,
        args.sources[0] if len(args.sources) == 1 else args.sources,
        validate=not args.no_validate,
        validate_all=args.validate_all,
        skip_failures=args.skip_failures,
        from_cache=args.from_cache,
        report=report,
        wait=args.wait,
        progress=progress_of(args),
    )
    changed = f"{report.changed or 0} changed"
    checked = "" if args.no_validate else f", {'all' if args.validate_all else 'those'} validated"
    print(
        f"updated: {out}/datapackage.json ({counted(report.articles, 'article')}; "
        f"{changed}{checked})"
    )
    return print_report(report, args.command)


def print_report(report: Any, command: str) -> int:
    """What a build or an update read, merged, applied and skipped."""
    if report.merged:
        print(f"merged {counted(report.merged, 'article')} read from more than one source")
    for note in report.notes:
        print(f"note: {note}")
    if report.stream.records or report.stream.deletions:
        print(f"PubMed records applied in order: {report.stream}")
    for conflict in report.conflicts[:MAX_SHOWN]:
        print(f"mscdata {command}: conflict: {conflict}", file=sys.stderr)
    if len(report.conflicts) > MAX_SHOWN:
        conflicts = counted(len(report.conflicts), "conflict")
        print(f"mscdata {command}: {conflicts} in all", file=sys.stderr)
    print_skipped(report.failures, command)
    return EXIT_OK
