"""A serial port as a :class:`~firmware_host.reconnect.Transport`: the
:class:`SerialSource` is the shared reconnecting link over it.

The port's descriptor is watched with ``loop.add_reader``, so a frame costs one
wake-up of the loop that already runs the pipeline and the screen. A reader thread
handing frames over with ``call_soon_threadsafe`` wakes two threads per frame,
and on a small machine the wake-ups, not the decoding, are most of the link's CPU
(``tests/bench/bench_ui.py``). This needs a selector event loop, which is what
asyncio (and so Textual) runs on POSIX.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import serial

from firmware_host.backoff import doubling
from firmware_host.protocol.finite import drop_non_finite
from firmware_host.protocol.messages import Op
from firmware_host.reconnect import Feed, LinkSource, ReconnectTiming, Sleep
from firmware_host.serial.drivers import WireDriver
from firmware_host.serial.port import PortError, describe, open_port, read_ready
from firmware_host.source import CoachAim, DeviceInfo
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch


@dataclass(slots=True, frozen=True)
class LinkTiming:
    """Reconnect backoff doubles from ``retry_s`` up to ``retry_cap_s``; silence longer
    than ``no_data_s`` on an open port is reported as ``no_data``, and bytes that hold no
    valid frame or line for ``bad_format_s`` as data not in the expected format. A quiet
    port is never dropped: reopening it would bring nothing back."""

    retry_s: float = 0.1
    retry_cap_s: float = 1.0
    no_data_s: float = 1.0
    bad_format_s: float = 5.0

    def reconnect(self) -> ReconnectTiming:
        """The shared loop's timing: a port never silenced into a drop."""
        return ReconnectTiming(doubling(self.retry_s, self.retry_cap_s), self.no_data_s)


