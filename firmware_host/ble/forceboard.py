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


def decode_pounds(data: bytes, scale: ForceBoardScale = PLAIN_24_BIT) -> list[float]:
    """Every sample of one notification, in pounds; ``ValueError`` on a bad layout."""
    if len(data) < 2:
        raise ValueError(f"Force Board notification of {len(data)} bytes has no count")
    count = int.from_bytes(data[:2], "big")
    body = data[2:]
    if len(body) != 3 * count:
        raise ValueError(f"count says {count} samples but {len(body)} bytes follow")
    return [scale.pounds(*body[i : i + 3]) for i in range(0, len(body), 3)]


def encode_pounds(samples_lb: list[float]) -> bytes:
    """A notification from readings in pounds (the simulated board's side)."""
    counts = [max(0, min(0xFFFFFF, round(lb / PLAIN_24_BIT.lb_per_count))) for lb in samples_lb]
    return len(counts).to_bytes(2, "big") + b"".join(c.to_bytes(3, "big") for c in counts)


class ForceBoardDriver:
    data_uuid = FORCEBOARD_DATA

    def __init__(self, scale: ForceBoardScale = PLAIN_24_BIT) -> None:
        self._scale = scale
        self._timeline = ArrivalTimeline(1.0 / RATE_HZ)

    lost = 0
    """Samples are not numbered, so none can be known lost."""

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        firmware = bytes(await client.read_gatt_char(FIRMWARE_REVISION)).decode(errors="replace")
        await client.write_gatt_char(DEVICE_MODE, bytes([MODE_STREAM]), response=True)
        return [
            KIND.describe(firmware=firmware, serial_number=address, adc="Force Board load cell")
        ]

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        pounds = decode_pounds(data, self._scale)
        if not pounds:
            return []
        force = np.asarray(pounds, dtype=np.float64) * NEWTONS_PER_LB
        return [SampleBatch(t=self._timeline.place(len(pounds), host_t), force_n=force)]

    async def tare(self, client: BleakClient) -> None:
        await client.write_gatt_char(FORCEBOARD_TARE, bytes([TARE_VALUE]), response=True)

    async def set_rate(self, client: BleakClient, hz: float) -> None:
        raise ValueError(f"the Force Board streams at a fixed rate; cannot set {hz:g} Hz")


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
