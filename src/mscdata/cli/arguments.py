"""The arguments of the ``mscdata`` command (:mod:`mscdata.cli` runs them): every
subcommand with its choices and defaults, as ``--help`` shows them."""

from __future__ import annotations

import argparse

from mscdata.cli.building_arguments import add_build_commands
from mscdata.cli.facts_command import add_facts_command
from mscdata.cli.summary_command import add_summary_command
from mscdata.version import __version__

# the classes of mscdata's model (mscdata.models), for validate --records --class
RECORD_CLASSES = (
    "Article", "Author", "Contributor", "Affiliation", "AbstractSection", "Keyword", "Figure",
    "BodySection", "Reference", "MeshHeading", "Substance", "Grant", "LinkedArticle",
    "ArticleIdentifier", "Accession", "Provenance", "MscFact",
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The ``mscdata`` command's arguments: every subcommand, its choices and defaults."""
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
        description="Parse a source and print its articles as a JSON array. The formats "
        "(gzipped or not, told from the content, never from the file name): "
        f"{_format_list()}. Deletions and failed records are reported on "
        "stderr; exit 1 when a record failed.",
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

    build, update, upload = add_build_commands(commands)

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
    validate.add_argument(
        "--temp-dir",
        default=None,
        metavar="DIR",
        help="where key columns are set aside while tables are checked, and an archive or "
        "download is unpacked (default: the system's temporary folder, TMPDIR)",
    )
    validate.add_argument(
        "--scheduler",
        metavar="local|ADDRESS",
        help="check the tables on a Dask cluster (pip install 'mscdata[dask]'): local "
        "(worker processes on this machine) or a scheduler's address (tcp://host:8786), "
        "whose workers see the package and --temp-dir at the same paths; the report is the "
        "same",
    )
    validate.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="with --scheduler local: how many worker processes (default: one per core)",
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

    select = _topic_commands(commands)
    facts = add_facts_command(commands, formats)
    add_summary_command(commands)

    quiet = (parse, build, update, upload, release, download, fetch, validate, select, facts)
    for command in quiet:
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


def _format_list() -> str:
    """The readable formats, each with its label: ``pubmed_xml (PubMed XML), …``."""
    from mscdata.parsers.formats import get

    return ", ".join(f"{name} ({get(name).label})" for name in _source_formats())


def _topic_commands(commands) -> argparse.ArgumentParser:
    """Add ``mscdata select`` and ``mscdata topic query|list``; return ``select``."""
    select = commands.add_parser(
        "select",
        help="write the records of bulk PubMed XML files on a topic into one PubMed XML file",
        description="Stream PubMed XML files (baseline or update files, efetch results; "
        "gzipped or not) and write the records on a topic, each byte for byte as in its "
        "file, into one PubMed XML file (gzipped when OUT ends in .gz), with the inputs' "
        "names and SHA-256 in a comment. DeleteCitation elements are kept unless "
        "--drop-deletions. Written atomically: nothing is left half-written. Exit 1 when a "
        "record failed (nothing written unless --skip-failures), 2 for unusable input.",
    )
    select.add_argument("files", nargs="+", metavar="FILE", help="PubMed XML files")
    select.add_argument(
        "--topic", required=True, help="a bundled topic (e.g. msc) or a topic file (YAML)"
    )
    select.add_argument("--out", required=True, help="the PubMed XML file to write")
    select.add_argument(
        "--drop-deletions",
        action="store_true",
        help="leave out DeleteCitation elements (kept by default: they delete, downstream, "
        "PMIDs that NLM withdrew)",
    )
    select.add_argument(
        "--skip-failures",
        action="store_true",
        help="write the selection without records that fail to parse (listed on stderr)",
    )
    topic = commands.add_parser(
        "topic",
        help="show the topics mscdata selects by (msc) and their PubMed queries",
        description="Topics are defined once, as data (MeSH descriptors, terms, "
        "exclusions): the PubMed query and the local filter of mscdata select follow.",
    )
    topic_commands = topic.add_subparsers(dest="topic_command", metavar="COMMAND", required=True)
    query = topic_commands.add_parser("query", help="print a topic's PubMed (E-utilities) query")
    query.add_argument("topic", metavar="TOPIC", help="a bundled topic (e.g. msc) or a topic file")
    topic_commands.add_parser("list", help="list the bundled topics")
    return select


def _source_formats() -> list[str]:
    """The names ``mscdata parse --format`` accepts: every format mscdata reads (the
    readable rows of :mod:`mscdata.parsers.formats`)."""
    from mscdata.parsers.formats import readable_names

    return list(readable_names())
