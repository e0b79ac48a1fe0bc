"""Serial framing: COBS-encoded payloads between 0x00 delimiters.

A sender writes ``00 cobs(payload) 00``: the leading delimiter ends whatever
garbage came before, so line noise costs at most itself, never the next frame.
The decoder accepts bytes in any chunking and never raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

from cobs import cobs

from firmware_host.protocol.messages import (
    MAX_PAYLOAD,
    Message,
    ProtocolError,
    decode_payload,
    encode_payload,
)

DELIMITER = b"\x00"
MAX_ENCODED = MAX_PAYLOAD + MAX_PAYLOAD // 254 + 1
"""Longest COBS encoding of a valid payload; anything longer is garbage."""


def encode_frame(msg: Message) -> bytes:
    """The exact bytes a sender writes for ``msg`` on a byte stream."""
    encoded: bytes = cobs.encode(encode_payload(msg))
    return DELIMITER + encoded + DELIMITER


def decode_frame(encoded: bytes) -> Message:
    """Decode one COBS frame (without delimiters); raises :class:`ProtocolError`."""
    try:
        payload: bytes = cobs.decode(encoded)
    except cobs.DecodeError as err:
        raise ProtocolError(f"COBS: {err}") from None
    return decode_payload(payload)


@dataclass(slots=True)
class DecoderStats:
    """``bad_frames``: delimited frames dropped (COBS, CRC, version, length);
    ``resyncs``: times the decoder threw away bytes to find the next delimiter
    (joining mid-frame, or a run longer than any valid frame)."""

    frames: int = 0
    bad_frames: int = 0
    resyncs: int = 0
    last_error: str = ""


class StreamDecoder:
    """Turns a byte stream cut anywhere into messages, dropping and counting bad frames."""

    def __init__(self) -> None:
        self.stats = DecoderStats()
        self._buf = bytearray()
        self._synced = False

    def reset(self) -> None:
        """Forget a partial frame (the link dropped); counters carry on."""
        self._buf.clear()
        self._synced = False

    def feed(self, data: bytes) -> list[Message]:
        """Consume ``data``; return every message completed by it, in order."""
        out: list[Message] = []
        start = 0
        while (end := data.find(DELIMITER, start)) >= 0:
            self._buf += data[start:end]
            start = end + 1
            self._finish_frame(out)
        self._buf += data[start:]
        if len(self._buf) > MAX_ENCODED:
            self._buf.clear()
            self._synced = False
            self.stats.resyncs += 1
        return out

    def _finish_frame(self, out: list[Message]) -> None:
        encoded = bytes(self._buf)
        self._buf.clear()
        if not self._synced:
            self._synced = True
            if encoded:
                self.stats.resyncs += 1
            return
        if not encoded:
            return
        try:
            msg = decode_frame(encoded)
        except ProtocolError as err:
            self.stats.bad_frames += 1
            self.stats.last_error = str(err)
            return
        self.stats.frames += 1
        out.append(msg)
