"""Weiheng WH-C06 crane scale: the weight rides in its advertisements, there is no link.

Taken from the public source of hangtime-grip-connect
(``packages/core/src/models/device/wh-c06.model.ts``) and REFERENCE §3: advertises
as ``IF_B7`` with manufacturer data under company id 0x0100 (256); in those bytes
(company id excluded, as bleak gives them) bytes 10-11 are a big-endian u16 in
0.01 kg and the high nibble of byte 14 is a "stable" flag (its low nibble the
display unit, which we ignore: the number is always 0.01 kg). Range 300 kg (the
vendor's product name, "300kg hanging scale").

Honest about what it is: one reading per advertisement heard, placed on the host
clock at its arrival, no sequence numbers (a missed advertisement cannot be
counted), about 10 per second at best (assumed; the vendor publishes no
interval), so :attr:`BleKind.low_rate` is true and the app says so.
"""

from __future__ import annotations

import numpy as np

from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.kind import BleKind
from firmware_host.source import SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

COMPANY_ID = 0x0100
WEIGHT_OFFSET = 10
STABLE_OFFSET = 14
KG_PER_COUNT = 0.01
RATE_HZ = 10.0
FULL_SCALE_KG = 300.0


def decode_weight_kg(data: bytes) -> float:
    """Kilograms from the manufacturer data; ``ValueError`` if it is too short."""
    if len(data) < WEIGHT_OFFSET + 2:
        raise ValueError(f"WH-C06 manufacturer data of {len(data)} bytes holds no weight")
    return int.from_bytes(data[WEIGHT_OFFSET : WEIGHT_OFFSET + 2], "big") * KG_PER_COUNT


def encode_manufacturer_data(kg: float, *, stable: bool = False) -> bytes:
    """The simulated scale's side: 15 bytes with the weight and the stable flag in place."""
    counts = max(0, min(0xFFFF, round(kg / KG_PER_COUNT)))
    data = bytearray(STABLE_OFFSET + 1)
    data[WEIGHT_OFFSET : WEIGHT_OFFSET + 2] = counts.to_bytes(2, "big")
    data[STABLE_OFFSET] = 0x10 if stable else 0x00
    return bytes(data)


class WhC06Listener:
    """Turns the scale's advertisements into one-sample batches."""

    company_id = COMPANY_ID

    def __init__(self) -> None:
        self._timeline = ArrivalTimeline(1.0 / RATE_HZ)

    def describe(self, address: str) -> list[SourceEvent]:
        firmware = "unknown (advertisements only)"
        return [KIND.describe(firmware=firmware, serial_number=address, adc="WH-C06 load cell")]

    def on_advertisement(self, data: bytes, host_t: float) -> list[SourceEvent]:
        force = np.array([decode_weight_kg(data) * STANDARD_GRAVITY])
        return [SampleBatch(t=self._timeline.place(1, host_t), force_n=force)]


KIND = BleKind(
    word="whc06",
    label="WH-C06 crane scale",
    full_scale_n=FULL_SCALE_KG * STANDARD_GRAVITY,
    rate_hz=RATE_HZ,
    resolution_n=KG_PER_COUNT * STANDARD_GRAVITY,
    simulator="hardware_sims.bluez.whc06:simulated_whc06",
    name_prefixes=("IF_B7",),
    company_id=COMPANY_ID,
    listen=lambda _clock: WhC06Listener(),
    hardware_tare=False,
)
