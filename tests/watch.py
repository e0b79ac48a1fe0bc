"""Drain a :class:`Source` in the background and wait on what it delivered (the tests' one
collector of source events); record what the simulator sent, to compare the two.

Serial, BLE and contract tests and the benchmarks need "wait until 200 samples
arrived" or "until the link is live again", with a timeout and without sleeping:
every event wakes the waiters, which re-check their condition. Integrity checks
compare :meth:`SourceWatch.numbered` with :func:`numbered_frames` of what the tool sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from types import TracebackType

import numpy as np

from firmware_host.protocol.messages import SampleFrame
from firmware_host.source import (
    BatteryStatus,
    DeviceInfo,
    LinkChanged,
    LinkState,
    Source,
    SourceEvent,
)
from hardware_sims.bluez.simulator import BluezSimulator
from knotmeter.core.samples import FloatArray, SampleBatch


def record_notifications(sim: BluezSimulator, char_uuid: str) -> list[bytes]:
    """Every notification ``sim`` puts on the air for ``char_uuid`` from now on, in order."""
    sent: list[bytes] = []

    def tap(_address: str, uuid: str, value: bytes) -> None:
        if uuid == char_uuid:
            sent.append(value)

    sim.tap = tap
    return sent


def numbered_frames(frames: Iterable[SampleFrame]) -> list[tuple[int, int]]:
    """(sequence number, value in resolution counts) of every sample in ``frames``, as a
    tool's ledger holds them (no wrap within a test)."""
    return [(frame.seq + i, v) for frame in frames for i, v in enumerate(frame.values)]


class SourceWatch:
    """Everything ``source`` emitted, in order and by kind; ``arrived`` holds
    ``perf_counter()`` per batch.

    ``async with`` drains for a block; a fixture that closes at teardown calls
    :meth:`start` and :meth:`close` instead.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.events: list[SourceEvent] = []
        self.batches: list[SampleBatch] = []
        self.arrived: list[float] = []
        self.links: list[LinkChanged] = []
        self.infos: list[DeviceInfo] = []
        self.batteries: list[BatteryStatus] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> SourceWatch:
        self._task = asyncio.get_running_loop().create_task(self._drain())
        return self

    async def close(self) -> None:
        """Close the source and wait until its stream ended; closing again is harmless."""
        await self.source.close()
        if self._task is not None:
            await self._task

    async def __aenter__(self) -> SourceWatch:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _drain(self) -> None:
        async for event in self.source.events():
            self.events.append(event)
            match event:
                case SampleBatch():
                    self.batches.append(event)
                    self.arrived.append(time.perf_counter())
                case LinkChanged():
                    self.links.append(event)
                case DeviceInfo():
                    self.infos.append(event)
                case BatteryStatus():
                    self.batteries.append(event)
            self._changed.set()

    @property
    def state(self) -> LinkState | None:
        return self.links[-1].state if self.links else None

    def states(self) -> list[LinkState]:
        return [link.state for link in self.links]

    @property
    def sample_count(self) -> int:
        return sum(len(b) for b in self.batches)

    def numbered(self, resolution_n: float) -> list[tuple[int, int]]:
        """(device sequence number, value in counts of ``resolution_n``) of every sample
        received, to compare with :func:`numbered_frames` of what the tool sent."""
        out: list[tuple[int, int]] = []
        for batch in self.batches:
            assert batch.seq0 is not None, "a numbered stream numbers every batch"
            counts = np.rint(batch.force_n / resolution_n).astype(int).tolist()
            out += [(batch.seq0 + i, v) for i, v in enumerate(counts)]
        return out

    def times(self) -> FloatArray:
        return np.concatenate([b.t for b in self.batches]) if self.batches else np.empty(0)

    def forces(self) -> FloatArray:
        return np.concatenate([b.force_n for b in self.batches]) if self.batches else np.empty(0)

    async def until(
        self, condition: Callable[[], bool], what: str, timeout_s: float = 10.0
    ) -> None:
        """Return once ``condition()`` holds; ``TimeoutError`` naming ``what`` otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {what} within {timeout_s:g} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                raise TimeoutError(f"no {what} within {timeout_s:g} s") from None

    async def samples(self, n: int, timeout_s: float = 10.0) -> None:
        await self.until(lambda: self.sample_count >= n, f"{n} samples", timeout_s)

    async def more_samples(self, n: int, timeout_s: float = 10.0) -> None:
        """Wait until ``n`` more samples than now have arrived."""
        await self.samples(self.sample_count + n, timeout_s)

    async def state_is(self, state: LinkState, timeout_s: float = 10.0) -> None:
        await self.until(lambda: self.state is state, f"link state {state}", timeout_s)


Collect = Callable[[Source], SourceWatch]
"""The ``collect`` fixture (``tests/serial/conftest.py``): a started watch, closed at teardown."""
