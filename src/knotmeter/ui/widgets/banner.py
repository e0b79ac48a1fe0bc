"""The alarm banner: impossible to miss, shown the moment an alarm is pushed."""

from __future__ import annotations

from firmware_host.source import LinkState
from knotmeter.core.events import HARD_ALARMS, AlarmKind
from knotmeter.ui.widgets.line import TextLine
from knotmeter.ui.wording import ALARM_BANNERS, DEAD_LINK_BANNERS, most_urgent


class AlarmBanner(TextLine):
    """Leads with the most urgent alarm; a dead link counts as an alarm too.

    Classes: ``-hard`` (over ceiling, hold limit), ``-soft`` (other alarms),
    ``-link`` (no data / reconnecting); hidden when nothing needs saying.
    """

    def show(self, alarms: frozenset[AlarmKind], link: LinkState) -> None:
        """Hard alarms first, then a dead link (it explains ``signal_lost``), then the rest."""
        lead = most_urgent(alarms)
        hard = lead in HARD_ALARMS
        link_line = DEAD_LINK_BANNERS.get(link)
        if lead is not None and (hard or link_line is None):
            message = ALARM_BANNERS[lead]
            if len(alarms) > 1:
                message += f"   (+{len(alarms) - 1} more)"
            self._style("-hard" if hard else "-soft")
        elif link_line is not None:
            message = link_line
            self._style("-link")
        else:
            message = ""
            self._style("-quiet")
        self.set(f"⚠  {message}  ⚠" if message else "")

    def _style(self, kind: str) -> None:
        for name in ("-hard", "-soft", "-link", "-quiet"):
            self.set_class(name == kind, name)
