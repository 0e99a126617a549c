"""mscdata's disk cache: raw E-utilities responses and downloaded data packages.

The folder is ``MSCDATA_CACHE_DIR`` when set, else the platform's user cache folder
(``platformdirs``). A response is stored under a key made from the request (the
endpoint and its parameters, without ``api_key``, ``tool`` and ``email``), written to
a temporary file and renamed, so a cache is never left half-written and can be
moved or shared between machines.

The cache verifies itself: beside each answer, its JSON note keeps the answer's
SHA-256, checked on every read, and the answer must still parse as what it should
be. An answer that fails either is a :class:`DamagedEntry` (fetched again online).
An entry written by mscdata 0.2.0 (a note without a checksum) is used when it parses,
and its checksum is then recorded. Temporary files of killed writers are removed when
the cache is opened, and anything in the way (a folder where an answer should be, a
file where a folder should be, an unreadable file) is a one-line :class:`CacheError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mscdata.errors import FetchError

# parameters that say who asks, not what is asked: never part of a cache key
PERSONAL_PARAMETERS = frozenset({"api_key", "tool", "email"})
# a temporary file of write_atomically: .<name>.<pid>.tmp
TEMPORARY_NAME = re.compile(r"^\..+\.(?P<pid>\d+)\.tmp$")
# a temporary file older than this is a leftover, whoever wrote it (seconds)
STALE_AFTER = 15 * 60
# one whose writer's pid is gone from this machine, once this old (a writer on another
# machine sharing the cache has a pid unknown here: it gets this long to finish)
DEAD_WRITER_AFTER = 60
CLEAR_HINT = "or set MSCDATA_CACHE_DIR to another folder"


class CacheError(FetchError):
    """An entry of the cache is damaged or in the way; the command line exits 1."""

    exit_status = 1


class DamagedEntry(CacheError):
    """A cached answer failed its checksum or no longer parses (fetched again online)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        note = path.with_suffix(".json")
        reason = " ".join(reason.split())[:300]
        super().__init__(
            f"{path}: damaged cached answer ({reason}); run the command online (without "
            "--offline or --from-cache) to fetch it again, or remove it: "
            f"rm -f {shlex.quote(str(path))} {shlex.quote(str(note))}"
        )


