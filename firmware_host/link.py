"""The event side every transport's source shares: one queue, link states told once,
the source's kind, counters.

A source's I/O runs on the event loop (bleak's callbacks, the serial port's
reader); it hands events to :class:`LinkEvents`, and ``events()`` returns
:meth:`LinkEvents.stream`, which ends with the ``closed`` report. The loop that
opens and reopens the link is :mod:`firmware_host.reconnect`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

from firmware_host.source import (
    BatteryStatus,
    KindChanged,
    LinkChanged,
    LinkState,
    SourceEvent,
    SourceStats,
)
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch

RATE_SMOOTHING = 0.05
"""Weight of the newest batch in the rate's moving average (about the last 20 batches)."""


class LinkEvents:
    """The queue ``events()`` drains, the link state last reported, the source's kind and
    :class:`SourceStats`.

    Events are emitted on the event loop that drains them. Link changes and battery
    reports are stamped here, on the source's sample timeline (:meth:`source_t`), so
    every ``t`` a source emits is on one clock whatever the transport or driver.
    """

    def __init__(
        self, *, kind: SourceKind = SourceKind.DEVICE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stats = SourceStats()
        self.kind = kind
        self.state = LinkState.CLOSED
        self._clock = clock
        self._detail = ""
        self._queue: asyncio.Queue[SourceEvent] = asyncio.Queue()
        self._put = self._queue.put_nowait
        self._last_sample_t: float | None = None
        self._last_arrival = 0.0  # host time the newest sample arrived

    async def stream(self) -> AsyncIterator[SourceEvent]:
        """Every event emitted, up to and including the ``closed`` report."""
        while True:
            event = await self._queue.get()
            yield event
            if isinstance(event, LinkChanged) and event.state is LinkState.CLOSED:
                return

    def source_t(self, host_t: float) -> float:
        """Host time ``host_t`` on the sample timeline: the newest sample's time plus the host
        time since it arrived (0 before the first sample, where the timelines start)."""
        if self._last_sample_t is None:
            return 0.0
        return self._last_sample_t + max(0.0, host_t - self._last_arrival)

    def emit(self, event: SourceEvent) -> None:
        """Pass ``event`` on; a :class:`KindChanged` changes :attr:`kind` first, and one that
        changes nothing is not news; a battery report (stamped in host time by its driver)
        moves to the sample timeline."""
        if isinstance(event, KindChanged):
            if event.kind is self.kind:
                return
            self.kind = event.kind
        elif isinstance(event, BatteryStatus):
            event = replace(event, t=self.source_t(event.t))
        self._put(event)

    def set_state(self, state: LinkState, detail: str, *, always: bool = False) -> None:
        """Report a state once: the same state and detail again is not news, unless ``always``
        (each retry, the final ``closed``)."""
        if always or state is not self.state or detail != self._detail:
            self.state = state
            self._detail = detail
            self._put(LinkChanged(self.source_t(self._clock()), state, detail))

    def samples(self, batch: SampleBatch, *, lost: int, live_detail: str) -> None:
        """Count ``batch`` (``lost`` is the driver's running total), report the link live, pass
        the batch on.

        The rate is a moving average, so one late batch does not make the status line jump;
        the first batch after a gap (no data, a reconnect) does not count the gap.
        """
        stats = self.stats
        n = len(batch)
        stats.samples += n
        stats.lost = lost
        end = float(batch.t[-1])
        previous = self._last_sample_t
        self._last_sample_t = end
        self._last_arrival = self._clock()
        if previous is not None and end > previous and self.state is LinkState.LIVE:
            rate = n / (end - previous)
            stats.rate_hz = (
                stats.rate_hz + RATE_SMOOTHING * (rate - stats.rate_hz) if stats.rate_hz else rate
            )
        self.set_state(LinkState.LIVE, live_detail)
        self._put(batch)
