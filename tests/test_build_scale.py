"""benchmarks/build_scale.py: how it tells an updated package from a rebuilt one (every
file the descriptor lists and the descriptor itself, byte for byte; hidden files not)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture
def build_scale(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import build_scale

    return build_scale


def _package(folder: Path, parts: dict[str, bytes]) -> Path:
    resources = [
        {"name": "articles", "path": "articles.csv", "format": "csv"},
        {"name": "authors", "path": ["authors/part-1.parquet", "authors/part-2.parquet"]},
    ]
    files = {"datapackage.json": json.dumps({"resources": resources}).encode(), **parts}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


PARTS = {
    "articles.csv": b"id\npmid:1\n",
    "authors/part-1.parquet": b"PAR1 one",
    "authors/part-2.parquet": b"PAR1 two",
    ".mscdata/store": b"the update store",
}


def test_identical_packages_differ_in_no_listed_file(build_scale, tmp_path):
    one = _package(tmp_path / "one", PARTS)
    other = _package(tmp_path / "other", {**PARTS, ".mscdata/store": b"another store"})
    assert build_scale.listed_files(one) == [
        "datapackage.json",
        "articles.csv",
        "authors/part-1.parquet",
        "authors/part-2.parquet",
    ]
    assert build_scale.differing_files(one, other) == []
    total, hidden = build_scale.disk_mib(one)
    assert hidden * 2**20 == len(PARTS[".mscdata/store"])
    assert total * 2**20 == sum(p.stat().st_size for p in one.rglob("*") if p.is_file())


def test_a_changed_or_missing_listed_file_is_named(build_scale, tmp_path):
    one = _package(tmp_path / "one", PARTS)
    other = _package(tmp_path / "other", {**PARTS, "authors/part-2.parquet": b"PAR1 tw0"})
    (other / "articles.csv").unlink()
    assert build_scale.differing_files(one, other) == ["articles.csv", "authors/part-2.parquet"]


def test_a_manifest_names_the_tiles_relative_to_itself(build_scale, tmp_path):
    tiles = [tmp_path / "tiles" / f"pubmed21n000{k}.xml.gz" for k in (1, 2)]
    manifest = build_scale.write_manifest(tmp_path / "runs" / "manifest-2.yaml", tiles)
    assert manifest.read_text() == (
        "sources:\n"
        "  - file: ../tiles/pubmed21n0001.xml.gz\n"
        "  - file: ../tiles/pubmed21n0002.xml.gz\n"
    )
