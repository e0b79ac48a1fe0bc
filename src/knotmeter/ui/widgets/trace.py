"""The rolling force trace: the last half-minute as block columns over a shaded band.

The screen pushes one point per frame (not per sample) into a fixed ring buffer;
drawing bins those points into columns aligned to absolute time, so the picture
only moves when a column fills, and repaints only when a column's height changes.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from knotmeter.core.samples import FloatArray
from knotmeter.ui.widgets.gauge import HEADROOM

_BLOCKS = " ▁▂▃▄▅▆▇█"
_CEILING_RULE = "┄"


class TraceBuffer:
    """A fixed-size ring of ``(t, force_n)`` points; old points are overwritten."""

    def __init__(self, capacity: int) -> None:
        self._t = np.full(capacity, -np.inf)
        self._force = np.zeros(capacity)
        self._next = 0

    def push(self, t: float, force_n: float) -> None:
        index = self._next % self._t.shape[0]
        self._t[index] = t
        self._force[index] = force_n
        self._next += 1

    def since(self, t0: float) -> tuple[FloatArray, FloatArray]:
        """Points with ``t > t0``, oldest first."""
        split = self._next % self._t.shape[0]
        t = np.concatenate((self._t[split:], self._t[:split]))
        force = np.concatenate((self._force[split:], self._force[:split]))
        keep = t > t0
        return t[keep], force[keep]


def column_peaks(
    t: FloatArray, force: FloatArray, t_end: float, columns: int, span_s: float
) -> FloatArray:
    """The highest force in each of ``columns`` time bins ending at ``t_end`` (NaN if empty).

    Bins are aligned to multiples of their width so a column keeps its value as
    time moves on, instead of re-binning (and flickering) every frame.
    """
    width = span_s / columns
    last = math.floor(t_end / width)
    index = np.floor(t / width).astype(np.int64) - (last - columns + 1)
    keep = (index >= 0) & (index < columns)
    peaks = np.full(columns, -np.inf)
    np.maximum.at(peaks, index[keep], force[keep])
    peaks[np.isneginf(peaks)] = np.nan
    return peaks


class TraceView(Widget):
    """The last ``span_s`` seconds of force, with the band rows shaded and the ceiling ruled."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trace--empty",
        "trace--band",
        "trace--ceiling",
        "trace--below",
        "trace--in-band",
        "trace--over-band",
        "trace--over-ceiling",
    }

    def __init__(
        self, *, span_s: float = 30.0, frame_hz: float = 30.0, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.span_s = span_s
        self._buffer = TraceBuffer(capacity=int(span_s * frame_hz * 2))
        self._t_end = 0.0
        self._limits = (0.0, 0.0, 1.0)
        self._drawn: tuple[object, ...] | None = None

    def push(self, t: float, force_n: float, band: tuple[float, float], ceiling_n: float) -> None:
        """Add the newest point; repaint only if a column's drawn height changes."""
        self._buffer.push(t, force_n)
        self._t_end = t
        self._limits = (band[0], band[1], ceiling_n)
        key = self._picture_key()
        if key != self._drawn:
            self._drawn = key
            self.refresh()

    def _levels(self) -> tuple[FloatArray, FloatArray]:
        """Per-column peak force and its height in eighths of a row."""
        columns = max(1, self.content_size.width)
        rows = max(1, self.content_size.height)
        full = self._limits[2] * HEADROOM
        t, force = self._buffer.since(self._t_end - self.span_s)
        peaks = column_peaks(t, force, self._t_end, columns, self.span_s)
        eighths = np.clip(np.round(np.nan_to_num(peaks, nan=0.0) / full * rows * 8), 0, rows * 8)
        return peaks, eighths

    def _picture_key(self) -> tuple[object, ...]:
        peaks, eighths = self._levels()
        zones = np.digitize(np.nan_to_num(peaks, nan=-1.0), self._limits)
        return (self.content_size, self._limits, eighths.tobytes(), zones.tobytes())

    def on_resize(self) -> None:
        self._drawn = None

    def render(self) -> Text:
        rows = self.content_size.height
        columns = self.content_size.width
        if rows < 1 or columns < 1:
            return Text("")
        low, high, ceiling = self._limits
        full = ceiling * HEADROOM
        peaks, eighths = self._levels()
        empty = self.get_component_rich_style("trace--empty")
        band = self.get_component_rich_style("trace--band")
        rule = self.get_component_rich_style("trace--ceiling")
        zone_styles = [
            self.get_component_rich_style(f"trace--{zone}")
            for zone in ("below", "in-band", "over-band", "over-ceiling")
        ]
        # Every column colour on both row backgrounds, built once per render, not per cell.
        on_empty = [zone + Style(bgcolor=empty.bgcolor) for zone in zone_styles]
        on_band = [zone + Style(bgcolor=band.bgcolor) for zone in zone_styles]
        column_zones = [
            None if math.isnan(peak) else int(np.digitize(peak, (low, high, ceiling)))
            for peak in peaks
        ]
        levels = eighths.astype(int).tolist()
        ceiling_row = min(rows - 1, int(ceiling / full * rows))

        text = Text(no_wrap=True, end="")
        for row in reversed(range(rows)):
            row_low = row / rows * full
            row_high = (row + 1) / rows * full
            band_row = row_low < high and row_high > low
            background, coloured = (band, on_band) if band_row else (empty, on_empty)
            blank = (_CEILING_RULE, background + rule) if row == ceiling_row else (" ", background)
            cells: list[tuple[str, Style]] = []
            for level, zone in zip(levels, column_zones, strict=True):
                filled = level - row * 8
                if filled > 0 and zone is not None:
                    cells.append((_BLOCKS[min(8, filled)], coloured[zone]))
                else:
                    cells.append(blank)
            append_runs(text, cells)
            if row:
                text.append("\n")
        return text


def append_runs(text: Text, cells: list[tuple[str, Style]]) -> None:
    """Append cells, merging neighbours of one style into one span (far fewer spans to render)."""
    run: list[str] = []
    run_style: Style | None = None
    for glyph, style in cells:
        if style != run_style and run:
            text.append("".join(run), run_style)
            run = []
        run.append(glyph)
        run_style = style
    if run:
        text.append("".join(run), run_style)
