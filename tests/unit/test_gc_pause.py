"""`paused_gc`: the collector is off inside the block and as it was afterwards; `freeze` freezes."""

from __future__ import annotations

import gc

from hippo.entrypoints.gc_pause import paused_gc


def test_the_collector_is_off_inside_and_restored_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_moves_the_live_objects_to_the_permanent_generation():
    before = gc.get_freeze_count()
    kept = [[index] for index in range(1000)]
    try:
        with paused_gc(freeze=True):
            pass
        assert gc.get_freeze_count() >= before + len(kept)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
