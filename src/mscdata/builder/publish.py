"""Publish a built package folder at ``--out``: one writer at a time, and never an instant
without a complete package there.

A build runs inside :func:`publishing`, which

1. takes the lock ``.<out>.lock`` beside ``--out`` (``fcntl.flock``; ``msvcrt.locking``
   on Windows), released by the operating system when the process dies, so a lock file
   left by a killed build blocks nobody. A second build into the same folder fails at
   once with a :class:`BuildError` naming the pid of the build holding the lock, or waits
   up to ``wait`` seconds for it. The lock file is removed on release (a waiter that
   locked a removed file notices and locks the new one);
2. holding the lock proves no other build into ``--out`` is alive, so it removes the
   leftovers of dead builds: staging folders ``.<out>.build-<pid>``, old packages
   ``.<out>.old-<pid>``, temporary links ``.<out>.link-<pid>``, and first completes or
   undoes a swap a killed build left half done (see the journal below);
3. gives the build a fresh staging folder ``.<out>.build-<pid>`` beside ``--out`` (same
   file system), which the build fills and validates;
4. on :meth:`Publication.commit`, fsyncs every file and the folder, then swaps it in:

   - **Linux**: ``renameat2(RENAME_EXCHANGE)`` exchanges the staging folder and
     ``--out`` in one atomic step (glibc 2.28+, and a file system that supports it:
     ext4, xfs, btrfs, tmpfs, ...); the old package, now at the staging path, is then
     removed. **macOS**: ``renamex_np(RENAME_SWAP)``, the same exchange (untested here).
     ``--out`` stays a real directory (the repository's ``datapackage/`` is one).
   - ``--out`` does not exist yet: one ``rename`` (atomic everywhere).
   - ``--out`` is a symlink (a user's own layout): the package goes into a new folder
     ``<out>-<12 hex of its descriptor's SHA-256>`` beside the link's target, and a new
     link replaces the old one with one ``os.replace`` (atomic on POSIX). The previous
     target is removed when its name has that form (made by mscdata), otherwise left.
   - **Elsewhere** (Windows, other systems, or a file system answering EINVAL/ENOSYS):
     two renames, ``--out`` → ``.<out>.old-<pid>`` then staging → ``--out``. Between
     them ``--out`` is missing; a journal ``.<out>.journal`` written (and fsynced)
     before the first rename and removed after the second lets the next build put the
     old package back if the process died in between. This is recoverable, not atomic.

A build that fails (an exception, an invalid package) removes its staging folder and
leaves ``--out`` untouched. :func:`checkpoint` is called at each named phase; it does
nothing, and exists so that tests can kill the process at an exact phase.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from mscdata.errors import BuildError

DISCARD_ATTEMPTS = 5  # tries to remove a failed build's staging folder

PHASES = (
    "locked",  # the lock is held and leftovers are cleaned
    "staged",  # the staging folder is written (called by the build)
    "validated",  # the staging folder passed validation (called by the build)
    "synced",  # every staged file and the folder are fsynced: just before the swap
    "journaled",  # fallback only: the journal is written, --out still untouched
    "moved-old",  # fallback only: --out moved aside, the new package not yet in place
    "renamed-target",  # symlinked --out only: the new folder is in place, link not yet
    "swapped",  # the new package is at --out
    "removing-old",  # the old package is partly removed
    "published",  # done, the lock still held
)
POLL_SECONDS = 0.1
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS stdio.h
_AT_FDCWD = -100  # linux/fcntl.h
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EPERM, getattr(errno, "ENOTSUP", -1)}


def checkpoint(phase: str) -> None:
    """Mark that a build reached ``phase`` (one of :data:`PHASES`); does nothing."""


class Publication:
    """A build in progress into ``out``: its lock, its staging folder, its commit."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.link = out.is_symlink()
        # a symlinked --out: stage beside the link's target, where the new folder will stay
        self.home = Path(os.path.realpath(out)).parent if self.link else out.parent
        self.staging = self.home / f".{out.name}.build-{os.getpid()}"

    def commit(self) -> Path:
        """Fsync the staged package and swap it in at ``out``."""
        _sync_tree(self.staging)
        checkpoint("synced")
        if self.link:
            _relink(self.staging, self.out)
        elif not os.path.lexists(self.out):
            os.rename(self.staging, self.out)
            _sync_dir(self.out.parent)
            checkpoint("swapped")
        elif _exchange(self.staging, self.out):
            _sync_dir(self.out.parent)
            checkpoint("swapped")
            _remove_tree(self.staging)  # the old package, now at the staging path
        else:
            _swap_by_renames(self.staging, self.out)
        checkpoint("published")
        return self.out


