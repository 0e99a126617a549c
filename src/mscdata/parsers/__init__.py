"""Parsers: one module per input format, behind one entry point, :func:`parse`.

Each format module turns a source's text into the Article's fields; the shared layer
(:mod:`mscdata.records`) numbers children, derives the key and validates the models.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.errors import ParseError
from mscdata.identifiers import ids_from_url
from mscdata.parsers import detect

if TYPE_CHECKING:
    from mscdata.models import Article

Source = str | bytes | os.PathLike


def _readers() -> dict[str, Callable[[str, str], dict[str, Any]]]:
    from mscdata.parsers import pmc_page, pubmed_page

    return {
        detect.PMC_PAGE: pmc_page.read_pmc,
        detect.CHROME: pubmed_page.read_chrome,
        detect.PLAIN: pubmed_page.read_plain,
        detect.COMPACT: pubmed_page.read_compact,
        detect.LEGACY: pubmed_page.read_legacy,
    }


def read_source(source: Source) -> tuple[bytes, str, str | None]:
    """The bytes of a source, a name for messages, and its file name (None for text).

    A ``str`` is a path when it names an existing file and has no line break;
    otherwise it is the text itself.
    """
    if isinstance(source, bytes):
        return source, "<bytes>", None
    if isinstance(source, str) and ("\n" in source or len(source) > 4096):
        return source.encode("utf-8"), "<text>", None
    path = Path(source)
    if isinstance(source, str):
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if not is_file:
            return source.encode("utf-8"), "<text>", None
    try:
        return path.read_bytes(), str(path), path.name
    except OSError as error:
        raise ParseError(f"cannot read file: {error.strerror}", source=str(path)) from None


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of a source (gzip undone), or a ParseError giving the bad byte's place."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ParseError(f"damaged gzip data: {error}", source=source) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}",
            source=source,
            line=line,
        ) from None


def parse(source: Source, *, url: str | None = None, format: str | None = None) -> list[Article]:
    """Read articles from a source: a path, the text itself (str), or its bytes.

    ``url`` is where the source was retrieved from; it supplies identifiers the page
    does not print (a PubMed page shows no PMID). ``format`` overrides detection.
    Raises :class:`mscdata.ParseError` with a one-line reason on anything unreadable.
    """
    from mscdata.records import make_article

    data, name, file_name = read_source(source)
    text = decode(data, name)
    fmt = format or detect.detect_format(text, source=name)
    readers = _readers()
    if fmt not in readers:
        raise ParseError(f"unknown format {fmt!r}; known: {', '.join(readers)}", source=name)
    fields = readers[fmt](text, name)
    from_url = ids_from_url(url)
    for key, value in from_url.items():
        shown = fields.get(key)
        if shown and shown.lower() != value.lower():
            raise ParseError(
                f"the page shows {key} {shown} but the URL {url} names {value}", source=name
            )
        fields[key] = shown or value
    provenance = {
        "source_format": fmt,
        "source_file": file_name,
        "source_url": url,
        "source_sha256": hashlib.sha256(data).hexdigest(),
    }
    return [make_article(fields, source=name, provenance=provenance)]
