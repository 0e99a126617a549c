"""Gzip sources read by ISA-L when installed: the same bytes and the same damage as
Python's own reader."""

from __future__ import annotations

import gzip
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mscdata.parsers.streams import CheckedGzip, ReadFailed, _fast_gzip_class, gunzipped


def _read_all(stream) -> bytes | str:
    """The stream's bytes, or "damaged" when it raises ReadFailed (and nothing else)."""
    try:
        with stream:
            return stream.read()
    except ReadFailed:
        return "damaged"


def _members(data: bytes, pieces: int) -> bytes:
    """``data`` as ``pieces`` concatenated gzip members (as ``cat a.gz b.gz`` makes)."""
    size = max(1, len(data) // pieces)
    parts = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
    return b"".join(gzip.compress(part, mtime=0) for part in parts)


def test_isal_is_the_reader_where_it_is_installed():
    pytest.importorskip("isal", reason="isal has no wheel for this platform")
    assert _fast_gzip_class() is not CheckedGzip
    assert _fast_gzip_class().__name__ == "CheckedIsalGzip"


@settings(max_examples=150, deadline=None)
@given(
    data=st.binary(max_size=5000),
    pieces=st.integers(1, 3),
    damage=st.one_of(
        st.none(),
        st.tuples(st.just("cut"), st.floats(0, 1)),
        st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
        st.tuples(st.just("tail"), st.sampled_from([b"\0\0\0\0", b"junk", b"\x1f\x8b"])),
    ),
)
def test_fast_and_python_readers_agree_on_sound_and_damaged_data(data, pieces, damage):
    packed = bytearray(_members(data * 3, pieces))
    if damage is not None and damage[0] == "cut":
        packed = packed[: int(len(packed) * damage[1])]
    elif damage is not None and damage[0] == "flip":
        packed[min(len(packed) - 1, int(len(packed) * damage[1]))] ^= damage[2]
    elif damage is not None:
        packed += damage[1]
    python = _read_all(CheckedGzip(fileobj=io.BytesIO(bytes(packed))))
    fast = _read_all(gunzipped(io.BytesIO(bytes(packed))))
    assert fast == python
    if damage is None:
        assert fast == data * 3


def test_a_damaged_stream_read_in_blocks_fails_as_read_failed_not_a_library_error():
    data = bytearray(gzip.compress(bytes(range(256)) * 4000, mtime=0))
    data[len(data) // 2] ^= 0xFF
    stream = gunzipped(io.BytesIO(bytes(data)))
    with pytest.raises(ReadFailed, match="damaged gzip data"), stream:
        while stream.read(1 << 12):
            pass
