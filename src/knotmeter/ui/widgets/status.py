"""The status line: which source, whether the link is live, saving, rate, losses, battery."""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.session import LinkState, SaveState, StoreHealth
from knotmeter.ui.widgets.line import TextLine
from knotmeter.wording import LINK_TEXTS


def saving_text(health: StoreHealth | None) -> str:
    """What the status line says about the session's record; "" while all is saved.

    Coaching never depends on the store, so the line says so when saving stops.
    """
    if health is None:
        return ""
    if health.state is SaveState.NOT_SAVING:
        return f"NOT SAVING: {health.reason} — coaching continues"
    if health.state is SaveState.BEHIND:
        return f"saving behind ({health.pending} samples queued)"
    return f"{health.dropped} samples not saved" if health.dropped else ""


@dataclass(slots=True, frozen=True)
class StatusReport:
    """One status line's worth of facts; equal reports skip the repaint."""

    kind: str
    """"SIMULATED", "REPLAY" or "" for a real tool: the first word on the line when set."""
    moniker: str
    link: LinkState
    rate_hz: int
    lost: int
    bad_frames: int
    battery_mv: int | None
    paused: bool
    saving: str = ""
    """From :func:`saving_text`: "" while every sample is being saved."""
    detail: str = ""
    """The source's own words while the link is not live (why it cannot connect)."""


class StatusLine(TextLine):
    """Facts about the link, coloured by link state (``-live``, ``-dead``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._report: StatusReport | None = None

    def show(self, report: StatusReport) -> None:
        if report == self._report:
            return
        self._report = report
        parts = [report.kind] if report.kind else []
        parts += [
            report.moniker,
            LINK_TEXTS[report.link],
            *([report.detail] if report.detail and report.link is not LinkState.LIVE else []),
            *([report.saving] if report.saving else []),
            f"{report.rate_hz} Hz",
            f"lost {report.lost}",
        ]
        if report.bad_frames:
            parts.append(f"bad frames {report.bad_frames}")
        if report.battery_mv is not None:
            parts.append(f"battery {report.battery_mv / 1000:.2f} V")
        if report.paused:
            parts.append("PAUSED (p resumes)")
        self.set_class(report.link is LinkState.LIVE, "-live")
        self.set_class(report.link in (LinkState.NO_DATA, LinkState.RECONNECTING), "-dead")
        self.set_class(report.saving.startswith("NOT SAVING"), "-unsaved")
        self.set("  ·  ".join(parts))
