"""The tare rule: zero the tool only when it is still *and* not loaded.

Tare while pressing (a steady 60 N press looks perfectly "still") would bake the press
into the zero: a real 160 N press would then read 100 N and "too hard" would never
come. So a tare needs both:

- stillness: at least ``window_s / 2`` of samples within the last ``window_s`` with a
  standard deviation under ``still_sd_n``;
- a reading within the zero window of the current zero: |mean| ≤ ``zero_window(band
  low)`` = max(3 N, 10 % of the band's low edge) — the ~1 N residual of a released
  tool (REFERENCE §6) with room, far under any press that means anything.

A still reading *below* minus the window cannot be a press (a load cell under a ball
or hook is only pushed): taring it away only makes later readings higher, so it is
allowed once ``bad_zero`` has told the person to take the tool off. :class:`Zero`
bounds the sequence: no run of tares lowers readings by more than the window.

>>> decide(values=[0.4, 0.5, 0.6], span_s=0.4, window_s=0.5, still_sd_n=0.5,
...        zero_window_n=3.0, bad_zero=False).ok
True
>>> decide(values=[60.0, 60.2, 59.9], span_s=0.4, window_s=0.5, still_sd_n=0.5,
...        zero_window_n=3.0, bad_zero=False).message
'Not tared: the tool reads 60 N. Take it off the body, then tare.'
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_WINDOW_N = 3.0
WINDOW_FRACTION = 0.1


def zero_window(band_low_n: float) -> float:
    """How far from zero a reading may be and still be taken for an unloaded tool."""
    return max(MIN_WINDOW_N, WINDOW_FRACTION * band_low_n)


@dataclass(slots=True, frozen=True)
class TareResult:
    """Whether the tare happened; ``message`` is the line to show either way."""

    ok: bool
    message: str
    shift_n: float = 0.0


def decide(
    *,
    values: Sequence[float],
    span_s: float,
    window_s: float,
    still_sd_n: float,
    zero_window_n: float,
    bad_zero: bool,
) -> TareResult:
    """Judge a tare from the tared forces of the recent window (``span_s`` long)."""
    if len(values) < 3 or span_s < window_s / 2:
        return TareResult(False, "Not tared: no readings yet. Wait for the tool, then tare.")
    mean = statistics.fmean(values)
    if mean > zero_window_n:
        return TareResult(
            False, f"Not tared: the tool reads {mean:.0f} N. Take it off the body, then tare."
        )
    if statistics.pstdev(values) > still_sd_n:
        return TareResult(False, "Not tared: the tool is moving. Hold it still, then tare.")
    if mean < -zero_window_n and not bad_zero:
        return TareResult(
            False,
            f"Not tared: the tool reads {mean:.0f} N. Take it off the body; if it still "
            "reads below zero in 2 s, tare again.",
        )
    return TareResult(True, "Tared: the unloaded tool now reads zero.", mean)
