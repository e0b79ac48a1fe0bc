"""The session with real sources: a hand-driven source for link events and silence,
the replay source over a CSV file for whole sittings, and real SQLite files."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest

from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import SerialSource
from firmware_host.source import (
    BatteryStatus,
    CoachAim,
    DeviceInfo,
    LinkChanged,
    LinkState,
    SourceEvent,
    SourceStats,
)
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer
from knotmeter.core.events import (
    AlarmCleared,
    AlarmKind,
    AlarmRaised,
    Event,
    HoldEnded,
    HoldStarted,
)
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.prescription import Prescription, Rx, prescribe
from knotmeter.core.samples import FloatArray, SampleBatch
from knotmeter.core.tools import Tool
from knotmeter.replay import ReplaySource
from knotmeter.session import Session, SessionEvent, TargetsChanged
from knotmeter.store import SessionStore, SourceKind
from tests.screened import none_apply

RATE_HZ = 80.0
REGION = "upper-trapezius"  # band 40-65 N, ceiling 110 N
TIMEOUT_S = 5.0


class HandSource:
    """A source whose events the test pushes one at a time (link drops, silence, bursts).

    It satisfies the ``Source`` protocol for real: the session iterates it exactly as
    it iterates a serial or BLE link.
    """

    kind = SourceKind.SIMULATED

    def __init__(self) -> None:
        self.moniker = "hand:test"
        self.stats = SourceStats()
        self.yielded = 0
        self._queue: asyncio.Queue[SourceEvent | None] = asyncio.Queue()
        self._idle = asyncio.Event()

    def push(self, *events: SourceEvent) -> None:
        self._idle.clear()
        for event in events:
            self._queue.put_nowait(event)

    async def drained(self) -> None:
        """Return once the consumer has handled everything pushed and asks for more."""
        await asyncio.wait_for(self._idle.wait(), TIMEOUT_S)

    async def events(self) -> AsyncIterator[SourceEvent]:
        while True:
            if self._queue.empty():
                self._idle.set()
            event = await self._queue.get()
            if event is None:
                return
            self.yielded += 1
            yield event

    async def tare(self) -> None:
        raise AssertionError("the session tares in software, never on the device")

    async def set_rate(self, hz: float) -> None:
        del hz

    def aim(self, aim: CoachAim) -> None:
        """The test drives the forces by hand: the aim is ignored."""

    async def close(self) -> None:
        self.push(LinkChanged(0.0, LinkState.CLOSED))
        self._queue.put_nowait(None)


@pytest.fixture
def hand_source() -> HandSource:
    return HandSource()


class ManualClock:
    """Host time that moves only when the test says so.

    Tests that are not about silence use one too, so a loaded machine pausing the
    test between two batches cannot look like a silent tool.
    """

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def samples(t0: float, t1: float, force: float | Callable[[FloatArray], FloatArray]) -> SampleBatch:
    """Samples at ``RATE_HZ`` over ``[t0, t1)``, at a constant or a computed force."""
    t = t0 + np.arange(round((t1 - t0) * RATE_HZ)) / RATE_HZ
    return SampleBatch(t=t, force_n=force(t) if callable(force) else np.full_like(t, force))


def config(target_s: float = 5.0) -> PipelineConfig:
    return PipelineConfig.for_region(REGION, target_s=target_s)


class Running:
    """A session running on its own task, with every event it fans out."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[SessionEvent] = []
        session.subscribe(self.seen.append)
        self.task = asyncio.create_task(session.run())

    async def wait_for(self, match: Callable[[SessionEvent], bool]) -> SessionEvent:
        found = asyncio.Event()
        unsubscribe = self.session.subscribe(lambda e: found.set() if match(e) else None)
        try:
            if not any(match(e) for e in self.seen):
                await asyncio.wait_for(found.wait(), TIMEOUT_S)
        finally:
            unsubscribe()
        return next(e for e in self.seen if match(e))

    async def stop(self) -> None:
        await self.session.close()
        await asyncio.wait_for(self.task, TIMEOUT_S)


def is_alarm(kind: AlarmKind) -> Callable[[SessionEvent], bool]:
    return lambda e: isinstance(e, AlarmRaised) and e.kind is kind


