"""Every BLE sensor kind knotmeter speaks to, one line each, first match wins.

Adding a kind: a module with its driver and its :class:`~firmware_host.ble.kind.BleKind`
(plus its simulated peripheral under ``hardware_sims/bluez``), and one line here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from firmware_host.ble import dyno, entralpi, forceboard, knotmeter_driver, progressor_driver, whc06
from firmware_host.ble.kind import BleKind

KINDS: tuple[BleKind, ...] = (
    knotmeter_driver.KIND,
    progressor_driver.KIND,
    dyno.KIND,
    entralpi.KIND,
    forceboard.KIND,
    whc06.KIND,
)
BY_WORD: dict[str, BleKind] = {kind.word: kind for kind in KINDS}
KNOTMETER = knotmeter_driver.KIND


def classify(
    name: str | None,
    service_uuids: Sequence[str],
    manufacturer_data: Mapping[int, bytes] | None = None,
) -> BleKind | None:
    """Which kind this advertiser is, if any."""
    for kind in KINDS:
        if kind.recognises(name or "", service_uuids, manufacturer_data or {}):
            return kind
    return None
