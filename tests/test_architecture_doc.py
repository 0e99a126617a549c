"""docs/ARCHITECTURE.md is drawn from the code: every file, module and name it cites
in backticks exists, so the page cannot silently go stale."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "mscdata"
DOC = ROOT / "docs" / "ARCHITECTURE.md"
CITED = re.compile(r"`([^`\s]+)`")
# a dotted name: module path within mscdata, then an optional attribute
NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")


def _cited() -> list[str]:
    return sorted(set(CITED.findall(DOC.read_text(encoding="utf-8"))))


def _module_for(parts: list[str]) -> tuple[str, list[str]] | None:
    """The longest prefix of ``parts`` naming an mscdata module, and the rest."""
    for end in range(len(parts), 0, -1):
        path = SOURCE.joinpath(*parts[:end])
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return "mscdata." + ".".join(parts[:end]), parts[end:]
    return None


def _resolves(name: str) -> bool:
    parts = name.removeprefix("mscdata.").split(".")
    found = _module_for(parts)
    if found is None and name.startswith("mscdata."):  # the public API: mscdata.read
        found = ("mscdata", parts)
    elif found is None:  # a bare module's attribute: identifiers.pick_ids, formats.Format
        matches = [p for p in SOURCE.rglob(f"{parts[0]}.py")]
        if len(matches) != 1:
            return False
        relative = matches[0].relative_to(SOURCE).with_suffix("").parts
        found = ("mscdata." + ".".join(relative), parts[1:])
    module_name, attributes = found
    target = importlib.import_module(module_name)
    for attribute in attributes:
        if not hasattr(target, attribute):
            return False
        target = getattr(target, attribute)
    return True


def test_every_cited_file_exists():
    files = [c for c in _cited() if c.endswith((".py", ".md", ".yaml", ".json", ".toml"))]
    assert files, "the page cites no file"
    missing = [
        f
        for f in files
        if not any((base / f).exists() for base in (ROOT, SOURCE, ROOT / "src"))
        and not (ROOT / "datapackage" / f).exists()
    ]
    assert missing == []


def _cited_names() -> list[str]:
    """Dotted names whose first part is ``mscdata`` or one of its modules (others, such
    as ``provenance.source_format``, name schema slots or methods, not code)."""
    modules = {"mscdata", *(p.stem for p in SOURCE.rglob("*.py"))}
    return [
        c
        for c in _cited()
        if NAME.match(c)
        and not c.endswith((".py", ".md", ".yaml", ".json"))
        and c.split(".")[0] in modules
    ]


def test_the_page_cites_code_by_name():
    assert len(_cited_names()) >= 10


@pytest.mark.parametrize("name", _cited_names())
def test_every_cited_module_and_name_exists(name):
    assert _resolves(name), f"docs/ARCHITECTURE.md cites `{name}`, which the code lacks"


def test_every_stage_package_is_on_the_page():
    text = DOC.read_text(encoding="utf-8")
    stages = [p.name for p in SOURCE.iterdir() if (p / "__init__.py").is_file()]
    assert sorted(s for s in stages if f"`mscdata.{s}`" not in text) == []
