"""One reconnecting link, whatever carries it: a serial port, a BLE connection, BLE adverts.

:class:`LinkSource` is the :class:`~firmware_host.source.Source` every transport's
source is; a :class:`Transport` only opens one connection at a time and translates
what it carries. The source's one task runs the loop:

1. ``connecting``, with the transport's :meth:`Transport.seeking` line;
2. :meth:`Transport.open` opens one connection. An error the transport lists in
   ``failures`` is told as ``connecting`` (never opened yet) or ``reconnecting``,
   "WHY; retrying in N s", and the loop sleeps the backoff schedule's next delay
   (:mod:`firmware_host.backoff`) before trying again, forever;
3. while the connection is open the transport hands samples to the :class:`Feed`:
   the first of a connection makes the link ``live`` with the transport's
   ``live_detail``. The task itself wakes only when the transport wants a poll
   (:meth:`Transport.tick`) or silence is due (:class:`~firmware_host.silence.SilenceWatch`):
   silent past ``no_data_s`` the link is ``no_data``, in the transport's words
   (:meth:`Transport.silence_detail`); past ``drop_s`` it is dropped ("…, link
   dropped") and reopened like after any other drop;
4. the transport ends a connection with :meth:`Feed.drop` (a port error, a BLE
   disconnect). The loop shuts it (:meth:`Transport.shut`), tells ``reconnecting``
   with the reason, sleeps the schedule's first delay and goes back to 2; a
   connection that opens again counts one reconnect;
5. :meth:`LinkSource.close` cancels the task wherever it waits (a scan or a connect
   may be in flight), and the stream ends with ``closed``.

The source's ``kind`` is set at open; a :class:`~firmware_host.source.KindChanged` a
transport or driver emits (a simulator's advert, a ``SIM-`` INFO) changes it, and only
a change is passed on (:class:`~firmware_host.link.LinkEvents`, which also stamps every
link change and battery report on the sample timeline).

The clock and the sleep are injected, so tests run the loop on their own time.
The link's ``no_data`` is a link state only: whether the signal is lost is the
pipeline's call (``knotmeter.core``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from firmware_host.backoff import DEFAULT_SCHEDULE_S, reconnect_delay
from firmware_host.link import LinkEvents
from firmware_host.protocol.messages import Op
from firmware_host.silence import SilenceWatch, Verdict
from firmware_host.source import CoachAim, LinkState, SourceEvent, SourceStats
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch

Sleep = Callable[[float], Awaitable[None]]

SLACK_S = 0.01
"""The task wakes this long after silence reaches a limit, so the silence it finds is past
it (the limits are strict)."""


@dataclass(slots=True, frozen=True)
class ReconnectTiming:
    """``schedule_s``: delays before retries 1, 2, 3…, the last repeating forever.

    ``no_data_s`` of silence on an open connection is ``no_data``; ``drop_s`` of it
    drops the connection (``inf``: never, a port stays open however quiet).
    """

    schedule_s: tuple[float, ...] = DEFAULT_SCHEDULE_S
    no_data_s: float = 1.0
    drop_s: float = math.inf


class Feed:
    """The loop's side a transport talks to: samples and news in, "the connection is
    over" out. One per source, kept across connections.

    A transport uses ``clock``, ``live_detail``, ``stats`` and the methods up to
    :meth:`wake_by`; the rest (``silence``, ``down``, ``check_t``, :meth:`begin`,
    :meth:`rest`) is the loop's.
    """

    def __init__(
        self, events: LinkEvents, timing: ReconnectTiming, clock: Callable[[], float]
    ) -> None:
        self.clock = clock
        self.live_detail = ""
        """What ``live`` says (where): set by the transport before samples can arrive."""
        self._events = events
        self._timing = timing
        self._wake = asyncio.Event()
        self.silence = self._new_silence()
        self.down: str | None = None
        self.check_t = math.inf  # when the loop next wakes by itself

    @property
    def stats(self) -> SourceStats:
        return self._events.stats

    def samples(self, batch: SampleBatch, *, lost: int) -> None:
        """A batch arrived (``lost``: the transport's running total of lost samples)."""
        self.silence.heard()
        self._events.samples(batch, lost=lost, live_detail=self.live_detail)
        self.wake_by(self.clock() + self._timing.no_data_s + SLACK_S)

    def emit(self, event: SourceEvent) -> None:
        """Anything else the tool said (device info, battery, a kind learned)."""
        self._events.emit(event)

    def drop(self, why: str) -> None:
        """The connection is over (the first reason counts); the loop reopens it."""
        if self.down is None:
            self.down = why
        self._wake.set()

    def wake_by(self, t: float) -> None:
        """Make sure the loop looks again by ``t`` (a poll or a silence check due sooner)."""
        if t < self.check_t:
            self._wake.set()

    def begin(self) -> None:
        """A new connection: nothing heard yet, not down."""
        self.down = None
        self.check_t = math.inf
        self._wake.clear()
        self.silence = self._new_silence()

    async def rest(self, seconds: float, sleep: Sleep) -> None:
        """Sleep ``seconds`` (``inf``: until woken), unless :meth:`drop` or :meth:`wake_by`
        wakes the loop first."""
        if math.isinf(seconds):
            await self._wake.wait()
        else:
            woken = asyncio.ensure_future(self._wake.wait())
            slept = asyncio.ensure_future(sleep(max(0.0, seconds)))
            try:
                await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                woken.cancel()
                slept.cancel()
        self._wake.clear()

    def _new_silence(self) -> SilenceWatch:
        timing = self._timing
        return SilenceWatch(
            no_data_s=timing.no_data_s,
            drop_s=max(timing.no_data_s, timing.drop_s),
            clock=self.clock,
        )


class Transport(Protocol):
    """One channel to one tool; the loop opens it, watches it and opens it again."""

    failures: tuple[type[Exception], ...]
    """Errors that end one try and are retried; anything else ends the source."""

    def seeking(self) -> str:
        """What ``connecting`` says before the first try ("opening /dev/ttyACM0")."""
        ...

    async def open(self, feed: Feed) -> None:
        """Open one connection and start the tool; from now on feed what arrives."""
        ...

    async def shut(self) -> None:
        """Release the connection (also after a failed open, a drop or a cancel)."""
        ...

    def why(self, err: Exception) -> str:
        """One human line for a failure of ``failures``."""
        ...

    def tick(self, now: float) -> float:
        """Send what is due now (a gauge's poll); returns when to be asked again (``inf``)."""
        ...

    def silence_detail(self, silent_s: float) -> str:
        """What ``no_data`` says after ``silent_s`` without samples."""
        ...

    async def send(self, op: Op, value: float) -> None:
        """Ask the tool to do ``op``; a format or a state that cannot carry it ignores it."""
        ...


class LinkSource:
    """A :class:`~firmware_host.source.Source` over any :class:`Transport`, reconnecting for
    as long as it is open (the loop: see the module's docstring)."""

    def __init__(
        self,
        moniker: str,
        transport: Transport,
        *,
        timing: ReconnectTiming,
        kind: SourceKind = SourceKind.DEVICE,
        closed_detail: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        on_aim: Callable[[CoachAim], None] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.moniker = moniker
        self._link = LinkEvents(kind=kind, clock=clock)
        self.stats = self._link.stats
        self._transport = transport
        self._timing = timing
        self._clock = clock
        self._sleep = sleep
        self._feed = Feed(self._link, timing, clock)
        self._closed_detail = moniker if closed_detail is None else closed_detail
        self._on_aim = on_aim
        self._on_close = on_close
        self._runner: asyncio.Task[None] | None = None
        self._opened = False
        self._closed = False

    @property
    def kind(self) -> SourceKind:
        """Set at open; a :class:`~firmware_host.source.KindChanged` in the stream changes it."""
        return self._link.kind

    def events(self) -> AsyncIterator[SourceEvent]:
        if self._runner is None:
            self._runner = asyncio.get_running_loop().create_task(
                self._run(), name=f"link {self.moniker}"
            )
        return self._link.stream()

    async def tare(self) -> None:
        await self._transport.send(Op.TARE, 0.0)

    async def set_rate(self, hz: float) -> None:
        await self._transport.send(Op.SET_RATE, hz)

    def aim(self, aim: CoachAim) -> None:
        """A real tool presses nothing by itself and ignores the aim; a simulated tool in
        this process hands it to its simulated person (``on_aim``)."""
        if self._on_aim is not None:
            self._on_aim(aim)

    async def close(self) -> None:
        """Stop the loop and end :meth:`events` with ``closed``; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        runner = self._runner
        if runner is None:
            self._link.set_state(LinkState.CLOSED, self._closed_detail, always=True)
        else:
            runner.cancel()  # a scan or a connect may be in flight: do not wait for it
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        if self._on_close is not None:
            self._on_close()

    async def _run(self) -> None:
        transport = self._transport
        self._link.set_state(LinkState.CONNECTING, transport.seeking())
        failures = 0
        try:
            while True:
                try:
                    why = await self._connection()
                    failures = 0
                except transport.failures as err:
                    why = transport.why(err)
                delay = reconnect_delay(failures, self._timing.schedule_s)
                failures += 1
                waiting = LinkState.RECONNECTING if self._opened else LinkState.CONNECTING
                self._link.set_state(waiting, f"{why}; retrying in {delay:g} s", always=True)
                await self._sleep(delay)
        finally:
            self._link.set_state(LinkState.CLOSED, self._closed_detail, always=True)

    async def _connection(self) -> str:
        """Open one connection and watch it until it ends; returns why it ended."""
        feed = self._feed
        feed.begin()
        try:
            await self._transport.open(feed)
            if self._opened:
                self.stats.reconnects += 1
            self._opened = True
            return await self._watch()
        finally:
            await self._transport.shut()

    async def _watch(self) -> str:
        """Poll when the transport asks, tell silence as ``no_data``, drop a connection that
        stays silent; returns why the connection ended."""
        feed = self._feed
        silence = feed.silence
        silence.heard()  # silence counts from the open, not from the scan before it
        while feed.down is None:
            now = self._clock()
            wanted = self._transport.tick(now)
            verdict = silence.verdict()
            silent_s = silence.silent_s
            if verdict is Verdict.DROP:
                return f"{self._transport.silence_detail(silent_s)}, link dropped"
            if verdict is Verdict.NO_DATA:
                self._link.set_state(LinkState.NO_DATA, self._transport.silence_detail(silent_s))
                due = now - silent_s + silence.drop_s
            else:
                due = now - silent_s + silence.no_data_s
            feed.check_t = min(wanted, due + SLACK_S)
            await feed.rest(feed.check_t - now, self._sleep)
        return feed.down
