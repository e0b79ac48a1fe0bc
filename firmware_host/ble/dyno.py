"""Frez Dyno, protocol v1: raw ADC counts with millisecond stamps, 250 samples a second.

Facts (REFERENCE §3, corrected 2026-12-08; the service, its two characteristics and
the Device Information reads also in hangtime-grip-connect's
``packages/core/src/models/device/frez-dyno.model.ts``, Stevie-Ray/hangtime-grip-connect):
name prefix ``FrezDyno-``; service ``da8a6c41-154b-4b9a-9b00-2f84dfcebfe9``, notify
``…6c42``, command write ``…6c43`` (with response). A command is an opcode and a
reserved zero byte: ``01 00`` start, ``02 00`` stop, ``FF 00`` power off; there is no
tare command. Every notification is exactly 74 bytes: ``01 00`` then 9 x (``int32``
LE raw count, ``uint32`` LE elapsed ms). 250 Hz. Serial number in 0x2A25 (optional),
firmware in 0x2A28.

Force is ``a x (raw - tare)``: this driver passes the counts on as they are, marked
:attr:`~firmware_host.source.DeviceInfo.raw_counts` and named by the serial number
(the address without one), and the app applies the tare and the coefficient that
``knotmeter calibrate`` keeps for that device. Assumed (no public figure): a 150 kg
range, as the Progressor's.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from enum import IntEnum
from itertools import pairwise

import numpy as np
from bleak import BleakClient
from bleak.exc import BleakError

from firmware_host.ble.kind import BleKind
from firmware_host.ble.progressor_driver import StampTimeline
from firmware_host.ble.uuids import SERIAL_NUMBER, sig_uuid
from firmware_host.protocol.timeline import US_MOD
from firmware_host.source import DeviceInfo, SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

DYNO_SERVICE = "da8a6c41-154b-4b9a-9b00-2f84dfcebfe9"
DYNO_DATA = "da8a6c42-154b-4b9a-9b00-2f84dfcebfe9"
DYNO_CONTROL = "da8a6c43-154b-4b9a-9b00-2f84dfcebfe9"
SOFTWARE_REVISION = sig_uuid(0x2A28)
RATE_HZ = 250.0
FULL_SCALE_N = 150.0 * STANDARD_GRAVITY
SAMPLES_PER_PACKET = 9
PACKET_TYPE = 0x01

_HEADER = struct.Struct("<BB")
_SAMPLE = struct.Struct("<iI")
PACKET_BYTES = _HEADER.size + SAMPLES_PER_PACKET * _SAMPLE.size  # 74


class Command(IntEnum):
    """The opcode byte of a two-byte command (the second byte is reserved, zero)."""

    START = 0x01
    STOP = 0x02
    POWER_OFF = 0xFF


def encode_command(command: Command) -> bytes:
    return bytes([command, 0x00])


@dataclass(slots=True, frozen=True)
class DynoPacket:
    """One notification: raw counts and the device's elapsed milliseconds, oldest first."""

    raw: tuple[int, ...]
    ms: tuple[int, ...]


def decode_packet(data: bytes) -> DynoPacket:
    """Decode one notification; ``ValueError`` for any byte out of the v1 layout."""
    if len(data) != PACKET_BYTES:
        raise ValueError(f"Frez Dyno packet of {len(data)} bytes, expected {PACKET_BYTES}")
    kind, reserved = _HEADER.unpack_from(data)
    if kind != PACKET_TYPE:
        raise ValueError(f"Frez Dyno packet type 0x{kind:02x}, expected 0x{PACKET_TYPE:02x}")
    if reserved != 0:
        raise ValueError(f"Frez Dyno reserved byte is 0x{reserved:02x}, expected 0")
    pairs = list(_SAMPLE.iter_unpack(data[_HEADER.size :]))
    ms = tuple(stamp for _, stamp in pairs)
    if any(later <= earlier for earlier, later in pairwise(ms)):
        raise ValueError(f"Frez Dyno stamps do not increase within a packet: {ms}")
    return DynoPacket(raw=tuple(raw for raw, _ in pairs), ms=ms)


class DynoDriver:
    """Starts the stream, checks every stamp moves on, passes raw counts on in device time.

    Gaps in the millisecond stamps are samples the radio lost, counted in :attr:`lost`.
    """

    data_uuid = DYNO_DATA

    def __init__(self) -> None:
        self._timeline = StampTimeline(1.0 / RATE_HZ)
        self._last_ms: int | None = None
        self._connections = 0
        self._lost = 0
        self._untold: DeviceInfo | None = None  # this connection's info, not yet sent

    @property
    def lost(self) -> int:
        return self._lost

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        """Identify the device and start its stream. Its info goes out with the first
        samples, never after them: counts that came first would pass for newtons."""
        if self._connections:
            self._timeline.relink()
        self._connections += 1
        self._last_ms = None  # the stamps restart with the stream
        serial = await _read_text(client, SERIAL_NUMBER)
        firmware = await _read_text(client, SOFTWARE_REVISION)
        info = KIND.describe(
            firmware=firmware or "unknown",
            serial_number=serial or address,
            adc="Frez Dyno load cell (raw counts)",
        )
        self._untold = replace(info, raw_counts=True)
        await client.write_gatt_char(DYNO_CONTROL, encode_command(Command.START), response=True)
        return []

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        packet = decode_packet(data)
        last = self._last_ms
        if last is not None:
            if packet.ms[0] <= last:
                raise ValueError(
                    f"Frez Dyno stamp {packet.ms[0]} ms repeats or goes back from {last} ms"
                )
            self._lost += round((packet.ms[0] - last) * RATE_HZ / 1000) - 1
        self._last_ms = packet.ms[-1]
        stamps_us = [(ms * 1000) % US_MOD for ms in packet.ms]
        t = self._timeline.place(stamps_us, host_t)
        events: list[SourceEvent] = [] if self._untold is None else [self._untold]
        self._untold = None
        events.append(SampleBatch(t=t, force_n=np.asarray(packet.raw, dtype=np.float64)))
        return events

    async def tare(self, client: BleakClient) -> None:
        """No tare command in v1: the app retakes the tare from the counts."""

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the Frez Dyno streams at a fixed {RATE_HZ:g} Hz; cannot set {hz:g} Hz")


async def _read_text(client: BleakClient, uuid: str) -> str:
    """A Device Information string, or "" where the device has none."""
    try:
        raw = bytes(await client.read_gatt_char(uuid))
    except BleakError:
        return ""
    return raw.decode("utf-8", errors="replace").strip("\x00 ")


KIND = BleKind(
    word="dyno",
    label="Frez Dyno",
    full_scale_n=FULL_SCALE_N,
    rate_hz=RATE_HZ,
    resolution_n=None,
    simulator="hardware_sims.bluez.dyno:simulated_dyno",
    name_prefixes=("Frez",),  # "FrezDyno-…" (REFERENCE §3); independent clients match "Frez"
    service_uuids=(DYNO_SERVICE,),
    connect=lambda _clock: DynoDriver(),
    battery="level % (not read)",
)
