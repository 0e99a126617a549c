"""The arguments of ``mscdata build``, ``update`` and ``upload``."""

from __future__ import annotations

import argparse
from typing import Any


def add_build_commands(commands: Any) -> tuple[argparse.ArgumentParser, ...]:
    """Add ``build``, ``update`` and ``upload`` to the subcommands ``commands``; them."""
    build = commands.add_parser(
        "build",
        help="build the data package from the sources",
        description="Build the data package from a sources folder "
        "(with manifest.yaml), validate it, and swap it in atomically. One build at a time "
        "writes into --out (a lock file beside it); a second one exits 2, or waits (--wait). "
        "Sources apply in manifest order as PubMed's update stream: PubMed files "
        "(pubmedYYnNNNN.xml) listed by number, a later PubMed record of a PMID replacing the "
        "earlier one whole, the latest PMID version kept, DeleteCitation removing the PMID.",
    )
    build.add_argument(
        "--sources",
        nargs="+",
        default=["sources"],
        metavar="SOURCE",
        help="a sources folder or manifest file, or source files (default: sources)",
    )
    build.add_argument(
        "--out",
        default="datapackage",
        help="output folder (default: datapackage), or a storage URL such as "
        "s3://bucket/mscdata (pip install 'mscdata[cloud]' and the file system's package, "
        "e.g. s3fs): built and validated in --work, then uploaded there",
    )
    build.add_argument(
        "--work",
        metavar="FOLDER",
        help="with a storage URL as --out: the folder the package is built in and kept "
        "(for mscdata update and upload; default: one in mscdata's cache named after the "
        "URL; on a remote Dask cluster, a folder its workers share)",
    )
    add_storage_option(build)
    build.add_argument(
        "--format",
        dest="table_format",
        choices=("csv", "parquet"),
        default="csv",
        help="write the tables as CSV (default) or Parquet files, with the same Table Schemas",
    )
    build.add_argument(
        "--scheduler",
        metavar="local|ADDRESS",
        help="build on a Dask cluster (pip install 'mscdata[dask]'): local (worker "
        "processes on this machine) or a scheduler's address (tcp://host:8786), whose "
        "workers see the source files and the folder --out is in at the same paths; the "
        "package is the same",
    )
    build.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="with --scheduler local: how many worker processes (default: one per core)",
    )
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

    update = commands.add_parser(
        "update",
        help="apply update files (or fetch results, or a manifest) to a built package",
        description="Bring a package made by mscdata build up to date: apply the sources "
        "to the record store the build kept in the package (.mscdata/store.sqlite) as the "
        "build would have applied them after its own (PubMed's update stream: later "
        "records replace earlier ones, DeleteCitation removes PMIDs; PubMed files after "
        "the last one applied), write every table again in the package's format, validate "
        "the articles whose rows changed (--validate-all: every one), and swap the result "
        "in atomically. The result is byte for byte the package a "
        "build of all the sources in order gives.",
    )
    update.add_argument("package", help="the package folder to update")
    update.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="update files (pubmedYYnNNNN.xml.gz, fetch results, any source), or one "
        "sources folder or manifest file",
    )
    update.add_argument(
        "--no-validate", action="store_true", help="skip validating what the update changed"
    )
    update.add_argument(
        "--validate-all",
        action="store_true",
        help="validate the whole updated package, not only the articles the update changed "
        "(time then grows with the package)",
    )
    update.add_argument(
        "--skip-failures",
        action="store_true",
        help="update without the records that fail to parse (they are counted and listed)",
    )
    update.add_argument(
        "--from-cache",
        action="store_true",
        help="read a manifest's queries and PMIDs from the fetch cache only",
    )
    update.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another build or update is writing the package, wait up to SECONDS",
    )

    upload = commands.add_parser(
        "upload",
        help="publish a package folder at a storage URL (s3://…)",
        description="Validate the package in PACKAGE, upload its files to URL/versions/<id>/ "
        "(id: from the descriptor's SHA-256; sizes checked), then write URL/datapackage.json "
        "pointing at them: one object, so readers see the previous package or the new one. "
        "Older versions are removed, except the previous one. pip install 'mscdata[cloud]' and "
        "the file system's package (s3fs, gcsfs, adlfs…).",
    )
    upload.add_argument("package", help="the package folder (a build's --out or --work)")
    upload.add_argument("url", help="where to publish it, such as s3://bucket/mscdata")
    upload.add_argument(
        "--no-validate", action="store_true", help="skip validating the package first"
    )
    add_storage_option(upload)
    return build, update, upload


def add_storage_option(command: argparse.ArgumentParser) -> None:
    """``--storage-option KEY=VALUE`` (repeatable) on ``command``."""
    command.add_argument(
        "--storage-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option of the storage URL's file system, passed to fsspec (repeatable; "
        "e.g. endpoint_url=http://127.0.0.1:9000, anon=true); credentials are best left to "
        "the file system's own environment variables and files",
    )
