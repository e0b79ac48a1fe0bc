"""A simulated tool on a real pty, line devices, virtual time, and the ``collect`` fixture:
sources drained by the tests' one collector, :class:`~tests.watch.SourceWatch`."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import select
import threading
import tty
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import LinkTiming, SerialSource
from firmware_host.source import Source
from hardware_sims.faults import FaultPlan
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer
from tests.watch import Collect, SourceWatch

TIMING = LinkTiming(retry_s=0.05, retry_cap_s=0.5)


@pytest.fixture
def link_path(tmp_path: Path) -> Path:
    return tmp_path / "ttyKNOT0"


@pytest.fixture
def make_server(link_path: Path) -> Iterator[Callable[..., PtyToolServer]]:
    servers: list[PtyToolServer] = []

    def make(faults: str = "", profile: str = "calm", seed: int = 0) -> PtyToolServer:
        tool = build_tool(profile, rate_hz=80.0, seed=seed)
        server = PtyToolServer(
            tool, link_path=link_path, faults=FaultPlan.parse(faults), seed=seed, keep_frames=True
        )
        servers.append(server.start())
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
async def collect() -> AsyncIterator[Collect]:
    """Start draining a source now; every watch is closed at teardown."""
    watches: list[SourceWatch] = []

    def make(source: Source) -> SourceWatch:
        watches.append(SourceWatch(source).start())
        return watches[-1]

    yield make
    for watch in watches:
        await watch.close()


class VirtualTime:
    """A clock that moves only when the test moves it, and a sleep that waits for it: a
    source's backoff and silence checks then happen when the test says, not by wall time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._moved = asyncio.Condition()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        deadline = self.now + seconds
        async with self._moved:
            await self._moved.wait_for(lambda: self.now >= deadline)

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        async with self._moved:
            self._moved.notify_all()

    def binary_source(self, link_path: Path, timing: LinkTiming = TIMING) -> SerialSource:
        """A binary serial source on ``link_path`` that runs on this clock."""
        return SerialSource(
            f"serial:{link_path}",
            str(link_path),
            BinaryDriver(),
            timing=timing,
            clock=self.clock,
            sleep=self.sleep,
        )


@pytest.fixture
def virtual_time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def binary_source(link_path: Path) -> SerialSource:
    """A binary serial source on the sim's link, as the app would open it."""
    return SerialSource(f"serial:{link_path}", str(link_path), BinaryDriver(), timing=TIMING)


class LineDevice:
    """A bare pty behind ``link``: a DIY board printing lines, or a gauge answering polls.

    ``reply(request)`` returns the bytes to answer each chunk the host writes;
    ``lines`` (and any added later with :meth:`print`) are printed one per
    ``period_s``, while a program has the port open. What a board prints just as the
    port opens can be flushed by the open itself, so tests that count lines print
    the counted ones after the first line has arrived.
    """

    def __init__(
        self,
        link: Path,
        *,
        lines: list[bytes] | None = None,
        period_s: float = 0.01,
        reply: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        link.symlink_to(os.ttyname(slave))
        os.close(slave)
        # Non-blocking: select() reports the master readable while no program has the
        # port open (a hang-up); if the port opens before the read, a blocking read
        # would wait for a request a text board never gets, and the board never prints.
        os.set_blocking(self.master, False)
        self.requests: list[bytes] = []
        self._lines = collections.deque(lines or [])
        self._period_s = period_s
        self._reply = reply
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            readable, _, _ = select.select([self.master], [], [], self._period_s)
            if readable:
                try:
                    data = os.read(self.master, 1024)
                except BlockingIOError:  # the port opened since select(): nothing to read
                    continue
                except OSError:  # nobody has the port open yet
                    self._stop.wait(self._period_s)
                    continue
                self.requests.append(data)
                if self._reply is not None:
                    self._write_all(self._reply(data))
            elif self._lines and self._port_open():
                with contextlib.suppress(OSError):
                    os.write(self.master, self._lines[0])
                    self._lines.popleft()

    def _write_all(self, data: bytes) -> None:
        """Write all of ``data`` to the non-blocking master, waiting while the port's
        input queue is full."""
        view = memoryview(data)
        while view and not self._stop.is_set():
            select.select([], [self.master], [], self._period_s)
            with contextlib.suppress(BlockingIOError):
                view = view[os.write(self.master, view) :]

    def print(self, lines: list[bytes]) -> None:
        """Queue more lines to print (thread-safe: a deque)."""
        self._lines.extend(lines)

    def forget(self) -> None:
        """Drop the lines not printed yet (the program reading them has gone)."""
        self._lines.clear()

    def _port_open(self) -> bool:
        """A program holds the port: until then a board's output is flushed by the open."""
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        return not any(events & select.POLLHUP for _, events in poller.poll(0))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.master)


@pytest.fixture
def line_device(link_path: Path) -> Iterator[Callable[..., LineDevice]]:
    devices: list[LineDevice] = []

    def make(
        *, lines: list[bytes] | None = None, reply: Callable[[bytes], bytes] | None = None
    ) -> LineDevice:
        devices.append(LineDevice(link_path, lines=lines, reply=reply))
        return devices[-1]

    yield make
    for device in devices:
        device.close()
