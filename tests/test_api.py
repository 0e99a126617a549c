"""The public API: names others rely on, and an import that stays light."""

from __future__ import annotations

import json
import subprocess
import sys

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
    assert set(mscdata.__all__) <= set(dir(mscdata))


def test_functions_stay_functions_after_their_modules_are_imported():
    import mscdata.dataset
    import mscdata.package
    import mscdata.parsers
    import mscdata.validation

    for name in ["parse", "build", "validate", "load"]:
        assert callable(getattr(mscdata, name)), name


def test_parse_error_is_a_value_error():
    assert issubclass(mscdata.ParseError, ValueError)


def test_import_is_light():
    code = (
        "import sys, json, mscdata; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'frictionless', 'linkml_runtime', 'lxml', 'pandas', 'pydantic', 'yaml', "
        "'pyarrow', 'numpy'})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
