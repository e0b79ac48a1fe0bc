"""The alarm banner: impossible to miss, shown the moment an alarm is pushed.

It draws its own colours (component classes read at render time) instead of
switching CSS classes: a class change waits for a restyle pass before the repaint,
and an alarm must not wait for anything but the next paint.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from knotmeter.core.alarms import HARD_ALARMS, most_urgent
from knotmeter.core.events import AlarmKind
from knotmeter.session import LinkState
from knotmeter.ui.wording import ALARM_BANNERS, DEAD_LINK_BANNERS


def banner_for(alarms: frozenset[AlarmKind], link: LinkState) -> tuple[str, str]:
    """``(severity, message)``: hard alarms first, then a dead link, then the rest.

    A dead link outranks soft alarms and stands in for ``signal_lost``, which it
    explains; severity is ``hard``, ``soft``, ``link`` or ``""`` (nothing to say).
    """
    link_line = DEAD_LINK_BANNERS.get(link)
    if link_line is not None:
        alarms = alarms - {AlarmKind.SIGNAL_LOST}
    lead = most_urgent(alarms)
    if lead is not None and (lead in HARD_ALARMS or link_line is None):
        more = f"   (+{len(alarms) - 1} more)" if len(alarms) > 1 else ""
        return ("hard" if lead in HARD_ALARMS else "soft"), ALARM_BANNERS[lead] + more
    if link_line is not None:
        return "link", link_line
    return "", ""


class AlarmBanner(Widget):
    """A full-width block in the alarm's colour with the message in the middle row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"banner--hard", "banner--soft", "banner--link"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.severity = ""
        self.message = ""

    def show(self, alarms: frozenset[AlarmKind], link: LinkState) -> None:
        severity, message = banner_for(alarms, link)
        if (severity, message) != (self.severity, self.message):
            self.severity, self.message = severity, message
            self.refresh()

    def render(self) -> Text:
        if not self.severity:
            return Text("")
        width, height = self.content_size
        rows = [Text(" " * width) for _ in range(height)]
        rows[height // 2] = Text(f"!!  {self.message}  !!")
        rows[height // 2].align("center", width)
        style = self.get_component_rich_style(f"banner--{self.severity}")
        return Text("\n", style=style, no_wrap=True, end="").join(rows)
