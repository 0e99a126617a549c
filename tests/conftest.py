"""Shared test helpers: paths to the project's fixtures and to ../shared when present."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PAGES = DATA / "pages"
SEED = ROOT / "sources" / "pubmed-page-26237144.txt"
SEED_URL = "https://pubmed.ncbi.nlm.nih.gov/26237144/"
SHARED = Path(os.environ.get("MSCDATA_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test (a user's fresh clone has no ../shared)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_article():
    import mscdata

    [article] = mscdata.parse(SEED, url=SEED_URL)
    return article


@pytest.fixture(scope="session")
def _package_built_once(tmp_path_factory) -> Path:
    import mscdata

    return mscdata.build(ROOT / "sources", tmp_path_factory.mktemp("built") / "datapackage")


@pytest.fixture
def built_package(_package_built_once: Path, tmp_path: Path) -> Path:
    """A package built from the bundled sources, in a temporary folder of its own (a copy
    of the one the session builds once: a test may change or break it)."""
    import shutil

    return Path(shutil.copytree(_package_built_once, tmp_path / "datapackage"))


@pytest.fixture(scope="module")
def dask_cluster():
    """(scheduler address, client) of a local Dask cluster of two worker processes,
    shared by a module. The client is not the default one: mscdata must use the client
    it is given, and nothing else."""
    distributed = pytest.importorskip(
        "distributed", reason="Dask is not installed (pip install 'mscdata[dask]')"
    )
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            silence_logs=40,
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield local.scheduler_address, client


@pytest.fixture
def file_server(tmp_path: Path):
    """A local HTTP server (127.0.0.1) over a folder; yields (folder, base URL)."""
    import functools
    import http.server
    import threading

    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def seed_only_sources(folder: Path) -> Path:
    """A sources folder holding the seed page alone, with its address (one article:
    the small tables some tests name file by file)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / SEED.name)
    (folder / "manifest.yaml").write_text(
        f"sources:\n  - file: {SEED.name}\n    url: {SEED_URL}\n", encoding="utf-8"
    )
    return folder


def folder_files(folder: Path, *, hidden: bool = True) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path: a package's files and, with
    ``hidden``, the record store a build keeps beside them (``.mscdata/``)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (hidden or not path.relative_to(folder).as_posix().startswith("."))
    }


def csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows, header included."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv_rows(path: Path, rows: list[list[str]]) -> None:
    """Rows written as a CSV file the way mscdata writes its tables."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
