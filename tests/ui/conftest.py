"""A real app on a real session, fed by a source the test scripts sample by sample.

``ScriptedSource`` is a real :class:`~firmware_host.source.Source` (the session
drains it like any other); the test decides what it yields and when. The session's
silence clock is frozen, so ``signal_lost`` only fires when a test says the link
dropped, never because the machine was slow.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot

from firmware_host.source import CoachAim, LinkChanged, LinkState, SourceEvent, SourceStats
from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.plans import Plan, get_plan
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.session import Session
from knotmeter.store import SessionStore
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.live import LiveScreen
from tests.screened import none_apply

RATE_HZ = 80.0
BATCH_S = 0.05
FRAME_S = 0.25
REGION = "upper-trapezius"  # band 40-65 N, ceiling 110 N
TARGET_S = 5.0


class ScriptedSource:
    """Yields exactly what the test pushes; ends after :meth:`close`."""

    def __init__(
        self, moniker: str = "sim:scripted", *, kind: SourceKind = SourceKind.SIMULATED
    ) -> None:
        self.moniker = moniker
        self.kind = kind
        self.stats = SourceStats(rate_hz=RATE_HZ)
        self.tare_requests = 0
        self._queue: asyncio.Queue[SourceEvent | None] = asyncio.Queue()

    def push(self, item: SourceEvent) -> None:
        self._queue.put_nowait(item)

    async def events(self) -> AsyncIterator[SourceEvent]:
        while (item := await self._queue.get()) is not None:
            if isinstance(item, SampleBatch):
                self.stats.samples += len(item)
                self.stats.lost += item.lost
            yield item

    async def tare(self) -> None:
        self.tare_requests += 1

    async def set_rate(self, hz: float) -> None:
        self.stats.rate_hz = hz

    def aim(self, aim: CoachAim) -> None:
        """Scripted forces ignore the aim."""

    async def close(self) -> None:
        self._queue.put_nowait(None)


UNTIL_TIMEOUT_S = 5.0


@dataclass
class Rig:
    """The app under test plus the handles to drive it."""

    source: ScriptedSource
    session: Session
    app: KnotmeterApp
    store: SessionStore
    t: float = 0.0

    @property
    def screen(self) -> LiveScreen:
        screen = self.app.screen
        assert isinstance(screen, LiveScreen)
        return screen

    def press(self, force_n: float, seconds: float, *, batch_s: float = BATCH_S) -> None:
        """Queue ``seconds`` of a steady force at 80 Hz, in ``batch_s`` batches."""
        n = round(seconds * RATE_HZ)
        t = self.t + (np.arange(1, n + 1) / RATE_HZ)
        for chunk in np.array_split(t, max(1, round(seconds / batch_s))):
            self.source.push(SampleBatch(t=chunk, force_n=np.full(chunk.shape, float(force_n))))
        self.t = float(t[-1])

    def link(self, state: LinkState, detail: str = "") -> None:
        self.source.push(LinkChanged(self.t, state, detail))

    async def taken(self, pilot: Pilot[None]) -> None:
        """Wait until the session has taken every queued sample: woken by the session's
        own watcher as it takes them, not by polling the pilot (20 ms a look)."""
        target = self.t
        if self.session.state.t >= target:
            return
        done = asyncio.Event()
        remove = self.session.watch(lambda: done.set() if self.session.state.t >= target else None)
        try:
            await asyncio.wait_for(done.wait(), UNTIL_TIMEOUT_S)
        finally:
            remove()

    async def drawn(self, pilot: Pilot[None]) -> None:
        """Wait until the session has taken every queued sample, then draw that frame;
        it reaches the terminal at the next pause (a test's own, or the snapshot's)."""
        await self.taken(pilot)
        self.screen.draw_frame()

    async def hold(self, pilot: Pilot[None], force_n: float, seconds: float) -> None:
        """Press, then wait until that is on screen."""
        self.press(force_n, seconds)
        await self.drawn(pilot)

    async def step(self, pilot: Pilot[None], force_n: float, seconds: float) -> None:
        """Press one frame's batch at a time, drawing each: the same picture on every run.

        One batch per step means the screen's own frames can only ever see a state this
        loop also draws, so the trace gets exactly one point per step however the loop runs.
        """
        for _ in range(max(1, round(seconds / FRAME_S))):
            self.press(force_n, FRAME_S, batch_s=FRAME_S)
            await self.drawn(pilot)

    @staticmethod
    async def until(
        pilot: Pilot[None], condition: Callable[[], bool], timeout_s: float = UNTIL_TIMEOUT_S
    ) -> None:
        """Let the app run until ``condition`` holds; fail after ``timeout_s``."""

        async def wait() -> None:
            while not condition():
                await pilot.pause()

        await asyncio.wait_for(wait(), timeout_s)


def build_rig(store_dir: Path, plan: Plan | None = None, *, device: bool = False) -> Rig:
    """``device``: the person's own tool (a serial port), else the simulated one."""
    store = SessionStore(store_dir / "sessions.db")
    store.save_screening(none_apply())  # screened: straight to the live screen
    source = (
        ScriptedSource("serial:/dev/scripted", kind=SourceKind.DEVICE)
        if device
        else ScriptedSource()
    )
    config = PipelineConfig.for_region(REGION, target_s=TARGET_S)
    session = Session(  # a frozen clock: silence never accrues
        source,
        config,
        store=store,
        clock=lambda: 0.0,
        hold_target_s=TARGET_S,
        plan=plan,
        screening=none_apply(),
    )
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    return Rig(source, session, app, store)


@pytest.fixture
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    built = build_rig(tmp_path_factory.mktemp("store"))
    yield built
    built.store.close()


@pytest.fixture
def device_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """The same on a scripted *device*: what the pain-threshold measurement needs."""
    built = build_rig(tmp_path_factory.mktemp("store"), device=True)
    yield built
    built.store.close()


@pytest.fixture
def routine_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """The same, coaching the tension-headache routine (upper trapezius, suboccipitals)."""
    built = build_rig(tmp_path_factory.mktemp("store"), get_plan("tension-headache"))
    yield built
    built.store.close()


@pytest.fixture
def session_for() -> Callable[[str], Session]:
    """What the picker's ``connect`` does, over a scripted source named by the moniker."""

    def connect(moniker: str) -> Session:
        config = PipelineConfig.for_region(REGION, target_s=TARGET_S)
        return Session(ScriptedSource(moniker), config, clock=lambda: 0.0, screening=none_apply())

    return connect
