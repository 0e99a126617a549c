"""Downstream CI: schema export, check-jsonschema, the pre-commit hook, the GitHub Action.

All offline: pre-commit clones this checkout (a local path) and runs the hook that
uses the installed mscdata.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mscdata.cli import main

from conftest import DATA, ROOT
from invalid_records import mutated

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return path


@pytest.mark.parametrize(
    "fmt, name",
    [
        ("jsonschema", "mscdata.schema.json"),
        ("linkml", "mscdata.yaml"),
        ("tableschema", "mscdata.tableschema.json"),
        ("report", "mscdata.report.schema.json"),
    ],
)
def test_schema_export_writes_the_shipped_schema(tmp_path, fmt, name):
    out = tmp_path / name
    assert main(["schema", "export", "--format", fmt, "-o", str(out)]) == 0
    assert out.read_bytes() == (ROOT / "schemas" / name).read_bytes()


def test_schema_export_of_an_unknown_version_is_refused(capsys):
    assert main(["schema", "export", "--format", "linkml", "--schema-version", "0.0.1"]) == 2
    assert "no schema 0.0.1 in this mscdata (it has 0.1.0, " in capsys.readouterr().err
    assert main(["schema", "export", "--format", "linkml", "--schema-version", "9.0.0"]) == 2
    assert "a newer schema comes with a newer mscdata: install it from" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("jsonschema", "mscdata.schema.json"),
        ("linkml", "mscdata.yaml"),
        ("tableschema", "mscdata.tableschema.json"),
    ],
)
def test_schema_export_of_an_earlier_version(tmp_path, fmt, name):
    out = tmp_path / name
    assert (
        main(["schema", "export", "--format", fmt, "--schema-version", "0.1.0", "-o", str(out)])
        == 0
    )
    assert out.read_bytes() == (ROOT / "schemas" / "archive" / "0.1.0" / name).read_bytes()
    text = out.read_text(encoding="utf-8")
    assert "0.1.0" in text and "0.2.0" not in text


def test_check_jsonschema_accepts_a_good_record_and_refuses_a_bad_one(tmp_path):
    tool = _tool("check-jsonschema")
    schema = ROOT / "schemas" / "mscdata.schema.json"
    good = DATA / "examples" / "valid" / "seed-article.json"
    bad = tmp_path / "doi-pattern.json"
    bad.write_text(json.dumps(mutated("doi-pattern")), encoding="utf-8")
    ok = subprocess.run(
        [tool, "--schemafile", str(schema), str(good)], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    refused = subprocess.run(
        [tool, "--schemafile", str(schema), str(bad)], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1 and "doi" in refused.stdout + refused.stderr


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def test_pre_commit_hook_passes_a_good_package_and_fails_a_broken_one(tmp_path, built_package):
    tool = _tool("pre-commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(built_package, project / "data")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def run_hook() -> subprocess.CompletedProcess:
        return subprocess.run(
            [tool, "try-repo", str(ROOT), "mscdata-validate-system", "--all-files"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    passed = run_hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "mscdata validate (installed mscdata)" in passed.stdout and "Passed" in passed.stdout
    articles = project / "data" / "articles.csv"
    articles.write_text(articles.read_text().replace(",10.3390/", ",11.3390/"))
    _git(project, "add", ".")
    failed = run_hook()
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert "constraint-error" in failed.stdout


def test_the_github_action_installs_mscdata_and_annotates():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"path", "mscdata-version", "python-version", "max-errors"} <= set(action["inputs"])
    commands = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "pip install" in commands and "mscdata validate --format github" in commands
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"mscdata-validate", "mscdata-validate-system"}
