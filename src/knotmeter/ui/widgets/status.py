"""The status line: which source, whether the link is live, saving, rate, losses, battery."""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.session import LinkState, SaveState, StoreHealth
from knotmeter.ui.widgets.line import TextLine
from knotmeter.ui.wording import LINK_TEXTS


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
        self.set_class(report.link is LinkState.LIVE, "-live")
        self.set_class(report.link in (LinkState.NO_DATA, LinkState.RECONNECTING), "-dead")
        self.set_class(report.saving.startswith("NOT SAVING"), "-unsaved")
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self._report is not None:
            self.set(fit_parts(status_parts(self._report), self.size.width or 10_000))


SEPARATOR = "  ·  "


def status_parts(report: StatusReport) -> list[tuple[int, str]]:
    """The line's parts in reading order, each with its rank: the lower, the longer it
    stays when the line is too narrow (what is simulated, dead or unsaved first; the
    battery last)."""
    parts = [(0, report.kind)] if report.kind else []
    parts += [
        (3, report.moniker),
        (0, LINK_TEXTS[report.link]),
        *([(1, report.detail)] if report.detail and report.link is not LinkState.LIVE else []),
        *([(1, report.saving)] if report.saving else []),
        (4, f"{report.rate_hz} Hz"),
        (5, f"lost {report.lost}"),
    ]
    if report.bad_frames:
        parts.append((5, f"bad frames {report.bad_frames}"))
    if report.battery_mv is not None:
        parts.append((6, f"battery {report.battery_mv / 1000:.2f} V"))
    if report.paused:
        parts.append((0, "PAUSED (p resumes)"))
    return parts


def fit_parts(parts: list[tuple[int, str]], width: int) -> str:
    """The parts that fit in ``width``, whole, in order: the highest-ranked go first, so
    a narrow terminal never shows half a part (``battery 4.15 V ·``).

    >>> fit_parts([(0, "live"), (6, "battery 4.15 V"), (4, "80 Hz")], 15)
    'live  ·  80 Hz'
    """
    kept = list(parts)
    while len(kept) > 1 and len(SEPARATOR.join(text for _, text in kept)) > width:
        kept.remove(max(kept, key=lambda part: part[0]))
    return SEPARATOR.join(text for _, text in kept)
