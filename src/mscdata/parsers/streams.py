"""Byte streams a parser reads: damage of any kind surfaces as an ``OSError``.

gzip reports damage as ``zlib.error`` (ISA-L's reader: ``isal_zlib.error``), ``EOFError``
or ``gzip.BadGzipFile``, a codec as ``UnicodeError``: :func:`gunzipped` and
:class:`Utf8Transcoder` turn them into
:class:`ReadFailed` (an ``OSError``) with a plain reason, and a file reports its own
trouble as ``OSError``, so the parsers catch ``OSError`` (:data:`DAMAGE`) and nothing else.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import zlib
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from mscdata.errors import ParseError

if TYPE_CHECKING:
    from mscdata.progress import Task

_GZIP_DAMAGE = (OSError, EOFError, zlib.error)  # what gzip itself raises for bad data
DAMAGE = (OSError,)  # what every reader here raises for damage: ReadFailed or a file's error


class ReadFailed(OSError):
    """The bytes of a source could not be read (damaged gzip data, unreadable file, bad text)."""


class _DamageChecked:
    """A GzipFile whose damaged or cut data raises :class:`ReadFailed`, whichever way it is
    read (``readinto``, ``readlines`` and iteration go through these methods). It owns
    ``fileobj``: closing it closes the file too."""

    _damage: tuple[type[BaseException], ...] = _GZIP_DAMAGE

    def __init__(self, *, fileobj: IO[bytes]) -> None:
        super().__init__(fileobj=fileobj)  # type: ignore[call-arg]
        self._owned: IO[bytes] | None = fileobj

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            owned, self._owned = self._owned, None
            if owned is not None:
                owned.close()

    def _checked(self, read: Callable[..., bytes], *args: int | None) -> bytes:
        try:
            return read(*args)
        except self._damage as error:
            raise ReadFailed(f"damaged gzip data: {error}") from None

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(super().read, size)  # type: ignore[misc]

    def read1(self, size: int = -1) -> bytes:
        return self._checked(super().read1, size)  # type: ignore[misc]

    def readline(self, size: int | None = -1) -> bytes:
        return self._checked(super().readline, size)  # type: ignore[misc]

    def peek(self, n: int) -> bytes:
        return self._checked(super().peek, n)  # type: ignore[misc]


class CheckedGzip(_DamageChecked, gzip.GzipFile):
    """Python's own gzip reader, damage checked (:class:`_DamageChecked`)."""


def gunzipped(fileobj: IO[bytes]) -> IO[bytes]:
    """The bytes of a gzip stream, damage checked: read by ISA-L (``isal``, about three
    times faster than zlib: bulk PubMed files are gzip) when it is installed, else by
    Python's own :class:`gzip.GzipFile`. Both give the same bytes of sound data, and
    :class:`ReadFailed` for damaged or cut data; ISA-L may stop a block earlier or later
    than Python's reader, and words the damage its own way."""
    return _fast_gzip_class()(fileobj=fileobj)  # type: ignore[return-value]


@functools.cache
def _fast_gzip_class() -> type[_DamageChecked]:
    try:
        from isal import igzip, isal_zlib
    except ImportError:  # no wheel for this platform: Python's own reader
        return CheckedGzip

    class CheckedIsalGzip(_DamageChecked, igzip.GzipFile):
        """ISA-L's gzip reader, damage checked (its inflate errors are not OSErrors)."""

        _damage = (*_GZIP_DAMAGE, isal_zlib.error)

    return CheckedIsalGzip


def read_at_most(stream: IO[bytes], limit: int, source: str, what: str) -> bytes:
    """All bytes of a stream read whole, or ParseError when damaged or over ``limit``."""
    from mscdata.parsers.limits import mebibytes

    try:
        data = stream.read(limit + 1)
    except DAMAGE as error:
        raise ParseError(f"cannot read the data: {error}", source=source) from None
    if len(data) > limit:
        raise ParseError(
            f"{what} is larger than the limit of {mebibytes(limit)} (see mscdata.parsers.limits)",
            source=source,
        )
    return data


class _Wrapper:
    """A stream over ``self._stream``: closing it closes that one; a context manager."""

    _stream: IO[bytes]

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _Wrapper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Counted(_Wrapper):
    """A raw stream whose bytes read are reported to a progress task, block by block."""

    def __init__(self, stream: IO[bytes], task: Task):
        self._stream = stream
        self._task = task

    def read(self, size: int | None = -1) -> bytes:
        data = self._stream.read(size)
        self._task.update(len(data))
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        count = self._stream.readinto(buffer)  # type: ignore[attr-defined]
        self._task.update(count or 0)
        return count

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def readable(self) -> bool:
        return True


class Prefixed(_Wrapper):
    """A stream whose first bytes, already read to look at them, are given back first."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size is None or size < 0:
            head, self._head = self._head, b""
            return head + self._stream.read()
        head, self._head = self._head[:size], self._head[size:]
        return head


class Utf8Transcoder(_Wrapper):
    """A byte stream in ``encoding`` read as UTF-8 bytes, decoded incrementally.

    Bytes that are not valid in ``encoding`` raise :class:`ReadFailed` naming their
    offset in the source, after the text before them has been given.
    """

    def __init__(self, stream: IO[bytes], encoding: str):
        self._stream = stream
        self._encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._offset = 0  # bytes of the source consumed so far
        self._done = False
        self._failure: ReadFailed | None = None

    def read(self, size: int = -1) -> bytes:
        if self._failure is not None:
            raise self._failure
        text = ""
        while not text and not self._done:
            block = self._stream.read(size if size and size > 0 else -1)
            final = not block or size is None or size < 0
            buffered = len(getattr(self._decoder, "buffer", b""))
            try:
                text = self._decoder.decode(block, final=final)
            except UnicodeError as error:
                text = self._before_bad_bytes(block, buffered, error)
                break
            self._offset += len(block)
            self._done = final
        return text.encode("utf-8", "surrogatepass")

    def _before_bad_bytes(self, block: bytes, buffered: int, error: UnicodeError) -> str:
        """The text before the bad bytes of ``block``; the next read raises ReadFailed."""
        start = max(0, (getattr(error, "start", 0) or 0) - buffered)
        self._failure = ReadFailed(
            f"the bytes at offset {self._offset + start} are not {self._encoding} text, "
            "as the XML declaration says"
        )
        try:
            return self._decoder.decode(block[:start], final=False)
        except UnicodeError:
            raise self._failure from None


def decode(data: bytes, source: str | None, *, partial: bool = False) -> str:
    """UTF-8 text of a source, or a ParseError giving the bad byte's line and offset.

    ``partial``: the bytes are a prefix, so a character cut at the very end is fine.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if partial and error.start >= len(data) - 3:
            return data[: error.start].decode("utf-8-sig")
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}",
            source=source,
            line=line,
        ) from None
