"""The encoding of an XML document: what its bytes are, checked against what it declares.

The byte order mark and the first bytes tell the family (XML 1.0, appendix F): UTF-32,
UTF-16, or an ASCII-compatible encoding. The declaration's ``encoding=`` is then only
believed when it names a text codec that reads those same bytes: ``encoding="utf-16"``
on UTF-8 bytes, an unknown name, or a codec that is not a character encoding
(``rot13``, ``base64``, ``idna``) is a :class:`~mscdata.ParseError`, never an empty
result. ``ascii`` is read as UTF-8, its superset.

A declaration is never left unchecked: one not finished within the first
:data:`HEAD_BYTES`, or whose ``encoding=`` cannot be read or names more than
:data:`MAX_ENCODING_NAME` characters, is a ParseError too (lxml would apply it itself).
"""

from __future__ import annotations

import codecs
import re

from mscdata.errors import ParseError

HEAD_BYTES = 64 << 10  # the XML declaration, the first thing in a document, ends within
MAX_ENCODING_NAME = 40  # characters; real names (IANA) have at most 21 or so
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
)
_FIRST_CHARACTERS = b"<\t\n\r "  # what an XML document may start with, BOM aside
_DECLARATION_START = re.compile(r"<\?xml[ \t\r\n]")  # not <?xml-stylesheet, say
_DECLARED = re.compile(r"""[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"'<>]*)\1""")
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


def _lookup(name: object) -> codecs.CodecInfo | None:
    """The codec of an encoding name (XML's EncName syntax), or None when unknown."""
    if not isinstance(name, str) or not _ENCODING_NAME.fullmatch(name):
        return None
    try:
        return codecs.lookup(name)
    except LookupError:
        return None


def text_codec(name: object) -> str | None:
    """Python's name of the codec ``name`` when it reads a document as text, or None:
    unknown, malformed, not text (``zlib``, ``rot13``) or no document encoding
    (``punycode``, ``undefined``). XML declarations and Table Schema ``encoding``
    are both checked with it."""
    info = _lookup(name)
    if info is None or not getattr(info, "_is_text_encoding", True):
        return None
    return None if info.name in _NOT_DOCUMENT_ENCODINGS else info.name


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


def _declaration(text: str, source: str | None, whole: bool) -> str | None:
    """The XML declaration (``<?xml … ?>``) at the start of a text, or None.

    ``whole`` says the text is the whole document rather than its first bytes. Raises
    ParseError for a declaration that does not end within the text.
    """
    stripped = text.lstrip(" \t\r\n")
    if not _DECLARATION_START.match(stripped):
        return None
    end = stripped.find("?>")
    if end < 0:
        where = "before the document ends" if whole else f"within the first {HEAD_BYTES:,} bytes"
        raise ParseError(f"the XML declaration <?xml … ?> is not finished {where}", source=source)
    return stripped[: end + 2]


def _declared_encoding(declaration: str, source: str | None) -> str | None:
    """The ``encoding=`` of an XML declaration, or None; ParseError when it cannot be read."""
    found = _DECLARED.search(declaration)
    if found is None:
        if "encoding" in declaration:
            raise ParseError(
                'the XML declaration\'s encoding= cannot be read (expected encoding="name")',
                source=source,
            )
        return None
    declared = found.group(2)
    if len(declared) > MAX_ENCODING_NAME:
        raise ParseError(
            f"the XML declaration names an encoding of {len(declared):,} characters: longer "
            f"than the limit of {MAX_ENCODING_NAME} for an encoding name",
            source=source,
        )
    return declared


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
    declaration = _declaration(text, source, whole=len(head) < HEAD_BYTES)
    declared = _declared_encoding(declaration, source) if declaration else None
    if declared is None:
        return codec
    name = text_codec(declared)
    if name is None and _lookup(declared) is None:
        raise ParseError(
            f"the XML declaration names an unknown encoding {declared!r}", source=source
        )
    if name is None:
        raise ParseError(
            f"the XML declaration names {declared!r}, which is not a character encoding",
            source=source,
        )
    name = "utf-8" if name in {"ascii", "utf-8-sig"} else name
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
    declaration = _declaration(text[:HEAD_BYTES], source, whole=len(data) < HEAD_BYTES)
    if declaration is not None:
        start = text.index(declaration)
        text = text[:start] + "\n" * declaration.count("\n") + text[start + len(declaration) :]
    return text.encode("utf-8", "surrogatepass")
