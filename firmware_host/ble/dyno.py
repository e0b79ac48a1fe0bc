"""Frez Dyno: the Progressor's framing and opcodes on its own service.

Taken from the public source of hangtime-grip-connect
(``packages/core/src/models/device/frez-dyno.model.ts``, Stevie-Ray/hangtime-grip-connect)
and REFERENCE §3: name prefix ``Frez``; service ``da8a6c41-154b-4b9a-9b00-2f84dfcebfe9``
with notify ``…6c42`` and write ``…6c43``; commands 0x64 tare, 0x65 start, 0x66 stop,
0x6F battery (code-0 answer, u32 mV); weight notifications ``[1][len]`` + (float32 kg,
u32 µs) pairs; firmware version in Software Revision (0x2A28), not opcode 0x6B.

Assumed: the "float" packet format only. Dynos that send raw ADC counts need
calibration points other apps fetch from the vendor's cloud; knotmeter makes no
network calls, so those are not supported. No public figures were found for the
rate or the range: 80 Hz (the Progressor's nominal) and 150 kg (the Progressor's
model) are assumptions, the rate being reported as measured anyway.
"""

from __future__ import annotations

from firmware_host.ble.kind import BleKind
from firmware_host.ble.progressor_driver import (
    ProgressorDialect,
    ProgressorDriver,
)
from firmware_host.ble.uuids import sig_uuid
from knotmeter.core.units import STANDARD_GRAVITY

DYNO_SERVICE = "da8a6c41-154b-4b9a-9b00-2f84dfcebfe9"
DYNO_DATA = "da8a6c42-154b-4b9a-9b00-2f84dfcebfe9"
DYNO_CONTROL = "da8a6c43-154b-4b9a-9b00-2f84dfcebfe9"
SOFTWARE_REVISION = sig_uuid(0x2A28)

DYNO = ProgressorDialect(
    data_uuid=DYNO_DATA,
    control_uuid=DYNO_CONTROL,
    model="Frez Dyno",
    adc="Dyno load cell",
    nominal_rate_hz=80.0,
    full_scale_n=150.0 * STANDARD_GRAVITY,
    version_uuid=SOFTWARE_REVISION,
)

KIND = BleKind(
    word="dyno",
    label="Frez Dyno",
    full_scale_n=DYNO.full_scale_n,
    rate_hz=DYNO.nominal_rate_hz,
    resolution_n=None,
    simulator="hardware_sims.bluez.dyno:simulated_dyno",
    name_prefixes=("Frez",),
    service_uuids=(DYNO_SERVICE,),
    connect=lambda clock: ProgressorDriver(DYNO, clock=clock),
    battery="voltage (mV)",
)
