"""Message payloads: the bytes inside a serial COBS frame or one BLE notification.

Layout (``device/PROTOCOL.md`` §2): ``version u8 | type u8 | body | crc16 u16``,
all little-endian; the CRC is CRC-16/CCITT-FALSE (``binascii.crc_hqx`` seeded
with 0xFFFF) over everything before it. Bodies are sized so a one-sample batch
fits a 20-byte BLE payload and a 244-byte payload carries 76 samples.
"""

from __future__ import annotations

import binascii
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

PROTOCOL_VERSION = 1
CRC_INIT = 0xFFFF
SATURATED = 0x01
SIMULATOR_SERIAL_PREFIX = "SIM-"
"""Serial numbers of simulated tools start with this, so a host can label them."""
"""``SampleFrame.flags`` bit 0: the ADC hit its rail somewhere in this batch."""

MAX_PAYLOAD = 244
MAX_SAMPLES_PER_FRAME = (MAX_PAYLOAD - 16) // 3
"""76: a SAMPLE payload is 16 bytes of header and CRC plus 3 bytes a sample."""
MAX_TEXT = 32
_U16 = 0xFFFF
_U24 = 0xFFFFFF
_U32 = 0xFFFFFFFF
_I24_MIN = -(1 << 23)
_I24_MAX = (1 << 23) - 1


class ProtocolError(ValueError):
    """A payload or frame that does not follow the spec; callers drop and count it."""


class MsgType(IntEnum):
    SAMPLE = 0x01
    INFO = 0x02
    STATUS = 0x03
    ACK = 0x04
    ERROR = 0x05
    COMMAND = 0x10


class Op(IntEnum):
    """Commands the host sends; ``CommandFrame.value`` carries the argument."""

    TARE = 1
    SET_RATE = 2  # value: samples per second
    START = 3
    STOP = 4
    CALIBRATE = 5  # value: known mass on the tool, grams
    GET_INFO = 6
    GET_STATUS = 7


class ErrorCode(IntEnum):
    UNKNOWN_OP = 1
    BAD_ARGUMENT = 2
    BUSY = 3
    NOT_STREAMING = 4
    CALIBRATION_FAILED = 5
    NOT_PAIRED = 6


@dataclass(slots=True, frozen=True)
class SampleFrame:
    """``len(values)`` consecutive samples; force of sample i is ``values[i] * resolution_n``.

    ``seq`` numbers samples (not frames) modulo 2**16, ``device_us`` is the device
    clock at ``values[0]`` modulo 2**32; the next frame starts at ``seq + len(values)``.
    """

    seq: int
    device_us: int
    period_us: int
    resolution_n: float
    values: tuple[int, ...]
    flags: int = 0

    @property
    def saturated(self) -> bool:
        return bool(self.flags & SATURATED)


@dataclass(slots=True, frozen=True)
class InfoFrame:
    """Who the tool is; ``counts_per_n``/``offset_counts`` are its load-cell calibration."""

    firmware: str
    serial_number: str
    adc: str
    rate_hz: float
    counts_per_n: float
    offset_counts: int
    full_scale_n: float | None = None
    """The most force the tool can measure (its cell's range, or its ADC's rail if less);
    an optional trailing field, ``None`` when the tool does not say (PROTOCOL §4)."""

    @property
    def simulated(self) -> bool:
        return self.serial_number.startswith(SIMULATOR_SERIAL_PREFIX)


@dataclass(slots=True, frozen=True)
class StatusFrame:
    battery_mv: int
    low_battery: bool = False
    charging: bool = False


@dataclass(slots=True, frozen=True)
class AckFrame:
    request_id: int
    op: Op


@dataclass(slots=True, frozen=True)
class ErrorFrame:
    request_id: int
    op: int
    code: ErrorCode
    message: str = ""


@dataclass(slots=True, frozen=True)
class CommandFrame:
    """``value`` is the rate in Hz for SET_RATE and the mass in grams for CALIBRATE.

    It travels as an unsigned count of thousandths (mHz, mg), so it is exact to 0.001.
    """

    op: Op
    request_id: int = 0
    value: float = 0.0


