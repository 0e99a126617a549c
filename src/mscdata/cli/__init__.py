"""The ``mscdata`` command: a thin layer over the library functions.

Exit codes: 0 ok, 1 invalid data, 2 usage or unusable input. Errors go to stderr as
one line, without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mscdata.cli.arguments import SCHEMA_FILES, build_parser
from mscdata.cli.building import cmd_build, cmd_update, cmd_upload
from mscdata.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    print_skipped,
    read_source,
    report_read,
)
from mscdata.cli.common import progress_of as _progress
from mscdata.cli.facts_command import cmd_facts
from mscdata.cli.summary_command import cmd_summary
from mscdata.errors import (
    BuildError,
    ClusterError,
    FetchError,
    MscdataError,
    PackageError,
    ParseError,
    TopicError,
)
from mscdata.version import __version__
from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.progress import Progress


def _cmd_schema(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mscdata.resources import schema_file

    try:
        path = schema_file(SCHEMA_FILES[args.schema_format], args.schema_version)
    except LookupError as error:
        raise PackageError(str(error)) from None
    if not path.is_file():  # the report shape is not archived: it is not versioned data
        raise PackageError(f"no {args.schema_format} export for schema {args.schema_version}")
    text = path.read_text(encoding="utf-8")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_parse(args: argparse.Namespace) -> int:
    progress = _progress(args)
    result = read_source(args, progress)
    _write_articles(result.articles, progress)
    return report_read(result, "parse")


def _write_articles(articles: Sequence[Any], progress: Progress) -> None:
    """The articles as a JSON array on stdout, the bytes ``json.dump(indent=2)`` writes,
    written one article at a time (their count shown to ``progress``)."""
    from mscdata.progress import RECORD_BATCH

    write = sys.stdout.write
    with progress.task("writing JSON", total=len(articles), unit="articles") as task:
        for number, article in enumerate(articles):
            text = json.dumps(article.model_dump(mode="json"), ensure_ascii=False, indent=2)
            write(("[\n  " if number == 0 else ",\n  ") + text.replace("\n", "\n  "))
            if number % RECORD_BATCH == RECORD_BATCH - 1:
                task.update(RECORD_BATCH)
        task.update(len(articles) % RECORD_BATCH)
    write("\n]\n" if articles else "[]\n")


def _cmd_fetch(args: argparse.Namespace) -> int:
    import shutil
    from pathlib import Path

    from mscdata.remote.fetching import fetch, read_pmid_file

    pmids = list(args.pmids)
    if args.pmid_file:
        pmids += read_pmid_file(args.pmid_file)
    if not (pmids or args.query or args.pmcid):
        raise FetchError("nothing to fetch: give PMIDs, --pmid-file, --query or --pmcid")
    result = fetch(
        pmids,
        query=args.query,
        pmcids=args.pmcid,
        pmc=not args.no_pmc,
        offline=args.offline,
        progress=_progress(args),
    )
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for path in result.files:
            shutil.copy2(path, out / path.name)
    stream = sys.stdout if result.complete else sys.stderr
    print(result.summary(), file=stream)
    return EXIT_OK if result.complete else EXIT_INVALID


def _cmd_release(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mscdata.remote.release import release
    from mscdata.resources import datapackage_dir

    package = args.package
    if package is None:  # the working folder's package, else the bundled one
        local = Path("datapackage")
        package = local if (local / "datapackage.json").is_file() else datapackage_dir()
    archive, sums = release(package, args.out, progress=_progress(args))
    print(f"wrote {archive} and {sums}")
    return EXIT_OK


def _cmd_download(args: argparse.Namespace) -> int:
    from mscdata.remote.downloads import DownloadFailed, UnknownChecksum, download

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # mscdata's own; not ResourceWarning
        try:
            folder = download(
                args.package_version,
                args.url,
                sha256=args.sha256,
                fallback=args.allow_bundled,
                progress=_progress(args),
            )
        except UnknownChecksum as error:
            raise PackageError(error.asking("--sha256 SHA256")) from None
        except DownloadFailed as error:
            if error.bundled:  # the bundled package is this release: say how to use it
                raise DownloadFailed(
                    f"{error}; --allow-bundled uses the package bundled with mscdata "
                    f"{__version__} instead"
                ) from None
            raise
    for warning in caught:  # the fallback to the bundled package, as one line
        print(f"mscdata download: note: {_one_line(warning.message)}", file=sys.stderr)
    print(folder)
    return EXIT_OK


def _cmd_describe(args: argparse.Namespace) -> int:
    from mscdata.builder.describing import describe

    done = describe(args.folder, update=args.update)
    verb = "wrote" if done.created else "updated"
    count = counted(len(done.tables), "mscdata table")
    print(f"{verb} {done.path}: {count} ({', '.join(done.tables)})")
    for name in done.removed:
        print(f"removed {name}: its file {name}.csv is gone")
    for name in done.kept:
        print(f"kept your resource {name} as it is (not an mscdata table: not refreshed)")
    for line in done.left_out:
        print(f"left out {line}")
    for warning in done.warnings:
        print(f"warning: {warning}")
    print(f"next: mscdata validate {args.folder}")
    return EXIT_OK


def _one_line(message: Warning | str) -> str:
    """A warning's text on one line (never the source line Python prints with it)."""
    return " ".join(str(message).split())


