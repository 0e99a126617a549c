"""examples/spark_file_records.py: mscdata.file_records inside PySpark mapPartitions, on
a local Spark session, gives the articles rows mscdata build writes."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from test_hostile_inputs import RECORD, pubmed_set

import mscdata

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "spark_file_records.py"
BUNDLED_MSC = ROOT / "sources" / "pubmed21n1298-msc.xml.gz"


@pytest.fixture(scope="module")
def spark_ready():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark needs one (e.g. apt install openjdk-17-jre)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark)")


@pytest.mark.slow
def test_file_records_in_spark_map_partitions_gives_the_built_articles_rows(spark_ready, tmp_path):
    own = tmp_path / "pubmed21n0001.xml"
    deletion = b"<DeleteCitation><PMID>999999</PMID></DeleteCitation>\n"
    own.write_bytes(pubmed_set(*(RECORD % n for n in range(1, 40)), deletion))
    files = [str(own), str(BUNDLED_MSC)]
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *files, "--master", "local[2]"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    spark_rows = sorted((json.loads(line) for line in done.stdout.splitlines()), key=_id)
    mscdata.build(files, tmp_path / "package")
    with (tmp_path / "package" / "articles.csv").open(encoding="utf-8", newline="") as handle:
        built = sorted(csv.DictReader(handle), key=_id)
    assert spark_rows == built
    assert len(built) == 39 + 114
    assert "153 articles rows, 21 deletions, 0 failed records" in done.stderr


def _id(row: dict[str, str]) -> str:
    return row["id"]
