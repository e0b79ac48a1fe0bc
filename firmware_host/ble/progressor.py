"""Tindeq Progressor wire format (REFERENCE §3): one-byte commands, TLV notifications.

A notification is ``[u8 code][u8 length][payload]``, little-endian. Code 1 carries
``length / 8`` weight samples of (``float32`` kg, ``uint32`` µs); code 0 answers the
last request (battery: ``uint32`` mV, version: UTF-8); code 4 warns of low power.
Pure functions, shared by the host driver and the simulated Progressor.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


class Opcode(IntEnum):
    TARE = 0x64
    START_WEIGHT = 0x65
    STOP_WEIGHT = 0x66
    START_PEAK_RFD = 0x67
    GET_APP_VERSION = 0x6B
    GET_ERROR_INFO = 0x6C
    SLEEP = 0x6E
    GET_BATTERY_VOLTAGE = 0x6F


class ResponseCode(IntEnum):
    COMMAND_RESPONSE = 0
    WEIGHT = 1
    LOW_POWER = 4


MAX_SAMPLES_PER_NOTIFICATION = 15
"""What the device packs into one notification once the ATT MTU allows it."""

_SAMPLE = struct.Struct("<fI")
_HEADER = struct.Struct("<BB")
_MILLIVOLTS = struct.Struct("<I")


class ProgressorFormatError(ValueError):
    """A notification that does not follow the published layout."""


@dataclass(slots=True, frozen=True)
class WeightSamples:
    """Samples in device units: kilograms and the device's µs clock (wraps at 2**32)."""

    kg: tuple[float, ...]
    device_us: tuple[int, ...]


@dataclass(slots=True, frozen=True)
class CommandResponse:
    """The answer to the oldest outstanding request; its meaning depends on that request."""

    payload: bytes


@dataclass(slots=True, frozen=True)
class LowPowerWarning:
    payload: bytes


@dataclass(slots=True, frozen=True)
class OtherNotification:
    """A code this driver does not use (e.g. peak-RFD results): counted, not decoded."""

    code: int
    payload: bytes


ProgressorMessage = WeightSamples | CommandResponse | LowPowerWarning | OtherNotification


def decode_notification(data: bytes) -> ProgressorMessage:
    """Decode one notification; raises :class:`ProgressorFormatError` on a bad layout."""
    if len(data) < _HEADER.size:
        raise ProgressorFormatError(f"notification of {len(data)} bytes has no header")
    code, length = _HEADER.unpack_from(data)
    payload = bytes(data[_HEADER.size :])
    if len(payload) != length:
        raise ProgressorFormatError(
            f"length byte says {length} but {len(payload)} payload bytes follow"
        )
    if code == ResponseCode.WEIGHT:
        if length % _SAMPLE.size:
            raise ProgressorFormatError(f"weight payload of {length} bytes is not 8-byte samples")
        pairs = list(_SAMPLE.iter_unpack(payload))
        return WeightSamples(
            kg=tuple(kg for kg, _ in pairs), device_us=tuple(us for _, us in pairs)
        )
    if code == ResponseCode.COMMAND_RESPONSE:
        return CommandResponse(payload)
    if code == ResponseCode.LOW_POWER:
        return LowPowerWarning(payload)
    return OtherNotification(code, payload)


def battery_millivolts(response: CommandResponse) -> int:
    """Read the answer to :attr:`Opcode.GET_BATTERY_VOLTAGE`."""
    if len(response.payload) != _MILLIVOLTS.size:
        raise ProgressorFormatError(
            f"battery response of {len(response.payload)} bytes, expected {_MILLIVOLTS.size}"
        )
    (millivolts,) = _MILLIVOLTS.unpack(response.payload)
    return int(millivolts)


def app_version(response: CommandResponse) -> str:
    """Read the answer to :attr:`Opcode.GET_APP_VERSION`."""
    return response.payload.decode("utf-8", errors="replace").rstrip("\x00")


def encode_command(opcode: Opcode) -> bytes:
    return bytes([opcode])


def encode_notification(code: ResponseCode, payload: bytes) -> bytes:
    """Frame ``payload`` as the device does (used by the simulated Progressor)."""
    if len(payload) > 0xFF:
        raise ValueError(f"payload of {len(payload)} bytes does not fit the length byte")
    return _HEADER.pack(code, len(payload)) + payload


def encode_weight(samples: Sequence[tuple[float, int]]) -> bytes:
    """A weight notification from ``(kg, device_us)`` pairs (the simulator's side)."""
    if len(samples) > MAX_SAMPLES_PER_NOTIFICATION:
        raise ValueError(f"{len(samples)} samples exceed {MAX_SAMPLES_PER_NOTIFICATION}")
    body = b"".join(_SAMPLE.pack(kg, us & 0xFFFFFFFF) for kg, us in samples)
    return encode_notification(ResponseCode.WEIGHT, body)


def encode_millivolts(millivolts: int) -> bytes:
    return _MILLIVOLTS.pack(millivolts)
