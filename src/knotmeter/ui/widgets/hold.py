"""The hold: in-band seconds against the target, a progress bar, the cap countdown."""

from __future__ import annotations

from rich.text import Text

from knotmeter.core.state import HoldState
from knotmeter.ui.widgets.line import TextLine

_BAR_FULL = "█"
_BAR_EMPTY = "░"


def hold_lines(
    hold: HoldState, now_t: float, bar_width: int, pressing: tuple[float, float] | None = None
) -> tuple[str, ...]:
    """Seconds in band vs target, a bar, what happens next, and (given ``pressing``:
    seconds pressed on this point and its cap) the pressing time."""
    in_band = int(hold.in_band_s)
    target = round(hold.target_s)
    fraction = 0.0 if hold.target_s <= 0 else min(1.0, hold.in_band_s / hold.target_s)
    filled = round(fraction * bar_width)
    bar = _BAR_FULL * filled + _BAR_EMPTY * (bar_width - filled) + f" {fraction:4.0%}"
    if hold.complete:
        headline = f"HOLD COMPLETE  {in_band} s in band"
    elif hold.active:
        headline = f"Hold  {in_band} s / {target} s in band"
    elif hold.started_t is not None:
        headline = f"Last hold  {in_band} s / {target} s in band"
    else:
        headline = f"No hold yet: {target} s in band to complete"
    if hold.active and hold.started_t is not None:
        left = max(0.0, hold.cap_s - (now_t - hold.started_t))
        footnote = f"release within {int(left)} s"
    elif hold.started_t is not None:
        footnote = "released: rate the pain 1-10"
    else:
        footnote = "press into the band to start"
    if pressing is None:
        return headline, bar, footnote
    pressed_s, cap_s = pressing
    return headline, bar, footnote, f"pressing {pressed_s:.0f} s of {cap_s:.0f} s on this point"


def limit_words(pressed_s: float, cap_s: float) -> str:
    """The far view's word on the point's pressing limit: how long until the hold limit
    (the long-hold alarm), in words a person reads from across the room; "" at rest.

    >>> limit_words(8.0, 90.0).splitlines()
    ['release within', '82 s']
    """
    if pressed_s <= 0.0:
        return ""
    return f"release within\n{max(0.0, cap_s - pressed_s):.0f} s"


class HoldPanel(TextLine):
    """Shows a hold's progress; gains the ``complete`` class for the "done" moment."""

    def show(
        self, hold: HoldState, now_t: float, pressing: tuple[float, float] | None = None
    ) -> None:
        width = max(10, self.content_size.width - 6)
        headline, *rest = hold_lines(hold, now_t, width, pressing)
        self.set_class(hold.complete, "complete")
        self.set_class(hold.active and not hold.complete, "active")
        self.set(Text("\n").join([Text(headline, style="bold"), *map(Text, rest)]))
