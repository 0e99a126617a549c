"""The encoding of an XML document: what its bytes are, checked against what it declares.

The byte order mark and the first bytes tell the family (XML 1.0, appendix F): UTF-32,
UTF-16, or an ASCII-compatible encoding. The declaration's ``encoding=`` is then only
believed when it names a text codec that reads those same bytes: ``encoding="utf-16"``
on UTF-8 bytes, an unknown name, or a codec that is not a character encoding
(``rot13``, ``base64``, ``idna``) is a :class:`~mscdata.ParseError`, never an empty
result. ``ascii`` is read as UTF-8, its superset.
"""

from __future__ import annotations

import codecs
import re

from mscdata.errors import ParseError

HEAD_BYTES = 1024  # the XML declaration is the first thing in a document
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
)
_FIRST_CHARACTERS = b"<\t\n\r "  # what an XML document may start with, BOM aside
_DECLARED = re.compile(r"""\sencoding\s*=\s*["']([^"']{0,40})["']""")
_ENCODING_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")  # EncName, XML 1.0 section 4.3.3
# text codecs Python knows that are no document encoding
_NOT_DOCUMENT_ENCODINGS = {
    "idna",
    "punycode",
    "unicode-escape",
    "raw-unicode-escape",
    "utf-7",
    "undefined",
}


def _sniffed(head: bytes) -> tuple[str, str | None]:
    """The family of the bytes and, when a BOM is present, the codec that skips it."""
    for bom, family, codec in _BOMS:
        if head.startswith(bom):
            return family, codec
    first = head[:4]
    if len(first) == 4 and first[:3] == b"\0\0\0" and first[3] in _FIRST_CHARACTERS:
        return "utf-32-be", None
    if len(first) == 4 and first[1:] == b"\0\0\0" and first[0] in _FIRST_CHARACTERS:
        return "utf-32-le", None
    if len(first) >= 2 and first[0] == 0 and first[1] in _FIRST_CHARACTERS:
        return "utf-16-be", None
    if len(first) >= 2 and first[1] == 0 and first[0] in _FIRST_CHARACTERS:
        return "utf-16-le", None
    return "utf-8", None


def sniffed_codec(head: bytes) -> str:
    """The codec the first bytes of a document are in, from the BOM and the bytes alone."""
    family, with_bom = _sniffed(head)
    return with_bom or family


def _declaration(text: str) -> str | None:
    """The XML declaration (``<?xml … ?>``) at the start of a text, or None."""
    stripped = text.lstrip()
    if not stripped.startswith("<?xml"):
        return None
    end = stripped.find("?>", 0, HEAD_BYTES)
    return stripped[: end + 2] if end >= 0 else None


def xml_codec(head: bytes, source: str | None) -> str:
    """The codec to read a whole XML document with (its BOM included), from its first bytes.

    Raises ParseError when the declared encoding is unknown, is no character encoding,
    or contradicts the bytes.
    """
    family, with_bom = _sniffed(head)
    codec = with_bom or family
    width = 4 if family.startswith("utf-32") else 2 if family.startswith("utf-16") else 1
    sample = head[: HEAD_BYTES - HEAD_BYTES % 4]
    sample = sample[: len(sample) - len(sample) % width]
    text = sample.decode(codec, "replace").lstrip("\ufeff")
    declaration = _declaration(text)
    found = _DECLARED.search(declaration) if declaration else None
    if found is None:
        return codec
    declared = found.group(1)
    try:
        if not _ENCODING_NAME.fullmatch(declared):
            raise LookupError(declared)
        info = codecs.lookup(declared)
    except LookupError:
        raise ParseError(
            f"the XML declaration names an unknown encoding {declared!r}", source=source
        ) from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_DOCUMENT_ENCODINGS:
        raise ParseError(
            f"the XML declaration names {declared!r}, which is not a character encoding",
            source=source,
        )
    name = "utf-8" if info.name in {"ascii", "utf-8-sig"} else info.name
    if width > 1 or with_bom:
        # a BOM or wide characters settle it: the declaration may only agree
        if name == family or (width > 1 and name == family[:6]):
            return codec
    elif _reads_the_same(declaration or "", name):
        return name
    shown = family.upper() if width > 1 or with_bom else "ASCII-compatible (UTF-8, Latin-1, …)"
    raise ParseError(
        f"the XML declaration says encoding {declared!r} but the bytes are {shown} "
        "(XML 1.0 appendix F); save the file in the encoding it declares",
        source=source,
    )


def _reads_the_same(declaration: str, codec: str) -> bool:
    """True when the declaration's bytes, read with ``codec``, are the same text."""
    try:
        return declaration.encode("ascii").decode(codec) == declaration
    except (UnicodeError, ValueError):
        return False


def xml_as_utf8(data: bytes, source: str | None) -> bytes:
    """A whole XML document as UTF-8 bytes, its encoding checked (see :func:`xml_codec`).

    A document in another encoding is decoded and its XML declaration replaced by
    blank lines (so line numbers stay), since the declared name no longer applies.
    """
    codec = xml_codec(data[:HEAD_BYTES], source)
    if codec in {"utf-8", "utf-8-sig"}:
        return data
    try:
        text = data.decode(codec).lstrip("\ufeff")
    except UnicodeError as error:
        offset = getattr(error, "start", None)
        raise ParseError(
            f"the bytes at offset {offset} are not {codec} text, as the document declares",
            source=source,
        ) from None
    declaration = _declaration(text[:HEAD_BYTES])
    if declaration is not None:
        start = text.index(declaration)
        text = text[:start] + "\n" * declaration.count("\n") + text[start + len(declaration) :]
    return text.encode("utf-8", "surrogatepass")
