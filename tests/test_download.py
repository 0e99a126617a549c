"""Release zips and downloads, served on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

import mscdata
from mscdata.cli import main
from mscdata.remote.downloads import OfflineFallbackWarning, download, registry
from mscdata.remote.release import archive_bytes, release

from conftest import ROOT

VERSION = mscdata.__version__


@pytest.fixture
def served(file_server, tmp_path, monkeypatch):
    """A local release server (its folder and base URL) and a fresh cache."""
    _, base = file_server
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MSCDATA_RELEASES_URL", base)
    return file_server


def _publish(root, data, version=VERSION):
    folder = root / f"v{version}"
    folder.mkdir(exist_ok=True)
    (folder / f"mscdata-datapackage-{version}.zip").write_bytes(data)


def test_release_is_reproducible_and_listed_in_the_registry(tmp_path):
    first, sums = release(ROOT / "datapackage", tmp_path / "one")
    second, _ = release(ROOT / "datapackage", tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    assert sums.read_text() == f"{digest}  mscdata-datapackage-{VERSION}.zip\n"
    assert registry()[VERSION]["sha256"] == digest  # what download() will accept
    with zipfile.ZipFile(first) as bundle:
        names = bundle.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in bundle.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_download_verifies_unpacks_caches_and_works_offline(served, built_package):
    root, base = served
    _publish(root, archive_bytes(ROOT / "datapackage")[1])
    folder = download()
    assert (folder / "datapackage.json").is_file()
    assert mscdata.validate(folder).valid
    (root / f"v{VERSION}").rename(root / "gone")  # the server no longer has it
    assert download() == folder  # from the cache
    assert mscdata.load(f"{base}/gone/mscdata-datapackage-{VERSION}.zip").by_pmid("26237144")


def test_a_corrupted_download_is_refused_and_not_cached(served):
    root, _ = served
    data = bytearray(archive_bytes(ROOT / "datapackage")[1])
    data[200] ^= 0xFF
    _publish(root, bytes(data))
    with pytest.raises(mscdata.PackageError, match="SHA-256 mismatch"):
        download()
    assert not (root.parent / "cache" / "packages" / VERSION).exists()


def test_a_zip_slip_archive_is_refused_even_with_the_right_checksum(served, tmp_path):
    root, _ = served
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../outside.txt", "x")
        bundle.writestr("datapackage.json", "{}")
    _publish(root, archive.read_bytes(), "9.9.9")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with pytest.raises(mscdata.PackageError, match="unsafe path"):
        download("9.9.9", sha256=digest)
    assert not (tmp_path / "outside.txt").exists()


def test_an_unknown_release_needs_a_checksum(served):
    with pytest.raises(mscdata.PackageError, match=r"no SHA-256 known for data package 9\.9\.8"):
        download("9.9.8")


def test_offline_and_uncached_falls_back_to_the_bundled_package(served, monkeypatch):
    monkeypatch.setenv("MSCDATA_RELEASES_URL", "http://127.0.0.1:9")  # nothing listens
    with pytest.warns(OfflineFallbackWarning, match="using the package bundled"):
        folder = download()
    assert json.loads((folder / "datapackage.json").read_text())["version"] == VERSION


def test_cli_release_and_download(served, tmp_path, capsys):
    root, _ = served
    assert main(["release", "--out", str(tmp_path / "dist")]) == 0
    _publish(root, (tmp_path / "dist" / f"mscdata-datapackage-{VERSION}.zip").read_bytes())
    capsys.readouterr()
    assert main(["download"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"mscdata-datapackage-{VERSION}")


def test_citation_file_names_this_version_and_the_data_package():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert citation["version"] == VERSION
    for key in ("title", "authors", "license", "date-released", "message"):
        assert citation[key]
    data = next(r for r in citation["references"] if r["type"] == "data")
    assert data["version"] == VERSION
    assert {"PubMed", "PubMed Central (PMC)"} <= {r["title"] for r in citation["references"]}


def test_load_reads_a_package_url_and_a_zip_url_with_a_given_checksum(served, built_package):
    import shutil

    root, base = served
    shutil.copytree(built_package, root / "pkg")
    assert mscdata.load(f"{base}/pkg/datapackage.json").by_pmid("26237144")
    _, data = archive_bytes(built_package)
    (root / "other.zip").write_bytes(data)
    with pytest.raises(mscdata.PackageError, match="pass sha256="):
        mscdata.load(f"{base}/other.zip")  # not a release this mscdata lists
    digest = hashlib.sha256(data).hexdigest()
    dataset = mscdata.load(f"{base}/other.zip", sha256=digest)
    assert dataset.by_pmid("26237144").title.startswith("Mesenchymal Stromal Cells")
