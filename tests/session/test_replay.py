"""The replay source over real CSV files: every sample once, in order, paced by trace time."""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from firmware_host.source import LinkChanged, LinkState, Source, SourceEvent
from knotmeter.core.events import AlarmKind
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import BadInput
from knotmeter.replay import BATCH_S, ReplaySource
from knotmeter.session import Session, SessionEvent
from knotmeter.sources import open_source
from knotmeter.store import SessionStore, SourceKind

TraceMaker = Callable[[float, list[tuple[float, float, float]]], tuple[Path, SampleBatch]]
ONE_PRESS = [(1.0, 3.0, 52.0)]


class FakeTime:
    """A host clock that moves only when the replay sleeps."""

    def __init__(self) -> None:
        self.now = 50.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


async def collect(source: ReplaySource) -> list[SourceEvent]:
    return [event async for event in source.events()]


def batches(events: list[SourceEvent]) -> list[SampleBatch]:
    return [e for e in events if isinstance(e, SampleBatch)]


async def test_every_sample_once_in_order_between_live_and_closed(
    trace_file: TraceMaker,
) -> None:
    path, trace = trace_file(5.0, ONE_PRESS)
    source = ReplaySource(path, speed=math.inf)
    assert isinstance(source, Source)
    events = await collect(source)

    assert events[0] == LinkChanged(0.0, LinkState.LIVE, f"replaying {path.name}")
    assert events[-1] == LinkChanged(float(trace.t[-1]), LinkState.CLOSED, "end of recording")
    played = batches(events)
    assert len(played) == len(events) - 2
    np.testing.assert_array_equal(np.concatenate([b.t for b in played]), trace.t)
    np.testing.assert_array_equal(np.concatenate([b.force_n for b in played]), trace.force_n)
    assert all(float(b.t[-1] - b.t[0]) <= BATCH_S for b in played)
    assert source.stats.samples == len(trace)
    assert source.stats.rate_hz == pytest.approx(80.0)


@pytest.mark.parametrize("speed", [1.0, 2.0, 0.5, 0.1])
async def test_batches_are_paced_by_trace_time_over_speed(
    trace_file: TraceMaker, speed: float
) -> None:
    path, trace = trace_file(3.0, ONE_PRESS)
    fake = FakeTime()
    start = fake.now
    source = ReplaySource(path, speed, clock=fake.clock, sleep=fake.sleep)
    emitted_at = []
    async for event in source.events():
        if isinstance(event, SampleBatch):
            emitted_at.append((fake.now - start, float(event.t[-1])))
    due = [t_last / speed for _, t_last in emitted_at]
    assert [at for at, _ in emitted_at] == pytest.approx(due)
    assert fake.now - start == pytest.approx(float(trace.t[-1]) / speed)
    gaps = np.diff([0.0] + [at for at, _ in emitted_at])
    assert max(gaps) <= BATCH_S + 1 / 80.0 / speed  # a link's cadence, at any speed


async def test_close_stops_a_replay_midway(trace_file: TraceMaker) -> None:
    path, _ = trace_file(3.0, ONE_PRESS)
    fake = FakeTime()
    source = ReplaySource(path, clock=fake.clock, sleep=fake.sleep)
    seen: list[SourceEvent] = []
    async for event in source.events():
        seen.append(event)
        if len(batches(seen)) == 3:
            await source.close()
    assert len(batches(seen)) == 3
    assert isinstance(seen[-1], LinkChanged)
    assert seen[-1].state is LinkState.CLOSED


@pytest.mark.parametrize("speed", [0.0, -1.0, math.nan])
def test_a_speed_that_is_not_positive_is_refused(trace_file: TraceMaker, speed: float) -> None:
    path, _ = trace_file(1.0, [])
    with pytest.raises(BadInput, match="speed must be greater than 0"):
        ReplaySource(path, speed)


def test_a_bad_trace_fails_on_open_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("t_s,force_n\n0.0,1.0\n0.0,2.0\n")
    with pytest.raises(BadInput, match=re.escape(f"{path} line 3:")):
        ReplaySource(path)


