"""A serial-port :class:`Source`: one reader thread, endless reconnect, link-state events.

The reader thread owns the port (reads, writes, reopening) and hands every event
to the asyncio loop with ``call_soon_threadsafe``; commands travel the other way
through a thread-safe queue, so the port is never touched from two threads.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import serial

from firmware_host.link import LinkEvents
from firmware_host.protocol.messages import Op
from firmware_host.serial.drivers import SIMULATED_MODEL, WireDriver
from firmware_host.serial.port import PortError, describe, open_port
from firmware_host.source import DeviceInfo, LinkState, SourceEvent
from knotmeter.core.samples import SampleBatch


@dataclass(slots=True, frozen=True)
class LinkTiming:
    """Reconnect backoff doubles from ``retry_s`` up to ``retry_cap_s``; silence longer
    than ``no_data_s`` on a live link is reported as ``no_data``."""

    retry_s: float = 0.1
    retry_cap_s: float = 1.0
    no_data_s: float = 1.0


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
        self._commands: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._bytes_in = 0

    def events(self) -> AsyncIterator[SourceEvent]:
        self._start()
        return self._link.stream()

    async def tare(self) -> None:
        self._send(Op.TARE)

    async def set_rate(self, hz: float) -> None:
        self._send(Op.SET_RATE, hz)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
        else:
            self._link.set_state(LinkState.CLOSED, self.path, always=True)
        if self._on_close is not None:
            self._on_close()

    def _send(self, op: Op, value: float = 0.0) -> None:
        """Queue a command; formats that cannot carry it (text, gauge) ignore it."""
        data = self._driver.command(op, value)
        if data:
            self._commands.put(data)

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._link.emit_from_thread()
        self._thread = threading.Thread(target=self._run, name=f"serial {self.path}", daemon=True)
        self._thread.start()

    # --- reader thread -------------------------------------------------------------

    def _run(self) -> None:
        retry_s = self._timing.retry_s
        self._link.set_state(LinkState.CONNECTING, f"opening {self.path}")
        ever_opened = False
        while not self._stop.is_set():
            try:
                port = open_port(self.path, self._baud)
            except PortError as err:
                waiting = LinkState.RECONNECTING if ever_opened else LinkState.CONNECTING
                self._link.set_state(waiting, str(err))
                self._stop.wait(retry_s)
                retry_s = min(retry_s * 2, self._timing.retry_cap_s)
                continue
            if ever_opened:
                self.stats.reconnects += 1
            ever_opened = True
            retry_s = self._timing.retry_s
            try:
                self._pump(port)
            except (serial.SerialException, OSError) as err:
                self._link.set_state(LinkState.RECONNECTING, describe(self.path, err))
            finally:
                port.close()
        self._link.set_state(LinkState.CLOSED, self.path, always=True)

    def _pump(self, port: serial.Serial) -> None:
        """Read, translate and write until the port fails or the source closes."""
        opened_t = last_data_t = time.monotonic()
        port.write(self._driver.on_open(opened_t))
        while not self._stop.is_set():
            while not self._commands.empty():
                port.write(self._commands.get())
            data = port.read(1)
            if data:
                data += port.read(port.in_waiting)
                self._bytes_in += len(data)
            now = time.monotonic()
            if out := self._driver.poll(now):
                port.write(out)
            events = self._driver.feed(data, now) if data else []
            for event in events:
                if isinstance(event, SampleBatch):
                    last_data_t = now
                    self._link.samples(event, lost=self._driver.lost, live_detail=self.path)
                    continue
                if isinstance(event, DeviceInfo) and event.model == SIMULATED_MODEL:
                    self.simulated = True  # a simulator behind a plain serial: never hide it
                self._link.emit(event)
            self.stats.bad_frames = self._driver.bad_frames
            if now - last_data_t > self._timing.no_data_s:
                self._link.set_state(LinkState.NO_DATA, self._silence_detail())

    def _silence_detail(self) -> str:
        if self._bytes_in and not self.stats.samples:
            return (
                f"{self.path}: bytes arrive but none parse as {self._driver_name()} "
                "(not a knotmeter tool? try format=text or format=gauge)"
            )
        return f"{self.path}: no samples for {self._timing.no_data_s:g} s"

    def _driver_name(self) -> str:
        return type(self._driver).__name__.removesuffix("Driver").lower()
