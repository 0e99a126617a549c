"""Bulk work allocates Arrow memory from jemalloc, and leaves the caller's pool as it
found it."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest

from mscdata.arrow_memory import returning_pool


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow build has no jemalloc pool")
def test_the_pool_is_jemalloc_inside_and_the_callers_after_even_nested():
    before = pa.default_memory_pool()
    with returning_pool():
        assert pa.default_memory_pool().backend_name == "jemalloc"
        with returning_pool():
            assert pa.default_memory_pool().backend_name == "jemalloc"
        assert pa.default_memory_pool().backend_name == "jemalloc"  # the outer block holds
        made = pa.array(["kept"] * 1000)
    assert pa.default_memory_pool().backend_name == before.backend_name
    assert made.to_pylist() == ["kept"] * 1000  # arrays keep the pool they came from


def test_an_error_inside_still_puts_the_callers_pool_back():
    before = pa.default_memory_pool().backend_name
    with pytest.raises(KeyError), returning_pool():
        raise KeyError("failed")
    assert pa.default_memory_pool().backend_name == before


def test_threads_share_one_switch():
    before = pa.default_memory_pool().backend_name
    entered, leave = threading.Barrier(3), threading.Event()

    def work() -> None:
        with returning_pool():
            entered.wait()
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    entered.wait()
    inside = pa.default_memory_pool().backend_name
    leave.set()
    for thread in threads:
        thread.join()
    assert pa.default_memory_pool().backend_name == before
    assert inside == ("jemalloc" if _has_jemalloc() else before)


def test_a_pool_the_user_chose_is_left_alone(monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    before = pa.default_memory_pool().backend_name
    with returning_pool():
        assert pa.default_memory_pool().backend_name == before
