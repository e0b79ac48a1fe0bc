"""A serial-port :class:`Source` read on the event loop: endless reconnect, link-state events.

The port's descriptor is watched with ``loop.add_reader``, so a frame costs one
wake-up of the loop that already runs the pipeline and the screen. A reader thread
handing frames over with ``call_soon_threadsafe`` wakes two threads per frame,
and on a small machine the wake-ups, not the decoding, are most of the link's CPU
(``tests/bench/bench_ui.py``). This needs a selector event loop, which is what
asyncio (and so Textual) runs on POSIX.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

import serial

from firmware_host.link import LinkEvents
from firmware_host.protocol.finite import drop_non_finite
from firmware_host.protocol.messages import Op
from firmware_host.serial.drivers import SIMULATED_MODEL, WireDriver
from firmware_host.serial.port import PortError, describe, open_port, read_ready
from firmware_host.source import CoachAim, DeviceInfo, LinkState, SourceEvent
from knotmeter.core.samples import SampleBatch


@dataclass(slots=True, frozen=True)
class LinkTiming:
    """Reconnect backoff doubles from ``retry_s`` up to ``retry_cap_s``; silence longer
    than ``no_data_s`` on a live link is reported as ``no_data``, and bytes that hold no
    valid frame or line for ``bad_format_s`` as data not in the expected format."""

    retry_s: float = 0.1
    retry_cap_s: float = 1.0
    no_data_s: float = 1.0
    bad_format_s: float = 5.0


class SerialSource:
    """Samples from a tool on a serial port, surviving unplugs for as long as it runs."""

    def __init__(
        self,
        moniker: str,
        path: str,
        driver: WireDriver,
        *,
        baud: int = 115200,
        simulated: bool = False,
        timing: LinkTiming | None = None,
        on_close: Callable[[], None] | None = None,
        on_aim: Callable[[CoachAim], None] | None = None,
        full_scale_n: float | None = None,
    ) -> None:
        self.moniker = moniker
        self.simulated = simulated
        self._link = LinkEvents()
        self.stats = self._link.stats
        self.path = path
        self._baud = baud
        self._driver = driver
        self._timing = timing or LinkTiming()
        self._on_close = on_close
        self._on_aim = on_aim
        self._full_scale_n = full_scale_n  # the range the moniker states (range=N)
        self._range_told = False
        self._task: asyncio.Task[None] | None = None
        self._port: serial.Serial | None = None
        self._pending: list[bytes] = []  # commands given while the port is closed
        self._wake: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._closed = False
        self._last_data_t = 0.0  # the last samples
        self._last_valid_t = 0.0  # the last anything the driver understood
        self._last_bytes_t = 0.0
        self._non_finite = 0  # samples dropped for a NaN or infinite force, counted as bad
        self._check_t = 0.0  # when the task next wakes by itself

    def events(self) -> AsyncIterator[SourceEvent]:
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name=f"serial {self.path}")
        return self._link.stream()

    async def tare(self) -> None:
        self._send(Op.TARE)

    async def set_rate(self, hz: float) -> None:
        self._send(Op.SET_RATE, hz)

    def aim(self, aim: CoachAim) -> None:
        """A real tool presses nothing by itself and ignores the aim; a simulated tool
        on a pty in this process hands it to its simulated person (``on_aim``)."""
        if self._on_aim is not None:
            self._on_aim(aim)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._task is not None and self._wake is not None:
            self._wake.set()
            await self._task
        else:
            self._link.set_state(LinkState.CLOSED, self.path, always=True)
        if self._on_close is not None:
            self._on_close()

    def _send(self, op: Op, value: float = 0.0) -> None:
        """Write a command now, or once the port is open; formats that cannot carry it
        (text, gauge) ignore it."""
        data = self._driver.command(op, value)
        if not data:
            return
        if self._port is None:
            self._pending.append(data)
        else:
            self._write(data)

    # --- the link's lifetime, as one task ------------------------------------------

    async def _run(self) -> None:
        retry_s = self._timing.retry_s
        self._link.set_state(LinkState.CONNECTING, f"opening {self.path}")
        ever_opened = False
        while not self._closed:
            try:
                port = open_port(self.path, self._baud)
            except PortError as err:
                waiting = LinkState.RECONNECTING if ever_opened else LinkState.CONNECTING
                self._link.set_state(waiting, str(err))
                await self._rest(retry_s)
                retry_s = min(retry_s * 2, self._timing.retry_cap_s)
                continue
            if ever_opened:
                self.stats.reconnects += 1
            ever_opened = True
            retry_s = self._timing.retry_s
            try:
                await self._serve(port)
            except (serial.SerialException, OSError) as err:
                self._link.set_state(LinkState.RECONNECTING, describe(self.path, err))
            finally:
                self._port = None
                port.close()
        self._link.set_state(LinkState.CLOSED, self.path, always=True)

    async def _serve(self, port: serial.Serial) -> None:
        """Read (in callbacks), poll and watch for silence until the port fails or we close.

        The task itself wakes only when the driver wants to poll or silence is due
        to be checked, about once a second on a streaming tool.
        """
        loop = asyncio.get_running_loop()
        fd = port.fileno()
        self._failure = None
        self._port = port
        self._last_data_t = self._last_valid_t = self._last_bytes_t = time.monotonic()
        self._write(self._driver.on_open(self._last_data_t))
        for data in self._pending:
            self._write(data)
        self._pending.clear()
        loop.add_reader(fd, self._on_readable, port)
        try:
            while not self._closed and self._failure is None:
                now = time.monotonic()
                self._poll(now)
                if now - self._last_data_t > self._timing.no_data_s:
                    self._link.set_state(LinkState.NO_DATA, self._silence_detail(now))
                self._check_t = self._next_check_t(now)
                await self._rest(self._check_t - now)
        finally:
            loop.remove_reader(fd)
        if self._failure is not None:
            raise self._failure

    def _next_check_t(self, now: float) -> float:
        """The next poll the driver wants, the moment silence becomes ``no_data``, or the
        moment unreadable bytes have lasted ``bad_format_s``."""
        silent_at = self._last_data_t + self._timing.no_data_s
        if silent_at <= now:  # already silent: look again in a while, for the change
            silent_at = now + self._timing.no_data_s
        unreadable_at = self._last_valid_t + self._timing.bad_format_s
        if unreadable_at <= now:
            unreadable_at = silent_at
        return min(self._driver.next_poll_t, silent_at, unreadable_at)

    async def _rest(self, seconds: float) -> None:
        """Sleep, unless :meth:`close` or a port failure wakes the task first."""
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, seconds))
        if not self._closed:
            self._wake.clear()

    def _fail(self, err: BaseException) -> None:
        self._failure = err
        assert self._wake is not None
        self._wake.set()

    def _write(self, data: bytes) -> None:
        assert self._port is not None
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as err:
            self._fail(err)

    def _poll(self, now: float) -> None:
        if out := self._driver.poll(now):
            self._write(out)

    def _on_readable(self, port: serial.Serial) -> None:
        """Translate what arrived; an unplugged port ends :meth:`_serve` with the error."""
        try:
            data = read_ready(port)
        except (serial.SerialException, OSError) as err:
            self._fail(err)
            return
        if not data:
            return
        now = self._last_bytes_t = time.monotonic()
        events = self._driver.feed(data, now)
        if events:
            self._last_valid_t = now
        for event in events:
            if isinstance(event, SampleBatch):
                batch, dropped = drop_non_finite(event)
                self._non_finite += dropped
                if batch is None:
                    continue
                self._last_data_t = now
                self._tell_range()
                self._link.samples(batch, lost=self._driver.lost, live_detail=self.path)
                continue
            if isinstance(event, DeviceInfo):
                if event.model == SIMULATED_MODEL:
                    self.simulated = True  # a simulator behind a plain serial: never hide it
                if event.full_scale_n is None and self._full_scale_n is not None:
                    event = replace(event, full_scale_n=self._full_scale_n)
            self._link.emit(event)
        self.stats.bad_frames = self._driver.bad_frames + self._non_finite
        self._poll(now)
        if self._driver.next_poll_t < self._check_t:  # a reply came: the next poll is sooner
            assert self._wake is not None
            self._wake.set()

    def _silence_detail(self, now: float) -> str:
        """Why no samples come: nothing arrives, or what arrives is not in the format
        the moniker asked for (a wrong format or baud, or not a knotmeter tool)."""
        unreadable_s = now - self._last_valid_t
        if self._last_bytes_t > self._last_valid_t and unreadable_s >= self._timing.bad_format_s:
            name = self._driver_name()
            unit = "frame" if name == "binary" else "line"
            return (
                f"{self.path}: data is not in the expected format: no valid {name} {unit} "
                f"for {self._timing.bad_format_s:g} s at {self._baud} baud (not a knotmeter "
                "tool, or the wrong format or baud? try format=text, format=gauge or baud=9600)"
            )
        return f"{self.path}: no samples for {self._timing.no_data_s:g} s"

    def _tell_range(self) -> None:
        """A text board or a gauge never describes itself: the range the moniker states
        (``range=N``) reaches the coach as device info, once, so it can keep every ceiling
        inside it. Our binary tool says its own in its INFO frame."""
        if self._full_scale_n is None or self._range_told or self._driver_name() == "binary":
            return
        self._range_told = True
        name = self._driver_name()
        self._link.emit(DeviceInfo("", "", name, 0.0, f"{name} serial", self._full_scale_n))

    def _driver_name(self) -> str:
        return type(self._driver).__name__.removesuffix("Driver").lower()
