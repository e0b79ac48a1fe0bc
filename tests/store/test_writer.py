"""The store's writer thread on a real SQLite file another connection locks.

The caller never waits: every call returns at once, whatever the disk does; the
writer catches up in order once it can, and says what it could not save.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np
import pytest

from knotmeter.core.events import AlarmKind, AlarmRaised
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.samples import SampleBatch
from knotmeter.store import SaveState, SessionStore, SourceKind, StoreHealth, StoreWriter

REGION = "upper-trapezius"
IDLE_HOLD = Pipeline(PipelineConfig.for_region(REGION)).state.hold
WAIT_S = 10.0


def batch(start: int, count: int, force_n: float | None = None) -> SampleBatch:
    index = np.arange(start, start + count, dtype=np.float64)
    force = index * 0.5 if force_n is None else np.full(count, force_n)
    return SampleBatch(t=index / 100.0, force_n=force)


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another program's write transaction, held until the block ends."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("COMMIT")


def until(condition: Callable[[], bool]) -> None:
    """Wait for the writer thread to reach ``condition`` (it runs on its own)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "the writer never got there"
        time.sleep(0.005)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    with SessionStore(tmp_path / "k.sqlite3") as opened:
        yield opened


def begin(store: SessionStore, capacity: int | None = None) -> StoreWriter:
    if capacity is not None:
        return StoreWriter(
            store.path, source="test", kind=SourceKind.SIMULATED, region=REGION,
            wall_clock=time.time, capacity=capacity,
        )  # fmt: skip
    return store.begin_writer(source="test", kind=SourceKind.SIMULATED, region=REGION)


def test_a_locked_store_costs_the_caller_nothing_and_loses_nothing(store: SessionStore) -> None:
    writer = begin(store)
    writer.record(batch(0, 100), [], region=REGION)
    until(lambda: writer.health.saved == 100)
    with write_lock(store.path):
        slowest = 0.0
        for first in range(100, 2100, 20):
            start = time.perf_counter()
            writer.record(batch(first, 20), [], region=REGION)
            slowest = max(slowest, time.perf_counter() - start)
        until(lambda: writer.health.state is SaveState.NOT_SAVING)
        locked = writer.health
    assert slowest < 0.05, f"a record() call waited {slowest * 1e3:.0f} ms on the lock"
    assert locked.reason == "the store is locked by another program"
    assert locked.pending == 2000
    until(lambda: writer.health.pending == 0)
    assert writer.health == StoreHealth(SaveState.SAVING, saved=2100)
    stored = store.samples(writer.session_id or 0)
    np.testing.assert_array_equal(stored.t, batch(0, 2100).t)
    assert writer.close().unsaved() is None


def test_a_full_queue_drops_the_newest_samples_and_keeps_the_events(store: SessionStore) -> None:
    writer = begin(store, capacity=100)
    alarm = AlarmRaised(0.9, AlarmKind.OVER_CEILING, 130.0)
    with write_lock(store.path):
        writer.record(batch(0, 60), [], region=REGION)
        until(lambda: writer.health.state is SaveState.NOT_SAVING)
        writer.record(batch(60, 60), [alarm], region=REGION)  # would overflow: samples go
        writer.record(batch(120, 40), [], region=REGION)
        assert writer.health.dropped == 60
    health = writer.close()
    assert health.unsaved() == (
        "not saved: 60 samples of this session (queue full; the store is locked by another program)"
    )
    stored = store.samples(writer.session_id or 0)
    np.testing.assert_array_equal(stored.t, np.concatenate([batch(0, 60).t, batch(120, 40).t]))
    with closing(sqlite3.connect(store.path)) as conn:
        assert conn.execute("SELECT t, kind FROM alarms").fetchall() == [(0.9, "over_ceiling")]


def test_a_write_that_can_never_succeed_is_dropped_and_the_rest_goes_on(
    store: SessionStore,
) -> None:
    writer = begin(store)
    writer.record(batch(0, 10), [], region=REGION)
    writer.record(batch(10, 10, force_n=float("nan")), [], region=REGION)  # NOT NULL
    writer.record(batch(20, 10), [], region=REGION)
    health = writer.close()
    assert (health.saved, health.dropped) == (20, 10)
    assert "NOT NULL constraint failed" in str(health.unsaved())
    assert len(store.samples(writer.session_id or 0)) == 20


def test_quitting_onto_a_lock_that_stays_gives_up_after_the_timeout(store: SessionStore) -> None:
    writer = begin(store)
    with write_lock(store.path):
        writer.record(batch(0, 500), [], region=REGION)
        writer.submit(lambda r: r.rate_pain(4, None))
        start = time.monotonic()
        health = writer.close(timeout_s=0.3)
        waited = time.monotonic() - start
    assert 0.3 <= waited < 2.0
    assert health.unsaved() == (
        "not saved: 500 samples and 2 records of this session"
        " (the store is locked by another program)"
    )


def test_a_session_row_the_lock_delayed_is_written_first(store: SessionStore) -> None:
    with write_lock(store.path):
        writer = begin(store)
        assert writer.session_id is None
        writer.record(batch(0, 10), [], region=REGION)
    until(lambda: writer.health.saved == 10)
    assert writer.session_id is not None
    assert len(store.samples(writer.session_id)) == 10
    writer.close()
