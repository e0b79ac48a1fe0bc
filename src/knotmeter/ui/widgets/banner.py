"""The alarm banner: impossible to miss, shown the moment an alarm is pushed.

It draws its own colours (component classes read at render time) instead of
switching CSS classes: a class change waits for a restyle pass before the repaint,
and an alarm must not wait for anything but the next paint.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from knotmeter.core.alarms import HARD_ALARMS, by_priority
from knotmeter.core.events import AlarmKind
from knotmeter.session import LinkState
from knotmeter.ui.wording import ALARM_BANNERS, DEAD_LINK_BANNERS


def banner_for(
    alarms: frozenset[AlarmKind], link: LinkState, sound: str = ""
) -> tuple[str, tuple[str, ...]]:
    """``(severity, lines)``: every alarm shown, hard ones first, then a dead link, then
    sound being off (``sound``: its words, "" while it works), then the soft ones
    (``by_priority`` within each).

    A dead link stands in for ``signal_lost``, which it explains; severity is that of
    the first line: ``hard``, ``soft``, ``link`` (a dead link or no sound) or ``""``.
    """
    link_line = DEAD_LINK_BANNERS.get(link)
    if link_line is not None:
        alarms = alarms - {AlarmKind.SIGNAL_LOST}
    ordered = by_priority(alarms)
    hard = [ALARM_BANNERS[kind] for kind in ordered if kind in HARD_ALARMS]
    soft = [ALARM_BANNERS[kind] for kind in ordered if kind not in HARD_ALARMS]
    notes = [line for line in (link_line, sound) if line]
    lines = (*hard, *notes, *soft)
    if not lines:
        return "", ()
    if hard:
        return "hard", lines
    return ("link" if notes else "soft"), lines


def banner_rows(lines: tuple[str, ...], height: int) -> list[str]:
    """``lines`` fitted to ``height`` rows: one alarm a row, centred vertically; when
    there are more alarms than rows the last row lists the rest."""
    if height < 1 or not lines:
        return [""] * max(0, height)
    shown = [*lines[: height - 1], " · ".join(lines[height - 1 :])]
    shown = [line for line in shown if line]
    top = (height - len(shown)) // 2
    return [""] * top + shown + [""] * (height - top - len(shown))


class AlarmBanner(Widget):
    """A full-width block in the alarm's colour listing every active alarm, hardest first."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"banner--hard", "banner--soft", "banner--link"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.severity = ""
        self.lines: tuple[str, ...] = ()

    def show(self, alarms: frozenset[AlarmKind], link: LinkState, sound: str = "") -> None:
        severity, lines = banner_for(alarms, link, sound)
        if (severity, lines) != (self.severity, self.lines):
            self.severity, self.lines = severity, lines
            self.refresh()

    def render(self) -> Text:
        if not self.severity:
            return Text("")
        width, height = self.content_size
        rows = [Text(f"!!  {line}  !!" if line else "") for line in banner_rows(self.lines, height)]
        for row in rows:
            row.align("center", width)
        style = self.get_component_rich_style(f"banner--{self.severity}")
        return Text("\n", style=style, no_wrap=True, end="").join(rows)
