"""GATT UUIDs the host and the simulated devices agree on (spec: ``device/PROTOCOL.md``)."""

from __future__ import annotations

import struct


def sig_uuid(short: int) -> str:
    """Expand a 16-bit Bluetooth SIG UUID to the 128-bit form BlueZ reports."""
    return f"{short:08x}-0000-1000-8000-00805f9b34fb"


def _knotmeter_uuid(short: int) -> str:
    # "6b6e6f746d74" is "knotmt" in ASCII: easy to spot in a sniffer trace.
    return f"4b4e{short:04x}-7e51-4d2a-9c4b-6b6e6f746d74"


KNOTMETER_SERVICE = _knotmeter_uuid(0x0001)
KNOTMETER_DATA = _knotmeter_uuid(0x0002)
"""Notify: every device→host payload (samples, status, ack/error), as on serial without COBS."""
KNOTMETER_COMMAND = _knotmeter_uuid(0x0003)
"""Write with response: one encoded command payload per write."""
KNOTMETER_INFO = _knotmeter_uuid(0x0004)
"""Read: the encoded info payload."""

FORCE = sig_uuid(0x2C07)
BATTERY_SERVICE = sig_uuid(0x180F)
BATTERY_LEVEL = sig_uuid(0x2A19)
DEVICE_INFORMATION = sig_uuid(0x180A)
MODEL_NUMBER = sig_uuid(0x2A24)
SERIAL_NUMBER = sig_uuid(0x2A25)
FIRMWARE_REVISION = sig_uuid(0x2A26)
MANUFACTURER_NAME = sig_uuid(0x2A29)

PROGRESSOR_SERVICE = "7e4e1701-1ea6-40c9-9dcc-13d34ffead57"
PROGRESSOR_DATA = "7e4e1702-1ea6-40c9-9dcc-13d34ffead57"
PROGRESSOR_CONTROL = "7e4e1703-1ea6-40c9-9dcc-13d34ffead57"
PROGRESSOR_NAME_PREFIX = "Progressor"

SIMULATED_COMPANY_ID = 0xFFFF
"""Bluetooth SIG company id reserved for tests: simulated devices advertise it."""
SIMULATED_MARKER = b"knotmeter-sim"
"""Manufacturer data under :data:`SIMULATED_COMPANY_ID` that labels a simulated device."""

_FORCE_UNKNOWN = 0x7FFFFFFF
_FORCE = struct.Struct("<i")


def encode_force(force_n: float | None) -> bytes:
    """SIG Force characteristic 0x2C07: int32 in millinewtons, ``0x7FFFFFFF`` unknown."""
    if force_n is None:
        return _FORCE.pack(_FORCE_UNKNOWN)
    millinewtons = max(-(2**31), min(_FORCE_UNKNOWN - 1, round(force_n * 1000.0)))
    return _FORCE.pack(millinewtons)


def decode_force(value: bytes) -> float | None:
    """Inverse of :func:`encode_force`; ``None`` when the device says unknown."""
    (millinewtons,) = _FORCE.unpack(value)
    return None if millinewtons == _FORCE_UNKNOWN else millinewtons / 1000.0