@contextlib.contextmanager
def publishing(out: str | os.PathLike, *, wait: float = 0.0) -> Iterator[Publication]:
    """Lock ``out``, clean up after dead builds, and yield a :class:`Publication` whose
    ``staging`` folder the caller fills and then ``commit()``s. On any error the staging
    folder is removed and ``out`` is left as it was; OS errors become one-line
    :class:`BuildError`\\ s."""
    out = Path(os.path.abspath(out))
    try:
        _check_replaceable(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out.with_name(f".{out.name}.lock"), out, wait):
            _recover(out)
            publication = Publication(out)
            _remove_leftovers(out, publication.home)
            checkpoint("locked")
            publication.staging.mkdir(parents=True)
            try:
                yield publication
            finally:
                if os.path.lexists(publication.staging):
                    _discard(publication.staging)
    except OSError as error:
        where = error.filename or out
        raise BuildError(f"{where}: {error.strerror or error}") from None


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a data package folder (or an empty one)."""
    if out.is_symlink() and not out.exists():
        return  # a dangling link: a new target is made beside where it points
    if not out.exists():
        return
    if not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder; refusing to replace it")
    if not (out / "datapackage.json").is_file() and any(out.iterdir()):
        raise BuildError(
            f"{out}: a folder that is not a data package (no datapackage.json); "
            "refusing to replace it"
        )


# --- the lock ---------------------------------------------------------------------------


@contextlib.contextmanager
def holding_lock(out: str | os.PathLike, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock builds and updates of ``out`` take, without building: a reader of
    the whole folder (an upload) sees no update swap it midway."""
    out = Path(os.path.abspath(out))
    try:
        with _locked(out.with_name(f".{out.name}.lock"), out, wait):
            yield
    except OSError as error:
        raise BuildError(f"{error.filename or out}: {error.strerror or error}") from None


@contextlib.contextmanager
def _locked(path: Path, out: Path, wait: float) -> Iterator[None]:
    deadline = time.monotonic() + (wait if wait > 0 else 0.0)  # NaN and below 0: no wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            if time.monotonic() >= deadline:
                raise BuildError(_busy_message(path, out, wait))
            time.sleep(POLL_SECONDS)
            continue
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # locked a lock file its holder had already removed: retry
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        _release(fd, path)


def _busy_message(path: Path, out: Path, wait: float) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    holder = f"pid {pid}" if pid.isdigit() else "pid unknown"
    waited = f" after waiting {wait:g} s" if wait > 0 else ""
    return (
        f"{out}: another build ({holder}) is writing this package{waited} (lock {path}); "
        "try again when it has finished, or wait for it (build --wait SECONDS)"
    )


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _LOCK_OFFSET = 1 << 30  # lock a byte past the pid, so that others can read the pid

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True

    def _release(fd: int, path: Path) -> None:
        os.close(fd)  # closing unlocks; Windows cannot remove a file that is open
        with contextlib.suppress(OSError):
            path.unlink()  # fails harmlessly while a waiter has it open

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # removed while still locked: a waiter re-checks (samestat)
        os.close(fd)


# --- leftovers and recovery -----------------------------------------------------------


def _leftover_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(build|old|link)-\d+")


def _made_folder_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(name)}-[0-9a-f]{{12}}")


def _remove_leftovers(out: Path, home: Path) -> list[Path]:
    """Remove what dead builds into ``out`` left (call with the lock held)."""
    removed = []
    leftover = _leftover_pattern(out.name)
    current = Path(os.path.realpath(out)) if out.is_symlink() else None
    made = _made_folder_pattern(out.name)
    for folder in {out.parent, home}:
        for path in folder.iterdir():
            ours = leftover.fullmatch(path.name) or (
                current is not None and made.fullmatch(path.name) and path != current
            )
            if ours:
                _remove_tree(path, checkpoints=False)
                removed.append(path)
    return removed


def _journal(out: Path) -> Path:
    return out.with_name(f".{out.name}.journal")


