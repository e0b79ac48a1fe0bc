"""Text protocols: DIY boards printing readings, and digital force gauges answering ``?``.

A DIY board prints one reading per line: ``force`` or ``t,force`` (comma, tab,
semicolon or spaces between), or a label and a reading, as the common HX711 example
sketch does (``Reading: 12.3 lbs``, REFERENCE §3; e.g. bcorgbio/vRoom-vRoom
``HX711/HX711.ino``). The reading is the last number on the line, with an optional
unit after it (N, kg, g, lb, lbs, oz …) that overrides the moniker's; a number inside
a word (``HX711``) is part of the label. A gauge answers a poll with
``<value> <unit>``: Mark-10 Series 4 manual §9.1.4 gives ``-18.78 lbF`` and ``4.285 N``;
its units include lbF, ozF, kgF, gF, N, mN and kN (REFERENCE §3); Wagner's FDX manual
(§D.1) gives ``- 23.02 lbf``, a space after the sign. All become newtons at the edge
with the core's unit table; an unknown unit is named in the error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from knotmeter.core.units import to_newtons

MAX_LINE = 128
_SPLIT = re.compile(r"[,;\t ]+")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_LAST = re.compile(rf"(?<![A-Za-z0-9_.])({_NUMBER})\s*([A-Za-z]+)?\s*$")
"""The line's last number, not inside a word, then an optional unit, then the line's end."""
_GAUGE = re.compile(r"^\s*([-+]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]+)?\s*$")


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
    """Parse a DIY-board line; ``None`` for blank lines and lines without a number
    (headers), ValueError for junk.

    ``value * scale`` is in the line's own unit, else ``unit``; ``time_scale`` converts
    the board's time to seconds (0.001 for boards that print ``millis()``).
    """
    if not line or line.startswith("#"):
        return None
    match = _LAST.search(line)
    if match is None:
        if line.lstrip()[:1] in set("+-.0123456789"):
            raise ValueError(f"no reading in {line[:40]!r}")
        return None
    force = _newtons(_finite(match.group(1)) * scale, match.group(2) or unit)
    head = line[: match.start()]
    if any(c.isalpha() for c in head):
        return TextReading(force)  # a label, then the reading
    fields = [f for f in _SPLIT.split(head.strip()) if f]
    if not fields:
        return TextReading(force)
    if len(fields) == 1:
        return TextReading(force, _finite(_finite(fields[0]) * time_scale))
    raise ValueError(f"expected 'force' or 't,force', got {len(fields) + 1} fields")


def parse_gauge_reply(line: str, *, default_unit: str = "N") -> float:
    """Newtons from a gauge reply such as ``-18.78 lbF`` or ``- 23.02 lbf``; ValueError
    if it is not one, naming an unknown unit."""
    match = _GAUGE.match(line)
    if match is None:
        raise ValueError(f"not a gauge reading: {line[:40]!r}")
    sign, digits, unit = match.groups()
    return _newtons(float(sign + digits), unit or default_unit)


def _newtons(value: float, unit: str) -> float:
    """``value`` in newtons; a number that overflows on the way (``1e308 lbf``) is junk."""
    return _finite(to_newtons(value, unit))


def _finite(value: str | float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number
