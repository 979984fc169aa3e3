"""The run's start-up and Python's cycle collector (lib/runner.py)."""

from __future__ import annotations

import gc

import pytest

from dagster_project.lib.runner import _collector_paused_for_start_up


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_the_collector_is_off_during_start_up_and_skips_what_it_made():
    gc.enable()
    with _collector_paused_for_start_up() as started:
        assert not gc.isenabled()
        made_at_start_up = [[] for _ in range(1000)]
        started()
        assert gc.isenabled()
        # Everything the start-up made is out of the collector's passes from now on.
        assert gc.get_freeze_count() >= len(made_at_start_up)
    # Afterwards the process's objects are collectable again, and the collector is on.
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_failed_start_up_leaves_the_collector_as_it_was():
    gc.enable()
    with pytest.raises(RuntimeError), _collector_paused_for_start_up():
        raise RuntimeError("the definitions failed to load")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    with _collector_paused_for_start_up() as started:
        started()
        assert not gc.isenabled()
    assert not gc.isenabled()
