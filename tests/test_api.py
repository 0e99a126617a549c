"""The public API: names others rely on, and an import that stays light."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import mscdata


def test_public_names():
    for name in [
        "parse",
        "build",
        "validate",
        "load",
        "ParseError",
        "PackageError",
        "BuildError",
        "Dataset",
        "ValidationReport",
        "__version__",
    ]:
        assert hasattr(mscdata, name), name


def _own_docstring(value: object) -> str:
    """The docstring written for ``value`` itself, not one it inherits or is given."""
    doc = (value.__doc__ or "").strip()
    if isinstance(value, type) and doc.startswith(f"{value.__name__}("):
        return ""  # the signature a dataclass puts where a docstring is missing
    return doc


@pytest.mark.parametrize("name", [n for n in mscdata.__all__ if n != "__version__"])
def test_every_public_name_resolves_to_a_documented_object(name):
    value = getattr(mscdata, name)  # AttributeError when neither defined nor lazily mapped
    assert callable(value), name
    assert _own_docstring(value), f"mscdata.{name} has no docstring of its own"


@pytest.mark.parametrize("name", sorted(mscdata._LAZY))
def test_every_lazy_name_is_public_and_names_a_module_attribute(name):
    module_name, attribute = mscdata._LAZY[name]
    module = importlib.import_module(module_name)
    assert name in mscdata.__all__, f"{name} is loaded lazily but not in __all__"
    assert hasattr(module, attribute), f"{module_name} has no attribute {attribute}"
    assert getattr(mscdata, name) is getattr(module, attribute)


def test_functions_stay_functions_after_their_modules_are_imported():
    import mscdata.builder.build
    import mscdata.dataset
    import mscdata.parsers
    import mscdata.validator.validation

    for name in ["parse", "build", "validate", "load"]:
        assert callable(getattr(mscdata, name)), name


def test_parse_error_is_a_value_error():
    assert issubclass(mscdata.ParseError, ValueError)


def test_import_is_light():
    code = (
        "import sys, json, mscdata; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'frictionless', 'linkml_runtime', 'lxml', 'pandas', 'pydantic', 'yaml', "
        "'pyarrow', 'numpy', 'tqdm', 'rich'})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
