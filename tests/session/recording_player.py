"""A stand-in sound card for the sound tests and ``bench_sound.py``.

Run as ``python recording_player.py OUT``: it reads raw S16_LE mono PCM on stdin no
faster than it would play at ``RATE_HZ``, like a card with a two-period buffer, and
appends every read to OUT as it happens: its ``time.monotonic()`` (the clock every
process on the machine shares), its length and its bytes. :func:`heard` reads OUT
back as the clips that started, and when.

Standard library only, so it starts quickly as its own process.
"""

from __future__ import annotations

import os
import struct
import sys
import time
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

RATE_HZ = 22_050
PERIOD_BYTES = 220  # 5 ms of sound, read at a time
PERIOD_S = PERIOD_BYTES / (2 * RATE_HZ)
BUFFER_S = 2 * PERIOD_S
HEADER = struct.Struct("<dI")

K = TypeVar("K")


class Heard(NamedTuple, Generic[K]):
    """A clip that started: when its first byte was read, where in the stream, which."""

    t: float
    offset: int
    key: K


def play(out: Path) -> None:
    """Read stdin until it closes, paced like a sound card; record every read."""
    played_by = 0.0  # when everything read so far will have played
    with out.open("ab", buffering=0) as record:
        while True:
            full_for_s = played_by - time.monotonic() - (BUFFER_S - PERIOD_S)
            if full_for_s > 0:  # no room for a period yet
                time.sleep(full_for_s)
            data = os.read(0, PERIOD_BYTES)
            if not data:
                return
            now = time.monotonic()
            record.write(HEADER.pack(now, len(data)) + data)
            played_by = max(played_by, now) + len(data) / (2 * RATE_HZ)


def reads(out: Path) -> list[tuple[float, bytes]]:
    """Every read recorded in ``out`` so far: when, and what it got."""
    raw = out.read_bytes() if out.exists() else b""
    found = []
    at = 0
    while at + HEADER.size <= len(raw):
        t, size = HEADER.unpack_from(raw, at)
        data = raw[at + HEADER.size : at + HEADER.size + size]
        if len(data) < size:  # being written
            break
        found.append((t, data))
        at += HEADER.size + size
    return found


def heard(out: Path, openings: Mapping[K, bytes]) -> list[Heard[K]]:
    """Every clip that started in ``out``, in order.

    A clip is known by its opening: ``openings`` maps each key to the first chunk of
    its clip. Clips are whole chunks and a cut one is cut at a chunk's end, so every
    clip starts at a multiple of the chunk's length in the stream.
    """
    times: list[float] = []
    offsets: list[int] = []
    stream = bytearray()
    for t, data in reads(out):
        times.append(t)
        offsets.append(len(stream))
        stream += data
    by_opening = {opening: key for key, opening in openings.items()}
    (chunk,) = {len(opening) for opening in openings.values()}
    found = []
    for start in range(0, len(stream) - chunk + 1, chunk):
        key = by_opening.get(bytes(stream[start : start + chunk]))
        if key is not None:
            found.append(Heard(times[bisect_right(offsets, start) - 1], start, key))
    return found


if __name__ == "__main__":
    play(Path(sys.argv[1]))
