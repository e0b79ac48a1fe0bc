"""Tindeq Progressor driver: kilograms with per-sample µs stamps → newtons on our timeline.

The Progressor answers requests with anonymous code-0 notifications, so the
driver keeps the requests it sent in order and pairs each answer with the oldest.
It stops streaming when the link drops, so every connection starts it again.

Its rate is what the stamps show (REFERENCE §6: ~87.7 Hz with about 1 sample in 16
missing), reported in a second :class:`DeviceInfo` once two seconds of stream are in.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from bleak import BleakClient

from firmware_host.ble.kind import BleKind
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
from firmware_host.ble.uuids import PROGRESSOR_CONTROL, PROGRESSOR_DATA, PROGRESSOR_SERVICE
from firmware_host.protocol.timeline import US_MOD
from firmware_host.source import BatteryStatus, DeviceInfo, SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

REQUEST_TIMEOUT_S = 2.0
RATE_WINDOW_S = 2.0
"""Device time streamed on a connection before its measured rate is reported."""


@dataclass(slots=True, frozen=True)
class ProgressorDialect:
    """Where a Progressor-framed sensor keeps its stream and commands, and what it is."""

    data_uuid: str
    control_uuid: str
    model: str
    adc: str
    nominal_rate_hz: float
    full_scale_n: float | None


PROGRESSOR = ProgressorDialect(
    data_uuid=PROGRESSOR_DATA,
    control_uuid=PROGRESSOR_CONTROL,
    model="Tindeq Progressor",
    adc="Progressor load cell",
    nominal_rate_hz=87.7 * 15 / 16,
    full_scale_n=150.0 * STANDARD_GRAVITY,
)
"""The 150 kg model (its full scale caps the coach's ceilings); the rate is the
delivered one of REFERENCE §6, 87.7 Hz less 1 sample in 16."""


class StampTimeline:
    """Per-sample device stamps (µs, wrapping at 2**32) → strictly increasing seconds.

    The stamps restart whenever the stream restarts, so after a relink the first
    notification is re-anchored on the host clock: its newest sample lands as long
    after the last one before the drop as its arrival came after that one's, so the
    gap on the timeline is the time the link was down and time never runs backwards.

    Not :class:`~firmware_host.protocol.timeline.ClockTimeline`: that one serves
    coarse clocks, where a repeated stamp is normal and is nudged while the offset
    holds; a Progressor stamp that does not advance means the stream restarted.
    """

    def __init__(self, nominal_period_s: float = 1.0 / PROGRESSOR.nominal_rate_hz) -> None:
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
                span_s = ((device_us[-1] - us) % US_MOD) / 1e6
                newest = self._last_t + (host_t - self._last_host_t)
                self._anchor(us, max(newest - span_s, self._last_t + self._period_s))
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


class StampRate:
    """Samples per second of device time on one connection (gaps in the stream count)."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._first_us: int | None = None
        self._elapsed_us = 0
        self._last_us = 0
        self._count = 0

    def add(self, device_us: Sequence[int]) -> None:
        for us in device_us:
            if self._first_us is None:
                self._first_us = us
            else:
                self._elapsed_us += (us - self._last_us) % US_MOD
            self._last_us = us
            self._count += 1

    @property
    def span_s(self) -> float:
        return self._elapsed_us / 1e6

    @property
    def rate_hz(self) -> float:
        return (self._count - 1) / self.span_s if self._elapsed_us else 0.0


class ProgressorDriver:
    """Asks for version and battery, starts the weight stream, turns kilograms into newtons."""

    def __init__(
        self,
        dialect: ProgressorDialect = PROGRESSOR,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dialect = dialect
        self.data_uuid = dialect.data_uuid
        self._clock = clock
        self._timeline = StampTimeline(1.0 / dialect.nominal_rate_hz)
        self._rate = StampRate()
        self._pending: deque[asyncio.Future[CommandResponse]] = deque()
        self._connections = 0
        self._battery_mv = 0
        self._info: DeviceInfo | None = None
        self._rate_told = False

    @property
    def lost(self) -> int:
        """Always 0: the Progressor numbers nothing, and gaps in its stream are normal."""
        return 0

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        if self._connections:
            self._timeline.relink()
        self._connections += 1
        self._rate.restart()
        self._rate_told = False
        version = await self._version(client)
        self._battery_mv = battery_millivolts(
            await self._request(client, Opcode.GET_BATTERY_VOLTAGE)
        )
        await self._send(client, Opcode.START_WEIGHT)
        self._info = DeviceInfo(
            firmware=version,
            serial_number=address,
            adc=self.dialect.adc,
            rate_hz=self.dialect.nominal_rate_hz,
            model=self.dialect.model,
            full_scale_n=self.dialect.full_scale_n,
        )
        return [self._info, BatteryStatus(self._clock(), self._battery_mv)]

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        msg = decode_notification(data)
        if isinstance(msg, WeightSamples):
            return self._weights(msg, host_t)
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

    def _weights(self, msg: WeightSamples, host_t: float) -> list[SourceEvent]:
        if not msg.kg:
            return []
        t = self._timeline.place(msg.device_us, host_t)
        force = np.asarray(msg.kg, dtype=np.float64) * STANDARD_GRAVITY
        events: list[SourceEvent] = [SampleBatch(t=t, force_n=force)]
        self._rate.add(msg.device_us)
        if not self._rate_told and self._info is not None and self._rate.span_s >= RATE_WINDOW_S:
            self._rate_told = True
            events.append(replace(self._info, rate_hz=round(self._rate.rate_hz, 1)))
        return events

    async def tare(self, client: BleakClient) -> None:
        """The device tares only while streaming, which it does whenever the link is up."""
        await self._send(client, Opcode.TARE)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the {self.dialect.model} streams at a fixed rate; cannot set {hz:g} Hz")

    async def _version(self, client: BleakClient) -> str:
        return app_version(await self._request(client, Opcode.GET_APP_VERSION))

    async def _request(self, client: BleakClient, opcode: Opcode) -> CommandResponse:
        waiter: asyncio.Future[CommandResponse] = asyncio.get_running_loop().create_future()
        self._pending.append(waiter)
        await self._send(client, opcode)
        try:
            return await asyncio.wait_for(waiter, REQUEST_TIMEOUT_S)
        except TimeoutError:
            raise TimeoutError(
                f"{self.dialect.model} did not answer {opcode.name} within {REQUEST_TIMEOUT_S:g} s"
            ) from None

    async def _send(self, client: BleakClient, opcode: Opcode) -> None:
        await client.write_gatt_char(
            self.dialect.control_uuid, encode_command(opcode), response=True
        )


KIND = BleKind(
    word="progressor",
    label="Tindeq Progressor",
    full_scale_n=PROGRESSOR.full_scale_n,
    rate_hz=PROGRESSOR.nominal_rate_hz,
    resolution_n=None,
    simulator="hardware_sims.bluez.serve:simulated_progressor",
    name_prefixes=("Progressor",),
    service_uuids=(PROGRESSOR_SERVICE,),
    connect=lambda clock: ProgressorDriver(PROGRESSOR, clock=clock),
    battery="voltage (mV), low-power warning",
)