async def test_events_fan_out_in_order(hand_source: HandSource) -> None:
    info = DeviceInfo(firmware="1.2", serial_number="KM-7", adc="hx711", rate_hz=RATE_HZ)
    presses = [
        samples(0.0, 1.0, 0.0),
        samples(1.0, 2.0, lambda t: 50.0 * (t - 1.0)),  # ramp into the band
        samples(2.0, 4.0, 55.0),
        samples(4.0, 4.5, 130.0),  # over the ceiling
        samples(4.5, 6.0, 0.0),  # released
    ]
    running = Running(Session(hand_source, config(), clock=ManualClock(), screening=none_apply()))
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), info, *presses[:3])
    hand_source.push(BatteryStatus(3.0, 3700), *presses[3:])
    await running.stop()

    reference = Pipeline(config())
    expected: list[SessionEvent] = [LinkChanged(0.0, LinkState.LIVE), info]
    for index, batch in enumerate(presses):
        if index == 3:
            expected.append(BatteryStatus(3.0, 3700))
        expected.extend(reference.feed(batch))
    expected.append(LinkChanged(0.0, LinkState.CLOSED))
    assert running.seen == expected
    assert any(isinstance(e, HoldEnded) for e in expected)  # the trace does exercise holds
    assert (running.session.info, running.session.battery_mv) == (info, 3700)
    assert running.session.link is LinkState.CLOSED
    assert running.session.state == reference.state


async def test_alarm_reaches_subscribers_while_the_crossing_batch_is_fed(
    hand_source: HandSource, tmp_path: Path
) -> None:
    """The alarm is fanned out inside the ingest of its batch: before the next batch,
    and before the batch is written to disk (the writer thread stores it later)."""
    crossing = samples(2.0, 2.5, 130.0)
    with SessionStore(tmp_path / "k.sqlite3") as store:
        session = Session(
            hand_source, config(), store=store, clock=ManualClock(), screening=none_apply()
        )
        assert session.session_id is not None
        at_alarm: list[tuple[int, float, int]] = []

        def on_event(event: SessionEvent) -> None:
            if isinstance(event, AlarmRaised) and event.kind is AlarmKind.OVER_CEILING:
                stored = len(store.samples(session.session_id or 0))
                at_alarm.append((hand_source.yielded, session.state.t, stored))

        session.subscribe(on_event)
        running = Running(session)
        before = [samples(0.0, 1.0, 50.0), samples(1.0, 2.0, 60.0)]
        after = samples(2.5, 3.0, 20.0)
        hand_source.push(LinkChanged(0.0, LinkState.LIVE), *before, crossing, after)
        await running.stop()

        before_n = sum(len(b) for b in before)
        ((yielded, t, stored_at_alarm),) = at_alarm
        assert (yielded, t) == (1 + len(before) + 1, float(crossing.t[-1]))
        assert stored_at_alarm <= before_n
        assert len(store.samples(session.session_id)) == before_n + len(crossing) + len(after)


async def test_silence_raises_signal_lost_from_the_watchdog(hand_source: HandSource) -> None:
    clock = ManualClock()
    running = Running(Session(hand_source, config(), clock=clock, screening=none_apply()))
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 1.0, 30.0))
    await hand_source.drained()
    last_t = running.session.state.t

    # One batch of a second: the source's frames are a second long, 1.5 s is its rhythm.
    assert running.session.pipeline.silence_limit_s == pytest.approx(1.5, abs=0.02)
    clock.now += 2.0  # the tool goes quiet; no sample, no link event
    alarm = await running.wait_for(is_alarm(AlarmKind.SIGNAL_LOST))
    assert isinstance(alarm, AlarmRaised)
    assert alarm.t == pytest.approx(last_t + running.session.pipeline.silence_limit_s)
    assert AlarmKind.SIGNAL_LOST in running.session.state.alarms

    hand_source.push(samples(3.0, 3.5, 30.0))  # data again: cleared
    await hand_source.drained()
    assert AlarmKind.SIGNAL_LOST not in running.session.state.alarms
    assert any(isinstance(e, AlarmCleared) for e in running.seen)
    await running.stop()


