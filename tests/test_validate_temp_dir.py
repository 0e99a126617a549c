"""Where validation sets key columns aside: ``temp_dir`` (``--temp-dir``) when given,
the package's own ``.mscdata/`` folder during a build, else the system's."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import mscdata
from mscdata.cli import main

from conftest import ROOT, seed_only_sources


@pytest.fixture
def spill_folders(monkeypatch) -> list[Path]:
    """The folders every temporary key file was made in."""
    folders: list[Path] = []
    make = tempfile.mkstemp

    def recorded(*args, **options):
        handle, name = make(*args, **options)
        if Path(name).name.startswith("mscdata-keys-"):
            folders.append(Path(name).parent)
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", recorded)
    return folders


def test_validation_sets_key_columns_aside_in_the_folder_given(tmp_path, spill_folders):
    spill = tmp_path / "spill"
    spill.mkdir()
    report = mscdata.validate(ROOT / "datapackage", temp_dir=spill)
    assert report.valid
    assert spill_folders and set(spill_folders) == {spill}
    assert not list(spill.iterdir())  # each file removed with its table


def test_a_build_validates_with_its_key_columns_beside_the_package(tmp_path, spill_folders):
    sources = seed_only_sources(tmp_path / "sources")
    mscdata.build(sources, tmp_path / "package")
    assert spill_folders
    assert all(folder.name == ".mscdata" for folder in spill_folders)
    assert all(folder.parent.name.startswith(".package.build-") for folder in spill_folders)


def test_a_missing_temporary_folder_is_a_located_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    with pytest.raises(mscdata.PackageError, match="nowhere: the temporary folder given"):
        mscdata.validate(ROOT / "datapackage", temp_dir=missing)
    assert main(["validate", "--temp-dir", str(missing)]) == 2
    assert "nowhere: the temporary folder given does not exist" in capsys.readouterr().err
