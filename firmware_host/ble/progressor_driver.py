"""Tindeq Progressor driver: kilograms with per-sample µs stamps → newtons on our timeline.

The Progressor answers requests with anonymous code-0 notifications, so the
driver keeps the requests it sent in order and pairs each answer with the oldest.
It stops streaming when the link drops, so every connection starts it again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np
from bleak import BleakClient

from firmware_host.ble.progressor import (
    CommandResponse,
    LowPowerWarning,
    Opcode,
    WeightSamples,
    app_version,
    battery_millivolts,
    decode_notification,
    encode_command,
)
from firmware_host.ble.uuids import PROGRESSOR_CONTROL, PROGRESSOR_DATA
from firmware_host.source import BatteryStatus, DeviceInfo, SourceEvent
from knotmeter.core.samples import SampleBatch

STANDARD_GRAVITY = 9.80665
NOMINAL_RATE_HZ = 80.0
US_MOD = 1 << 32
REQUEST_TIMEOUT_S = 2.0


class StampTimeline:
    """Per-sample device stamps (µs, wrapping at 2**32) → strictly increasing seconds.

    The stamps restart whenever the stream restarts, so after a relink the next
    sample is re-anchored on the host clock: the gap on the timeline is the time
    the link was down, and time never runs backwards.

    Not :class:`~firmware_host.protocol.timeline.ClockTimeline`: that one serves
    coarse clocks, where a repeated stamp is normal and is nudged while the offset
    holds; a Progressor stamp that does not advance means the stream restarted.
    """

    def __init__(self, nominal_period_s: float = 1.0 / NOMINAL_RATE_HZ) -> None:
        self._period_s = nominal_period_s
        self._started = False
        self._relinked = False
        self._last_us = 0
        self._origin_t = 0.0
        self._elapsed_us = 0
        self._last_t = -np.inf
        self._last_host_t = 0.0

    def relink(self) -> None:
        self._relinked = True

    def place(self, device_us: Sequence[int], host_t: float) -> np.ndarray:
        times = np.empty(len(device_us), dtype=np.float64)
        for i, us in enumerate(device_us):
            step = (us - self._last_us) % US_MOD
            if not self._started:
                self._anchor(us, 0.0)
            elif self._relinked:
                self._anchor(us, self._last_t + max(self._period_s, host_t - self._last_host_t))
            elif step == 0 or step >= US_MOD // 2:
                self._anchor(us, self._last_t + self._period_s)  # a stamp went backwards
            else:
                self._elapsed_us += step
                self._last_us = us
            t = self._origin_t + self._elapsed_us / 1e6
            times[i] = t
            self._last_t = t
        self._last_host_t = host_t
        return times

    def _anchor(self, us: int, t: float) -> None:
        self._started = True
        self._relinked = False
        self._last_us = us
        self._elapsed_us = 0
        self._origin_t = t


class ProgressorDriver:
    """Asks for version and battery, starts the weight stream, turns kilograms into newtons."""

    data_uuid = PROGRESSOR_DATA

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._timeline = StampTimeline()
        self._pending: deque[asyncio.Future[CommandResponse]] = deque()
        self._connections = 0
        self._battery_mv = 0

    @property
    def lost(self) -> int:
        """Always 0: the Progressor numbers nothing, and gaps in its stream are normal."""
        return 0

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        if self._connections:
            self._timeline.relink()
        self._connections += 1
        version = app_version(await self._request(client, Opcode.GET_APP_VERSION))
        self._battery_mv = battery_millivolts(
            await self._request(client, Opcode.GET_BATTERY_VOLTAGE)
        )
        await self._send(client, Opcode.START_WEIGHT)
        return [
            DeviceInfo(
                firmware=version,
                serial_number=address,
                adc="Progressor load cell",
                rate_hz=NOMINAL_RATE_HZ,
                model="Tindeq Progressor",
            ),
            BatteryStatus(self._clock(), self._battery_mv),
        ]

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        msg = decode_notification(data)
        if isinstance(msg, WeightSamples):
            if not msg.kg:
                return []
            t = self._timeline.place(msg.device_us, host_t)
            force = np.asarray(msg.kg, dtype=np.float64) * STANDARD_GRAVITY
            return [SampleBatch(t=t, force_n=force)]
        if isinstance(msg, CommandResponse):
            while self._pending:
                waiter = self._pending.popleft()
                if not waiter.done():
                    waiter.set_result(msg)
                    break
            return []
        if isinstance(msg, LowPowerWarning):
            return [BatteryStatus(host_t, self._battery_mv, low=True)]
        return []

    async def tare(self, client: BleakClient) -> None:
        """The device tares only while streaming, which it does whenever the link is up."""
        await self._send(client, Opcode.TARE)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the Progressor streams at a fixed rate; cannot set {hz:g} Hz")

    async def _request(self, client: BleakClient, opcode: Opcode) -> CommandResponse:
        waiter: asyncio.Future[CommandResponse] = asyncio.get_running_loop().create_future()
        self._pending.append(waiter)
        await self._send(client, opcode)
        try:
            return await asyncio.wait_for(waiter, REQUEST_TIMEOUT_S)
        except TimeoutError:
            raise TimeoutError(
                f"Progressor did not answer {opcode.name} within {REQUEST_TIMEOUT_S:g} s"
            ) from None

    async def _send(self, client: BleakClient, opcode: Opcode) -> None:
        await client.write_gatt_char(PROGRESSOR_CONTROL, encode_command(opcode), response=True)