@pytest.mark.slow
async def test_full_frames_never_raise_signal_lost_but_a_real_gap_does(
    hand_source: HandSource,
) -> None:
    """76-sample frames at 80 Hz come 0.95 s apart: the watchdog allows 1.5 of them
    (1.425 s), so their rhythm never raises SIGNAL LOST, and a 2 s gap still does, dated
    within max(0.5 s, 1.5 frame periods) of the last sample."""
    clock = ManualClock()
    running = Running(Session(hand_source, config(), clock=clock, screening=none_apply()))
    hand_source.push(LinkChanged(0.0, LinkState.LIVE))
    frame_s = 76 / RATE_HZ
    for i in range(4):
        hand_source.push(samples(i * frame_s, (i + 1) * frame_s, 52.0))
        await hand_source.drained()
        clock.now += frame_s
    last_t = running.session.state.t
    assert running.session.pipeline.silence_limit_s == pytest.approx(1.5 * frame_s)
    clock.now += 1.3 - frame_s  # a late frame, still within its rhythm
    await asyncio.sleep(1.5)  # the watchdog has looked (it wakes within the limit)
    assert not any(is_alarm(AlarmKind.SIGNAL_LOST)(e) for e in running.seen)
    clock.now += 0.7  # 2 s since the last frame: a real gap
    alarm = await running.wait_for(is_alarm(AlarmKind.SIGNAL_LOST))
    assert isinstance(alarm, AlarmRaised)
    assert alarm.t - last_t <= max(0.5, 1.5 * frame_s) + 1e-9
    await running.stop()


@pytest.mark.parametrize("down", [LinkState.RECONNECTING, LinkState.NO_DATA])
async def test_link_down_raises_signal_lost_at_once_and_pauses_the_hold(
    hand_source: HandSource, down: LinkState
) -> None:
    clock = ManualClock()
    running = Running(
        Session(hand_source, config(target_s=60.0), clock=clock, screening=none_apply())
    )
    before, after = samples(0.0, 4.0, 55.0), samples(4.3, 8.0, 55.0)  # a 0.3 s outage
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), before)
    await hand_source.drained()
    assert running.session.state.hold.active

    hand_source.push(LinkChanged(4.0, down))
    await hand_source.drained()
    assert running.seen[-2:] == [
        LinkChanged(4.0, down),
        AlarmRaised(float(before.t[-1]), AlarmKind.SIGNAL_LOST, running.session.state.raw_n),
    ]
    hand_source.push(LinkChanged(4.3, LinkState.LIVE), after)
    await hand_source.drained()

    paused, unpaused = Pipeline(config(target_s=60.0)), Pipeline(config(target_s=60.0))
    for pipeline in (paused, unpaused):
        pipeline.feed(before)
    paused.link_lost(float(before.t[-1]))
    for pipeline in (paused, unpaused):
        pipeline.feed(after)
    hold = running.session.state.hold
    assert hold.active, "a link drop must not end the hold"
    assert hold.in_band_s == paused.state.hold.in_band_s
    assert unpaused.state.hold.in_band_s - hold.in_band_s == pytest.approx(0.3 + 1 / RATE_HZ)
    assert not any(isinstance(e, HoldEnded) for e in running.seen)
    await running.stop()


async def test_pain_ratings_land_on_the_right_hold_rows(
    trace_file: Callable[..., tuple[Path, SampleBatch]], tmp_path: Path
) -> None:
    path, _ = trace_file(40.0, [(1.0, 8.0, 55.0), (13.0, 8.0, 55.0), (25.0, 8.0, 55.0)])
    with SessionStore(tmp_path / "k.sqlite3") as store:
        session = Session(
            ReplaySource(path, speed=math.inf),
            config(),
            store=store,
            clock=ManualClock(),
            screening=none_apply(),
        )
        holds: list[Event] = []

        def rate_as_the_person_would(event: SessionEvent) -> None:
            if isinstance(event, HoldStarted | HoldEnded):
                holds.append(event)
            if isinstance(event, HoldEnded) and len(holds) == 2:
                session.rate_pain(6)  # after the first hold: about that hold
            if isinstance(event, HoldStarted) and len(holds) == 3:
                session.rate_pain(3)  # during the second hold

        session.subscribe(rate_as_the_person_would)
        await session.run()
        session.rate_pain(8)  # after the end: the last hold
        await session.close()

        rows = store.holds(kinds=[SourceKind.REPLAY])
    assert [h.pain for h in rows] == [6, 3, 8]
    assert [h.start_t for h in rows] == [e.t for e in holds if isinstance(e, HoldStarted)]
    assert all(h.complete and h.region == REGION for h in rows)


