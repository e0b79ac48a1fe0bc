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
    """Cuts a byte stream into text lines; overlong runs without a newline are dropped.

    After :meth:`reset` for a port that was just opened, the first line is
    dropped when the stream was joined mid-flow (a board printing on its own), as
    it most likely starts in the middle of a line.
    """

    def __init__(self) -> None:
        self.overlong = 0
        self._buf = bytearray()
        self._joined_mid_line = False

    def reset(self, *, joined_mid_flow: bool) -> None:
        self._buf.clear()
        self._joined_mid_line = joined_mid_flow

    def feed(self, data: bytes) -> list[str]:
        self._buf += data
        *lines, rest = self._buf.split(b"\n")
        self._buf = bytearray(rest)
        if lines and self._joined_mid_line:
            self._joined_mid_line = False
            lines = lines[1:]
        if len(self._buf) > MAX_LINE:
            self._buf.clear()
            self.overlong += 1
        return [raw.decode("ascii", "replace").strip("\r\x00 ") for raw in lines]


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
        return TextReading(to_newtons(numbers[0] * scale, unit))
    if len(numbers) == 2:
        return TextReading(to_newtons(numbers[1] * scale, unit), numbers[0] * time_scale)
    raise ValueError(f"expected 'force' or 't,force', got {len(numbers)} fields")


def parse_gauge_reply(line: str, *, default_unit: str = "N") -> float:
    """Newtons from a gauge reply such as ``-18.78 lbF``; ValueError if it is not one."""
    match = _GAUGE.match(line)
    if match is None:
        raise ValueError(f"not a gauge reading: {line[:40]!r}")
    return to_newtons(float(match.group(1)), match.group(2) or default_unit)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value
