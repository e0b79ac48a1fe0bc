"""Values the store hands back to history views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from knotmeter.core.provenance import SourceKind as SourceKind  # re-exported
from knotmeter.core.screening import ScreeningOutcome, answers_current, decide
from knotmeter.core.sides import Side


class Moment(StrEnum):
    """When in a routine the complaint was rated."""

    START = "start"
    RETEST = "retest"


@dataclass(slots=True, frozen=True)
class HoldRecord:
    """One stored hold. Fields after ``start_t`` are ``None`` while the hold is open
    (or was open when the process died); ``mean_n`` is also ``None`` for a hold cut
    short by the end of its session. ``side`` is ``None`` for a hold stored before
    sides were asked, or pressed without saying one."""

    id: int
    session_id: int
    kind: SourceKind
    region: str
    started_at: datetime
    start_t: float
    end_t: float | None
    in_band_s: float | None
    over_band_s: float | None
    peak_n: float | None
    mean_n: float | None
    complete: bool | None
    pain: int | None
    side: Side | None = None


@dataclass(slots=True, frozen=True)
class ScreeningRecord:
    """One set of screening answers (item id -> "yes, it applies") and when given."""

    answered_at: datetime
    answers: Mapping[str, bool]
    cleared_by_clinician: bool

    @property
    def outcome(self) -> ScreeningOutcome:
        """What the answers decide (coaching or not, the light profile)."""
        return decide(self.answers, cleared_by_clinician=self.cleared_by_clinician)

    def current(self, now: datetime) -> bool:
        """The answers still hold at ``now`` (given in the last 30 days, UTC dates)."""
        return answers_current(self.answered_at.astimezone(UTC).date(), now.astimezone(UTC).date())
