"""The session store on real SQLite files: privacy, schema, holds and pain, history."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from knotmeter.core.events import AlarmKind, AlarmRaised, HoldCompleted, HoldEnded, HoldStarted
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import KnotmeterError
from knotmeter.store import DATA_DIR_ENV, HoldRecord, SessionStore, SourceKind
from knotmeter.store.schema import MIGRATIONS, SCHEMA_VERSION

DAY = 86_400.0
REGION = "upper-trapezius"


class Wall:
    """A settable wall clock (Unix seconds), so holds land on chosen days."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def store(tmp_path: Path, wall: Wall) -> Iterator[SessionStore]:
    with SessionStore(tmp_path / "data" / "knotmeter.sqlite3", wall_clock=wall) as opened:
        yield opened


def batch(start: int, count: int) -> SampleBatch:
    index = np.arange(start, start + count, dtype=np.float64)
    return SampleBatch(t=index / 100.0, force_n=index * 0.5)


def ended(start: float, end: float, *, complete: bool = True) -> HoldEnded:
    return HoldEnded(
        t=end, start=start, in_band_s=60.0, over_band_s=1.5, peak_n=70.0, mean_n=52.0,
        complete=complete,
    )  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "knotmeter.sqlite3"
    old = os.umask(0)  # the most permissive umask: privacy must not depend on it
    try:
        with SessionStore(db) as store:
            store.begin_session(source="sim:x", kind=SourceKind.SIMULATED, region=REGION).record(
                batch(0, 10), [], region=REGION
            )
            files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
            assert mode(db.parent) == 0o700
    finally:
        os.umask(old)


def test_existing_loose_file_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    SessionStore(db).close()
    db.chmod(0o644)
    SessionStore(db).close()
    assert mode(db) == 0o600


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "mine"))
    with SessionStore() as store:
        assert store.path == tmp_path / "mine" / "knotmeter.sqlite3"
    assert store.path.exists()


