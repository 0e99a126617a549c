"""An atomic, single-writer build (mscdata.builder.publish): a build killed with SIGKILL at each
named phase leaves a complete package at --out (the old one or the new one) and the next
build cleans up; one build at a time writes into a folder; a failed build changes nothing.

Kills are injected at exact phases (``publish.checkpoint``), never left to timing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest

import mscdata
from mscdata.builder import build as package
from mscdata.builder import publish

from conftest import PAGES, ROOT, folder_files

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kills with SIGKILL")

SRC = Path(mscdata.__file__).resolve().parents[1]
KILLED = -signal.SIGKILL


KILL_SCRIPT = """
import os, signal, sys
from mscdata.builder import build as package
from mscdata.builder import publish

phase, sources, out, mode, validate = sys.argv[1:6]

def kill_at(name):
    if name == phase:
        os.kill(os.getpid(), signal.SIGKILL)

publish.checkpoint = kill_at
if mode == "renames":  # as on a system without an atomic exchange
    publish._exchange = lambda first, second: False
package.build(sources, out, validate=validate == "validate")
"""


def killed_build(
    phase: str, sources: Path, out: Path, mode: str = "exchange", validate: bool = True
) -> int:
    """Build in a fresh Python process that kills itself at ``phase``; its exit code.

    (Not a fork of the test process: a fork of a process whose libraries run threads
    can deadlock.) Tests of the swap variants pass ``validate=False``: validation only
    reads the staging folder, and importing its libraries costs a second per process."""
    flag = "validate" if validate else "no-validate"
    done = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, phase, str(sources), str(out), mode, flag],
        env=_env(), capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, KILLED), done.stderr.decode()
    return done.returncode


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def cli_build(sources: Path, out: Path, *args: str, **popen: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mscdata.cli", "build", "--sources", str(sources),
         "--out", str(out), *args],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen,
    )  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return folder_files(folder)


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    """Two different packages, "old" (the repo's sources) and "new" (another article)."""
    base = tmp_path_factory.mktemp("packages")
    new_sources = base / "new-sources"
    new_sources.mkdir()
    shutil.copy(PAGES / "legacy.txt", new_sources)
    (new_sources / "manifest.yaml").write_text("sources:\n  - file: legacy.txt\n", "utf-8")
    built = {
        "old_sources": ROOT / "sources",
        "new_sources": new_sources,
        "old": mscdata.build(ROOT / "sources", base / "old"),
        "new": mscdata.build(new_sources, base / "new"),
    }
    for name in ("old", "new"):
        assert mscdata.validate(built[name]).valid
    assert snapshot(built["old"]) != snapshot(built["new"])
    return built


def which(out: Path, packages: dict[str, Path]) -> str | None:
    """Which package is at ``out``, "old" or "new" (byte for byte one of the two, both
    checked valid by mscdata.validate); None when there is none."""
    if not os.path.lexists(out):
        return None
    content = snapshot(out)
    for name in ("old", "new"):
        if content == snapshot(packages[name]):
            return name
    report = mscdata.validate(out)
    pytest.fail(f"{out} holds neither the old nor the new package:\n{report.to_text()}")


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


BEFORE_SWAP = ["locked", "staged", "validated", "synced"]
AFTER_SWAP = ["swapped", "removing-old", "published"]


@pytest.mark.parametrize("phase", BEFORE_SWAP + AFTER_SWAP)
@pytest.mark.parametrize("previous", [True, False], ids=["over-old", "fresh"])
def test_a_build_killed_at_any_phase_leaves_a_complete_package(tmp_path, packages, phase, previous):
    out = tmp_path / "datapackage"
    if previous:
        shutil.copytree(packages["old"], out)
    code = killed_build(phase, packages["new_sources"], out)
    if phase == "removing-old" and not previous:
        assert code == 0  # there is no old package to remove
    else:
        assert code == KILLED
    expected = "new" if phase in AFTER_SWAP else ("old" if previous else None)
    assert which(out, packages) == expected
    assert not out.is_symlink()
    if code == KILLED:
        assert leftovers(out)  # the killed build left its lock (and maybe folders) behind
    mscdata.build(packages["new_sources"], out)
    assert which(out, packages) == "new"
    assert leftovers(out) == []


@pytest.mark.parametrize(
    "phase, at_once, restored",
    [
        ("journaled", "old", "old"),
        ("moved-old", None, "old"),  # the only window without a package: the journal undoes it
        ("swapped", "new", "new"),
        ("removing-old", "new", "new"),
    ],
)
def test_the_two_rename_fallback_is_recovered_by_the_next_build(
    tmp_path, packages, phase, at_once, restored
):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    code = killed_build(phase, packages["new_sources"], out, mode="renames", validate=False)
    assert code == KILLED
    assert which(out, packages) == at_once
    # the next build repairs --out before anything else, even one that then fails
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.txt").write_text("not a pubmed page\n", encoding="utf-8")
    (bad / "manifest.yaml").write_text("sources:\n  - file: bad.txt\n", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match="not a PubMed page"):
        mscdata.build(bad, out)
    assert which(out, packages) == restored
    assert leftovers(out) == []


def test_the_fallback_swaps_when_nothing_is_killed(tmp_path, packages, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    mscdata.build(packages["new_sources"], out)
    assert which(out, packages) == "new" and leftovers(out) == []


LINK_PHASES = ["staged", "synced", "renamed-target", "swapped", "removing-old", "published"]


@pytest.mark.parametrize("phase", LINK_PHASES)
def test_a_symlinked_out_is_relinked_atomically(tmp_path, packages, phase):
    releases = tmp_path / "releases"
    releases.mkdir()
    shutil.copytree(packages["old"], releases / "v1")
    out = tmp_path / "datapackage"
    out.symlink_to(Path("releases") / "v1", target_is_directory=True)
    mscdata.build(packages["old_sources"], out)  # now points at a folder mscdata made
    [made] = [p for p in releases.iterdir() if p.name != "v1"]
    assert os.readlink(out) == str(Path("releases") / made.name)  # still relative
    assert killed_build(phase, packages["new_sources"], out, validate=False) == KILLED
    assert out.is_symlink()
    assert which(out, packages) == ("new" if phase in AFTER_SWAP else "old")
    mscdata.build(packages["new_sources"], out)
    assert out.is_symlink() and which(out, packages) == "new"
    assert leftovers(out) == []
    current = Path(os.path.realpath(out))
    assert sorted(p.name for p in releases.iterdir()) == sorted(["v1", current.name])
    assert snapshot(releases / "v1") == snapshot(packages["old"])  # the user's own is left
    mscdata.build(packages["new_sources"], out)  # the same package again: nothing to change
    assert Path(os.path.realpath(out)) == current


def test_the_repository_layout_stays_a_real_directory(tmp_path):
    out = tmp_path / "datapackage"
    shutil.copytree(ROOT / "datapackage", out)
    mscdata.build(ROOT / "sources", out)
    assert out.is_dir() and not out.is_symlink()
    # the committed package leaves out the record store the build keeps beside it
    assert folder_files(out, hidden=False) == folder_files(ROOT / "datapackage", hidden=False)
    assert (out / ".mscdata" / "store.sqlite").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage"]


def test_a_second_build_fails_at_once_naming_the_first(tmp_path, packages):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    with publish.publishing(out):
        with pytest.raises(mscdata.BuildError, match=rf"another build \(pid {os.getpid()}\)"):
            mscdata.build(packages["new_sources"], out)
        process = cli_build(packages["new_sources"], out)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and stdout == b""
    [line] = stderr.decode().splitlines()
    assert line.startswith("mscdata build: error: ") and f"pid {os.getpid()}" in line
    assert which(out, packages) == "old" and leftovers(out) == []


def test_a_build_told_to_wait_waits_for_the_lock(tmp_path, packages, monkeypatch):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    holder = publish.publishing(out)
    holder.__enter__()
    polls = []

    def release_on_first_poll(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 1:
            holder.__exit__(None, None, None)

    clock = types.SimpleNamespace(monotonic=publish.time.monotonic, sleep=release_on_first_poll)
    monkeypatch.setattr(publish, "time", clock)
    mscdata.build(packages["new_sources"], out, wait=60)
    assert len(polls) == 1 and which(out, packages) == "new" and leftovers(out) == []


def test_waiting_gives_up_after_the_timeout(tmp_path, packages):
    out = tmp_path / "datapackage"
    with (
        publish.publishing(out),
        pytest.raises(mscdata.BuildError, match=r"after waiting 0\.2 s"),
    ):
        mscdata.build(packages["new_sources"], out, wait=0.2)


def test_two_concurrent_builds_never_collide(tmp_path, packages):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    processes = [cli_build(packages["new_sources"], out) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert 0 in [code for code, _ in results]
    for code, stderr in results:
        assert code in (0, 2), stderr
        if code == 2:
            assert "another build (pid" in stderr and len(stderr.splitlines()) == 1
    assert which(out, packages) == "new" and leftovers(out) == []


def test_a_stale_lock_file_does_not_block(tmp_path, packages):
    out = tmp_path / "datapackage"
    lock = tmp_path / ".datapackage.lock"
    lock.write_text("999999999\n", encoding="ascii")  # its process is long gone
    mscdata.build(packages["new_sources"], out)
    assert which(out, packages) == "new" and not lock.exists()


def test_leftovers_of_dead_builds_are_removed(tmp_path, packages):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    for name in (".datapackage.build-41", ".datapackage.old-42", ".other.build-43"):
        shutil.copytree(packages["old"], tmp_path / name)
    (tmp_path / ".datapackage.link-44").symlink_to(out)
    (tmp_path / ".datapackage.build-x").mkdir()  # not a name a build makes: left alone
    mscdata.build(packages["new_sources"], out)
    assert which(out, packages) == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".datapackage.build-x", ".other.build-43", "datapackage"
    ]  # fmt: skip


def _corrupting_writer(original):
    def write(rows, total, folder, *rest, **options):
        original(rows, total, folder, *rest, **options)
        with open(folder / "articles.csv", "a", encoding="utf-8") as file:
            file.write("an extra row that matches no hash\n")

    return write


def test_an_invalid_package_leaves_out_byte_identical(tmp_path, packages, monkeypatch):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)
    before = snapshot(out)
    monkeypatch.setattr(package, "write_rows", _corrupting_writer(package.write_rows))
    with pytest.raises(mscdata.BuildError, match="the built package is invalid"):
        mscdata.build(packages["new_sources"], out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage"]


def test_a_write_error_is_one_line_and_changes_nothing(tmp_path, packages, monkeypatch):
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)

    def disk_full(rows, total, folder, *rest, **options):
        raise OSError(28, "No space left on device", str(folder / "articles.csv"))

    monkeypatch.setattr(package, "write_rows", disk_full)
    with pytest.raises(mscdata.BuildError, match=r"articles\.csv: No space left on device"):
        mscdata.build(packages["new_sources"], out)
    assert snapshot(out) == snapshot(packages["old"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage"]


def test_a_staging_folder_still_written_to_does_not_hide_why_the_build_stopped(
    tmp_path, packages, monkeypatch
):
    # a task of a remote Dask cluster still running when the build stopped writes into
    # the staging folder while it is removed: the build's own error is the one raised,
    # and what is left is removed by the next build
    out = tmp_path / "datapackage"
    shutil.copytree(packages["old"], out)

    def disk_full(rows, total, folder, *rest, **options):
        raise OSError(28, "No space left on device", str(folder / "articles.csv"))

    def busy(path, *, checkpoints=True):
        raise OSError(39, "Directory not empty", str(path))

    monkeypatch.setattr(package, "write_rows", disk_full)
    monkeypatch.setattr(publish, "_remove_tree", busy)
    monkeypatch.setattr(publish.time, "sleep", lambda seconds: None)
    with pytest.raises(mscdata.BuildError, match=r"articles\.csv: No space left on device"):
        mscdata.build(packages["new_sources"], out)
    monkeypatch.undo()
    assert snapshot(out) == snapshot(packages["old"])
    assert len(list(tmp_path.iterdir())) > 1  # the staging folder, left behind
    mscdata.build(packages["new_sources"], out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage"]


def test_only_a_package_folder_is_replaced(tmp_path, packages):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match="not a data package"):
        mscdata.build(packages["new_sources"], notes)
    assert (notes / "todo.txt").read_text(encoding="utf-8") == "keep me\n"
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match="is not a folder"):
        mscdata.build(packages["new_sources"], file)
    empty = tmp_path / "empty"
    empty.mkdir()
    mscdata.build(packages["new_sources"], empty)
    assert which(empty, packages) == "new"


def test_a_lock_file_removed_under_a_waiter_is_not_trusted(tmp_path, packages, monkeypatch):
    """A waiter that locks a file its holder has just removed must not believe it holds
    the lock: a third build may already hold the new lock file."""
    out = tmp_path / "datapackage"
    lock = tmp_path / ".datapackage.lock"
    real_try_lock = publish._try_lock
    third = []

    def racing_try_lock(fd: int) -> bool:
        locked = real_try_lock(fd)
        if not third:  # the previous holder removes its file, then a third build locks anew
            lock.unlink()
            third.append(publish._locked(lock, out, 0.0))
            third[0].__enter__()
        return locked

    monkeypatch.setattr(publish, "_try_lock", racing_try_lock)
    with pytest.raises(mscdata.BuildError, match=rf"another build \(pid {os.getpid()}\)"):
        mscdata.build(packages["new_sources"], out)
    third[0].__exit__(None, None, None)
    assert not os.path.lexists(out) and leftovers(out) == []
