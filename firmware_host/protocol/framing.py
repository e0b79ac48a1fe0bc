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
    """``bad_frames``: frames dropped (COBS, CRC, version, length, or longer than any valid
    frame); ``oversized``: how many of those were too long; ``resyncs``: times the decoder
    threw bytes away to find the next delimiter (joining mid-frame, an overlong run)."""

    frames: int = 0
    bad_frames: int = 0
    oversized: int = 0
    resyncs: int = 0
    last_error: str = ""


class StreamDecoder:
    """Turns a byte stream cut anywhere into messages, dropping and counting bad frames.

    A run longer than :data:`MAX_ENCODED` is dropped as soon as it grows past it, so
    an oversized frame is rejected (and counted once) whether it arrives in one read
    or byte by byte, and the buffer never holds more than one valid frame.
    """

    def __init__(self) -> None:
        self.stats = DecoderStats()
        self._buf = bytearray()
        self._synced = False
        self._skipping = False  # the current run is junk: drop it up to the next delimiter

    def reset(self) -> None:
        """Forget a partial frame (the link dropped); counters carry on."""
        self._buf.clear()
        self._synced = False
        self._skipping = False

    def feed(self, data: bytes) -> list[Message]:
        """Consume ``data``; return every message completed by it, in order."""
        out: list[Message] = []
        start = 0
        while (end := data.find(DELIMITER, start)) >= 0:
            self._take(data[start:end])
            start = end + 1
            self._finish_frame(out)
        self._take(data[start:])
        return out

    def _take(self, chunk: bytes) -> None:
        if not chunk:
            return
        if not self._synced:
            self._skipping = True  # joined mid-frame: these bytes end at the first delimiter
            return
        if self._skipping:
            return
        self._buf += chunk
        if len(self._buf) > MAX_ENCODED:
            self._buf.clear()
            self._skipping = True
            self.stats.bad_frames += 1
            self.stats.oversized += 1
            self.stats.resyncs += 1
            self.stats.last_error = f"frame longer than {MAX_ENCODED} bytes"

    def _finish_frame(self, out: list[Message]) -> None:
        encoded = bytes(self._buf)
        self._buf.clear()
        if not self._synced:
            self._synced = True
            if self._skipping:
                self.stats.resyncs += 1
            self._skipping = False
            return
        if self._skipping:
            self._skipping = False
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
