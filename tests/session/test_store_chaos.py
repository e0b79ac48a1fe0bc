"""Chaos on the store under the real app: the coach carries on whatever the disk does.

The real Textual app (pilot) coaches a real session whose store is a real SQLite
file, fed in real time by a scripted source at 80 Hz. During a hold, another
process holds the store's write lock for 5 s, or the disk fills up. Each time: the
over-ceiling alarm fires in the ingest of the crossing sample's batch, the hold is
timed exactly as a store-less pipeline times it, the status line says NOT SAVING,
and quitting is clean. After the lock, every sample is stored, in order.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot

from firmware_host.source import LinkChanged, LinkState
from knotmeter.core.events import AlarmKind, AlarmRaised, Event
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.samples import SampleBatch
from knotmeter.session import SaveState, Session, SessionEvent
from knotmeter.store import SessionStore
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.widgets import StatusLine
from tests.screened import none_apply
from tests.store.locker import SCRIPT as LOCKER
from tests.store.volume import fill, small_tmpfs
from tests.ui.conftest import ScriptedSource

RATE_HZ = 80.0
BATCH = 4  # 50 ms of samples per batch, pushed every 50 ms
REGION = "upper-trapezius"  # band 40-65 N, ceiling 110 N
ON_TIME_S = 0.25
"""Wall time from pushing the crossing batch to the alarm: a loaded 2-core CI box
stays far under it; a write stalled on the lock would take the whole lock (5 s)."""


@dataclass
class Chaos:
    """The app, its session and store, and everything pushed and heard."""

    source: ScriptedSource
    session: Session
    app: KnotmeterApp
    store: SessionStore
    pushed: list[SampleBatch] = field(default_factory=list)
    alarm_at: list[tuple[float, AlarmRaised]] = field(default_factory=list)
    t: float = 0.0

    def heard(self, event: SessionEvent) -> None:
        if isinstance(event, AlarmRaised) and event.kind is AlarmKind.OVER_CEILING:
            self.alarm_at.append((time.perf_counter(), event))

    async def press(self, force_n: float, seconds: float) -> list[float]:
        """Push ``seconds`` of force in real time; return each batch's push time."""
        pushed_at = []
        for _ in range(round(seconds * RATE_HZ / BATCH)):
            t = self.t + np.arange(1, BATCH + 1) / RATE_HZ
            batch = SampleBatch(t=t, force_n=np.full(BATCH, force_n))
            self.t = float(t[-1])
            self.pushed.append(batch)
            pushed_at.append(time.perf_counter())
            self.source.push(batch)
            await asyncio.sleep(BATCH / RATE_HZ)
        return pushed_at

    def replayed(self) -> tuple[Pipeline, list[Event]]:
        """The same samples through a pipeline with no session, store or screen."""
        pipeline = Pipeline(config())
        return pipeline, [event for batch in self.pushed for event in pipeline.feed(batch)]

    def status(self) -> str:
        screen = self.app.screen
        assert isinstance(screen, LiveScreen)
        screen.draw_frame()
        return str(screen.query_one(StatusLine).render())

    async def taken(self, pilot: Pilot[None]) -> None:
        deadline = time.monotonic() + 5.0
        while self.session.state.t < self.t:
            assert time.monotonic() < deadline, "the session stopped taking samples"
            await pilot.pause()


def config() -> PipelineConfig:
    return PipelineConfig.for_region(REGION, target_s=60.0)


def build(db: Path) -> Chaos:
    store = SessionStore(db)
    store.save_screening(none_apply())  # screened: straight to the live screen
    source = ScriptedSource()
    session = Session(source, config(), store=store, clock=lambda: 0.0, screening=none_apply())
    chaos = Chaos(source, session, KnotmeterApp(session=session, fmt=ForceFormat()), store)
    session.subscribe(chaos.heard)
    return chaos


