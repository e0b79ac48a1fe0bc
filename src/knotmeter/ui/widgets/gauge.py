"""A horizontal force gauge with the band shaded and the ceiling marked.

The bar is drawn in eighth-cell blocks and coloured by zone; it only repaints when
what it would draw changes, so a jittery reading that stays inside one eighth of a
cell costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from knotmeter.core.events import Zone
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.widgets.cells import append_runs

_PARTIAL = " ▏▎▍▌▋▊▉"
_FULL = "█"
_CEILING_MARK = "┃"
HEADROOM = 1.25
"""The scale runs to this multiple of the ceiling so an overshoot stays visible."""


@dataclass(slots=True, frozen=True)
class GaugeReading:
    """What one gauge frame shows, in newtons."""

    force_n: float
    zone: Zone
    band_low_n: float
    band_high_n: float
    ceiling_n: float


def _stretch(force_n: float, reading: GaugeReading) -> str:
    """What a point on the scale means: ``below``, ``band``, ``over`` (band) or ``limit``."""
    if force_n >= reading.ceiling_n:
        return "limit"
    if force_n > reading.band_high_n:
        return "over"
    return "band" if force_n >= reading.band_low_n else "below"


def cell_of(force_n: float, full_scale_n: float, width: int) -> int:
    """The cell a force falls in on a ``width``-cell scale."""
    return min(width - 1, max(0, int(force_n / full_scale_n * width)))


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

    def show(self, reading: GaugeReading, fmt: ForceFormat) -> None:
        """Take a new reading; repaint only if the picture changes."""
        self._reading = reading
        self._format = fmt
        key = self._picture_key()
        if key != self._drawn:
            self._drawn = key
            self.refresh()

    def _picture_key(self) -> tuple[object, ...]:
        reading = self._reading
        width = max(1, self.content_size.width)
        if reading is None:
            return (width,)
        full = reading.ceiling_n * HEADROOM
        eighths = round(max(0.0, reading.force_n) / full * width * 8)
        return (
            width,
            min(eighths, width * 8),
            reading.zone,
            reading.band_low_n,
            reading.band_high_n,
            reading.ceiling_n,
            self._format,
        )

    def on_resize(self) -> None:
        self._drawn = self._picture_key()

    def render(self) -> Text:
        reading = self._reading
        width = self.content_size.width
        bar_rows = max(1, self.content_size.height - 2)
        if reading is None or width < 8:
            return Text("")
        full = reading.ceiling_n * HEADROOM
        stretches = [_stretch((cell + 0.5) / width * full, reading) for cell in range(width)]
        text = Text(no_wrap=True, end="")
        bar = self._bar_row(reading, stretches, full)
        for _ in range(bar_rows):
            text.append_text(bar)
            text.append("\n")
        ruler = [("▀", self.get_component_rich_style(f"gauge--ruler-{s}")) for s in stretches]
        append_runs(text, ruler)
        text.append("\n")
        text.append_text(self._scale_row(reading, width, full))
        return text

    def _bar_row(self, reading: GaugeReading, stretches: list[str], full: float) -> Text:
        width = len(stretches)
        eighths = min(width * 8, round(max(0.0, reading.force_n) / full * width * 8))
        fill = self.get_component_rich_style(f"gauge--fill-{reading.zone}")
        backgrounds = {
            "below": self.get_component_rich_style("gauge--empty"),
            "band": self.get_component_rich_style("gauge--band"),
            "over": self.get_component_rich_style("gauge--empty"),
            "limit": self.get_component_rich_style("gauge--limit"),
        }
        ceiling_cell = cell_of(reading.ceiling_n, full, width)
        ceiling_style = self.get_component_rich_style("gauge--ceiling")
        cells: list[tuple[str, Style]] = []
        for cell, stretch in enumerate(stretches):
            background = backgrounds[stretch]
            filled = eighths - cell * 8
            if filled > 0:
                glyph = _FULL if filled >= 8 else _PARTIAL[filled]
                cells.append((glyph, fill + Style(bgcolor=background.bgcolor)))
            elif cell == ceiling_cell:
                cells.append((_CEILING_MARK, background + ceiling_style))
            else:
                cells.append((" ", background))
        bar = Text(no_wrap=True, end="")
        append_runs(bar, cells)
        return bar

    def _scale_row(self, reading: GaugeReading, width: int, full: float) -> Text:
        """Numbers under the bar at 0, the band edges and the ceiling, then the unit."""
        row = [" "] * width
        unit = f" {self._format.unit}"
        marks = [
            (0.0, "0"),
            (reading.band_low_n, self._format.number(reading.band_low_n)),
            (reading.band_high_n, self._format.number(reading.band_high_n)),
            (reading.ceiling_n, self._format.number(reading.ceiling_n)),
        ]
        free_from = 0
        for force, label in marks:
            start = cell_of(force, full, width)
            start = max(start, free_from)
            if start + len(label) > width - len(unit):
                continue
            row[start : start + len(label)] = label
            free_from = start + len(label) + 1
        row[width - len(unit) :] = unit
        return Text("".join(row), style=self.get_component_rich_style("gauge--scale"), end="")
