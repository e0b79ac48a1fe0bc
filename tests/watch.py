"""Drain a :class:`Source` in the background and wait on what it delivered (the tests' one
collector of source events); record what the simulator sent, to compare the two.

Tests and benchmarks against the simulated BlueZ need "wait until 200 samples
arrived" or "until the link is live again", with a timeout and without sleeping:
every event wakes the waiters, which re-check their condition.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType

import numpy as np

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


class SourceWatch:
    """Everything ``source`` emitted, in order and by kind; ``arrived`` holds
    ``perf_counter()`` per batch."""

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

    async def __aenter__(self) -> SourceWatch:
        self._task = asyncio.get_running_loop().create_task(self._drain())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.source.close()
        if self._task is not None:
            await self._task

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

    @property
    def sample_count(self) -> int:
        return sum(len(b) for b in self.batches)

    def times(self) -> FloatArray:
        return np.concatenate([b.t for b in self.batches]) if self.batches else np.empty(0)

    def forces(self) -> FloatArray:
        return np.concatenate([b.force_n for b in self.batches]) if self.batches else np.empty(0)

    async def until(self, condition: Callable[[], bool], what: str, timeout_s: float) -> None:
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

    async def state_is(self, state: LinkState, timeout_s: float = 10.0) -> None:
        await self.until(lambda: self.state is state, f"link state {state}", timeout_s)
