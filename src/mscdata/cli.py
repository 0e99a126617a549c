"""The ``mscdata`` command: a thin layer over the library functions.

Exit codes: 0 ok, 1 invalid data, 2 usage or unusable input. Errors go to stderr as
one line, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mscdata import __version__
from mscdata.errors import BuildError, FetchError, MscdataError, PackageError, ParseError
from mscdata.wording import counted

if TYPE_CHECKING:
    from mscdata.progress import Progress

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_SHOWN = 20  # failures listed one per line before the count
# the classes of mscdata's model (mscdata.models), for validate --records --class
RECORD_CLASSES = (
    "Article", "Author", "Contributor", "Affiliation", "AbstractSection", "Keyword", "Figure",
    "Reference", "MeshHeading", "Substance", "Grant", "LinkedArticle", "ArticleIdentifier",
    "Accession", "Provenance",
)  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mscdata",
        description="Open data on the literature of mesenchymal stromal/stem cells: parse "
        "PubMed sources, build and validate the mscdata data package.",
    )
    parser.add_argument("--version", action="version", version=f"mscdata {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="parse a source file and print its articles as JSON",
        description="Parse a source and print its articles as a JSON array. Nine formats, "
        "gzipped or not, told from the content: PubMed XML (efetch, baseline and update "
        "files), MEDLINE text (.nbib, efetch rettype=medline), PMC JATS XML, PubMed and "
        "publisher HTML pages, PubMed page text in four renderings (chrome, plain, compact, "
        "legacy) and PMC page text. Deletions and failed records are reported on stderr; "
        "exit 1 when a record failed.",
    )
    parse.add_argument("file", metavar="FILE", help="the source file ('-' for standard input)")
    parse.add_argument(
        "--url",
        help="address the source was retrieved from, e.g. https://pubmed.ncbi.nlm.nih.gov/"
        "<PMID>/ (supplies the PMID a PubMed page does not print; default: none)",
    )
    formats = _source_formats()
    parse.add_argument(
        "--format",
        dest="source_format",
        choices=formats,
        metavar="FORMAT",
        help=f"the format, instead of telling it from the content: {', '.join(formats)}",
    )

    build = commands.add_parser(
        "build",
        help="build the data package from the sources",
        description="Build the data package from a sources folder "
        "(with manifest.yaml), validate it, and swap it in atomically. One build at a time "
        "writes into --out (a lock file beside it); a second one exits 2, or waits (--wait).",
    )
    build.add_argument(
        "--sources", default="sources", help="sources folder or manifest file (default: sources)"
    )
    build.add_argument("--out", default="datapackage", help="output folder (default: datapackage)")
    build.add_argument(
        "--no-validate",
        action="store_true",
        help="skip validating the new package before swapping it in",
    )
    build.add_argument(
        "--skip-failures",
        action="store_true",
        help="build without the records that fail to parse (they are counted and listed); "
        "by default any failed record stops the build",
    )
    build.add_argument(
        "--from-cache",
        action="store_true",
        help="read the manifest's queries and PMIDs from the fetch cache only, never the "
        "network (fails naming what the cache lacks)",
    )
    build.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another build is writing the same --out, wait up to SECONDS for it to "
        "finish (default: 0, fail at once with exit 2)",
    )

    release = commands.add_parser(
        "release",
        help="write the release zip of a data package and its SHA256SUMS",
        description="Write mscdata-datapackage-<version>.zip (reproducible: sorted entries, "
        "fixed timestamps, stored) and SHA256SUMS; the version is the package's own.",
    )
    release.add_argument(
        "--package",
        default=None,
        help="package folder (default: ./datapackage when it holds a datapackage.json, "
        "else the package bundled with mscdata)",
    )
    release.add_argument("--out", default="dist", help="output folder (default: dist)")

    download = commands.add_parser(
        "download",
        help="download a released data package into the cache and print its folder",
        description="Download a released data package (default: this mscdata's version), "
        "check its SHA-256 against the registry mscdata ships, unpack it safely and cache "
        "it per version (MSCDATA_CACHE_DIR); offline, the cache is used. Exit 1 when the "
        "release can be neither downloaded nor found in the cache.",
    )
    download.add_argument(
        "--version",
        dest="package_version",
        metavar="VERSION",
        help=f"the release wanted (default: {__version__}, this mscdata's)",
    )
    download.add_argument(
        "--url",
        help="where to download the zip from (default: the release's address on GitHub; "
        "MSCDATA_RELEASES_URL replaces its base)",
    )
    download.add_argument(
        "--sha256",
        help="the zip's SHA-256, for a release mscdata does not list (default: the one "
        "mscdata lists for the version)",
    )
    download.add_argument(
        "--allow-bundled",
        action="store_true",
        help="when the release cannot be downloaded and is not cached, print the folder of "
        "the package bundled with mscdata instead of failing (exit 1)",
    )

    fetch = commands.add_parser(
        "fetch",
        help="fetch PubMed records (and PMC full text) from NCBI E-utilities into the cache",
        description="Fetch PubMed records by PMID or query, and the PMC JATS of those with a "
        "PMCID, politely (tool/email, NCBI_API_KEY, 3 or 10 requests a second, retries) into "
        "the cache (MSCDATA_CACHE_DIR). Exit 1 when any requested record is missing.",
    )
    fetch.add_argument("pmids", nargs="*", metavar="PMID", help="PubMed identifiers")
    fetch.add_argument("--query", help="a PubMed query; every hit is fetched, even past 9,999")
    fetch.add_argument("--pmid-file", help="a file of PMIDs (whitespace or comma separated)")
    fetch.add_argument(
        "--pmcid", action="append", default=[], help="a PMC article to fetch (repeatable)"
    )
    fetch.add_argument(
        "--no-pmc", action="store_true", help="do not fetch the PMC full text of the records"
    )
    fetch.add_argument("--out", help="also copy the raw responses into this folder")
    fetch.add_argument(
        "--offline", action="store_true", help="use the cache only (fail on what it lacks)"
    )

    validate = commands.add_parser(
        "validate",
        help="validate a data package",
        description="Validate a data package (default: the one "
        "bundled with mscdata). Exit 0 valid, 1 invalid, 2 unusable.",
    )
    validate.add_argument(
        "path",
        nargs="*",
        metavar="PATH",
        help="package folders or datapackage.json files (default: the bundled package); a "
        "data file (CSV, Parquet) stands for the package whose datapackage.json is in its "
        "folder or above, each package validated once",
    )
    validate.add_argument(
        "--format",
        dest="output_format",
        choices=["text", "json", "github"],
        default="text",
        help="report format: text (default), json (its JSON Schema: mscdata schema export "
        "--format report), or github (workflow annotations)",
    )
    validate.add_argument(
        "--records",
        action="append",
        metavar="FILE",
        help="validate a file of records (JSON, JSON Lines, YAML or CSV) instead of a "
        "package; repeatable",
    )
    validate.add_argument(
        "--class",
        dest="record_class",
        default="Article",
        choices=RECORD_CLASSES,
        metavar="CLASS",
        help="the mscdata class the records are (default: Article): " + ", ".join(RECORD_CLASSES),
    )
    validate.add_argument(
        "--max-errors",
        type=int,
        default=None,
        metavar="N",
        help="show at most N errors (the rest are counted; default: all)",
    )
    validate.add_argument(
        "--engine",
        choices=("fast", "frictionless"),
        default="fast",
        help="who checks the tables: mscdata's column-wise engine (default) or frictionless "
        "row by row (the standard's reference, much slower)",
    )
    describe = commands.add_parser(
        "describe",
        help="write the datapackage.json of a folder of mscdata tables (your own data)",
        description="Write FOLDER/datapackage.json for the CSV files in FOLDER named after "
        "mscdata tables (articles.csv, authors.csv, keywords.csv, …; any subset of them): "
        "mscdata's Table Schemas, the Data Package v2 $schema, the mscdata schema version, "
        "each file's SHA-256 and size. Other files are reported and left out; Parquet files "
        "are refused (mscdata validates CSV tables only). Then run: mscdata validate FOLDER.",
    )
    describe.add_argument("folder", metavar="FOLDER", help="the folder holding the CSV tables")
    describe.add_argument(
        "--update",
        action="store_true",
        help="refresh an existing datapackage.json (tables, schemas, hashes, sizes), keeping "
        "your own title, description, licences and other properties; without it an "
        "existing descriptor is refused",
    )

    for command in (parse, build, release, download, fetch, validate):
        command.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="show no progress on stderr (shown by default when stderr is a terminal)",
        )
    schema = commands.add_parser(
        "schema",
        help="export mscdata's schemas (JSON Schema, LinkML, Table Schema)",
        description="Export the schemas shipped with mscdata, for validating your own data "
        "with other tools (e.g. check-jsonschema).",
    )
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="COMMAND", required=True)
    export = schema_commands.add_parser("export", help="write a schema to stdout or a file")
    export.add_argument(
        "--format",
        dest="schema_format",
        required=True,
        choices=sorted(SCHEMA_FILES),
        help="which schema: jsonschema (the records), linkml (the model's source), "
        "tableschema (the package's tables), report (mscdata validate --format json)",
    )
    export.add_argument(
        "--schema-version",
        default=None,
        help="the schema version wanted: the one shipped (default) or an earlier one "
        "this mscdata archives",
    )
    export.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    return parser


SCHEMA_FILES = {
    "jsonschema": "mscdata.schema.json",
    "linkml": "mscdata.yaml",
    "tableschema": "mscdata.tableschema.json",
    "report": "mscdata.report.schema.json",
}


def _source_formats() -> list[str]:
    """The names ``mscdata parse --format`` accepts: every format mscdata reads."""
    from mscdata.parsers.detect import FORMATS, RECORD_FORMATS

    return [*FORMATS, *RECORD_FORMATS]


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
    from pathlib import Path

    from mscdata.errors import MissingPmidWarning
    from mscdata.parsers import read

    # a Path is always read as a file: "no such file" or "is a directory", never as text
    source = sys.stdin.buffer.read() if args.file == "-" else Path(args.file)
    progress = _progress(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # mscdata's own; not ResourceWarning
        result = read(source, url=args.url, format=args.source_format, progress=progress)
    for warning in caught:
        if isinstance(warning.message, MissingPmidWarning):
            advice = warning.message.advice("--url https://pubmed.ncbi.nlm.nih.gov/<PMID>/")
            print(f"mscdata parse: note: {advice}", file=sys.stderr)
        else:
            print(f"mscdata parse: warning: {_one_line(warning.message)}", file=sys.stderr)
    _write_articles(result.articles, progress)
    if result.deletions:
        pmids = " ".join(d.pmid for d in result.deletions[:20])
        more = " …" if len(result.deletions) > 20 else ""
        deleted = counted(len(result.deletions), "deleted PMID")
        print(f"mscdata parse: {deleted} (DeleteCitation): {pmids}{more}", file=sys.stderr)
    for failure in result.failures[:MAX_SHOWN]:
        print(f"mscdata parse: failed: {failure}", file=sys.stderr)
    if result.failures:
        failed = counted(len(result.failures), "record")
        print(f"mscdata parse: {failed} failed, {len(result.articles)} read", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _progress(args: argparse.Namespace) -> Progress:
    """Progress on stderr when it is a terminal and ``--quiet`` is not given."""
    from mscdata.progress import terminal_progress

    return terminal_progress(quiet=args.quiet)


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


def _cmd_build(args: argparse.Namespace) -> int:
    from mscdata.package import BuildReport, build

    report = BuildReport()
    out = build(
        args.sources,
        args.out,
        validate=not args.no_validate,
        skip_failures=args.skip_failures,
        from_cache=args.from_cache,
        report=report,
        wait=args.wait,
        progress=_progress(args),
    )
    checked = "" if args.no_validate else " and validated"
    print(f"built{checked}: {out}/datapackage.json ({counted(report.articles, 'article')})")
    if report.merged:
        print(f"merged {counted(report.merged, 'article')} read from more than one source")
    for note in report.notes:
        print(f"note: {note}")
    if report.deleted:
        print(f"applied {counted(len(report.deleted), 'deletion')} (DeleteCitation)")
    for conflict in report.conflicts[:MAX_SHOWN]:
        print(f"mscdata build: conflict: {conflict}", file=sys.stderr)
    if len(report.conflicts) > MAX_SHOWN:
        conflicts = counted(len(report.conflicts), "conflict")
        print(f"mscdata build: {conflicts} in all", file=sys.stderr)
    if report.failures:
        for failure in report.failures[:MAX_SHOWN]:
            print(f"mscdata build: skipped: {failure}", file=sys.stderr)
        print(
            f"mscdata build: {counted(len(report.failures), 'record')} failed and "
            f"{'was' if len(report.failures) == 1 else 'were'} skipped",
            file=sys.stderr,
        )
    return EXIT_OK


def _cmd_fetch(args: argparse.Namespace) -> int:
    import shutil
    from pathlib import Path

    from mscdata.fetching import fetch, read_pmid_file

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

    from mscdata.release import release
    from mscdata.resources import datapackage_dir

    package = args.package
    if package is None:  # the working folder's package, else the bundled one
        local = Path("datapackage")
        package = local if (local / "datapackage.json").is_file() else datapackage_dir()
    archive, sums = release(package, args.out, progress=_progress(args))
    print(f"wrote {archive} and {sums}")
    return EXIT_OK


def _cmd_download(args: argparse.Namespace) -> int:
    from mscdata.downloads import DownloadFailed, UnknownChecksum, download

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
    from mscdata.describing import describe
    from mscdata.wording import counted

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
    from mscdata.package_paths import packages_to_validate
    from mscdata.record_files import validate_records
    from mscdata.validation import validate

    if args.records:
        reports = (
            validate_records(f, class_name=args.record_class, max_errors=args.max_errors)
            for f in args.records
        )
    else:
        progress = _progress(args)
        reports = (
            validate(p, max_errors=args.max_errors, engine=args.engine, progress=progress)
            for p in packages_to_validate(args.path)
        )
    valid = True
    for report in reports:
        valid = valid and report.valid
        rendered = {"json": report.to_json, "github": report.to_github, "text": report.to_text}
        print(rendered[args.output_format]())
    return EXIT_OK if valid else EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    commands = {
        "parse": _cmd_parse,
        "build": _cmd_build,
        "validate": _cmd_validate,
        "schema": _cmd_schema,
        "fetch": _cmd_fetch,
        "release": _cmd_release,
        "download": _cmd_download,
        "describe": _cmd_describe,
    }
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    shown_before, warnings.showwarning = warnings.showwarning, _show_warning(args.command)
    try:
        return commands[args.command](args)
    except (ParseError, PackageError, BuildError, FetchError) as error:
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
