"""validate reads zip archives and package URLs (served here on 127.0.0.1 only)."""

from __future__ import annotations

import shutil
import zipfile

import pytest

import mscdata


def _zip(folder, archive, prefix=""):
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"{prefix}{path.name}")
    return archive


def test_a_zipped_package_validates(built_package, tmp_path):
    archive = _zip(built_package, tmp_path / "package.zip", prefix="mscdata/")
    report = mscdata.validate(archive)
    articles = len(mscdata.load(built_package))
    assert report.valid and report.path == str(archive) and report.rows["articles"] == articles


def test_an_unsafe_zip_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../outside.txt", "x")
    with pytest.raises(mscdata.PackageError, match="unsafe path"):
        mscdata.validate(archive)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_package_urls_descriptor_and_zip(built_package, file_server):
    root, base = file_server
    shutil.copytree(built_package, root / "pkg")
    _zip(built_package, root / "pkg.zip")
    keywords = mscdata.validate(built_package).rows["keywords"]
    for url in (f"{base}/pkg/datapackage.json", f"{base}/pkg.zip"):
        report = mscdata.validate(url)
        assert report.valid, report.to_text()
        assert report.path == url and report.rows["keywords"] == keywords > 6
    broken = root / "pkg" / "articles.csv"
    broken.write_text(broken.read_text().replace(",10.3390/", ",11.3390/"))
    report = mscdata.validate(f"{base}/pkg/datapackage.json")
    assert ("constraint-error", "doi") in {(e.type, e.field) for e in report.errors}


def test_an_unreachable_url_is_unusable_input(file_server):
    _, base = file_server
    with pytest.raises(mscdata.PackageError, match="cannot download"):
        mscdata.validate(f"{base}/missing/datapackage.json")
