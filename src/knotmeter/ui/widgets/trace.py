"""The rolling force trace: the last half-minute as block columns over a shaded band.

The screen pushes one point per frame (not per sample) into a fixed ring buffer
and asks for a picture less often; drawing bins those points into columns aligned
to absolute time, so the picture only moves when a column fills, and repaints only
when a column's height changes. Rows are drawn as strips (the line API), once per
change, rather than as text the screen would lay out again on every paint.
"""

from __future__ import annotations

import itertools
import math
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from knotmeter.core.samples import FloatArray
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.widgets.gauge import HEADROOM

_BLOCKS = " ▁▂▃▄▅▆▇█"
_GLYPHS = np.array(list(_BLOCKS))
IntArray = npt.NDArray[np.int64]
_CEILING_RULE = "┄"
AXIS_WIDTH = 7
"""Columns left of the picture for the force labels (band edges, ceiling, unit)."""
TIME_TICK_S = 10.0
"""A label on the time axis every this many seconds back."""


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
    """The last ``span_s`` seconds of force, with the band rows shaded and the ceiling ruled.

    With room for them, axes: the band edges and the ceiling labelled on the left (with
    the unit), seconds back in time along the bottom.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trace--empty",
        "trace--band",
        "trace--ceiling",
        "trace--below",
        "trace--in-band",
        "trace--over-band",
        "trace--over-ceiling",
        "trace--axis",
    }

    def __init__(
        self, *, span_s: float = 30.0, frame_hz: float = 30.0, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.span_s = span_s
        self._buffer = TraceBuffer(capacity=int(span_s * frame_hz * 2))
        self._t_end = 0.0
        self._limits = (0.0, 0.0, 1.0)
        self._format = ForceFormat()
        self._drawn: tuple[object, ...] | None = None
        self._picture: tuple[Size, IntArray, IntArray] | None = None
        self._strips: list[Strip] | None = None

    def push(self, t: float, force_n: float) -> None:
        """Add the newest point; it shows at the next :meth:`show`."""
        self._buffer.push(t, force_n)
        self._t_end = t

    def show(
        self, band: tuple[float, float], ceiling_n: float, fmt: ForceFormat | None = None
    ) -> None:
        """Repaint against these targets, only if a column's drawn height or colour changes."""
        self._limits = (band[0], band[1], ceiling_n)
        self._format = fmt or self._format
        self._picture = self._columns()
        key = (
            self._picture[0],
            self._limits,
            self._format,
            *(a.tobytes() for a in self._picture[1:]),
        )
        if key != self._drawn:
            self._drawn = key
            self._strips = None
            self.refresh()

    def _columns(self) -> tuple[Size, IntArray, IntArray]:
        """Per column, its height in eighths of a row and its zone index (-1: no data)."""
        size = self._plot_size()
        rows = max(1, size.height)
        full = self._limits[2] * HEADROOM
        t, force = self._buffer.since(self._t_end - self.span_s)
        peaks = column_peaks(t, force, self._t_end, max(1, size.width), self.span_s)
        empty = np.isnan(peaks)
        peaks = np.nan_to_num(peaks, nan=0.0)
        eighths = np.clip(np.round(peaks / full * rows * 8), 0, rows * 8).astype(np.int64)
        zones = np.where(empty, -1, np.digitize(peaks, self._limits))
        return size, eighths, zones

    @property
    def has_axes(self) -> bool:
        width, height = self.content_size
        return height >= 4 and width >= AXIS_WIDTH + 20

    def _plot_size(self) -> Size:
        """The picture's size: the content less the axes, when there is room for them."""
        size = self.content_size
        if not self.has_axes:
            return size
        return Size(size.width - AXIS_WIDTH, size.height - 1)

    def on_resize(self) -> None:
        self._drawn = None
        self._strips = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None

    def render_line(self, y: int) -> Strip:
        """One row of the picture, from rows drawn once per change (the line API skips the
        text layout a renderable goes through on every repaint)."""
        if self._strips is None:
            self._strips = self._draw_rows()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _draw_rows(self) -> list[Strip]:
        """The whole picture, top row first, built a row of runs at a time."""
        if self._picture is None or self._picture[0] != self._plot_size():
            self._picture = self._columns()
        size, eighths, zones = self._picture
        rows, columns = size.height, size.width
        if rows < 1 or columns < 1:
            return []
        low, high, ceiling = self._limits
        full = ceiling * HEADROOM
        base = self.rich_style
        empty = base + self.get_component_rich_style("trace--empty")
        band = base + self.get_component_rich_style("trace--band")
        rule = self.get_component_rich_style("trace--ceiling")
        zone_styles = [
            self.get_component_rich_style(f"trace--{zone}")
            for zone in ("below", "in-band", "over-band", "over-ceiling")
        ]
        # Every column colour on both row backgrounds, built once per picture, not per cell.
        on_empty = [base + zone + Style(bgcolor=empty.bgcolor) for zone in zone_styles]
        on_band = [base + zone + Style(bgcolor=band.bgcolor) for zone in zone_styles]
        ceiling_row = min(rows - 1, int(ceiling / full * rows))

        # One array per picture: how many eighths of each cell are filled, and the
        # cell's style index (-1 for the row's background).
        row_of = np.arange(rows - 1, -1, -1)[:, np.newaxis]
        filled = np.clip(eighths[np.newaxis, :] - row_of * 8, 0, 8)
        filled[:, zones < 0] = 0
        styled = np.where(filled > 0, zones[np.newaxis, :], -1)
        glyphs = _GLYPHS[filled]
        strips = []
        for line, row in enumerate(row_of[:, 0].tolist()):
            band_row = row / rows * full < high and (row + 1) / rows * full > low
            background, coloured = (band, on_band) if band_row else (empty, on_empty)
            blank = background
            if row == ceiling_row:
                glyphs[line, styled[line] < 0] = _CEILING_RULE
                blank = background + rule
            text = "".join(glyphs[line].tolist())
            cuts = [0, *(np.flatnonzero(np.diff(styled[line])) + 1).tolist(), columns]
            segments = [
                Segment(text[a:b], blank if (index := styled[line, a]) < 0 else coloured[index])
                for a, b in itertools.pairwise(cuts)
            ]
            strips.append(Strip(segments, columns))
        if self.has_axes:
            strips = self._with_axes(strips, rows, full)
        return strips

    def _with_axes(self, plot: list[Strip], rows: int, full: float) -> list[Strip]:
        """Force labels left of the picture, seconds back under it."""
        low, high, ceiling = self._limits
        labels = [""] * rows
        for force in (low, high, ceiling):  # later labels win a shared row: ceiling last
            row = rows - 1 - min(rows - 1, int(force / full * rows))
            labels[row] = self._format.number(force)
        labels[-1] = labels[-1] or "0"
        labels[0] = labels[0] or str(self._format.unit)
        style = self.rich_style + self.get_component_rich_style("trace--axis")
        strips = [
            Strip.join([Strip([Segment(f"{label:>{AXIS_WIDTH - 1}} ", style)]), strip])
            for label, strip in zip(labels, plot, strict=True)
        ]
        columns = self.content_size.width - AXIS_WIDTH
        axis = [" "] * columns
        seconds = TIME_TICK_S
        while seconds < self.span_s:
            text = f"-{seconds:g} s"
            at = round(columns * (1 - seconds / self.span_s))
            if at >= 0 and at + len(text) <= columns:
                axis[at : at + len(text)] = text
            seconds += TIME_TICK_S
        axis[columns - 3 :] = "now"
        strips.append(Strip([Segment(" " * AXIS_WIDTH + "".join(axis), style)]))
        return strips
