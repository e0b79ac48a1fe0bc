"""Our own tool over BLE: the serial protocol's payloads, one per notification, no COBS.

Commands that change the tool (tare, rate) wait for the tool's answer: a tool that
trusts only paired hosts answers ERROR 6 (PROTOCOL §5), and the driver then pairs and
asks once more; when pairing fails it says so in one line (:class:`PairingFailed`).
"""

from __future__ import annotations

import asyncio
import itertools

from bleak import BleakClient
from bleak.exc import BleakDBusError, BleakError

from firmware_host.ble.kind import BleKind
from firmware_host.ble.uuids import (
    KNOTMETER_COMMAND,
    KNOTMETER_DATA,
    KNOTMETER_INFO,
    KNOTMETER_SERVICE,
)
from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
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

REPLY_TIMEOUT_S = 2.0
"""A tool answers a command within one pass of its loop; past this the link is in trouble
and the source's own silence watch takes over."""


class PairingFailed(Exception):
    """The tool wants a paired host and pairing failed; ``str()`` is the whole message."""


class KnotmeterDriver:
    """Reads the info characteristic, starts the stream, turns payloads into events.

    Replies to commands (ack, error, status) arrive as notifications like samples do.
    """

    data_uuid = KNOTMETER_DATA

    def __init__(self) -> None:
        self._timeline = FrameTimeline()
        self._request_ids = itertools.cycle(range(1, 256))
        self._connections = 0
        self._replies: dict[int, asyncio.Future[AckFrame | ErrorFrame]] = {}
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
            self.device_errors.append(msg)  # kept for the log
        if isinstance(msg, AckFrame | ErrorFrame):
            waiting = self._replies.pop(msg.request_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(msg)
        return []

    async def tare(self, client: BleakClient) -> None:
        await self._change(client, Op.TARE)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        await self._change(client, Op.SET_RATE, hz)

    async def _change(self, client: BleakClient, op: Op, value: float = 0.0) -> None:
        """Ask the tool to change; pair and ask once more if it wants a paired host.

        Raises:
            PairingFailed: the tool asked for pairing and it did not succeed.
        """
        reply = await self._ask(client, op, value)
        if not (isinstance(reply, ErrorFrame) and reply.code is ErrorCode.NOT_PAIRED):
            return
        try:
            await client.pair()
        except (BleakError, TimeoutError) as err:
            raise PairingFailed(
                f"{client.address}: pairing failed ({_reason(err)}), so the tool refuses "
                f"{op.name.lower()}: pair it once with `bluetoothctl pair {client.address}`"
            ) from None
        await self._ask(client, op, value)

    async def _ask(self, client: BleakClient, op: Op, value: float) -> AckFrame | ErrorFrame | None:
        """Write ``op`` and wait for its ACK or ERROR (None if none came in time)."""
        frame = CommandFrame(op, next(self._request_ids), value)
        answered: asyncio.Future[AckFrame | ErrorFrame] = asyncio.get_running_loop().create_future()
        self._replies[frame.request_id] = answered
        try:
            await client.write_gatt_char(KNOTMETER_COMMAND, encode_payload(frame), response=True)
            async with asyncio.timeout(REPLY_TIMEOUT_S):
                return await answered
        except TimeoutError:
            return None
        finally:
            self._replies.pop(frame.request_id, None)

    async def _command(self, client: BleakClient, op: Op, value: float = 0.0) -> None:
        frame = CommandFrame(op, next(self._request_ids), value)
        await client.write_gatt_char(KNOTMETER_COMMAND, encode_payload(frame), response=True)


def _reason(err: Exception) -> str:
    """BlueZ's own words for a failed pairing ("Authentication Failed"), else the error's."""
    if isinstance(err, BleakDBusError):
        return err.dbus_error_details or err.dbus_error
    return str(err) or type(err).__name__


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
