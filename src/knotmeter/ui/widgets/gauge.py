"""A horizontal force gauge with the band shaded and the ceiling marked.

The bar is drawn in eighth-cell blocks and coloured by zone. It repaints only when
the bar moves by more than an eighth of a cell (or the zone, targets or unit
change), so tremor at a steady press costs no frames; the screen can ask for a
whole-cell move instead, to keep small moves for its next detail paint. Rows are
strips (the line API), built once per change: the bar row once for all bar rows, the
ruler and numbers once per size, target and unit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from knotmeter.core.events import Zone
from knotmeter.ui.display import ForceFormat

_PARTIAL = " ▏▎▍▌▋▊▉"
_FULL = "█"
_CEILING_MARK = "┃"
_RULER = "▀"
HEADROOM = 1.25
"""The scale runs to this multiple of the ceiling so an overshoot stays visible."""
DEADBAND_EIGHTHS = 2
"""The bar repaints when it would move by at least this many eighths of a cell."""
JUMP_EIGHTHS = 8
"""A move of this many eighths (a whole cell) is motion, not tremor: repaint at once."""


@dataclass(slots=True, frozen=True)
class GaugeReading:
    """What one gauge frame shows, in newtons."""

    force_n: float
    zone: Zone
    band_low_n: float
    band_high_n: float
    ceiling_n: float


def cell_of(force_n: float, full_scale_n: float, width: int) -> int:
    """The cell a force falls in on a ``width``-cell scale."""
    return min(width - 1, max(0, int(force_n / full_scale_n * width)))


@dataclass(frozen=True)
class GaugeScale:
    """The fixed part of the picture: which cells are below, band, over band, over ceiling."""

    width: int
    band_low_n: float
    band_high_n: float
    ceiling_n: float

    @property
    def full_n(self) -> float:
        return self.ceiling_n * HEADROOM

    @cached_property
    def stretches(self) -> list[tuple[str, int, int]]:
        """``(stretch, first cell, end cell)`` runs along the scale."""
        names = [
            self._stretch((cell + 0.5) / self.width * self.full_n) for cell in range(self.width)
        ]
        runs = []
        start = 0
        for name, cells in itertools.groupby(names):
            end = start + len(list(cells))
            runs.append((name, start, end))
            start = end
        return runs

    def _stretch(self, force_n: float) -> str:
        if force_n >= self.ceiling_n:
            return "limit"
        if force_n > self.band_high_n:
            return "over"
        return "band" if force_n >= self.band_low_n else "below"

    def eighths(self, force_n: float) -> int:
        """How many eighths of a cell the bar fills for ``force_n``."""
        return min(self.width * 8, round(max(0.0, force_n) / self.full_n * self.width * 8))


class Gauge(Widget):
    """Force against band and ceiling: the at-a-glance answer to "how hard?".

    Rows, top to bottom: the bar (all rows but two), a ruler coloured by what each
    stretch of the scale means (below, band, over band, over ceiling) so the band
    stays visible under a full bar, and the numbers.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gauge--empty",
        "gauge--band",
        "gauge--limit",
        "gauge--ceiling",
        "gauge--scale",
        *(f"gauge--ruler-{stretch}" for stretch in ("below", "band", "over", "limit")),
        *(f"gauge--fill-{zone}" for zone in Zone),
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._reading: GaugeReading | None = None
        self._format = ForceFormat()
        self._drawn: tuple[object, ...] | None = None
        self._drawn_eighths = 0
        self._footer: tuple[tuple[GaugeScale, ForceFormat], list[Strip]] | None = None
        self._strips: list[Strip] | None = None
        self._last_scale: GaugeScale | None = None

    def _scale(self, reading: GaugeReading) -> GaugeScale:
        """The scale for this size and these targets (the same object while they hold)."""
        width = max(1, self.content_size.width)
        scale = GaugeScale(width, reading.band_low_n, reading.band_high_n, reading.ceiling_n)
        if scale != self._last_scale:
            self._last_scale = scale
        assert self._last_scale is not None
        return self._last_scale

    def show(self, reading: GaugeReading, fmt: ForceFormat, *, fine: bool = True) -> None:
        """Take a new reading; repaint only if the bar moves or anything else changes.

        With ``fine`` off only a zone change or a move of a whole cell repaints, so
        the screen can leave small moves to its next detail paint instead of paying
        a paint of their own.
        """
        self._reading = reading
        self._format = fmt
        scale = self._scale(reading)
        eighths = scale.eighths(reading.force_n)
        key = (scale, reading.zone, fmt)
        deadband = DEADBAND_EIGHTHS if fine else JUMP_EIGHTHS
        if key != self._drawn or abs(eighths - self._drawn_eighths) >= deadband:
            self._drawn = key
            self._drawn_eighths = eighths
            self._strips = None
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._footer = None
        self._strips = None

    def on_resize(self) -> None:
        self._strips = None

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._draw_rows()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _draw_rows(self) -> list[Strip]:
        """The bar on every row but the last two, then the ruler and the numbers."""
        reading = self._reading
        if reading is None or self.content_size.width < 8:
            return []
        scale = self._scale(reading)
        bar = self._bar_row(scale, reading.zone, scale.eighths(reading.force_n))
        return [bar] * max(1, self.content_size.height - 2) + self._ruler_and_numbers(scale)

    def _bar_row(self, scale: GaugeScale, zone: Zone, eighths: int) -> Strip:
        base = self.rich_style
        fill = self.get_component_rich_style(f"gauge--fill-{zone}")
        backgrounds = {
            "below": base + self.get_component_rich_style("gauge--empty"),
            "band": base + self.get_component_rich_style("gauge--band"),
            "over": base + self.get_component_rich_style("gauge--empty"),
            "limit": base + self.get_component_rich_style("gauge--limit"),
        }
        full_cells, partial = divmod(eighths, 8)
        segments = []
        ceiling = self.get_component_rich_style("gauge--ceiling")
        for stretch, first, end in scale.stretches:
            background = backgrounds[stretch]
            on_background = background + fill + Style(bgcolor=background.bgcolor)
            start = first
            if stretch == "limit":  # the ceiling mark, drawn over the bar: always in sight
                segments.append(Segment(_CEILING_MARK, background + ceiling))
                start += 1
            filled = max(0, min(end, full_cells) - start)
            if filled:
                segments.append(Segment(_FULL * filled, on_background))
            empty_from = start + filled
            if start <= full_cells < end and partial:
                segments.append(Segment(_PARTIAL[partial], on_background))
                empty_from += 1
            if empty_from >= end:
                continue
            segments.append(Segment(" " * (end - empty_from), background))
        return Strip(segments, scale.width)

    def _ruler_and_numbers(self, scale: GaugeScale) -> list[Strip]:
        """The two rows under the bar; drawn once per scale and unit."""
        if self._footer is not None and self._footer[0] == (scale, self._format):
            return self._footer[1]
        base = self.rich_style
        ruler = Strip(
            [
                Segment(
                    _RULER * (end - start),
                    base + self.get_component_rich_style(f"gauge--ruler-{stretch}"),
                )
                for stretch, start, end in scale.stretches
            ],
            scale.width,
        )
        rows = [ruler, self._numbers(scale)]
        self._footer = ((scale, self._format), rows)
        return rows

    def _numbers(self, scale: GaugeScale) -> Strip:
        """Numbers under the bar at 0, the band edges and the ceiling, then the unit."""
        width = scale.width
        row = [" "] * width
        unit = f" {self._format.unit}"
        marks = [
            (0.0, "0"),
            (scale.band_low_n, self._format.number(scale.band_low_n)),
            (scale.band_high_n, self._format.number(scale.band_high_n)),
            (scale.ceiling_n, self._format.number(scale.ceiling_n)),
        ]
        free_from = 0
        for force, label in marks:
            start = max(cell_of(force, scale.full_n, width), free_from)
            if start + len(label) > width - len(unit):
                continue
            row[start : start + len(label)] = label
            free_from = start + len(label) + 1
        row[width - len(unit) :] = unit
        style = self.rich_style + self.get_component_rich_style("gauge--scale")
        return Strip([Segment("".join(row), style)], width)