class SerialSource(LinkSource):
    """Samples from a tool on a serial port, surviving unplugs for as long as it runs."""

    def __init__(
        self,
        moniker: str,
        path: str,
        driver: WireDriver,
        *,
        baud: int = 115200,
        kind: SourceKind = SourceKind.DEVICE,
        timing: LinkTiming | None = None,
        on_close: Callable[[], None] | None = None,
        on_aim: Callable[[CoachAim], None] | None = None,
        full_scale_n: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        timing = timing or LinkTiming()
        self.path = path
        super().__init__(
            moniker,
            SerialPort(path, driver, baud=baud, timing=timing, full_scale_n=full_scale_n),
            timing=timing.reconnect(),
            kind=kind,
            closed_detail=path,
            clock=clock,
            sleep=sleep,
            on_aim=on_aim,
            on_close=on_close,
        )


class SerialPort:
    """One port, opened again after each unplug, its bytes read in loop callbacks and
    translated by a :class:`WireDriver`."""

    failures: tuple[type[Exception], ...] = (PortError,)

    def __init__(
        self,
        path: str,
        driver: WireDriver,
        *,
        baud: int,
        timing: LinkTiming,
        full_scale_n: float | None,
    ) -> None:
        self.path = path
        self._baud = baud
        self._driver = driver
        self._timing = timing
        self._full_scale_n = full_scale_n  # the range the moniker states (range=N)
        self._range_told = False
        self._port: serial.Serial | None = None
        self._feed: Feed | None = None
        self._pending: list[bytes] = []  # commands given while the port is closed
        self._last_valid_t = 0.0  # the last anything the driver understood
        self._last_bytes_t = 0.0
        self._non_finite = 0  # samples dropped for a NaN or infinite force, counted as bad

    def seeking(self) -> str:
        return f"opening {self.path}"

    def why(self, err: Exception) -> str:
        return str(err)

    async def open(self, feed: Feed) -> None:
        port = open_port(self.path, self._baud)
        self._port, self._feed = port, feed
        feed.live_detail = self.path
        self._last_valid_t = self._last_bytes_t = feed.clock()
        self._write(self._driver.on_open(self._last_valid_t))
        for data in self._pending:
            self._write(data)
        self._pending.clear()
        asyncio.get_running_loop().add_reader(port.fileno(), self._on_readable, port, feed)

    async def shut(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            asyncio.get_running_loop().remove_reader(port.fileno())
            port.close()

    def tick(self, now: float) -> float:
        """Poll the tool if due; wake again at the next poll, or when unreadable bytes
        have lasted ``bad_format_s`` (the silence detail then says so)."""
        self._poll(now)
        unreadable_at = self._last_valid_t + self._timing.bad_format_s
        if self._last_bytes_t <= self._last_valid_t or unreadable_at < now:
            unreadable_at = math.inf
        return min(self._driver.next_poll_t, unreadable_at)

    def silence_detail(self, silent_s: float) -> str:
        """Why no samples come: nothing arrives, or what arrives is not in the format
        the moniker asked for (a wrong format or baud, or not a knotmeter tool)."""
        assert self._feed is not None
        unreadable_s = self._feed.clock() - self._last_valid_t
        if self._last_bytes_t > self._last_valid_t and unreadable_s >= self._timing.bad_format_s:
            name = self._driver_name()
            unit = "frame" if name == "binary" else "line"
            return (
                f"{self.path}: data is not in the expected format: no valid {name} {unit} "
                f"for {self._timing.bad_format_s:g} s at {self._baud} baud (not a knotmeter "
                "tool, or the wrong format or baud? try format=text, format=gauge or baud=9600)"
                + (f"; last: {self._driver.rejected}" if self._driver.rejected else "")
            )
        return f"{self.path}: no samples for {self._timing.no_data_s:g} s"

    async def send(self, op: Op, value: float) -> None:
        """Write a command now, or once the port is open; formats that cannot carry it
        (text, gauge) ignore it."""
        data = self._driver.command(op, value)
        if not data:
            return
        if self._port is None:
            self._pending.append(data)
        else:
            self._write(data)

    def _write(self, data: bytes) -> None:
        if self._port is None or self._feed is None:
            return
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as err:
            self._feed.drop(describe(self.path, err))

    def _poll(self, now: float) -> None:
        if out := self._driver.poll(now):
            self._write(out)

    def _on_readable(self, port: serial.Serial, feed: Feed) -> None:
        """Translate what arrived; an unplugged port ends the connection with the error."""
        try:
            data = read_ready(port)
        except (serial.SerialException, OSError) as err:
            feed.drop(describe(self.path, err))
            return
        if not data:
            return
        now = self._last_bytes_t = feed.clock()
        events = self._driver.feed(data, now)
        if events:
            self._last_valid_t = now
        for event in events:
            if isinstance(event, SampleBatch):
                batch, dropped = drop_non_finite(event)
                self._non_finite += dropped
                if batch is None:
                    continue
                self._tell_range(feed)
                feed.samples(batch, lost=self._driver.lost)
                continue
            if isinstance(event, DeviceInfo) and event.full_scale_n is None and self._full_scale_n:
                event = replace(event, full_scale_n=self._full_scale_n)
            feed.emit(event)
        feed.stats.bad_frames = self._driver.bad_frames + self._non_finite
        self._poll(now)
        feed.wake_by(self._driver.next_poll_t)  # a reply came: the next poll may be sooner
        if self._last_bytes_t > self._last_valid_t:  # unreadable bytes: judge them in time
            feed.wake_by(self._last_valid_t + self._timing.bad_format_s)

    def _tell_range(self, feed: Feed) -> None:
        """A text board or a gauge never describes itself: the range the moniker states
        (``range=N``) reaches the coach as device info, once, so it can keep every ceiling
        inside it. Our binary tool says its own in its INFO frame."""
        if self._full_scale_n is None or self._range_told or self._driver_name() == "binary":
            return
        self._range_told = True
        name = self._driver_name()
        feed.emit(DeviceInfo("", "", name, 0.0, f"{name} serial", self._full_scale_n))

    def _driver_name(self) -> str:
        return type(self._driver).__name__.removesuffix("Driver").lower()
