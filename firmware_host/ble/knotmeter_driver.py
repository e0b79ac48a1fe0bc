"""Our own tool over BLE: the serial protocol's payloads, one per notification, no COBS."""

from __future__ import annotations

import itertools

from bleak import BleakClient

from firmware_host.ble.kind import BleKind
from firmware_host.ble.uuids import (
    KNOTMETER_COMMAND,
    KNOTMETER_DATA,
    KNOTMETER_INFO,
    KNOTMETER_SERVICE,
)
from firmware_host.protocol.messages import (
    CommandFrame,
    ErrorFrame,
    InfoFrame,
    Op,
    ProtocolError,
    SampleFrame,
    StatusFrame,
    decode_payload,
    encode_payload,
)
from firmware_host.protocol.timeline import FrameTimeline
from firmware_host.source import BatteryStatus, DeviceInfo, KindChanged, SourceEvent
from knotmeter.core.provenance import SourceKind


class KnotmeterDriver:
    """Reads the info characteristic, starts the stream, turns payloads into events.

    Replies to commands (ack, error, status) arrive as notifications like samples do.
    """

    data_uuid = KNOTMETER_DATA

    def __init__(self) -> None:
        self._timeline = FrameTimeline()
        self._request_ids = itertools.cycle(range(1, 256))
        self._connections = 0
        self.device_errors: list[ErrorFrame] = []

    @property
    def lost(self) -> int:
        return self._timeline.lost

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        if self._connections:
            self._timeline.relink()
        self._connections += 1
        info = decode_payload(bytes(await client.read_gatt_char(KNOTMETER_INFO)))
        if not isinstance(info, InfoFrame):
            raise ProtocolError(f"info characteristic holds a {type(info).__name__}")
        await self._command(client, Op.START)
        await self._command(client, Op.GET_STATUS)  # battery now, not at the next periodic status
        described: list[SourceEvent] = [KindChanged(SourceKind.SIMULATED)] if info.simulated else []
        described.append(
            DeviceInfo(
                firmware=info.firmware,
                serial_number=info.serial_number,
                adc=info.adc,
                rate_hz=info.rate_hz,
                full_scale_n=info.full_scale_n,
            )
        )
        return described

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        msg = decode_payload(data)
        if isinstance(msg, SampleFrame):
            batch = self._timeline.add(msg, host_t)
            return [] if batch is None else [batch]
        if isinstance(msg, StatusFrame):
            return [BatteryStatus(host_t, msg.battery_mv, msg.low_battery)]
        if isinstance(msg, ErrorFrame):
            self.device_errors.append(msg)  # kept for the log; acks need no action
        return []

    async def tare(self, client: BleakClient) -> None:
        await self._command(client, Op.TARE)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        await self._command(client, Op.SET_RATE, hz)

    async def _command(self, client: BleakClient, op: Op, value: float = 0.0) -> None:
        frame = CommandFrame(op, next(self._request_ids), value)
        await client.write_gatt_char(KNOTMETER_COMMAND, encode_payload(frame), response=True)


KIND = BleKind(
    word="knotmeter",
    label="knotmeter tool",
    full_scale_n=None,
    rate_hz=80.0,
    resolution_n=None,
    simulator="hardware_sims.bluez.serve:simulated_knotmeter",
    name_prefixes=("knotmeter",),
    service_uuids=(KNOTMETER_SERVICE,),
    connect=lambda _clock: KnotmeterDriver(),
    battery="voltage (mV), low flag",
)
"""Full scale and resolution come from the tool itself (its info frame); 10 or 80 Hz."""
