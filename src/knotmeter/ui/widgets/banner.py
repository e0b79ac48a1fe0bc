"""The alarm banner: impossible to miss, shown the moment an alarm is pushed.

It draws its own colours (component classes read at render time) instead of
switching CSS classes: a class change waits for a restyle pass before the repaint,
and an alarm must not wait for anything but the next paint.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from knotmeter.core.events import AlarmKind
from knotmeter.session import LinkState
from knotmeter.wording import banner_for


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