def _show_warning(command: str):
    """``warnings.showwarning`` for the command line: ``mscdata CMD: warning: …``."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"mscdata {command}: warning: {_one_line(message)}", file=sys.stderr)

    return show


def _cmd_validate(args: argparse.Namespace) -> int:
    from mscdata.validator.package_paths import packages_to_validate
    from mscdata.validator.record_files import validate_records
    from mscdata.validator.validation import validate

    if args.records:
        if args.scheduler is not None or args.workers is not None:
            raise ClusterError("--scheduler checks packages; --records files are checked here")
        return _print_reports(
            (
                validate_records(f, class_name=args.record_class, max_errors=args.max_errors)
                for f in args.records
            ),
            args.output_format,
        )
    with _validation_cluster(args) as client:
        progress = _progress(args)
        return _print_reports(
            (
                validate(
                    p,
                    max_errors=args.max_errors,
                    engine=args.engine,
                    progress=progress,
                    temp_dir=args.temp_dir,
                    client=client,
                )
                for p in packages_to_validate(args.path)
            ),
            args.output_format,
        )


@contextlib.contextmanager
def _validation_cluster(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask client ``--scheduler`` asks for, one for every package validated; None
    without it."""
    if args.scheduler is None and args.workers is None:
        yield None
        return
    from mscdata.dask_cluster import check_engine, dask_client

    check_engine(args.scheduler or "", args.workers)
    with dask_client(args.scheduler or "", args.workers) as client:
        yield client


def _print_reports(reports: Iterable[Any], output_format: str) -> int:
    """Each validation report printed in ``output_format``; exit 0 when all are valid."""
    valid = True
    for report in reports:
        valid = valid and report.valid
        rendered = {"json": report.to_json, "github": report.to_github, "text": report.to_text}
        print(rendered[output_format]())
    return EXIT_OK if valid else EXIT_INVALID


def _cmd_select(args: argparse.Namespace) -> int:
    from mscdata.topics.selection import select

    selection = select(
        args.files,
        args.out,
        topic=args.topic,
        deletions=not args.drop_deletions,
        skip_failures=args.skip_failures,
        progress=_progress(args),
    )
    print(selection.summary())
    print_skipped(selection.failures, "select")
    return EXIT_OK


def _cmd_topic(args: argparse.Namespace) -> int:
    from mscdata.topics import bundled_topics, load_topic

    if args.topic_command == "list":
        for name in bundled_topics():
            print(f"{name}\t{load_topic(name).title}")
        return EXIT_OK
    print(load_topic(args.topic).query())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {
        "parse": _cmd_parse,
        "build": cmd_build,
        "update": cmd_update,
        "upload": cmd_upload,
        "validate": _cmd_validate,
        "schema": _cmd_schema,
        "fetch": _cmd_fetch,
        "release": _cmd_release,
        "download": _cmd_download,
        "describe": _cmd_describe,
        "select": _cmd_select,
        "topic": _cmd_topic,
        "summary": cmd_summary,
        "facts": cmd_facts,
    }
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    shown_before, warnings.showwarning = warnings.showwarning, _show_warning(args.command)
    try:
        return commands[args.command](args)
    except (ParseError, PackageError, BuildError, ClusterError, FetchError, TopicError) as error:
        print(f"mscdata {args.command}: error: {error}", file=sys.stderr)
        return getattr(error, "exit_status", EXIT_USAGE)  # a damaged cache entry: 1
    except MscdataError as error:  # pragma: no cover - every error has its class above
        print(f"mscdata {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mscdata: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:  # a bug of mscdata: never mistaken for invalid data (exit 1)
        if os.environ.get("MSCDATA_DEBUG"):
            raise
        what = " ".join(f"{type(error).__name__}: {error}".split())
        print(
            f"mscdata {args.command}: internal error: {what} (a bug in mscdata: please "
            "report it with the input; MSCDATA_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        warnings.showwarning = shown_before  # main() may run inside a program


if __name__ == "__main__":
    raise SystemExit(main())