async def hold_through(chaos: Chaos, pilot: Pilot[None], trouble_s: float) -> list[str]:
    """In band, over the ceiling for 0.5 s, in band again, for ``trouble_s`` in all;
    check the alarm fired on time; return the status lines seen meanwhile."""
    seen = []
    await chaos.press(52.0, 1.0)
    seen.append(chaos.status())
    crossing_pushed = (await chaos.press(130.0, 0.5))[0]
    await chaos.press(52.0, trouble_s - 1.5)
    await chaos.taken(pilot)
    seen.append(chaos.status())

    (heard_at, alarm), *_ = chaos.alarm_at
    reference, events = chaos.replayed()
    expected = next(
        e for e in events if isinstance(e, AlarmRaised) and e.kind is AlarmKind.OVER_CEILING
    )
    assert alarm == expected, "the alarm fired at the same sample as without a store"
    assert heard_at - crossing_pushed < ON_TIME_S, f"alarm {heard_at - crossing_pushed:.3f} s late"
    assert chaos.session.state.hold == reference.state.hold, "the hold is timed as ever"
    assert chaos.session.state.hold.active
    return seen


@pytest.mark.slow
async def test_a_5s_write_lock_during_a_hold(tmp_path: Path) -> None:
    chaos = build(tmp_path / "knotmeter.sqlite3")
    async with chaos.app.run_test(size=(120, 32)) as pilot:
        chaos.source.push(LinkChanged(0.0, LinkState.LIVE))
        await chaos.press(52.0, 1.0)
        locker = await asyncio.create_subprocess_exec(
            sys.executable, str(LOCKER), str(chaos.store.path), "5",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert locker.stdout is not None
        try:
            assert await locker.stdout.readline() == b"locked\n"
            seen = await hold_through(chaos, pilot, trouble_s=4.0)
            assert await locker.stdout.readline() == b"released\n"
        finally:
            if locker.returncode is None:
                locker.kill()
            await locker.wait()
        assert all("NOT SAVING: the store is locked by another program" in s for s in seen)
        assert all(" live " in s for s in seen), "the link is live, and says so"

        await chaos.press(52.0, 0.5)  # after the lock: the writer catches up
        deadline = time.monotonic() + 10.0
        while (health := chaos.session.store_health) and health.pending:
            assert time.monotonic() < deadline, "the writer never caught up"
            await pilot.pause(0.05)
        assert health is not None
        assert health.state is SaveState.SAVING
        assert "NOT SAVING" not in chaos.status()
        await pilot.press("q")
    assert chaos.app.return_code in (None, 0)
    closed = chaos.session.store_health
    assert closed is not None
    assert closed.unsaved() is None
    stored = chaos.store.samples(chaos.session.session_id or 0)
    np.testing.assert_array_equal(stored.t, np.concatenate([b.t for b in chaos.pushed]))
    np.testing.assert_array_equal(stored.force_n, np.concatenate([b.force_n for b in chaos.pushed]))
    chaos.store.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of our own, to fill up (needs root; skipped where mount fails)."""
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        yield disk


@pytest.mark.slow
async def test_a_full_disk_during_a_hold(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from knotmeter.cli.dashboard import _say_what_was_not_saved

    chaos = build(small_disk / "knotmeter.sqlite3")
    async with chaos.app.run_test(size=(120, 32)) as pilot:
        chaos.source.push(LinkChanged(0.0, LinkState.LIVE))
        await chaos.press(52.0, 1.0)
        fill(small_disk)
        seen = await hold_through(chaos, pilot, trouble_s=3.0)
        assert "NOT SAVING: disk full (" in seen[-1]
        await pilot.press("q")
    assert chaos.app.return_code in (None, 0)
    _say_what_was_not_saved(chaos.session)
    note = capsys.readouterr().err
    assert note.count("\n") == 1
    assert note.startswith("knotmeter: not saved: ")
    assert " of this session (disk full (" in note
    assert note.endswith(" free))\n")
    chaos.store.close()


async def test_a_store_damaged_mid_session_costs_the_history_view_not_the_coach(
    tmp_path: Path,
) -> None:
    chaos = build(tmp_path / "knotmeter.sqlite3")
    async with chaos.app.run_test(size=(120, 32)) as pilot:
        chaos.source.push(LinkChanged(0.0, LinkState.LIVE))
        await chaos.press(52.0, 1.0)
        with closing(sqlite3.connect(chaos.store.path)) as other:
            other.execute("DROP TABLE holds")
            other.commit()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(chaos.app.screen, LiveScreen)
        await chaos.press(130.0, 0.5)
        await chaos.taken(pilot)
        assert chaos.alarm_at, "the coach still warns"
        await pilot.press("q")
    health = chaos.session.store_health
    assert health is not None
    assert str(health.unsaved()).endswith("record of this session (no such table: holds)")
    chaos.store.close()
