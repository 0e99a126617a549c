"""Download released data packages: verified, unpacked safely, cached per version.

A release zip is accepted only when its SHA-256 is the one ``releases.json`` (shipped
with mscdata, generated at release time) lists for its version, or the one the
caller passes. It is unpacked with the checks of :mod:`mscdata.validator.fetch_package` (no
absolute paths, no ``..``, no links, no duplicate names, limits on size and
compression ratio), its descriptor's paths are checked by
:mod:`mscdata.validator.package_files`, and it is moved into
``<cache>/packages/<version>/`` and used from there, offline, ever after. Offline and
not cached, :func:`download` falls back to the package bundled with mscdata, with a
warning saying so (``fallback=False``: it raises :class:`DownloadFailed` instead).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from importlib import resources
from pathlib import Path, PurePosixPath

from mscdata.checksums import file_sha256
from mscdata.errors import PackageError
from mscdata.progress import Progress, as_progress
from mscdata.remote.cache import cache_dir
from mscdata.remote.release import RELEASES_URL, archive_name
from mscdata.validator.fetch_package import download_file, unpack_zip


class OfflineFallbackWarning(UserWarning):
    """The requested release could not be downloaded; the bundled package is used."""


class DownloadFailed(PackageError):
    """The release could not be downloaded and is not cached; ``bundled`` says whether
    the package bundled with mscdata is that release (what ``fallback=True`` uses)."""

    exit_status = 1  # the command line: nothing usable was obtained

    def __init__(self, reason: str, *, bundled: bool = False):
        self.bundled = bundled
        super().__init__(reason)


class UnknownChecksum(PackageError):
    """No SHA-256 is known for the release asked for, so it cannot be verified."""

    def __init__(self, what: str, known: list[str]):
        self.what, self.known = what, known
        super().__init__(self.asking("sha256="))

    def asking(self, how: str) -> str:
        """The message, naming ``how`` the checksum is given (``sha256=``, ``--sha256``)."""
        releases = ", ".join(self.known) or "none"
        return (
            f"no SHA-256 known for {self.what} (this mscdata knows releases {releases}): "
            f"pass {how} to download it"
        )


def registry() -> dict[str, dict[str, str]]:
    """Version -> {"file", "sha256"} of every release this mscdata knows."""
    text = resources.files("mscdata").joinpath("releases.json").read_text(encoding="utf-8")
    return json.loads(text)["packages"]


def release_url(version: str) -> str:
    """Where a version's zip is published (``MSCDATA_RELEASES_URL`` overrides the base)."""
    base = os.environ.get("MSCDATA_RELEASES_URL", RELEASES_URL).rstrip("/")
    return f"{base}/v{version}/{archive_name(version)}"


def download(
    version: str | None = None,
    url: str | None = None,
    *,
    sha256: str | None = None,
    fallback: bool = True,
    progress: Progress | bool | None = None,
) -> Path:
    """The folder of a released data package (default: this mscdata's version),
    downloaded once from ``url`` (default: its release address) and cached: a
    release listed in ``releases.json`` by version, any other zip (whose ``sha256``
    must then be given) by its checksum.

    Raises :class:`mscdata.PackageError` for an unknown checksum, a corrupted
    Raises :class:`mscdata.PackageError` for an unknown checksum, a corrupted
    download or an unsafe archive, :class:`DownloadFailed` when the download fails
    (offline) and nothing is cached; for this mscdata's own release, with ``fallback``
    (the default), it warns and returns the bundled package's folder instead.
    ``progress`` (see :mod:`mscdata.progress`) is shown the bytes downloaded.
    """
    from mscdata.resources import datapackage_dir
    from mscdata.version import __version__

    known = registry()
    if version is None and url is not None:  # a release of ours, told by its file name?
        name = PurePosixPath(url.split("?", 1)[0]).name
        version = next((v for v, entry in known.items() if entry["file"] == name), None)
    elif version is None:
        version = __version__
    listed = known.get(version, {}).get("sha256") if version else None
    expected = (sha256 or listed or "").lower()
    if not expected:
        raise UnknownChecksum(f"data package {version}" if version else str(url), sorted(known))
    # a listed release is cached by version, anything else by its checksum
    folder_name = version if expected == listed else f"sha256-{expected[:16]}"
    target = cache_dir() / "packages" / folder_name
    if target.is_dir():
        try:
            return _package_folder(target)
        except PackageError:
            shutil.rmtree(target, ignore_errors=True)  # a broken cache entry: fetch again
    if url is None:  # then version is this mscdata's or the one asked for
        url = release_url(version)
    with tempfile.TemporaryDirectory(prefix="mscdata-download-") as folder:
        archive = Path(folder) / "package.zip"
        try:
            download_file(url, archive, progress=as_progress(progress))
        except OSError as error:
            reason = " ".join(str(error).split())
            bundled = version == __version__ and expected == listed
            if bundled and fallback:
                warnings.warn(
                    f"cannot download data package {version} ({reason}) and it is not "
                    f"cached: using the package bundled with mscdata {__version__}",
                    OfflineFallbackWarning,
                    stacklevel=2,
                )
                return datapackage_dir()
            raise DownloadFailed(
                f"{url}: cannot download ({reason}) and it is not cached", bundled=bundled
            ) from None
        actual = file_sha256(archive)
        if actual != expected:
            raise PackageError(
                f"{url}: SHA-256 mismatch: expected {expected}, got {actual} "
                "(a corrupted or altered download; nothing was cached)"
            )
        unpacked = Path(folder) / "unpacked"
        _check_package(unpack_zip(archive, unpacked))
        staging = target.with_name(f".{folder_name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(unpacked), staging)
        try:
            os.replace(staging, target)  # another process may have cached it meanwhile
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return _package_folder(target)


def _check_package(folder: Path) -> None:
    """Refuse (before caching) a package whose descriptor names a file outside it, a
    URL or a special file (see :mod:`mscdata.validator.package_files`)."""
    from mscdata.validator.package_files import guard_resources
    from mscdata.validator.validation import read_descriptor

    path, descriptor = read_descriptor(folder)
    _, unsafe = guard_resources(folder, descriptor, urls=False)
    if unsafe:
        name, reason = unsafe[0]
        raise PackageError(f"{path}: resource {name!r}: {reason} (nothing was cached)")


def _package_folder(root: Path) -> Path:
    found = sorted(root.rglob("datapackage.json"), key=lambda p: len(p.parts))
    if not found:
        raise PackageError(f"{root}: no datapackage.json in the cached package")
    return found[0].parent
