"""Records held while reading are kept out of the garbage collector's rescans, and the
collector is given back as it was, whatever happens."""

from __future__ import annotations

import gc

import pytest

import mscdata
from mscdata.held_records import FREEZE_EVERY, OutOfCollectorSight

from conftest import SEED, SEED_URL


def test_held_objects_are_frozen_as_they_pile_up_and_given_back():
    held_items = []
    with OutOfCollectorSight() as held:
        for number in range(FREEZE_EVERY):
            held_items.append({"n": number})
            held.added()
        assert gc.get_freeze_count() > 0  # the first thousand are out of sight
    assert gc.get_freeze_count() == 0


def test_the_collector_is_given_back_when_reading_fails():
    with pytest.raises(mscdata.ParseError), OutOfCollectorSight() as held:
        held.added(FREEZE_EVERY)
        mscdata.read(b"<not a source")
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_program_that_froze_objects_itself_keeps_them_frozen():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with OutOfCollectorSight() as held:
            held.added(FREEZE_EVERY)
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
    assert gc.get_freeze_count() == 0


def test_objects_the_program_freezes_during_a_reading_stay_frozen():
    try:
        with OutOfCollectorSight() as held:
            held.added(FREEZE_EVERY)
            ours = gc.get_freeze_count()
            kept = [[n] for n in range(100)]  # lists: tracked by the collector
            gc.freeze()  # the program's own, e.g. from another thread
            held.added(FREEZE_EVERY)
        assert gc.get_freeze_count() > ours and kept
    finally:
        gc.unfreeze()


def test_only_one_reading_at_a_time_freezes():
    with OutOfCollectorSight() as first, OutOfCollectorSight() as second:
        first.added(FREEZE_EVERY)
        frozen = gc.get_freeze_count()
        second.added(FREEZE_EVERY)
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0


def test_freezes_come_when_the_records_held_have_doubled(monkeypatch):
    """Each freeze counts every frozen object: freezing every thousand records cost a
    30,000-record read() more than it saved."""
    held_count = 0
    frozen_at = []
    freeze = gc.freeze

    def counted_freeze():
        frozen_at.append(held_count)
        freeze()

    monkeypatch.setattr(gc, "freeze", counted_freeze)
    try:
        with OutOfCollectorSight() as held:
            for held_count in range(1, 10 * FREEZE_EVERY + 1):  # noqa: B007 (read above)
                held.added()
    finally:
        gc.unfreeze()
    assert frozen_at == [FREEZE_EVERY * 2**n for n in range(4)]
