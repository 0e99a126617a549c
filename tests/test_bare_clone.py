"""A bare clone (no ../shared beside it) collects every test the full checkout does, and
the vendored real inputs are what tests/data/corpus/README.md says they are."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from corpus import VENDORED

SMALL_EXCERPT = "peers/pubmed-xml/pubmed21n1298.small-excerpt.xml"
VENDORED_FILES = sorted(
    str(p.relative_to(VENDORED))
    for p in VENDORED.rglob("*")
    if p.is_file() and p.parent != VENDORED
)


# every test module that can reach ../shared (through conftest or tests/corpus.py)
USES_SHARED = sorted(
    str(p.relative_to(ROOT))
    for p in (ROOT / "tests").glob("test_*.py")
    if re.search(r"\bshared_path\b|\bSHARED\b|\bcorpus\b", p.read_text(encoding="utf-8"))
)


def _collected(shared: Path) -> subprocess.Popen:
    env = {**os.environ, "MSCDATA_SHARED": str(shared)}
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:hypothesispytest"]  # its import is most of the time collecting takes
    return subprocess.Popen(
        [*command, *USES_SHARED],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_bare_clone_collects_every_test_and_skips_the_corpus_ones(tmp_path):
    """Each test that needs ../shared is collected (and then skipped with the reason),
    never left out: the same test ids with and without ../shared."""
    present = shared_path()  # the comparison needs ../shared itself
    assert "tests/test_pubmed_xml.py" in USES_SHARED and len(USES_SHARED) >= 8
    runs = [_collected(present), _collected(tmp_path / "no-shared")]
    outputs = [run.communicate(timeout=300)[0].decode() for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output[-3000:]
    with_shared, bare = ([line for line in o.splitlines() if "::" in line] for o in outputs)
    assert len(with_shared) > 150
    assert sorted(set(with_shared) - set(bare)) == [] and bare == with_shared


def test_the_readme_names_every_vendored_file():
    readme = (VENDORED / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([^`]+)`", readme, flags=re.M))
    assert named == set(VENDORED_FILES)
    total = sum((VENDORED / name).stat().st_size for name in VENDORED_FILES)
    assert total < 2_000_000  # a small set: big files stay in ../shared


@pytest.mark.parametrize("name", [n for n in VENDORED_FILES if n != SMALL_EXCERPT])
def test_a_vendored_file_is_the_shared_file_byte_for_byte(name):
    shared = shared_path("corpus", name)
    assert (VENDORED / name).read_bytes() == shared.read_bytes()


def test_the_small_excerpt_is_cut_byte_for_byte_from_the_update_file():
    whole = shared_path("corpus", "peers", "pubmed-xml", "pubmed21n1298.excerpt.xml.gz")
    with gzip.open(whole, "rb") as handle:
        original = handle.read()
    excerpt = (VENDORED / SMALL_EXCERPT).read_bytes()
    pieces = re.split(rb"(?=  <PubmedArticle>|  <DeleteCitation>)", excerpt)
    assert len(pieces) == 5  # header, three records, the DeleteCitation and the end
    assert original.startswith(pieces[0])
    places = [original.index(piece) for piece in pieces[1:]]
    assert places == sorted(places)
    assert original.endswith(pieces[-1])
