"""The simulated tool on a real pseudo-terminal, behind a stable symlink.

The app opens the link path with pyserial exactly as it would ``/dev/ttyACM0``.
Like the firmware, the tool streams only once the host has spoken after opening
the port (PROTOCOL.md §3), so nothing it sends is flushed away by the open.
An unplug closes the pty and removes the link (as the kernel removes the device
node); a replug opens a fresh pty and points the link at it again. The server
holds the link's lock (``firmware_host.serial.simlink``) from start to stop, so
discovery can tell its link from a forged or stale one, and it never replaces a
path that is not a simulator's link. A ledger
records every sample frame that left intact and every sample the faults cost,
so tests can compare what was sent with what arrived, sample by sample.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import select
import struct
import termios
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from firmware_host.protocol.framing import StreamDecoder, encode_frame
from firmware_host.protocol.messages import CommandFrame, Message, SampleFrame
from firmware_host.serial.simlink import (
    SIM_LINK_PREFIX,
    claim_link,
    clean_stale_links,
    default_link_dir,
    release_link,
)
from hardware_sims.faults import Fault, FaultInjector, FaultPlan
from hardware_sims.tool import SimulatedTool

WRITE_TIMEOUT_S = 0.5
DRAIN_TIMEOUT_S = 1.0
SETTLE_S = 0.02
"""How long after the last write the kernel has surely moved it into the slave's queue."""


@dataclass(slots=True)
class Ledger:
    """What the tool put on the wire, and what the faults cost, in samples.

    ``lost`` counts samples in dropped, bit-flipped and unplugged frames, and in
    frames made while no program had the port open (a USB device's data is
    thrown away until the host opens the port) or could not be written.
    With ``keep_frames`` the frames themselves are kept in ``sent``/``lost_frames``,
    and ``sent_t`` holds the monotonic time each sent frame's write returned.
    """

    keep_frames: bool = False
    sent: list[SampleFrame] = field(default_factory=list)
    sent_t: list[float] = field(default_factory=list)
    lost_frames: list[SampleFrame] = field(default_factory=list)
    sent_samples: int = 0
    lost: int = 0
    garbage: int = 0
    flips: int = 0
    drops: int = 0
    stalls: int = 0
    unplugs: int = 0
    overflows: int = 0
    unheard: int = 0


