"""Release artifacts: a reproducible zip of the data package and its ``SHA256SUMS``.

The same package always gives the same bytes: entries sorted, one fixed timestamp
and mode, stored without compression (deflate output differs between zlib builds,
which would change the checksum from one machine to the next). The version is the
package's own ``version``.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from mscdata.errors import PackageError
from mscdata.progress import SILENT, Progress, as_progress
from mscdata.remote.cache import write_atomically

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
RELEASES_URL = "https://github.com/mscdata/mscdata/releases/download"


def archive_name(version: str) -> str:
    return f"mscdata-datapackage-{version}.zip"


def package_version(package: Path) -> str:
    """The ``version`` of the package's descriptor."""
    from mscdata.validator.validation import read_descriptor

    _, descriptor = read_descriptor(package)
    version = descriptor.get("version")
    if not isinstance(version, str) or not version:
        raise PackageError(f"{package}/datapackage.json: no 'version' to name the release by")
    return version


def archive_bytes(package: str | os.PathLike, progress: Progress = SILENT) -> tuple[str, bytes]:
    """(file name, bytes) of the release zip of a package folder; ``progress`` is
    shown the bytes of the package's files put in."""
    import io

    package = Path(package)
    version = package_version(package)
    folder = f"mscdata-datapackage-{version}"
    files = []
    for path in sorted(p for p in package.rglob("*") if p.is_file()):
        relative = path.relative_to(package).as_posix()
        if not (relative.startswith(".") or "/." in relative):
            files.append((path, relative))  # no hidden files (editor or build leftovers)
    total = sum(path.stat().st_size for path, _ in files)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle,
        progress.task(f"zipping {package.name or package}", total=total, unit="B") as task,
    ):
        for path, relative in files:
            entry = zipfile.ZipInfo(f"{folder}/{relative}", date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3  # unix, whatever system writes it
            data = path.read_bytes()
            bundle.writestr(entry, data)
            task.update(len(data))
    return archive_name(version), buffer.getvalue()


def release(
    package: str | os.PathLike = "datapackage",
    out: str | os.PathLike = "dist",
    *,
    progress: Progress | bool | None = None,
) -> tuple[Path, Path]:
    """Write the release zip and ``SHA256SUMS`` (keeping other files' lines) into
    ``out``; return both paths. ``progress`` (see :mod:`mscdata.progress`) is shown
    the bytes zipped."""
    name, data = archive_bytes(package, as_progress(progress))
    out = Path(out)
    archive = out / name
    write_atomically(archive, data)
    sums = out / "SHA256SUMS"
    lines = {}
    if sums.is_file():
        for line in sums.read_text(encoding="utf-8").splitlines():
            digest, _, file = line.partition("  ")
            if file and file != name:
                lines[file] = digest
    lines[name] = hashlib.sha256(data).hexdigest()
    text = "".join(f"{lines[f]}  {f}\n" for f in sorted(lines))
    write_atomically(sums, text.encode("utf-8"))
    return archive, sums
