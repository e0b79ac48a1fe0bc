"""knotmeter wire protocol v1, the tool's side (device/PROTOCOL.md).

Runs unchanged on MicroPython and CPython: only ``struct`` and builtins, so the
tests prove on the host the very bytes the board sends. The tool encodes what it
sends (SAMPLE, INFO, STATUS, ACK, ERROR) and decodes only what it receives
(COMMAND); every payload is ``version | type | body | crc16``, little-endian.
"""

import struct

VERSION = 1

SAMPLE = 0x01
INFO = 0x02
STATUS = 0x03
ACK = 0x04
ERROR = 0x05
COMMAND = 0x10

OP_TARE = 1
OP_SET_RATE = 2
OP_START = 3
OP_STOP = 4
OP_CALIBRATE = 5
OP_GET_INFO = 6
OP_GET_STATUS = 7

ERR_UNKNOWN_OP = 1
ERR_BAD_ARGUMENT = 2
ERR_BUSY = 3
ERR_NOT_STREAMING = 4
ERR_CALIBRATION_FAILED = 5
ERR_NOT_PAIRED = 6

MAX_ENCODED = 247
"""Longest run between delimiters worth keeping (PROTOCOL §3); longer runs are noise."""
MAX_TEXT = 32
I24_MIN = -(1 << 23)
I24_MAX = (1 << 23) - 1

_COMMAND_LEN = 10  # version, type, request_id, op, value u32, crc
_STATUS_LOW = 0x01
_STATUS_CHARGING = 0x02


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF); a table keeps 80 frames/s cheap."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def cobs_encode(data: bytes) -> bytes:
    """COBS (Cheshire & Baker 1999): the same bytes as the host's ``cobs.encode``.

    A run of 254 non-zero bytes takes a 0xFF code and no implied zero; one that
    ends the data exactly needs no trailing empty block.
    """
    out = bytearray()
    chunks = bytes(data).split(b"\x00")
    last = len(chunks) - 1
    for i, chunk in enumerate(chunks):
        start = 0
        while len(chunk) - start >= 254:
            out.append(0xFF)
            out.extend(chunk[start : start + 254])
            start += 254
        if start < len(chunk) or start == 0 or i < last:
            out.append(len(chunk) - start + 1)
            out.extend(chunk[start:])
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    """Inverse of :func:`cobs_encode`; ValueError on a zero byte or a truncated block."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        code = data[i]
        end = i + code
        if code == 0 or end > n:
            raise ValueError("COBS: bad code byte at %d" % i)
        block = data[i + 1 : end]
        if b"\x00" in block:
            raise ValueError("COBS: zero byte inside a block")
        out.extend(block)
        if code < 0xFF and end < n:
            out.append(0)
        i = end
    return bytes(out)


def frame(payload: bytes) -> bytes:
    """What goes on the serial line: ``00 cobs(payload) 00`` (PROTOCOL §3)."""
    return b"\x00" + cobs_encode(payload) + b"\x00"


def _payload(kind: int, body: bytes) -> bytes:
    head = bytes((VERSION, kind)) + body
    return head + struct.pack("<H", crc16(head))


def _u24(value: int) -> bytes:
    return struct.pack("<I", value)[:3]


def _text(text: str) -> bytes:
    raw = text.encode()
    if len(raw) > MAX_TEXT:
        raise ValueError("text %r is longer than %d bytes" % (text, MAX_TEXT))
    return bytes((len(raw),)) + raw


def sample_payload(
    seq: int, device_us: int, period_us: int, resolution_un: int, flags: int, values: list
) -> bytes:
    """SAMPLE: consecutive forces in ``resolution_un`` µN steps.

    The caller keeps the fields in range (seq mod 2^16, device_us mod 2^32,
    values within i24): MicroPython's ``struct`` would silently truncate them.
    """
    body = bytearray(struct.pack("<HI", seq, device_us))
    body.extend(_u24(period_us))
    body.extend(struct.pack("<HB", resolution_un, flags))
    for value in values:
        body.extend(struct.pack("<i", value)[:3])
    return _payload(SAMPLE, bytes(body))


def info_payload(
    rate_mhz: int,
    counts_per_n: float,
    offset_counts: int,
    firmware: str,
    serial_number: str,
    adc: str,
    full_scale_mn: int = 0,
) -> bytes:
    """INFO: rate, calibration, the three identity texts (ValueError if one is too long)
    and, when known, the tool's full scale in mN (the host keeps ceilings under it)."""
    body = struct.pack("<Ifi", rate_mhz, counts_per_n, offset_counts)
    texts = _text(firmware) + _text(serial_number) + _text(adc)
    tail = struct.pack("<I", full_scale_mn) if full_scale_mn else b""
    return _payload(INFO, body + texts + tail)


def status_payload(battery_mv: int, low_battery: bool, charging: bool) -> bytes:
    flags = (_STATUS_LOW if low_battery else 0) | (_STATUS_CHARGING if charging else 0)
    return _payload(STATUS, struct.pack("<HB", battery_mv, flags))


def ack_payload(request_id: int, op: int) -> bytes:
    return _payload(ACK, bytes((request_id, op)))


def error_payload(request_id: int, op: int, code: int, message: str) -> bytes:
    return _payload(ERROR, bytes((request_id, op, code)) + _text(message))


def decode_command(payload: bytes) -> tuple:
    """``(request_id, op, value)`` of a COMMAND payload; ValueError says what is wrong.

    Unknown ops still decode: the tool answers them with ERROR 1, not silence.
    """
    if len(payload) < 4:
        raise ValueError("payload of %d bytes is shorter than 4" % len(payload))
    if crc16(payload[:-2]) != payload[-2] | payload[-1] << 8:
        raise ValueError("CRC mismatch")
    if payload[0] != VERSION:
        raise ValueError("protocol version %d" % payload[0])
    if payload[1] != COMMAND:
        raise ValueError("message type 0x%02x is not a command" % payload[1])
    if len(payload) != _COMMAND_LEN:
        raise ValueError("COMMAND of %d bytes, expected %d" % (len(payload), _COMMAND_LEN))
    return struct.unpack("<BBI", payload[2:8])


class CommandSplitter:
    """Serial bytes cut anywhere -> complete commands; bad frames are dropped and counted.

    Follows PROTOCOL §3 as the host's decoder does: bytes before the first
    delimiter are discarded (we joined mid-frame), empty frames are ignored, and
    a run longer than any valid frame is thrown away so memory stays bounded.
    """

    def __init__(self):
        self.bad_frames = 0
        self.resyncs = 0
        self._buf = bytearray()
        self._synced = False

    def feed(self, data: bytes) -> list:
        """Consume ``data``; return the ``(request_id, op, value)`` of each command it completed."""
        data = bytes(data)
        out = []
        start = 0
        end = data.find(b"\x00", start)
        while end >= 0:
            self._buf.extend(data[start:end])
            start = end + 1
            self._finish_frame(out)
            end = data.find(b"\x00", start)
        self._buf.extend(data[start:])
        if len(self._buf) > MAX_ENCODED:
            self._buf = bytearray()
            self._synced = False
            self.resyncs += 1
        return out

    def _finish_frame(self, out: list) -> None:
        encoded = bytes(self._buf)
        self._buf = bytearray()
        if not self._synced:
            self._synced = True
            if encoded:
                self.resyncs += 1
            return
        if not encoded:
            return
        try:
            out.append(decode_command(cobs_decode(encoded)))
        except ValueError:
            self.bad_frames += 1
