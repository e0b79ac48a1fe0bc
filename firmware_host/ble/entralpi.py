"""Entralpi force platform: one u16 weight per notification, no device time, no tare.

Taken from the public source of hangtime-grip-connect
(``packages/core/src/models/device/entralpi.model.ts``) and REFERENCE §3: name
``ENTRALPI``; notify on ``0000fff1-0000-1000-8000-00805f9b34fb`` (service ``0000fff0``);
bytes 0-1 a big-endian u16, kilograms x 100; firmware in Device Information
(0x2A26); no tare command (the app tares in software). Samples are placed on the
host clock by arrival (:class:`~firmware_host.ble.arrival.ArrivalTimeline`).

Assumed (no public figure): 10 notifications per second and a 200 kg platform.
Unsigned: a reading cannot go below zero.
"""

from __future__ import annotations

import struct

import numpy as np
from bleak import BleakClient

from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.kind import BleKind
from firmware_host.ble.uuids import FIRMWARE_REVISION, sig_uuid
from firmware_host.source import SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

ENTRALPI_SERVICE = sig_uuid(0xFFF0)
ENTRALPI_DATA = sig_uuid(0xFFF1)
RATE_HZ = 10.0
FULL_SCALE_KG = 200.0
KG_PER_COUNT = 0.01
_WEIGHT = struct.Struct(">H")


def decode_weight_kg(data: bytes) -> float:
    """Kilograms from one notification; ``ValueError`` if it is too short."""
    if len(data) < _WEIGHT.size:
        raise ValueError(f"Entralpi notification of {len(data)} bytes has no weight")
    (counts,) = _WEIGHT.unpack_from(data)
    return int(counts) * KG_PER_COUNT


class EntralpiDriver:
    data_uuid = ENTRALPI_DATA

    def __init__(self) -> None:
        self._timeline = ArrivalTimeline(1.0 / RATE_HZ)

    lost = 0
    """Samples are not numbered, so none can be known lost."""

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        firmware = bytes(await client.read_gatt_char(FIRMWARE_REVISION)).decode(errors="replace")
        return [KIND.describe(firmware=firmware, serial_number=address, adc="Entralpi platform")]

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        force = np.array([decode_weight_kg(data) * STANDARD_GRAVITY])
        return [SampleBatch(t=self._timeline.place(1, host_t), force_n=force)]

    async def tare(self, client: BleakClient) -> None:
        """No hardware tare: the coach's zero window takes the offset."""

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the Entralpi streams at a fixed rate; cannot set {hz:g} Hz")


KIND = BleKind(
    word="entralpi",
    label="Entralpi",
    full_scale_n=FULL_SCALE_KG * STANDARD_GRAVITY,
    rate_hz=RATE_HZ,
    resolution_n=KG_PER_COUNT * STANDARD_GRAVITY,
    simulator="hardware_sims.bluez.entralpi:simulated_entralpi",
    name_prefixes=("ENTRALPI",),
    connect=lambda _clock: EntralpiDriver(),
    hardware_tare=False,
    battery="level % (not read)",
)