Message = SampleFrame | InfoFrame | StatusFrame | AckFrame | ErrorFrame | CommandFrame

_SAMPLE_HEAD = struct.Struct("<HI3sHB")  # seq, device_us, period_us (u24), resolution µN, flags
_INFO_HEAD = struct.Struct("<Ifi")  # rate mHz, counts per N, offset counts
_FULL_SCALE = struct.Struct("<I")  # optional, after the texts: full scale, mN (0 = unknown)
_STATUS = struct.Struct("<HB")
_ACK = struct.Struct("<BB")
_ERROR_HEAD = struct.Struct("<BBB")
_COMMAND = struct.Struct("<BBI")
_STATUS_LOW, _STATUS_CHARGING = 0x01, 0x02


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF); ``crc16(b"123456789") == 0x29B1``."""
    return binascii.crc_hqx(data, CRC_INIT)


def encode_payload(msg: Message) -> bytes:
    """Serialise ``msg`` with version, type and CRC; raises ValueError if a field won't fit."""
    kind, body = _encode_body(msg)
    head = bytes((PROTOCOL_VERSION, kind)) + body
    payload = head + crc16(head).to_bytes(2, "little")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    return payload


def decode_payload(data: bytes) -> Message:
    """Parse one payload; raises :class:`ProtocolError` on bad CRC, version, type or length."""
    if len(data) < 4:
        raise ProtocolError(f"payload of {len(data)} bytes is shorter than 4")
    if len(data) > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {len(data)} bytes exceeds {MAX_PAYLOAD}")
    head, crc = data[:-2], int.from_bytes(data[-2:], "little")
    if crc16(head) != crc:
        raise ProtocolError("CRC mismatch")
    if head[0] != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {head[0]} (this host speaks {PROTOCOL_VERSION})")
    try:
        kind = MsgType(head[1])
    except ValueError:
        raise ProtocolError(f"unknown message type 0x{head[1]:02x}") from None
    try:
        return _DECODERS[kind](head[2:])
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as err:
        raise ProtocolError(f"malformed {kind.name} body: {err}") from None


def _encode_body(msg: Message) -> tuple[int, bytes]:
    match msg:
        case SampleFrame():
            return MsgType.SAMPLE, _encode_sample(msg)
        case InfoFrame():
            head = _INFO_HEAD.pack(_milli(msg.rate_hz), msg.counts_per_n, msg.offset_counts)
            strings = (msg.firmware, msg.serial_number, msg.adc)
            tail = b"" if msg.full_scale_n is None else _FULL_SCALE.pack(_milli(msg.full_scale_n))
            return MsgType.INFO, head + b"".join(_pack_text(s) for s in strings) + tail
        case StatusFrame():
            flags = (_STATUS_LOW if msg.low_battery else 0) | (
                _STATUS_CHARGING if msg.charging else 0
            )
            return MsgType.STATUS, _STATUS.pack(_check(msg.battery_mv, _U16, "battery_mv"), flags)
        case AckFrame():
            return MsgType.ACK, _ACK.pack(msg.request_id, msg.op)
        case ErrorFrame():
            head = _ERROR_HEAD.pack(msg.request_id, msg.op, msg.code)
            return MsgType.ERROR, head + _pack_text(msg.message)
        case CommandFrame():
            return MsgType.COMMAND, _COMMAND.pack(msg.request_id, msg.op, _milli(msg.value))


def _encode_sample(msg: SampleFrame) -> bytes:
    resolution_un = round(msg.resolution_n * 1_000_000)
    if not 1 <= resolution_un <= _U16:
        raise ValueError(f"resolution {msg.resolution_n} N is outside 1e-6..0.065535 N")
    period = _check(msg.period_us, _U24, "period_us").to_bytes(3, "little")
    head = _SAMPLE_HEAD.pack(
        _check(msg.seq, _U16, "seq"),
        _check(msg.device_us, _U32, "device_us"),
        period,
        resolution_un,
        msg.flags,
    )
    for v in msg.values:
        if not _I24_MIN <= v <= _I24_MAX:
            raise ValueError(f"sample value {v} does not fit 24 bits")
    return head + b"".join(v.to_bytes(3, "little", signed=True) for v in msg.values)