@pytest.mark.parametrize("score", [-1, 11])
def test_pain_outside_0_to_10_is_refused_even_without_a_store(
    hand_source: HandSource, score: int
) -> None:
    with pytest.raises(ValueError, match="0-10"):
        Session(hand_source, config(), clock=ManualClock(), screening=none_apply()).rate_pain(score)


async def test_next_point_ends_the_hold_under_the_old_region(
    hand_source: HandSource, tmp_path: Path
) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        running = Running(
            Session(hand_source, config(), store=store, clock=ManualClock(), screening=none_apply())
        )
        hand_source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 3.0, 55.0))
        await hand_source.drained()
        running.session.set_region("masseter")
        assert isinstance(running.seen[-2], HoldEnded)  # ended before the move
        assert isinstance(running.seen[-1], TargetsChanged)
        assert running.session.state.ceiling_n == PipelineConfig.for_region("masseter").ceiling_n
        await running.stop()
        (hold,) = store.holds(kinds=[SourceKind.SIMULATED])
    assert hold.region == REGION


@pytest.mark.parametrize(("target_s", "kept"), [(45.0, 45.0), (None, 30.0)])
def test_next_point_keeps_a_users_hold_target_and_resets_band_and_ceiling(
    hand_source: HandSource, target_s: float | None, kept: float
) -> None:
    start = PipelineConfig.for_region(REGION, band=(30.0, 50.0), ceiling_n=90.0, target_s=target_s)
    session = Session(
        hand_source, start, clock=ManualClock(), hold_target_s=target_s, screening=none_apply()
    )
    session.set_region("masseter")
    masseter = PipelineConfig.for_region("masseter")  # band 10-18 N, ceiling 25 N, 30 s
    assert session.pipeline.config == dataclasses.replace(masseter, target_s=kept)


@pytest.mark.pty
async def test_a_tool_that_turns_out_simulated_relabels_the_session(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite3"
    with (
        PtyToolServer(build_tool("calm"), link_path=tmp_path / "ttyKNOT0") as server,
        SessionStore(db) as store,
    ):
        # Opened as a plain port: only the tool's SIM- serial number gives it away.
        source = SerialSource("serial:ttyKNOT0", str(server.link_path), BinaryDriver())
        session = Session(
            source, config(), store=store, clock=ManualClock(), screening=none_apply()
        )
        labelled_at_start = session.label
        at_info: list[str | None] = []

        def on_info(event: SessionEvent) -> None:
            if isinstance(event, DeviceInfo):
                at_info.append(session.label)

        session.subscribe(on_info)
        running = Running(session)
        await running.wait_for(lambda e: isinstance(e, DeviceInfo))
        await running.stop()
    assert labelled_at_start is None
    assert at_info[0] == "SIMULATED"
    assert stored_kind(db) == SourceKind.SIMULATED.value


def stored_kind(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (kind,) = conn.execute("SELECT kind FROM sessions").fetchone()
    return str(kind)


async def test_tare_is_software_only(hand_source: HandSource) -> None:
    running = Running(Session(hand_source, config(), clock=ManualClock(), screening=none_apply()))
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 2.0, 4.0))
    await hand_source.drained()
    assert await running.session.tare()  # HandSource.tare would raise if called
    hand_source.push(samples(2.0, 2.5, 4.0))
    await hand_source.drained()
    assert abs(running.session.state.force_n) < 0.1
    await running.stop()


