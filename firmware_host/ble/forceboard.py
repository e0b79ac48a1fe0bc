"""PitchSix Force Board: packed 3-byte samples in pounds, streaming and tare modes.

Taken from the public source of hangtime-grip-connect
(``packages/core/src/models/device/forceboard.model.ts``) and REFERENCE §3: name
``Force Board``; service ``9a88d67f-8df2-4afe-9e0d-c2bbbe773dd0`` with force notify
``…d682`` and tare write ``…d683`` (0x01); device-mode write ``467a8517-6e39-11eb-9439-
0242ac130002`` (0x04 stream, 0x05 tare, 0x06 quick start, 0x07 idle). A notification
is a big-endian u16 sample count, then 3 bytes per sample, in pounds.

Where the sources disagree: hangtime-grip-connect weighs the three bytes
``b0·32768 + b1·256 + b2``; a plain big-endian 24-bit number is ``b0·65536 + …``.
Both read 1 count as 1 lb and agree whenever ``b0`` is 0, which is every load the
board can carry (< 65 536 lb); we take the plain 24-bit reading
(:data:`PLAIN_24_BIT`) and test both against the same bytes. Assumed (no public
figure): 80 samples per second, 4 per notification, a 300 kg range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from bleak import BleakClient
from bleak.exc import BleakError

from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.kind import BleKind
from firmware_host.ble.uuids import FIRMWARE_REVISION
from firmware_host.source import SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

FORCEBOARD_SERVICE = "9a88d67f-8df2-4afe-9e0d-c2bbbe773dd0"
FORCEBOARD_DATA = "9a88d682-8df2-4afe-9e0d-c2bbbe773dd0"
FORCEBOARD_TARE = "9a88d683-8df2-4afe-9e0d-c2bbbe773dd0"
WEIGHT_SERVICE = "467a8516-6e39-11eb-9439-0242ac130002"
DEVICE_MODE = "467a8517-6e39-11eb-9439-0242ac130002"
MODE_STREAM = 0x04
MODE_TARE = 0x05
MODE_IDLE = 0x07
TARE_VALUE = 0x01
RATE_HZ = 80.0
NEWTONS_PER_LB = 4.4482216152605
FULL_SCALE_N = 300.0 * STANDARD_GRAVITY


@dataclass(slots=True, frozen=True)
class ForceBoardScale:
    """How three sample bytes become pounds: ``(b0·high + b1·256 + b2) · lb_per_count``."""

    high_byte_weight: int
    lb_per_count: float = 1.0

    def pounds(self, b0: int, b1: int, b2: int) -> float:
        return (b0 * self.high_byte_weight + b1 * 256 + b2) * self.lb_per_count


PLAIN_24_BIT = ForceBoardScale(high_byte_weight=65536)
GRIP_CONNECT = ForceBoardScale(high_byte_weight=32768)
"""hangtime-grip-connect's reading, kept to show where it differs."""


@dataclass(slots=True, frozen=True)
class ForceBoardPacket:
    """The whole samples one notification holds, and how many its count promised beyond them."""

    pounds: list[float]
    missing: int


def decode_packet(data: bytes, scale: ForceBoardScale = PLAIN_24_BIT) -> ForceBoardPacket:
    """Every whole sample of one notification, in pounds; ``ValueError`` without a count.

    A packet cut short (its count promises more samples than its bytes hold) still
    gives the samples it holds; the rest are lost, not the whole packet.
    """
    if len(data) < 2:
        raise ValueError(f"Force Board notification of {len(data)} bytes has no count")
    count = int.from_bytes(data[:2], "big")
    body = data[2:]
    whole = min(count, len(body) // 3)
    pounds = [scale.pounds(*body[3 * i : 3 * i + 3]) for i in range(whole)]
    return ForceBoardPacket(pounds, count - whole)


class ForceBoardDriver:
    data_uuid = FORCEBOARD_DATA

    def __init__(self, scale: ForceBoardScale = PLAIN_24_BIT) -> None:
        self._scale = scale
        self._timeline = ArrivalTimeline(1.0 / RATE_HZ)
        self._lost = 0

    @property
    def lost(self) -> int:
        """Samples a packet's count promised but its bytes did not hold (samples carry no
        numbers, so a whole packet missed cannot be counted)."""
        return self._lost

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        firmware = await _firmware(client)
        await client.write_gatt_char(DEVICE_MODE, bytes([MODE_STREAM]), response=True)
        return [
            KIND.describe(firmware=firmware, serial_number=address, adc="Force Board load cell")
        ]

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        packet = decode_packet(data, self._scale)
        self._lost += packet.missing
        pounds = packet.pounds
        if not pounds:
            return []
        force = np.asarray(pounds, dtype=np.float64) * NEWTONS_PER_LB
        return [SampleBatch(t=self._timeline.place(len(pounds), host_t), force_n=force)]

    async def tare(self, client: BleakClient) -> None:
        await client.write_gatt_char(FORCEBOARD_TARE, bytes([TARE_VALUE]), response=True)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the Force Board streams at a fixed rate; cannot set {hz:g} Hz")


async def _firmware(client: BleakClient) -> str:
    """Firmware revision (0x2A26) where the board has it: independent clients never read
    it, so a board without it still streams."""
    try:
        return bytes(await client.read_gatt_char(FIRMWARE_REVISION)).decode(errors="replace")
    except BleakError:
        return "unknown"


KIND = BleKind(
    word="forceboard",
    label="PitchSix Force Board",
    full_scale_n=FULL_SCALE_N,
    rate_hz=RATE_HZ,
    resolution_n=PLAIN_24_BIT.lb_per_count * NEWTONS_PER_LB,
    simulator="hardware_sims.bluez.forceboard:simulated_forceboard",
    name_prefixes=("Force Board",),
    service_uuids=(FORCEBOARD_SERVICE,),
    connect=lambda _clock: ForceBoardDriver(),
    battery="level % (not read)",
)
