"""The MSC corpus from PubMed's own files, end to end: ``mscdata select --topic msc`` over
the 2021 update file (and an excerpt of it), ``mscdata build`` of the first selection,
``mscdata update`` with the second, in CSV and Parquet: a validated package of the MSC
records, identical to a rebuild from both selections."""

from __future__ import annotations

import json

import pytest

import mscdata
from mscdata.cli import main

from conftest import folder_files, shared_path


@pytest.fixture(scope="module")
def selections(tmp_path_factory):
    """The MSC records of an excerpt of update file 21n1298 (the package's first
    source), then of the whole file under its own name (the update: its records of the
    excerpt come again, as a revised record comes again in a later file)."""
    excerpt = shared_path("corpus", "peers", "pubmed-xml", "pubmed21n1298.excerpt.xml.gz")
    update = shared_path("corpus", "bulk", "pubmed21n1298.xml.gz")
    folder = tmp_path_factory.mktemp("msc")
    chosen = []
    for source, name in ((excerpt, "msc-excerpt.xml.gz"), (update, update.name)):
        selection = mscdata.select([source], folder / name, topic="msc")
        assert selection.selected > 0 and selection.sources[0][0] == source.name
        chosen.append((folder / name, selection))
    return chosen


@pytest.mark.slow
@pytest.mark.parametrize("table_format", ["csv", "parquet"])
def test_select_build_update_gives_the_rebuilt_msc_package(selections, tmp_path, table_format):
    (first, _), (second, picked) = selections
    assert picked.selected == 114  # the MSC records of 21n1298 (see the README's Topics)
    package = tmp_path / "package"
    build = ["build", "--sources", str(first), "--out", str(package), "--format", table_format]
    assert main([*build, "-q"]) == 0
    assert main(["update", str(package), str(second), "-q"]) == 0
    rebuilt = tmp_path / "rebuilt"
    both = ["build", "--sources", str(first), str(second), "--out", str(rebuilt)]
    assert main([*both, "--format", table_format, "-q"]) == 0
    assert folder_files(package, hidden=False) == folder_files(rebuilt, hidden=False)
    assert mscdata.validate(package).valid
    loaded = mscdata.load(package)
    topic = mscdata.load_topic("msc")
    assert all(topic.matches(article) for article in loaded.articles)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert [s["title"] for s in descriptor["sources"]][1:] == [first.name, second.name]
    formats = {r["format"] for r in descriptor["resources"]}
    assert formats == {table_format}
