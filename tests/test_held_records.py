"""Records held while reading are kept out of the garbage collector's walks, and the
collector is given back as it was, whatever happens."""

from __future__ import annotations

import gc
import threading

import pytest

import mscdata
from mscdata.held_records import OutOfCollectorSight

from conftest import SEED, SEED_URL


def _young_walks() -> list[int]:
    """Appended to (the generation) by each collection, while installed."""
    walks: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            walks.append(info["generation"])

    gc.callbacks.append(seen)
    return walks


def test_what_a_reading_keeps_is_walked_by_no_collection_and_ends_up_in_the_oldest_generation():
    walks = _young_walks()
    try:
        with OutOfCollectorSight():
            held_items = [[number] for number in range(50_000)]  # lists: tracked
            assert not gc.isenabled() and walks == []
        assert gc.isenabled() and gc.get_freeze_count() == 0
        young = gc.get_objects(generation=0) + gc.get_objects(generation=1)
        assert not any(item is held_items[-1] for item in young)  # the oldest, unwalked
    finally:
        gc.callbacks.pop()


def test_the_collector_is_given_back_when_reading_fails():
    with pytest.raises(mscdata.ParseError), OutOfCollectorSight():
        mscdata.read(b"<not a source")
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_program_that_froze_objects_itself_keeps_them_frozen_and_its_collector():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with OutOfCollectorSight():
            assert gc.isenabled()  # the reading leaves the collector alone
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_read_leaves_the_collector_as_it_found_it():
    gc.disable()
    try:
        [article] = mscdata.read(SEED, url=SEED_URL).articles
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    assert mscdata.read(SEED, url=SEED_URL).articles == [article]
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_objects_the_program_freezes_during_a_reading_stay_frozen():
    try:
        with OutOfCollectorSight():
            kept = [[n] for n in range(100)]  # lists: tracked by the collector
            gc.freeze()  # the program's own, e.g. from another thread
        assert gc.isenabled()
        assert not any(item is kept[0] for item in gc.get_objects())  # still frozen
    finally:
        gc.unfreeze()


def test_only_one_reading_at_a_time_pauses_the_collector():
    with OutOfCollectorSight():
        done = threading.Event()

        def other_reading() -> None:
            with OutOfCollectorSight():
                pass
            done.set()

        thread = threading.Thread(target=other_reading)
        thread.start()
        thread.join()
        assert done.is_set() and not gc.isenabled()  # the other left the pause alone
    assert gc.isenabled()
