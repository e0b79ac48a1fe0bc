"""Text protocols: DIY boards printing readings, and digital force gauges answering ``?``.

A DIY board prints one reading per line, either ``force`` or ``t,force`` (comma,
tab, semicolon or spaces between); the shape is detected per line. A gauge
(Mark-10 Series 5, Wagner FPX) answers a ``?`` poll with ``<value> <unit>``,
e.g. ``-18.78 lbF``. Both become newtons at the edge with the core's unit table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from knotmeter.core.units import to_newtons

MAX_LINE = 128
_SPLIT = re.compile(r"[,;\t ]+")
_GAUGE = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*([A-Za-z]+)?\s*$")


@dataclass(slots=True, frozen=True)
class TextReading:
    """One parsed line: force in newtons and, for ``t,force`` lines, the board's time (s)."""

    force_n: float
    device_t: float | None = None


class LineSplitter:
    """Cuts a byte stream into text lines; a line over :data:`MAX_LINE` bytes is dropped
    and counted once, whether it arrives whole or byte by byte.

    After :meth:`reset` for a port that was just opened, the first line is
    dropped when the stream was joined mid-flow (a board printing on its own), as
    it most likely starts in the middle of a line.
    """

    def __init__(self) -> None:
        self.overlong = 0
        self._buf = bytearray()
        self._joined_mid_line = False
        self._skipping = False  # the current line is over-long: drop it up to its newline

    def reset(self, *, joined_mid_flow: bool) -> None:
        self._buf.clear()
        self._skipping = False
        self._joined_mid_line = joined_mid_flow

    def feed(self, data: bytes) -> list[str]:
        lines: list[str] = []
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            self._take(data[start:end])
            start = end + 1
            if self._skipping:
                self._skipping = False
            elif self._joined_mid_line:
                self._joined_mid_line = False
            else:
                lines.append(self._buf.decode("ascii", "replace").strip("\r\x00 "))
            self._buf.clear()
        self._take(data[start:])
        return lines

    def _take(self, chunk: bytes) -> None:
        if self._skipping:
            return
        self._buf += chunk
        if len(self._buf) > MAX_LINE:
            self._buf.clear()
            self._skipping = True
            self.overlong += 1


def parse_reading(
    line: str, *, scale: float = 1.0, unit: str = "N", time_scale: float = 1.0
) -> TextReading | None:
    """Parse a DIY-board line; ``None`` for blank lines and headers, ValueError for junk.

    ``value * scale`` is in ``unit``; ``time_scale`` converts the board's time to
    seconds (0.001 for boards that print ``millis()``).
    """
    if not line or line[0].isalpha() or line.startswith("#"):
        return None
    numbers = [_finite(f) for f in _SPLIT.split(line.strip())]
    if len(numbers) == 1:
        return TextReading(_newtons(numbers[0] * scale, unit))
    if len(numbers) == 2:
        return TextReading(_newtons(numbers[1] * scale, unit), _finite(numbers[0] * time_scale))
    raise ValueError(f"expected 'force' or 't,force', got {len(numbers)} fields")


def parse_gauge_reply(line: str, *, default_unit: str = "N") -> float:
    """Newtons from a gauge reply such as ``-18.78 lbF``; ValueError if it is not one."""
    match = _GAUGE.match(line)
    if match is None:
        raise ValueError(f"not a gauge reading: {line[:40]!r}")
    return _newtons(float(match.group(1)), match.group(2) or default_unit)


def _newtons(value: float, unit: str) -> float:
    """``value`` in newtons; a number that overflows on the way (``1e308 lbf``) is junk."""
    return _finite(to_newtons(value, unit))


def _finite(value: str | float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number
