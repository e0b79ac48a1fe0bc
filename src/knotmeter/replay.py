"""Replay of a recorded trace CSV as a :class:`~firmware_host.source.Source`.

A recording goes down the same path as a live tool: the same batches, link events
and pipeline, paced by the trace's own time (scaled by ``speed``). It is labelled
REPLAY, never passed off as a live tool: its moniker is ``file:PATH[?speed=X]``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from firmware_host.source import CoachAim, LinkChanged, LinkState, SourceEvent, SourceStats
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import BadInput
from knotmeter.traces import read_flagged

BATCH_S = 0.05
"""Host seconds between batches, like a BLE or serial link (~20 a second) at any speed.

Pacing in host time keeps the gaps between batches far below the 0.5 s that counts
as a silent link, even in slow motion. As fast as possible, a batch holds this many
trace seconds instead."""

SPEED_RANGE = (0.01, 100.0)
"""Playback speeds a person may ask for (``math.inf`` stays open to tests and tools)."""

Sleeper = Callable[[float], Awaitable[None]]


class ReplaySource:
    """Plays ``path`` back at ``speed`` times real time (``math.inf``: as fast as possible).

    The trace is read (and checked, with line-precise errors) when the source is
    made, so a bad file fails before any screen opens. ``clock`` and ``sleep`` pace
    the batches; tests inject them.
    """

    kind = SourceKind.REPLAY

    def __init__(
        self,
        path: Path | str,
        speed: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleeper = asyncio.sleep,
    ) -> None:
        if not speed > 0:
            raise BadInput(f"replay speed must be greater than 0, got {speed:g}")
        self.path = Path(path)
        self.speed = speed
        self.moniker = f"file:{self.path}" + ("" if speed == 1.0 else f"?speed={speed:g}")
        self.stats = SourceStats()
        self._trace, self._flags = read_flagged(self.path)
        self._clock = clock
        self._sleep = sleep
        self._closed = False
        self._playing = asyncio.Event()
        self._playing.set()
        self._paused_at: float | None = None
        self._paused_s = 0.0  # host seconds spent paused so far: the schedule shifts by it
        span = self.duration_s
        self.stats.rate_hz = (len(self._trace) - 1) / span if span > 0 else 0.0

    @property
    def duration_s(self) -> float:
        """Length of the recording in trace seconds (a trace has at least one sample)."""
        return float(self._trace.t[-1] - self._trace.t[0])

    async def events(self) -> AsyncIterator[SourceEvent]:
        t0, t_end = float(self._trace.t[0]), float(self._trace.t[-1])
        yield LinkChanged(t0, LinkState.LIVE, f"replaying {self.path.name}")
        start = self._clock()
        span_s = BATCH_S * self.speed if math.isfinite(self.speed) else BATCH_S
        for batch in _cut(self._trace, self._flags, span_s):
            end_t = float(batch.t[-1])
            # Emit a batch when its last sample is due, as a link would; a pause while
            # waiting moves the due time on by the pause.
            while True:
                await self._playing.wait()
                due = start + self._paused_s + (end_t - t0) / self.speed
                await self._sleep(max(0.0, due - self._clock()))
                if self._paused_at is None or self._closed:
                    break
            if self._closed:
                break
            self.stats.samples += len(batch)
            yield batch
        yield LinkChanged(t_end, LinkState.CLOSED, "end of recording")

    async def tare(self) -> None:
        """A recording cannot be re-zeroed at the source; the pipeline's tare still works."""

    async def set_rate(self, hz: float) -> None:
        """A recording's rate is what was recorded; nothing to change."""

    def aim(self, aim: CoachAim) -> None:
        """A recording plays what was pressed then: it ignores the aim."""

    def pause(self, paused: bool) -> None:
        """Stop playing (or go on): the recording's time stands still while paused."""
        now = self._clock()
        if paused and self._paused_at is None:
            self._paused_at = now
            self._playing.clear()
        elif not paused and self._paused_at is not None:
            self._paused_s += now - self._paused_at
            self._paused_at = None
            self._playing.set()

    async def close(self) -> None:
        self._closed = True
        self._playing.set()


def _cut(trace: SampleBatch, flags: npt.NDArray[np.bool_], span_s: float) -> Iterator[SampleBatch]:
    """Split ``trace`` into consecutive batches, each the samples of one ``span_s`` cell of
    trace time; empty cells are skipped, not counted, so a long gap costs nothing. A cell
    whose samples change their saturation flag is cut there too: one flag per batch."""
    t = trace.t
    t0 = float(t[0])
    lo = 0
    while lo < len(t):
        cell = max(1, math.ceil((float(t[lo]) - t0) / span_s))
        hi = max(lo + 1, int(np.searchsorted(t, t0 + span_s * cell, side="right")))
        changes = np.flatnonzero(flags[lo + 1 : hi] != flags[lo])
        hi = lo + 1 + int(changes[0]) if changes.size else hi
        yield SampleBatch(t=t[lo:hi], force_n=trace.force_n[lo:hi], saturated=bool(flags[lo]))
        lo = hi