def test_schema_version_is_recorded_and_a_newer_file_refused(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    SessionStore(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(KnotmeterError, match=r"newer knotmeter .*upgrade"):
        SessionStore(db)


def test_a_file_that_is_not_a_store_is_named(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    db.write_bytes(b"this is not SQLite, just some bytes that happen to be here" * 20)
    with pytest.raises(KnotmeterError, match=str(db)):
        SessionStore(db)


def test_samples_round_trip_in_order(store: SessionStore) -> None:
    recorder = store.begin_session(source="serial:/dev/x", kind=SourceKind.DEVICE, region=REGION)
    recorder.record(batch(0, 40), [], region=REGION)
    recorder.record(batch(40, 25), [], region=REGION)
    got = store.samples(recorder.session_id)
    want = batch(0, 65)
    np.testing.assert_array_equal(got.t, want.t)
    np.testing.assert_array_equal(got.force_n, want.force_n)


def test_a_failed_write_is_one_line_and_keeps_nothing(store: SessionStore) -> None:
    recorder = store.begin_session(source="serial:/dev/x", kind=SourceKind.DEVICE, region=REGION)
    recorder.record(batch(0, 10), [], region=REGION)
    with pytest.raises(KnotmeterError, match=r"cannot write to the session store .*UNIQUE"):
        recorder.record(batch(5, 10), [], region=REGION)  # overlaps: time went backwards
    assert len(store.samples(recorder.session_id)) == 10


def test_hold_row_opens_completes_and_ends(store: SessionStore, wall: Wall) -> None:
    recorder = store.begin_session(source="serial:/dev/x", kind=SourceKind.DEVICE, region=REGION)
    recorder.record(batch(0, 5), [HoldStarted(t=1.0)], region=REGION)
    (open_hold,) = store.holds()
    assert (open_hold.start_t, open_hold.end_t, open_hold.complete) == (1.0, None, None)
    recorder.record(None, [HoldCompleted(t=61.0, in_band_s=60.0)], region=REGION)
    assert store.holds()[0].complete is True
    recorder.record(None, [ended(1.0, 75.0)], region=REGION)
    (hold,) = store.holds()
    assert hold == HoldRecord(
        id=open_hold.id, session_id=recorder.session_id, kind=SourceKind.DEVICE, region=REGION,
        started_at=open_hold.started_at, start_t=1.0, end_t=75.0, in_band_s=60.0,
        over_band_s=1.5, peak_n=70.0, mean_n=52.0, complete=True, pain=None,
    )  # fmt: skip
    assert hold.started_at.timestamp() == wall.now


def test_pain_finds_its_hold_by_start_time_even_before_the_row_exists(
    store: SessionStore,
) -> None:
    recorder = store.begin_session(source="serial:/dev/x", kind=SourceKind.DEVICE, region=REGION)
    recorder.rate_pain(3, None)  # no hold yet: waits for the first one
    recorder.record(None, [HoldStarted(t=1.0)], region=REGION)
    assert store.holds()[0].pain == 3
    recorder.rate_pain(5, 1.0)  # during the hold: replaces
    recorder.record(None, [ended(1.0, 70.0)], region=REGION)
    recorder.rate_pain(4, 1.0)  # after it, still about it
    recorder.rate_pain(2, 80.0)  # a hold the pipeline started but the store has not yet
    recorder.record(None, [HoldStarted(t=80.0), ended(80.0, 150.0)], region=REGION)
    assert [h.pain for h in store.holds()] == [4, 2]


@pytest.mark.parametrize("score", [-1, 0, 11, 42])
def test_pain_outside_1_to_10_is_refused(store: SessionStore, score: int) -> None:
    recorder = store.begin_session(source="sim:x", kind=SourceKind.SIMULATED, region=REGION)
    with pytest.raises(ValueError, match="1-10"):
        recorder.rate_pain(score, None)


def test_alarms_are_kept(store: SessionStore, tmp_path: Path) -> None:
    recorder = store.begin_session(source="serial:/dev/x", kind=SourceKind.DEVICE, region=REGION)
    recorder.record(
        batch(0, 3), [AlarmRaised(t=0.02, kind=AlarmKind.OVER_CEILING, force_n=120.5)], region=""
    )
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute("SELECT session_id, t, kind, force_n FROM alarms").fetchall()
    conn.close()
    assert rows == [(recorder.session_id, 0.02, "over_ceiling", 120.5)]


def test_history_is_the_last_n_days_of_real_tool_holds_per_region(
    store: SessionStore, wall: Wall
) -> None:
    def one_hold(kind: SourceKind, region: str, days_ago: float) -> None:
        wall.now = start - days_ago * DAY
        recorder = store.begin_session(source="x", kind=kind, region=region)
        recorder.record(None, [HoldStarted(t=0.0), ended(0.0, 70.0)], region=region)

    start = wall.now
    one_hold(SourceKind.DEVICE, REGION, 20)  # too old
    one_hold(SourceKind.DEVICE, REGION, 13)
    one_hold(SourceKind.DEVICE, "masseter", 5)
    one_hold(SourceKind.SIMULATED, REGION, 4)  # not health data
    one_hold(SourceKind.REPLAY, REGION, 3)  # not health data either
    one_hold(SourceKind.DEVICE, REGION, 1)
    wall.now = start

    days_ago = [round((start - h.started_at.timestamp()) / DAY) for h in store.holds(region=REGION)]
    assert days_ago == [13, 1]
    assert [h.region for h in store.holds()] == [REGION, "masseter", REGION]
    assert len(store.holds(region=REGION, days=30)) == 3
    everything = store.holds(days=30, kinds=tuple(SourceKind))
    assert [h.kind for h in everything].count(SourceKind.SIMULATED) == 1
    assert len(everything) == 6


def test_personal_targets_newest_per_region_wins(store: SessionStore, wall: Wall) -> None:
    assert store.targets(REGION) is None
    first = PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0)
    store.save_targets(first)
    wall.now += DAY
    second = PersonalTargets(REGION, 50.0, 50.0, 55.0, 70.0)
    store.save_targets(second)
    store.save_targets(PersonalTargets("masseter", 8.0, 8.0, 8.8, 11.2))
    newest = store.targets(REGION)
    assert newest is not None
    assert newest.measured_on == datetime.fromtimestamp(wall.now, UTC).astimezone().date()
    assert replace(newest, measured_on=None) == second
    masseter = store.targets("masseter")
    assert masseter is not None
    assert replace(masseter, measured_on=None) == PersonalTargets("masseter", 8.0, 8.0, 8.8, 11.2)


def test_a_first_version_store_is_migrated_and_keeps_its_sessions(tmp_path: Path) -> None:
    """A file written before personal targets existed opens, gains the table, loses nothing."""
    db = tmp_path / "knotmeter.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO sessions (started_at, source, kind, region) VALUES (1, 'x', 'device', ?)",
            (REGION,),
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    with SessionStore(db) as store:
        store.save_targets(PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0))
        assert store.targets(REGION) is not None
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    conn.close()
