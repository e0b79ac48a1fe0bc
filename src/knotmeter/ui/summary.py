"""What a session came to, for the terminal after ``q`` and for the store.

A :class:`SummaryTally` follows the session's events as a subscriber (holds, alarms)
and the pain keys; :meth:`SummaryTally.summary` freezes it into a
:class:`SessionSummary`, which prints as a few lines and stores as JSON.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field

from knotmeter.core.alarms import alarm_words
from knotmeter.core.events import AlarmRaised, HoldEnded, HoldStarted
from knotmeter.core.regions import load_regions
from knotmeter.core.routine import Step
from knotmeter.plainwords import times
from knotmeter.session import Session, SessionEvent
from knotmeter.ui.wording import STEP_LABELS


@dataclass(slots=True)
class PointTally:
    """One point's holds: started, complete, seconds in band, pain ratings."""

    region_id: str
    holds_started: int = 0
    holds_complete: int = 0
    in_band_s: float = 0.0
    pain: list[int] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class SessionSummary:
    """A finished session in numbers."""

    duration_s: float
    points: list[PointTally]
    alarms: dict[str, int]
    label: str | None
    pauses_s: list[float] = field(default_factory=list)
    not_saved: str | None = None
    """Why the summary could not be stored with the session, if it could not."""
    routine: str | None = None
    """The routine coached and how far it got ("Desk shoulder: done"), if one was."""

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as the terminal shows it after the dashboard closes."""
        names = {region_id: region.name for region_id, region in load_regions().items()}
        minutes, seconds = divmod(round(self.duration_s), 60)
        head = (
            f"Session summary{f' ({self.label})' if self.label else ''}: {minutes} min {seconds} s"
        )
        started = sum(point.holds_started for point in self.points)
        complete = sum(point.holds_complete for point in self.points)
        lines = [head]
        if self.routine is not None:
            lines.append(f"  routine: {self.routine}")
        lines.append(f"  holds complete: {complete} of {started} started")
        if self.pauses_s:
            lines.append(f"  paused {times(len(self.pauses_s))}, {sum(self.pauses_s):.0f} s in all")
        for point in self.points:
            pain = " ".join(str(score) for score in point.pain) or "none"
            lines.append(
                f"  {names.get(point.region_id, point.region_id)}: {point.holds_complete} of "
                f"{point.holds_started} holds, {point.in_band_s:.0f} s in band, pain {pain}"
            )
        if self.alarms:
            alarms = ", ".join(
                f"{alarm_words(kind)} {times(count)}" for kind, count in self.alarms.items()
            )
            lines.append(f"  alarms: {alarms}")
        else:
            lines.append("  alarms: none")
        if self.not_saved is not None:
            lines.append(f"  (this summary was not stored: {self.not_saved})")
        return lines


class SummaryTally:
    """Counts a session's holds, alarms and pain ratings as they happen.

    A hold is filed under the point it started on (a point change ends the open hold
    after the session has moved to the next point).
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._points: dict[str, PointTally] = {}
        self._alarms: Counter[str] = Counter()
        self._open_region: str | None = None
        self._last_region: str | None = None
        self._first_t = math.nan
        self.unsubscribe = session.subscribe(self._follow)

    def _point(self, region_id: str) -> PointTally:
        return self._points.setdefault(region_id, PointTally(region_id))

    def _follow(self, event: SessionEvent) -> None:
        match event:
            case HoldStarted(t=t):
                region = self._session.config.region.id
                self._open_region = self._last_region = region
                self._point(region).holds_started += 1
                if math.isnan(self._first_t):
                    self._first_t = t
            case HoldEnded(complete=complete, in_band_s=in_band_s):
                region = self._open_region or self._session.config.region.id
                point = self._point(region)
                point.in_band_s += in_band_s
                point.holds_complete += int(complete)
                self._open_region = None
            case AlarmRaised(kind=kind):
                self._alarms[kind.value] += 1
            case _:
                pass

    def rate_pain(self, score: int) -> None:
        """A pain key: filed with the hold it rates (the open one, else the last)."""
        region = self._open_region or self._last_region
        if region is not None:
            self._point(region).pain.append(score)

    def summary(self, duration_s: float) -> SessionSummary:
        return SessionSummary(
            duration_s=duration_s,
            points=list(self._points.values()),
            alarms=dict(self._alarms.most_common()),
            label=self._session.label,
            pauses_s=list(self._session.pauses),
            routine=self._routine_words(),
        )

    def _routine_words(self) -> str | None:
        routine = self._session.routine
        if routine is None:
            return None
        state, name = routine.state, routine.plan.name
        if state.step is Step.DONE:
            return f"{name}: done"
        where = (
            ""
            if state.point_index is None
            else f", point {state.point_index + 1} of {state.points}"
        )
        return f"{name}: stopped at {STEP_LABELS[state.step].lower()}{where}"