def _recover(out: Path) -> None:
    """Finish or undo a two-rename swap that a killed build left half done."""
    journal = _journal(out)
    if not journal.exists():
        return
    try:
        old = out.with_name(json.loads(journal.read_text(encoding="utf-8"))["old"])
    except (ValueError, KeyError, TypeError):
        old = None
    if not os.path.lexists(out):
        if old is None or not old.is_dir():
            raise BuildError(
                f"{out}: missing after an interrupted build, and its journal {journal} does "
                f"not name the old package; look for it in the .{out.name}.old-* folders"
            )
        os.rename(old, out)  # killed between the two renames: put the old package back
        _sync_dir(out.parent)
    journal.unlink()
    _sync_dir(out.parent)


# --- swapping ---------------------------------------------------------------------------


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically; False where the system cannot."""
    if not (sys.platform.startswith("linux") or sys.platform == "darwin"):
        return False  # pragma: no cover - Windows and other systems: no exchange call
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to ask
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        )
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):  # pragma: no cover
        result = libc.renamex_np(os.fsencode(first), os.fsencode(second), _RENAME_SWAP)
    else:  # pragma: no cover - other systems
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap_by_renames(staging: Path, out: Path) -> None:
    """The fallback: two renames, journaled so that the next build can undo the first."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    journal = _journal(out)
    with open(journal, "w", encoding="utf-8") as file:
        file.write(json.dumps({"old": old.name, "pid": os.getpid()}) + "\n")
        file.flush()
        os.fsync(file.fileno())
    _sync_dir(out.parent)
    checkpoint("journaled")
    try:
        os.rename(out, old)
    except OSError:
        journal.unlink()
        raise
    checkpoint("moved-old")
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)
        journal.unlink()
        raise
    _sync_dir(out.parent)
    checkpoint("swapped")
    journal.unlink()
    _sync_dir(out.parent)
    _remove_tree(old)


def _relink(staging: Path, link: Path) -> None:
    """Put the staged package in a folder of its own and point the link at it."""
    target = Path(os.path.realpath(link))
    digest = hashlib.sha256((staging / "datapackage.json").read_bytes()).hexdigest()[:12]
    final = target.parent / f"{link.name}-{digest}"
    if final == target:
        return  # the link already shows a package with this very descriptor
    if os.path.lexists(final):
        _remove_tree(final, checkpoints=False)  # made by a build killed before relinking
    os.rename(staging, final)
    _sync_dir(final.parent)
    checkpoint("renamed-target")
    value = os.readlink(link)
    if not os.path.isabs(value):
        value = os.path.relpath(final, Path(os.path.realpath(link.parent)))
    else:
        value = str(final)
    temporary = link.with_name(f".{link.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(value, temporary, target_is_directory=True)
    os.replace(temporary, link)
    _sync_dir(link.parent)
    checkpoint("swapped")
    if target.is_dir() and _made_folder_pattern(link.name).fullmatch(target.name):
        _remove_tree(target)


# --- files ------------------------------------------------------------------------------


# POSIX fsyncs a file opened for reading (its owner may not be allowed to write it);
# Windows needs write access
_FSYNC_MODE = os.O_RDWR if sys.platform == "win32" else os.O_RDONLY


def _sync_tree(folder: Path) -> None:
    """Fsync every file below ``folder``, then the folders themselves."""
    for root, _folders, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), _FSYNC_MODE)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(root))


def _sync_dir(folder: Path) -> None:
    """Make the entries of ``folder`` (renames, new files) durable; POSIX only."""
    if sys.platform == "win32":  # pragma: no cover - Windows cannot open a folder
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(staging: Path) -> None:
    """Remove a build's staging folder when the build did not publish it. A file written
    into it while it is removed (by a task of a remote Dask cluster that was still
    running when the build stopped) is waited out a little; a folder that still cannot
    be removed is left for the next build, which removes leftovers, rather than hiding
    why this build stopped."""
    for attempt in range(DISCARD_ATTEMPTS):
        try:
            _remove_tree(staging, checkpoints=False)
            return
        except FileNotFoundError:
            return
        except OSError:
            if attempt + 1 == DISCARD_ATTEMPTS:
                return
            time.sleep(0.5)


def _remove_tree(path: Path, *, checkpoints: bool = True) -> None:
    """Remove a folder (or a link, or a file); a kill midway leaves a leftover the next
    build removes."""
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    if checkpoints:
        first = next((p for p in path.iterdir() if p.is_file()), None)
        if first is not None:
            first.unlink()
            checkpoint("removing-old")
    shutil.rmtree(path)
