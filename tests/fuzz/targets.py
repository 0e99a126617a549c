"""Run one fuzz case against mscdata's public calls and judge what came back.

A parser input must give a result or a one-line ``ParseError``; a package must give a
report or ``PackageError`` from ``validate`` and a ``Dataset`` or ``PackageError`` from
``load``. Anything else is a failure: another exception, a record silently lost, a
package ``validate`` accepts that ``load`` refuses, or a file outside the package opened.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = [
    None,
    None,
    None,
    None,
    "pubmed_xml",
    "pmc_jats",
    "medline_text",
    "pubmed_html",
    "pubmed_page_chrome",
    "pubmed_page_plain",
    "pubmed_page_compact",
    "pubmed_page_legacy",
    "pmc_page",
]
MODES = ["bytes", "bytes", "bytes", "str", "path"]


@dataclass
class Failure:
    """A case mscdata did not handle: what kind, a short signature to group by, details."""

    kind: str
    signature: str
    detail: str


@dataclass
class _Watch:
    """Paths no reader may open while a case runs (checked by an audit hook)."""

    forbidden: set[str] = field(default_factory=set)
    opened: list[str] = field(default_factory=list)


WATCH = _Watch()


def _audit(event: str, args: tuple) -> None:
    if event != "open" or not WATCH.forbidden or not args:
        return
    path = args[0]
    if isinstance(path, (str, bytes, os.PathLike)):
        name = os.fsdecode(path)
        if name in WATCH.forbidden or os.path.realpath(name) in WATCH.forbidden:
            WATCH.opened.append(name)


def install_audit_hook() -> None:
    """Watch every ``open`` of this process (audit hooks cannot be removed: call once)."""
    sys.addaudithook(_audit)


def _crash(kind: str, error: BaseException) -> Failure:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{os.sep}mscdata{os.sep}" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].name}" if ours else "?"
    detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return Failure(kind, f"{kind}:{type(error).__name__}@{where}", detail[-4000:])


def _record_ends(data: bytes) -> int:
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(31).decompress(data, 64 << 20)
        except zlib.error:
            return 0
    if b"<!--" in data or b"<![CDATA[" in data:
        return 0  # a comment may hide records on purpose
    start = re.search(rb"<PubmedArticle[\s>]", data)  # an end tag ends a record once one began
    return data.count(b"</PubmedArticle>", start.start()) if start else 0


def run_parser(data: bytes, mode: str, fmt: str | None, work: Path) -> Failure | None:
    """Read ``data`` given as bytes, text or a file, in format ``fmt`` (None: detect)."""
    import mscdata

    source: bytes | str | Path = data
    if mode == "str":
        source = data.decode("utf-8", "surrogateescape")
    elif mode == "path":
        source = work / "input"
        source.write_bytes(data)
    try:
        result = mscdata.read(source, format=fmt, url="https://pubmed.ncbi.nlm.nih.gov/1/")
    except mscdata.ParseError as error:
        if "\n" in str(error):
            return Failure("multi-line-error", "multi-line-error:ParseError", str(error)[:4000])
        return None
    except (Exception, RecursionError) as error:
        return _crash("crash", error)
    events = len(result.articles) + len(result.failures) + len(result.deletions)
    if events == 0 and fmt in (None, "pubmed_xml") and _record_ends(data):
        return Failure(
            "silent-loss",
            "silent-loss:pubmed_xml",
            f"{_record_ends(data)} record end tags, no article, failure or deletion",
        )
    return None


def run_package(target: Path, secret: Path, frictionless: bool) -> Failure | None:
    """Validate (and, for folders, load) a broken package; no file outside it may open."""
    WATCH.forbidden = {str(secret), os.path.realpath(secret), "/etc/passwd", "/dev/zero"}
    WATCH.opened = []
    try:
        failure = _run_package(target, frictionless)
    finally:
        opened, WATCH.forbidden = sorted(set(WATCH.opened)), set()
    if opened:  # the worst outcome wins over any other
        return Failure("outside-read", "outside-read", f"opened {opened}")
    return failure


def _run_package(target: Path, frictionless: bool) -> Failure | None:
    import mscdata

    engines = ["fast", "frictionless"] if frictionless else ["fast"]
    valid = False
    for engine in engines:
        try:
            report = mscdata.validate(target, engine=engine)
        except mscdata.PackageError as error:
            if "\n" in str(error):
                return Failure("multi-line-error", "multi-line-error:PackageError", str(error))
            continue
        except (Exception, RecursionError) as error:
            return _crash(f"validate-{engine}", error)
        valid = valid or (engine == "fast" and report.valid)
    if target.suffix == ".zip":
        return None
    try:
        dataset = mscdata.load(target)
        len(dataset)
    except mscdata.PackageError as error:
        if valid:
            return Failure("accepted-not-loadable", "accepted-not-loadable", str(error)[:4000])
    except (Exception, RecursionError) as error:
        return _crash("load", error)
    return None