def test_file_moniker_opens_a_replay(trace_file: TraceMaker) -> None:
    path, _ = trace_file(1.0, [])
    plain = open_source(f"file:{path}")
    assert isinstance(plain, ReplaySource)
    assert (plain.speed, plain.moniker, plain.kind) == (1.0, f"file:{path}", SourceKind.REPLAY)
    fast = open_source(f"file:{path}?speed=4")
    assert isinstance(fast, ReplaySource)
    assert (fast.speed, fast.moniker) == (4.0, f"file:{path}?speed=4")
    assert getattr(open_source(f"file:{path}?speed=100"), "speed", None) == 100.0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?speed=fast", "speed 'fast': expected a number from 0.01 to 100"),
        ("?speed=inf", "speed 'inf': expected a number from 0.01 to 100"),
        ("?speed=1e-300", "speed '1e-300': expected a number from 0.01 to 100"),
        ("?rate=2", "unknown option 'rate'"),
    ],
)
def test_file_moniker_bad_options_are_named(
    trace_file: TraceMaker, query: str, message: str
) -> None:
    path, _ = trace_file(1.0, [])
    with pytest.raises(BadInput, match=message):
        open_source(f"file:{path}{query}")


def test_file_moniker_without_a_path_says_what_to_write() -> None:
    with pytest.raises(BadInput, match=r"name a trace, e\.g\. file:trace\.csv"):
        open_source("file:?speed=2")


async def test_a_replayed_sitting_matches_the_live_pipeline_and_is_stored_as_replay(
    trace_file: TraceMaker, tmp_path: Path
) -> None:
    path, trace = trace_file(12.0, [(1.0, 8.0, 52.0)])
    config = PipelineConfig.for_region("upper-trapezius", target_s=5.0)
    with SessionStore(tmp_path / "k.sqlite3") as store:
        session = Session(
            ReplaySource(path, speed=math.inf), config, store=store, clock=FakeTime().clock
        )
        assert (session.label, session.kind, session.source.kind) == (
            "REPLAY",
            SourceKind.REPLAY,
            SourceKind.REPLAY,
        )
        seen: list[SessionEvent] = []
        session.subscribe(seen.append)
        await session.run()
        await session.close()
        assert session.session_id is not None
        stored = store.samples(session.session_id)
        (hold,) = store.holds(kinds=[SourceKind.REPLAY])
        # The summary's length is the trace's, at any speed: what `sessions` lists too.
        assert session.span_s == pytest.approx(float(stored.t[-1] - stored.t[0]))
        assert store.holds() == []  # a replay is not health history

    whole = Pipeline(config)
    expected = whole.feed(trace)  # one batch: splitting must not change anything
    assert [e for e in seen if not isinstance(e, LinkChanged)] == expected
    np.testing.assert_array_equal(stored.t, trace.t)
    assert hold.complete


async def test_a_paused_replay_stops_and_goes_on_where_it_was(trace_file: TraceMaker) -> None:
    path, _ = trace_file(3.0, ONE_PRESS)
    fake = FakeTime()
    start = fake.now
    source = ReplaySource(path, clock=fake.clock, sleep=fake.sleep)
    stream = source.events()
    seen = [await anext(stream) for _ in range(4)]  # the link, then three batches
    last = seen[-1]
    assert isinstance(last, SampleBatch)
    source.pause(True)
    waiting = asyncio.ensure_future(anext(stream))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiting.done(), "a paused replay plays on"
    fake.now += 10.0  # ten seconds paused
    source.pause(False)
    following = await waiting
    assert isinstance(following, SampleBatch)
    assert following.t[0] > last.t[-1]
    assert fake.now - start == pytest.approx(10.0 + float(following.t[-1]))
    await source.close()


@pytest.mark.slow
async def test_a_paused_session_stops_a_replay_without_calling_it_silence(
    trace_file: TraceMaker,
) -> None:
    path, _ = trace_file(20.0, ONE_PRESS)
    session = Session(ReplaySource(path), PipelineConfig.for_region("upper-trapezius"))
    moved = asyncio.Event()
    session.watch(moved.set)
    running = asyncio.create_task(session.run())

    async def until(condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not condition():
                moved.clear()
                await moved.wait()

    await until(lambda: session.state.t > 1.0)
    session.pause(True)
    paused_t = session.state.t
    await asyncio.sleep(3 * session.config.signal_lost_s)
    assert session.state.t <= paused_t + BATCH_S  # at most the batch already on its way
    assert AlarmKind.SIGNAL_LOST not in session.state.alarms
    session.pause(False)
    await until(lambda: session.state.t > paused_t + 0.5)
    assert AlarmKind.SIGNAL_LOST not in session.state.alarms
    assert len(session.pauses) == 1
    assert session.pauses[0] >= 3 * session.config.signal_lost_s
    await session.close()
    await running
