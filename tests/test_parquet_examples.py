"""The README's examples of reading a Parquet package with pandas, Polars and DuckDB,
run as written, in a folder holding a Parquet build at ``datapackage/`` (its larger
tables split into parts, so the examples are seen to read every part).

The examples are the code below (:data:`FILES`, then one of :data:`EXAMPLES`); every
``python`` block of the README that reads Parquet must be one of them, exactly.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import mscdata
from mscdata.builder import parquet_tables

from conftest import ROOT, seed_only_sources

FILES = '''import json

descriptor = json.load(open("datapackage/datapackage.json", encoding="utf-8"))


def parquet_files(table):
    """The Parquet files of one table: one file, or its parts in order."""
    [resource] = [r for r in descriptor["resources"] if r["name"] == table]
    paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    return [f"datapackage/{path}" for path in paths]
'''

PANDAS = """import pandas as pd

articles = pd.concat(map(pd.read_parquet, parquet_files("articles")), ignore_index=True)
keywords = pd.concat(map(pd.read_parquet, parquet_files("keywords")), ignore_index=True)
terms = keywords.merge(articles, left_on="article_id", right_on="id")
print(terms[["pmid", "term", "major_topic"]])
"""

POLARS = """import polars as pl

articles = pl.read_parquet(parquet_files("articles"))
references = pl.read_parquet(parquet_files("references"))
print(
    references.group_by("article_id")
    .agg(pl.len().alias("references"))
    .join(articles.select("id", "pmid", "title"), left_on="article_id", right_on="id")
)
# list fields hold their items joined with "|", as in the CSV build
print(articles.select("pmid", pl.col("publication_types").str.split("|")))
"""

DUCKDB = '''import duckdb

print(
    duckdb.sql(
        f"""
        SELECT a.pmid, count(*) AS keywords
        FROM read_parquet({parquet_files("articles")}) AS a
        JOIN read_parquet({parquet_files("keywords")}) AS k ON k.article_id = a.id
        GROUP BY a.pmid
        """
    ).fetchall()
)
# or, in SQL alone: FROM read_parquet('datapackage/keywords*.parquet')
print(duckdb.sql("SELECT count(*) FROM read_parquet('datapackage/keywords*.parquet')").fetchall())
'''

EXAMPLES = {"pandas": PANDAS, "polars": POLARS, "duckdb": DUCKDB}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder holding ``datapackage/``, a Parquet build of the seed page with its
    keywords and references in parts."""
    home = tmp_path_factory.mktemp("examples")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet_tables, "PART_ROWS", 4)
        sources = seed_only_sources(home / "sources")
        mscdata.build(sources, home / "datapackage", table_format="parquet")
    return home


def _run(code: str, folder: Path) -> str:
    """The code run in ``folder`` (after :data:`FILES`, unless it defines its own
    ``parquet_files``), and what it printed."""
    if "def parquet_files" not in code:
        code = FILES + "\n" + code
    printed = io.StringIO()
    here = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "<example>", "exec"), {"__name__": "__example__"})
    finally:
        os.chdir(here)
    return printed.getvalue()


def _needs(library: str) -> None:
    pytest.importorskip(library, reason=f"{library} is not installed (pip install {library})")


def test_pandas_reads_the_parquet_package(folder):
    _needs("pandas")
    printed = _run(PANDAS, folder)
    assert printed.count("26237144") == 6  # six keywords of the one article, two parts


def test_polars_reads_the_parquet_package(folder):
    _needs("polars")
    printed = _run(POLARS, folder)
    assert re.search(r"│ pmid:26237144 ┆ 5 +┆ 26237144", printed), printed  # two parts
    assert '["Review"]' in printed


def test_duckdb_reads_the_parquet_package(folder):
    _needs("duckdb")
    printed = _run(DUCKDB, folder)
    assert printed.splitlines() == ["[('26237144', 6)]", "[(6,)]"]


def _readme_blocks() -> list[str]:
    """The README's ``python`` blocks that read Parquet."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return [block for block in blocks if "parquet" in block]


def test_the_readme_shows_the_examples_tested_here():
    # the README's Parquet examples are these, exactly (none until they are added)
    tested = {code.strip() for code in (FILES, *EXAMPLES.values())}
    for block in _readme_blocks():
        assert block.strip() in tested, block


def test_the_examples_read_every_part(folder):
    parted = sorted(p.name for p in (folder / "datapackage").glob("*-0000?.parquet"))
    large = ("keywords", "msc_facts", "references")  # over the test's rows per part
    assert parted == [f"{t}-0000{n}.parquet" for t in large for n in (1, 2)]
