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

    def compose(self) -> ComposeResult:
        with Horizontal(id="force-line"):
            yield Digits(" " * DIGITS_WIDTH, id="force")
            yield TextLine(id="force-unit")
        yield TextLine(id="peak")

    def show(self, force_n: float, peak_n: float | None, fmt: ForceFormat) -> None:
        """Update only what changed: the digits repaint at most once per distinct value."""
        digits = self.query_one("#force", Digits)
        number = fmt.number(force_n, DIGITS_WIDTH)
        if digits.value != number:
            digits.update(number)
        self.query_one("#force-unit", TextLine).set(str(fmt.unit))
        self.query_one("#peak", TextLine).set("" if peak_n is None else f"peak {fmt.text(peak_n)}")