class PtyToolServer:
    """Serves a :class:`SimulatedTool` on a pty from a background thread."""

    def __init__(
        self,
        tool: SimulatedTool,
        *,
        link_path: str | Path | None = None,
        faults: FaultPlan | None = None,
        seed: int = 0,
        keep_frames: bool = False,
    ) -> None:
        self.tool = tool
        self.link_path = Path(link_path) if link_path else _default_link()
        self.ledger = Ledger(keep_frames=keep_frames)
        self.changed = threading.Condition()
        self._injector = FaultInjector(faults or FaultPlan(), seed=seed)
        self._commands = StreamDecoder()
        self._master = -1
        self._lock_fd = -1
        self._slave_path = ""
        self._host_ready = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = 0.0
        self._unplug_until: float | None = None
        self._stall_until: float | None = None
        self._backlog: list[tuple[bytes, SampleFrame, bool]] = []
        self._last_write = 0.0
        self._requests: list[Callable[[], None]] = []

    # --- control, from any thread -----------------------------------------------------

    def start(self) -> PtyToolServer:
        """Claim the link path (removing stale links of killed simulators), then serve.

        Raises:
            LinkInUse: the path is a file, a directory, a foreign link or a live
                simulator's link.
        """
        clean_stale_links()
        self._lock_fd = claim_link(self.link_path)
        try:
            self._plug()
        except OSError:
            release_link(self.link_path, self._lock_fd)
            self._lock_fd = -1
            raise
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="pty tool", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._unplug_now()
        if self._lock_fd >= 0:
            release_link(self.link_path, self._lock_fd)
            self._lock_fd = -1

    def __enter__(self) -> PtyToolServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    def unplug(self) -> None:
        """Pull the cable (after the bytes already written have been read); returns when out."""
        self._request(lambda: self._begin_unplug(None))

    def replug(self) -> None:
        """Plug back in: a new pty behind the same link path; returns when in."""
        self._request(self._end_unplug)

    def wait_for(self, predicate: Callable[[Ledger], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate(ledger)`` holds (checked whenever the ledger changes)."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.ledger), timeout)

    def _request(self, action: Callable[[], None]) -> None:
        done = threading.Event()

        def run() -> None:
            action()
            done.set()

        with self.changed:
            self._requests.append(run)
        if not done.wait(DRAIN_TIMEOUT_S + 2.0):
            raise TimeoutError("the pty tool thread did not answer")

    # --- the server thread ------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.changed:
                requests, self._requests = self._requests, []
            for request in requests:
                request()
            now = self._uptime()
            if self._unplug_until is not None and now >= self._unplug_until:
                self._end_unplug()
            if self._stall_until is not None and now >= self._stall_until:
                self._end_stall()
            timeout = min(max(self.tool.next_due_s - now, 0.0), 0.05)
            listening = self._listening()
            self._host_ready = self._host_ready and listening
            if listening:
                readable, _, _ = select.select([self._master], [], [], timeout)
                if readable:
                    self._answer(self._uptime())
            else:
                self._stop.wait(timeout)
            now = self._uptime()
            for msg in self.tool.poll(now):
                self._send(msg, now)

    def _uptime(self) -> float:
        """The tool's clock: seconds since it was switched on."""
        return time.monotonic() - self._t0

    def _answer(self, now: float) -> None:
        try:
            data = os.read(self._master, 4096)
        except OSError:  # nothing after all, or the host closed the port meanwhile
            return
        for msg in self._commands.feed(data):
            if isinstance(msg, CommandFrame):
                self._host_ready = True
                for reply in self.tool.handle(msg, now):
                    self._send(reply, now)

    def _send(self, msg: Message, now: float) -> None:
        listening = self._host_ready and self._listening()
        if not isinstance(msg, SampleFrame):
            if listening and self._stall_until is None:
                self._write(encode_frame(msg))
            return
        if not listening:
            self._note(msg, lost=True, unheard=1)
            return
        fault = self._injector.choose()
        junk = self._injector.garbage()
        if fault is Fault.STALL and self._stall_until is None:
            self._note(stalls=1)
            self._stall_until = now + self._injector.plan.stall_s
        if fault is Fault.DROP:
            self._note(msg, lost=True, drops=1)
            return
        if fault is Fault.UNPLUG:
            self._note(msg, lost=True)
            self._begin_unplug(now + self._injector.plan.unplug_s)
            return
        frame = encode_frame(msg)
        flipped = fault is Fault.FLIP
        if flipped:
            frame = self._injector.flip(frame)
        if junk:
            self._note(garbage=1)
        if self._stall_until is not None:
            self._backlog.append((junk + frame, msg, flipped))
        else:
            self._deliver(junk + frame, msg, flipped=flipped)

    def _deliver(self, data: bytes, msg: SampleFrame, *, flipped: bool) -> None:
        if not self._write(data):
            self._note(msg, lost=True, overflows=1)
        elif flipped:
            self._note(msg, lost=True, flips=1)
        else:
            self._note(msg, lost=False)

    def _note(self, frame: SampleFrame | None = None, *, lost: bool = False, **counts: int) -> None:
        """Book ``frame`` as sent or lost, bump ``counts``, and wake anyone waiting."""
        ledger = self.ledger
        with self.changed:
            for name, delta in counts.items():
                setattr(ledger, name, getattr(ledger, name) + delta)
            if frame is not None:
                n = len(frame.values)
                if lost:
                    ledger.lost += n
                else:
                    ledger.sent_samples += n
                if ledger.keep_frames and lost:
                    ledger.lost_frames.append(frame)
                elif ledger.keep_frames:
                    ledger.sent.append(frame)
                    ledger.sent_t.append(self._last_write)
            self.changed.notify_all()

    def _end_stall(self) -> None:
        self._stall_until = None
        backlog, self._backlog = self._backlog, []
        for data, msg, flipped in backlog:
            self._deliver(data, msg, flipped=flipped)

    def _write(self, data: bytes) -> bool:
        """Write all of ``data``; False if nobody drains the pty (the frame is lost)."""
        view = memoryview(data)
        deadline = time.monotonic() + WRITE_TIMEOUT_S
        while view:
            try:
                view = view[os.write(self._master, view) :]
            except BlockingIOError:
                if len(view) == len(data) or time.monotonic() > deadline:
                    return False
                select.select([], [self._master], [], WRITE_TIMEOUT_S)
            except OSError:
                return False
        self._last_write = time.monotonic()
        return True

    def _begin_unplug(self, until: float | None) -> None:
        if not self.plugged:
            return
        self._drain()
        self._unplug_now()
        self._unplug_until = until
        self._note(unplugs=1)

    def _end_unplug(self) -> None:
        self._unplug_until = None
        if not self.plugged:
            self._plug()

    def _listening(self) -> bool:
        """A program has the port open: the pty master stops reporting a hang-up."""
        if not self.plugged:
            return False
        poller = select.poll()
        poller.register(self._master, select.POLLIN)
        return not any(events & select.POLLHUP for _, events in poller.poll(0))

    def _drain(self) -> None:
        """Wait (bounded) until the host has read everything written, so the ledger stays exact.

        The kernel moves written bytes into the port's input queue shortly after
        ``write`` returns; ``SETTLE_S`` after the last write the queue's count is final.
        """
        if not self._listening():
            return
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        fd = os.open(self._slave_path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            while time.monotonic() < deadline:
                settled = time.monotonic() - self._last_write >= SETTLE_S
                if settled and _unread(fd) == 0:
                    return
                select.select([], [], [], 0.002)
        finally:
            os.close(fd)

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self._slave_path = os.ttyname(slave)
        os.close(slave)  # the port counts as open only while the app holds it
        os.set_blocking(master, False)
        self._master = master
        self._commands.reset()
        tmp = self.link_path.with_name(f"{self.link_path.name}.{os.getpid()}.new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(self._slave_path)
        tmp.replace(self.link_path)  # ours: we hold its lock, and it was free or a link

    def _unplug_now(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.link_path.unlink()
        if self._master >= 0:
            os.close(self._master)
        self._master = -1


def _unread(fd: int) -> int:
    """Bytes waiting in a tty's input queue."""
    raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    count: int = struct.unpack("i", raw)[0]
    return count


_links = itertools.count(1)


def _default_link() -> Path:
    """``$TMP/knotmeter-sim-<pid>-<n>``: where discovery looks for simulators' links."""
    return default_link_dir() / f"{SIM_LINK_PREFIX}{os.getpid()}-{next(_links)}"