async def test_close_keeps_a_hold_cut_short_and_the_samples(
    hand_source: HandSource, tmp_path: Path
) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        running = Running(
            Session(
                hand_source,
                config(target_s=60.0),
                store=store,
                clock=ManualClock(),
                screening=none_apply(),
            )
        )
        hand_source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 6.0, 55.0))
        await hand_source.drained()
        await running.stop()
        (hold,) = store.holds(kinds=[SourceKind.SIMULATED])
        assert len(store.samples(hold.session_id)) == 6 * int(RATE_HZ)
    # The pipeline ends the hold, as it ends any: subscribers hear it, the store keeps it whole.
    (ended,) = [event for event in running.seen if isinstance(event, HoldEnded)]
    assert ended.t == running.session.state.t
    assert (hold.end_t, hold.in_band_s, hold.peak_n, hold.mean_n, hold.complete) == (
        ended.t, ended.in_band_s, ended.peak_n, ended.mean_n, False,
    )  # fmt: skip
    assert hold.mean_n == pytest.approx(55.0, abs=1.0)


async def test_a_broken_subscriber_does_not_silence_the_others(
    hand_source: HandSource, caplog: pytest.LogCaptureFixture
) -> None:
    session = Session(hand_source, config(), clock=ManualClock(), screening=none_apply())

    def broken(event: SessionEvent) -> None:
        raise RuntimeError("widget gone")

    session.subscribe(broken)
    running = Running(session)
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 0.5, 130.0))
    with caplog.at_level(logging.ERROR, logger="knotmeter.session"):
        await running.wait_for(is_alarm(AlarmKind.OVER_CEILING))
        await running.stop()
    assert "widget gone" in caplog.text


async def test_unsubscribe_stops_delivery(hand_source: HandSource) -> None:
    session = Session(hand_source, config(), clock=ManualClock(), screening=none_apply())
    late: list[SessionEvent] = []
    unsubscribe = session.subscribe(late.append)
    running = Running(session)
    hand_source.push(LinkChanged(0.0, LinkState.LIVE))
    await hand_source.drained()
    unsubscribe()
    hand_source.push(BatteryStatus(1.0, 3600))
    await running.stop()
    assert late == [LinkChanged(0.0, LinkState.LIVE)]
    assert BatteryStatus(1.0, 3600) in running.seen


async def test_a_point_with_measured_targets_uses_them(
    hand_source: HandSource, tmp_path: Path
) -> None:
    """The person's band and ceiling from a PPT measurement replace the region's defaults."""
    default = prescribe(Rx("masseter"))
    assert isinstance(default, Prescription)
    with SessionStore(tmp_path / "sessions.db") as store:
        store.save_targets(PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0))
        session = Session(
            hand_source, Rx(REGION, target_s=30.0), store=store, screening=none_apply()
        )
        config = session.config
        assert (config.band_low_n, config.band_high_n, config.ceiling_n, config.target_s) == (
            45.0, 49.5, 63.0, 30.0,
        )  # fmt: skip
        assert session.provenance.band == "yours"
        session.set_region("masseter")
        assert session.config == default.config
        await session.close()


class BrokenLink(HandSource):
    """A source whose link dies with an error after what was pushed."""

    async def events(self) -> AsyncIterator[SourceEvent]:
        async for event in super().events():
            yield event
        raise OSError("the port went away")


async def test_a_source_that_dies_never_leaves_the_link_saying_live() -> None:
    source = BrokenLink()
    session = Session(source, config(), clock=ManualClock(), screening=none_apply())
    seen: list[SessionEvent] = []
    session.subscribe(seen.append)
    source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 1.0, 55.0))
    source._queue.put_nowait(None)  # the end of what the link delivers
    with pytest.raises(OSError, match="went away"):
        await session.run()
    assert session.link is LinkState.CLOSED
    assert seen[-1] == LinkChanged(session.state.t, LinkState.CLOSED)
    assert session.store_health is None, "no store, nothing to say about saving"


