"""PubMed files read into mscdata's table rows on Spark: ``mscdata.file_records`` in
``mapPartitions``.

    python examples/spark_file_records.py FILE... [--master local[2]] [--table articles]

Each Spark task reads the files of its partition with :func:`mscdata.file_records`
(the function ``mscdata build --scheduler`` maps on a Dask cluster) and gives the rows
of one of the package's tables (``articles`` by default) for every article read, with
the columns of that table's Table Schema, as text. The script prints them as JSON
lines, then one line of counts (articles, deletions, failed records) on stderr.

Each file is read on its own: Spark does not apply them in order as PubMed's update
stream (a later record of a PMID replacing an earlier one, deletions). For a package,
build it with ``mscdata build`` (``--scheduler`` for a Dask cluster). Needs
``pip install pyspark`` and a Java runtime; workers need mscdata installed and the
files at the same paths.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any


def table_rows(paths: Iterable[str], table: str) -> Iterator[tuple[str, Any]]:
    """For ``mapPartitions``: ("row", the row as a dict) for each row of ``table`` of
    every article of the files, then ("deletions", n) and ("failures", [reasons]) per
    file."""
    import mscdata

    for path in paths:
        deletions, failures = 0, []
        for record in mscdata.file_records(path):
            if isinstance(record, mscdata.Deletion):
                deletions += 1
            elif isinstance(record, mscdata.RecordFailure):
                failures.append(str(record))
            else:
                for row in record.table_rows(table):
                    yield "row", row
        yield "deletions", deletions
        yield "failures", failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="PubMed XML (or any format mscdata reads)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--table", default="articles", help="the table to give (default articles)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(args.master)
        .appName("mscdata file_records")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        files = spark.sparkContext.parallelize(args.files, numSlices=len(args.files))
        table = args.table
        found = files.mapPartitions(lambda paths: table_rows(paths, table)).collect()
    finally:
        spark.stop()
    rows = [value for kind, value in found if kind == "row"]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    deletions = sum(value for kind, value in found if kind == "deletions")
    failures = [reason for kind, value in found if kind == "failures" for reason in value]
    print(
        f"{len(rows)} {args.table} rows, {deletions} deletions, {len(failures)} failed records",
        file=sys.stderr,
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
