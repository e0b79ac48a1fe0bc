"""The big number: force in the chosen unit, readable at arm's length, and the hold's peak."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from knotmeter.ui.display import ForceFormat
from knotmeter.ui.widgets.line import TextLine

DIGITS_WIDTH = 6
"""Fixed width so the digits never shift sideways as the value changes."""


class ForceReadout(Vertical):
    """Large digits for the smoothed force, the unit beside them, the peak below."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._digits = Digits(" " * DIGITS_WIDTH, id="force")
        self._unit = TextLine(id="force-unit")
        self._peak = TextLine(id="peak")

    def compose(self) -> ComposeResult:
        with Horizontal(id="force-line"):
            yield self._digits
            yield self._unit
        yield self._peak

    def show(self, force_n: float, peak_n: float | None, fmt: ForceFormat) -> None:
        """Show the force; the screen calls this at a meter's pace, not per sample."""
        number = fmt.reading(force_n, DIGITS_WIDTH)
        if self._digits.value != number:
            self._digits.update(number)
        self._unit.set(str(fmt.unit))
        self._peak.set("" if peak_n is None else f"peak {fmt.text(peak_n)}")