async def test_measured_targets_serve_the_point_before_the_disk_has_them(
    hand_source: HandSource, tmp_path: Path
) -> None:
    """Going back to a point measured this sitting uses its targets even while the
    writer is still queuing them (a locked store)."""
    with SessionStore(tmp_path / "k.sqlite3") as store:
        session = Session(
            hand_source, config(), store=store, clock=ManualClock(), screening=none_apply()
        )
        with contextlib.closing(sqlite3.connect(store.path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            session.use_targets(PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0))
            session.set_region("masseter")
            session.set_region(REGION)
            assert session.pipeline.config.ceiling_n == 63.0
            other.execute("COMMIT")
        await session.close()
        stored = store.targets(REGION)
        assert stored is not None
        assert dataclasses.replace(stored, measured_on=None) == PersonalTargets(
            REGION, 45.0, 45.0, 49.5, 63.0
        )


async def test_a_points_targets_follow_the_tool_in_use(
    hand_source: HandSource, tmp_path: Path
) -> None:
    """A ball's measured band is not a hook's: each tool has its own (stored per region
    and tool), and one measured this sitting serves at once."""
    ball = PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0)
    hook = PersonalTargets(REGION, 30.0, 30.0, 33.0, 42.0, tool=Tool.HOOK.value)
    with SessionStore(tmp_path / "k.sqlite3") as store:
        store.save_targets(ball)
        session = Session(hand_source, Rx(REGION), store=store, screening=none_apply())
        assert session.pipeline.config.ceiling_n == 63.0
        session.set_tool(Tool.HOOK)
        hook_default = session.pipeline.config.ceiling_n
        assert hook_default != 63.0, "the ball's targets never serve the hook"
        session.use_targets(hook)
        session.set_tool(Tool.BALL)
        assert session.pipeline.config.ceiling_n == 63.0
        session.set_tool(Tool.HOOK)
        assert session.pipeline.config.ceiling_n == 42.0
        await session.close()


async def test_a_tools_range_caps_the_ceiling_and_a_clip_is_too_hard(
    hand_source: HandSource,
) -> None:
    """Issue 9, tool range: a 150 N tool on gluteus medius (ceiling 220 N): the ceiling
    drops under 90 % of the range, and a reading at full scale is a hard alarm."""
    info = DeviceInfo("1.0", "KM-9", "hx711", RATE_HZ, full_scale_n=150.0)
    glutes = PipelineConfig.for_region("gluteus-medius")
    running = Running(Session(hand_source, glutes, clock=ManualClock(), screening=none_apply()))
    hand_source.push(LinkChanged(0.0, LinkState.LIVE), info, samples(0.0, 1.0, 0.0))
    await hand_source.drained()
    config = running.session.config
    assert config.ceiling_capped
    assert config.ceiling_n < 0.9 * 150.0
    hand_source.push(samples(1.0, 2.0, 150.0))
    await hand_source.drained()
    assert AlarmKind.SATURATION in running.session.state.alarms
    assert AlarmKind.OVER_CEILING in running.session.state.alarms
    await running.stop()


async def test_a_clock_stamped_a_million_times_too_fast_is_named_and_timed_by_arrival(
    hand_source: HandSource,
) -> None:
    """A text board read with ``time=us`` while it prints seconds: 80 samples a second
    arrive stamped 80 MHz. The session names it and times it by arrival, so 95 s in the
    band reach the hold limit (90 s) as on any tool."""
    hand_source.moniker = "serial:/dev/ttyUSB0?format=text&time=us"
    clock = ManualClock()
    session = Session(hand_source, config(), clock=clock, screening=none_apply())
    running = Running(session)
    hand_source.push(LinkChanged(0.0, LinkState.LIVE))
    for i in range(95 * 8):  # 10 samples every 0.125 s
        batch = samples(i * 0.125, (i + 1) * 0.125, 52.0 if i > 8 else 0.0)
        hand_source.push(SampleBatch(batch.t * 1e-6, batch.force_n))
        await hand_source.drained()
        clock.now += 0.125
    assert session.clock_note == (
        "time=us looks wrong: 80 MHz stamped, 80 Hz arriving (timed by arrival)"
    )
    assert session.rate_hz == pytest.approx(80.0)
    assert session.state.t > 90.0  # on the arrival timeline
    assert AlarmKind.LONG_HOLD in session.state.alarms
    await running.stop()


async def test_a_sound_clock_is_left_alone(hand_source: HandSource) -> None:
    clock = ManualClock()
    session = Session(hand_source, config(), clock=clock, screening=none_apply())
    running = Running(session)
    hand_source.push(LinkChanged(0.0, LinkState.LIVE))
    for i in range(40):
        hand_source.push(samples(i * 0.125, (i + 1) * 0.125, 52.0))
        await hand_source.drained()
        clock.now += 0.125
    assert session.clock_note is None
    assert session.state.t == pytest.approx(40 * 0.125 - 1 / RATE_HZ)
    await running.stop()