def cache_dir() -> Path:
    """The cache folder (not created)."""
    configured = os.environ.get("MSCDATA_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("mscdata", appauthor=False))


def request_key(endpoint: str, params: dict[str, Any]) -> str:
    """A stable key for a request: what is asked, not who asks or how it is sent."""
    asked = sorted((k, str(v)) for k, v in params.items() if k not in PERSONAL_PARAMETERS)
    text = json.dumps([endpoint, asked], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    """True when a process ``pid`` runs on this machine (or when it cannot be told)."""
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: ask nothing
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, or the question is not allowed
        return True
    return True


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of writers that died (their pid is gone from this
    machine and the file is over ``DEAD_WRITER_AFTER`` seconds old) or that are older
    than ``STALE_AFTER``, in ``folder`` and its subfolders one level down; returns what
    was removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        folders = [folder, *(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())]
    except OSError:
        return removed
    for where in folders:
        try:
            names = [p for p in where.iterdir() if TEMPORARY_NAME.match(p.name)]
        except OSError:
            continue
        for temporary in names:
            try:
                info = temporary.lstat()
                pid = int(TEMPORARY_NAME.match(temporary.name)["pid"])
                age = now - info.st_mtime
                dead = pid != os.getpid() and not _process_alive(pid)
                if stat.S_ISREG(info.st_mode) and (
                    (dead and age > DEAD_WRITER_AFTER) or age > STALE_AFTER
                ):
                    temporary.unlink()
                    removed.append(temporary)
            except OSError:
                continue  # gone meanwhile, or not ours to remove: leave it
    return removed


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ResponseCache:
    """Raw responses on disk, one file per request plus a small JSON note of what was
    asked, from where, and the answer's SHA-256."""

    def __init__(self, folder: Path | None = None) -> None:
        self.root = folder or cache_dir()
        self.folder = self.root / "eutils"
        self._opened = False

    def path(self, endpoint: str, params: dict[str, Any]) -> Path:
        key = request_key(endpoint, params)
        name = endpoint.rsplit("/", 1)[-1].removesuffix(".fcgi")
        db = params.get("db", "")
        return self.folder / key[:2] / f"{name}-{db}-{key[:16]}.xml"

    def open(self) -> None:
        """Check that the cache folders are folders, and remove leftover temporary
        files (once per instance; every read and write calls it)."""
        if self._opened:
            return
        for folder in (self.root, self.folder):
            self._check_folder(folder)
        if self.folder.is_dir():
            remove_stale_temporaries(self.folder)
        self._opened = True

    def get(
        self, endpoint: str, params: dict[str, Any], check: Callable[[bytes], Any]
    ) -> tuple[Path, Any] | None:
        """(file, what ``check`` read from it) of the cached answer, None when the cache
        has none; :class:`DamagedEntry` when it fails its checksum or ``check``."""
        self.open()
        path = self.path(endpoint, params)
        if not self._regular_file(path):
            return None
        body = self._read(path)
        note_path = path.with_suffix(".json")
        note = self._read_note(path, note_path)
        recorded = note.get("sha256")
        if recorded is not None and recorded != _sha256(body):
            raise DamagedEntry(path, "its SHA-256 is not the one recorded when it was fetched")
        try:
            parsed = check(body)
        except ValueError as error:
            raise DamagedEntry(path, f"not a valid answer: {error}") from None
        if recorded is None:  # written by mscdata 0.2.0: it parses, so adopt it
            note["sha256"] = _sha256(body)
            note["bytes"] = len(body)
            # a read-only cache: the entry stays verified by parsing alone
            with contextlib.suppress(OSError):
                write_atomically(note_path, json.dumps(note, indent=1).encode())
        return path, parsed

    def put(self, endpoint: str, params: dict[str, Any], body: bytes, url: str) -> Path:
        """Store a checked answer with its note (the note first: an answer on disk
        always has the checksum it must match)."""
        self.open()
        path = self.path(endpoint, params)
        asked = {k: v for k, v in params.items() if k not in PERSONAL_PARAMETERS}
        note = {
            "url": url,
            "endpoint": endpoint,
            "params": asked,
            "sha256": _sha256(body),
            "bytes": len(body),
        }
        try:
            write_atomically(path.with_suffix(".json"), json.dumps(note, indent=1).encode())
            write_atomically(path, body)
        except OSError as error:
            self._regular_file(path)  # names a folder or file in the way, if that is why
            raise CacheError(
                f"{path}: cannot write to the cache ({type(error).__name__}: {error}); "
                f"check the folder's space and permissions, {CLEAR_HINT}"
            ) from None
        return path

    def discard(self, endpoint: str, params: dict[str, Any]) -> None:
        """Remove a cached answer and its note (a damaged entry, before fetching again)."""
        path = self.path(endpoint, params)
        for file in (path, path.with_suffix(".json")):
            try:
                file.unlink(missing_ok=True)
            except OSError as error:
                raise CacheError(
                    f"{file}: cannot remove the damaged cached answer ({error}); "
                    f"remove it by hand, {CLEAR_HINT}"
                ) from None

    # ------------------------------------------------------------------ inspection

    def _check_folder(self, folder: Path) -> None:
        try:
            mode = folder.stat().st_mode
        except FileNotFoundError:
            return
        except NotADirectoryError:
            raise self._blocked(folder) from None
        except OSError as error:
            raise CacheError(
                f"{folder}: cannot open the cache folder ({error}); {CLEAR_HINT}"
            ) from None
        if not stat.S_ISDIR(mode):
            raise CacheError(
                f"{folder}: a file where the cache folder should be; remove or rename it "
                f"(rm {shlex.quote(str(folder))}), {CLEAR_HINT}"
            )

    def _blocked(self, path: Path) -> CacheError:
        """The error naming the first component of ``path`` that is not a folder."""
        for ancestor in reversed(path.parents):
            if ancestor.exists() and not ancestor.is_dir():
                return CacheError(
                    f"{ancestor}: a file where a cache folder should be; remove it "
                    f"(rm {shlex.quote(str(ancestor))}), {CLEAR_HINT}"
                )
        return CacheError(f"{path}: a file where a cache folder should be; {CLEAR_HINT}")

    def _regular_file(self, path: Path) -> bool:
        """True when ``path`` is a regular file, False when absent; CacheError when
        something else stands there."""
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return False
        except NotADirectoryError:
            raise self._blocked(path) from None
        except OSError as error:
            raise CacheError(
                f"{path}: cannot inspect the cache entry ({error}); {CLEAR_HINT}"
            ) from None
        if stat.S_ISDIR(mode):
            raise CacheError(
                f"{path}: a folder where a cached file should be; remove it "
                f"(rm -r {shlex.quote(str(path))}), {CLEAR_HINT}"
            )
        if not stat.S_ISREG(mode):
            raise CacheError(
                f"{path}: not a regular file where a cached file should be; remove it "
                f"(rm {shlex.quote(str(path))}), {CLEAR_HINT}"
            )
        return True

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CacheError(
                f"{path}: cannot read the cached file ({type(error).__name__}: {error}); "
                f"fix its permissions or remove it (rm {shlex.quote(str(path))}), {CLEAR_HINT}"
            ) from None

    def _read_note(self, path: Path, note_path: Path) -> dict[str, Any]:
        """The answer's note; an empty one when absent (an entry no note describes is
        treated as one of mscdata 0.2.0's, verified by parsing)."""
        if not self._regular_file(note_path):
            return {}
        text = self._read(note_path)
        try:
            note = json.loads(text)
        except (ValueError, RecursionError):
            raise DamagedEntry(path, f"its note {note_path.name} is not JSON") from None
        if not isinstance(note, dict):
            raise DamagedEntry(path, f"its note {note_path.name} is not a JSON object")
        recorded = note.get("sha256")
        if recorded is not None and not (
            isinstance(recorded, str) and re.fullmatch(r"[0-9a-f]{64}", recorded)
        ):
            raise DamagedEntry(path, f"its note {note_path.name} holds no valid SHA-256")
        return note
