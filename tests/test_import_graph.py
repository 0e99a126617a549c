"""The import graph reads from sources to package (docs/ARCHITECTURE.md): the
import-linter contracts of pyproject.toml hold, nothing imports the package root, and
no hand-written module outgrows ~450 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "mscdata"
GENERATED = {"models.py", "schema_rules.py"}
MAX_LINES = 460

grimp = pytest.importorskip("grimp", reason="import-linter is a test dependency")


def _contracts() -> list[dict]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10")
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return document["tool"]["importlinter"]["contracts"]


def _contract(contract_id: str) -> dict:
    return next(c for c in _contracts() if c["id"] == contract_id)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("mscdata", exclude_type_checking_imports=True, cache_dir=None)


def test_the_import_contracts_of_pyproject_hold():
    command = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    done = subprocess.run(
        [sys.executable, "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout


def test_the_layers_contract_refuses_an_import_that_runs_upstream(graph):
    """The contract has teeth: one parser importing the builder breaks it."""
    layers_contract = _contract("stages")
    layers = [f"mscdata.{layer}" for layer in layers_contract["layers"]]
    assert not graph.find_illegal_dependencies_for_layers(layers=layers)
    graph.add_import(importer="mscdata.parsers.jats", imported="mscdata.builder.merge")
    try:
        broken = graph.find_illegal_dependencies_for_layers(layers=layers)
    finally:
        graph.remove_import(importer="mscdata.parsers.jats", imported="mscdata.builder.merge")
    assert {(d.importer, d.imported) for d in broken} == {("mscdata.parsers", "mscdata.builder")}


def test_the_ground_lists_every_top_level_module_that_is_not_a_stage(graph):
    """A new module at the top level is either shared ground or a stage, never neither."""
    ground = set(_contract("ground")["source_modules"])
    stages = {f"mscdata.{layer}" for layer in _contract("stages")["layers"]}
    top_level = {m for m in graph.find_children("mscdata")}
    assert top_level - stages == ground


def test_no_reader_imports_the_format_table_that_imports_it(graph):
    """The format table imports its readers by name (``"module:function"``), which
    import-linter cannot see: a reader importing the table back would be a circle."""
    from mscdata.parsers import formats

    readers = {
        row.reader.partition(":")[0] for row in formats.table() if isinstance(row.reader, str)
    }
    assert len(readers) >= 5
    back = {
        module: chain
        for module in sorted(readers)
        if (chain := graph.find_shortest_chain(importer=module, imported="mscdata.parsers.formats"))
    }
    assert back == {}


def test_nothing_imports_the_package_root(graph):
    """``mscdata/__init__.py`` re-exports the public API; no module reaches back up to it
    (``__version__`` is in ``mscdata.version``)."""
    assert graph.find_modules_that_directly_import("mscdata") == set()


def test_no_hand_written_module_outgrows_the_house_limit():
    sizes = {
        str(path.relative_to(SOURCE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SOURCE.rglob("*.py")
        if path.name not in GENERATED
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}
