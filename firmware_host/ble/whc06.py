"""Weiheng WH-C06 crane scale: the weight rides in its advertisements, there is no link.

Facts (REFERENCE §3, corrected 2026-12-08; the offsets and company id also in
hangtime-grip-connect's ``packages/core/src/models/device/wh-c06.model.ts``): it
advertises as ``IF_B7`` with manufacturer data under company id 0x0100 (256). In
those bytes (company id excluded, as bleak gives them) bytes 10-11 are a *signed*
big-endian int16 in 0.01 of the scale's own display unit (negative after a tare),
and byte 14 holds the stable flag in its high nibble and the display unit in its low
nibble: 1 kg, 2 lb. Range 300 kg (the vendor's "300kg hanging scale"). About 6.5-8
advertisements a second are heard: the nominal rate is 7 Hz.

Read unsigned and always as kilograms (an earlier reading here), a tared -2.00
became 653 kg and a scale set to pounds read 2.2x high: both are refused now, the
sign by reading it signed, the unit by reading it and naming an unknown one.

Honest about what it is: one reading per advertisement heard, placed on the host
clock at its arrival, no sequence numbers (a missed advertisement cannot be
counted); :attr:`BleKind.low_rate` is true and the app says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.kind import BleKind
from firmware_host.source import SourceEvent
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import NEWTONS_PER_LBF, STANDARD_GRAVITY

COMPANY_ID = 0x0100
WEIGHT_OFFSET = 10
STATUS_OFFSET = 14
COUNTS_PER_UNIT = 100
RATE_HZ = 7.0
"""Nominal: 6.5-8 advertisements a second are heard (REFERENCE §3)."""
FULL_SCALE_KG = 300.0
NEWTONS_PER_UNIT = {1: STANDARD_GRAVITY, 2: NEWTONS_PER_LBF}
"""The display unit codes of byte 14's low nibble: 1 kg, 2 lb."""
UNIT_NAMES = {1: "kg", 2: "lb"}


@dataclass(slots=True, frozen=True)
class WhC06Reading:
    """One advertisement: the weight in the scale's display unit, that unit, stability."""

    value: float
    unit: str
    stable: bool
    force_n: float


def decode_reading(data: bytes) -> WhC06Reading:
    """The reading in the manufacturer data; ``ValueError`` if too short or in an unknown unit."""
    if len(data) <= STATUS_OFFSET:
        raise ValueError(f"WH-C06 manufacturer data of {len(data)} bytes holds no weight")
    counts = int.from_bytes(data[WEIGHT_OFFSET : WEIGHT_OFFSET + 2], "big", signed=True)
    status = data[STATUS_OFFSET]
    code = status & 0x0F
    per_unit = NEWTONS_PER_UNIT.get(code)
    if per_unit is None:
        raise ValueError(f"WH-C06 display unit code {code} is unknown (1 kg, 2 lb)")
    value = counts / COUNTS_PER_UNIT
    return WhC06Reading(value, UNIT_NAMES[code], bool(status >> 4), value * per_unit)


class WhC06Listener:
    """Turns the scale's advertisements into one-sample batches, in newtons."""

    company_id = COMPANY_ID

    def __init__(self) -> None:
        self._timeline = ArrivalTimeline(1.0 / RATE_HZ)

    def describe(self, address: str) -> list[SourceEvent]:
        firmware = "unknown (advertisements only)"
        return [KIND.describe(firmware=firmware, serial_number=address, adc="WH-C06 load cell")]

    def on_advertisement(self, data: bytes, host_t: float) -> list[SourceEvent]:
        force = np.array([decode_reading(data).force_n])
        return [SampleBatch(t=self._timeline.place(1, host_t), force_n=force)]


KIND = BleKind(
    word="whc06",
    label="WH-C06 crane scale",
    full_scale_n=FULL_SCALE_KG * STANDARD_GRAVITY,
    rate_hz=RATE_HZ,
    resolution_n=STANDARD_GRAVITY / COUNTS_PER_UNIT,
    simulator="hardware_sims.bluez.whc06:simulated_whc06",
    name_prefixes=("IF_B7",),
    company_id=COMPANY_ID,
    listen=lambda _clock: WhC06Listener(),
    hardware_tare=False,
)