def _decode_sample(body: bytes) -> SampleFrame:
    seq, device_us, period, resolution_un, flags = _SAMPLE_HEAD.unpack_from(body)
    rest = body[_SAMPLE_HEAD.size :]
    if len(rest) % 3:
        raise ValueError(f"{len(rest)} value bytes is not a multiple of 3")
    if resolution_un == 0:
        raise ValueError("resolution 0")
    values = tuple(
        int.from_bytes(rest[i : i + 3], "little", signed=True) for i in range(0, len(rest), 3)
    )
    return SampleFrame(
        seq=seq,
        device_us=device_us,
        period_us=int.from_bytes(period, "little"),
        resolution_n=resolution_un / 1_000_000,
        values=values,
        flags=flags,
    )


def _decode_info(body: bytes) -> InfoFrame:
    rate_mhz, counts_per_n, offset = _INFO_HEAD.unpack_from(body)
    pos = _INFO_HEAD.size
    strings: list[str] = []
    for _ in range(3):
        text, pos = _unpack_text(body, pos)
        strings.append(text)
    full_scale = None
    if len(body) - pos == _FULL_SCALE.size:
        (full_scale_mn,) = _FULL_SCALE.unpack_from(body, pos)
        full_scale = full_scale_mn / 1000 if full_scale_mn else None
    elif pos != len(body):
        raise ValueError(f"{len(body) - pos} trailing bytes")
    return InfoFrame(
        firmware=strings[0],
        serial_number=strings[1],
        adc=strings[2],
        rate_hz=rate_mhz / 1000,
        counts_per_n=counts_per_n,
        offset_counts=offset,
        full_scale_n=full_scale,
    )


def _decode_status(body: bytes) -> StatusFrame:
    _exact(body, _STATUS.size)
    mv, flags = _STATUS.unpack(body)
    return StatusFrame(mv, bool(flags & _STATUS_LOW), bool(flags & _STATUS_CHARGING))


def _decode_ack(body: bytes) -> AckFrame:
    _exact(body, _ACK.size)
    request_id, op = _ACK.unpack(body)
    return AckFrame(request_id, Op(op))


def _decode_error(body: bytes) -> ErrorFrame:
    request_id, op, code = _ERROR_HEAD.unpack_from(body)
    message, end = _unpack_text(body, _ERROR_HEAD.size)
    _exact(body, end)
    return ErrorFrame(request_id, op, ErrorCode(code), message)


def _decode_command(body: bytes) -> CommandFrame:
    _exact(body, _COMMAND.size)
    request_id, op, value = _COMMAND.unpack(body)
    return CommandFrame(Op(op), request_id, value / 1000)


_DECODERS: dict[MsgType, Callable[[bytes], Message]] = {
    MsgType.SAMPLE: _decode_sample,
    MsgType.INFO: _decode_info,
    MsgType.STATUS: _decode_status,
    MsgType.ACK: _decode_ack,
    MsgType.ERROR: _decode_error,
    MsgType.COMMAND: _decode_command,
}


def _milli(value: float) -> int:
    return _check(round(value * 1000), _U32, "value")


def _check(value: int, limit: int, name: str) -> int:
    if not 0 <= value <= limit:
        raise ValueError(f"{name}={value} outside 0..{limit}")
    return value


def _exact(body: bytes, size: int) -> None:
    if len(body) != size:
        raise ValueError(f"body of {len(body)} bytes, expected {size}")


def _pack_text(text: str) -> bytes:
    raw = text.encode()
    if len(raw) > MAX_TEXT:
        raise ValueError(f"text {text!r} longer than {MAX_TEXT} bytes")
    return bytes((len(raw),)) + raw


def _unpack_text(body: bytes, pos: int) -> tuple[str, int]:
    size = body[pos]
    end = pos + 1 + size
    if size > MAX_TEXT or end > len(body):
        raise ValueError("text field overruns the body")
    return body[pos + 1 : end].decode(), end
