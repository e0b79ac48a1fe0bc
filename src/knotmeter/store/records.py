"""Values the store hands back to history views."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from knotmeter.core.clearance import Clearance
from knotmeter.core.provenance import SourceKind as SourceKind  # re-exported
from knotmeter.core.screening import (
    BY_ID,
    ScreeningItem,
    ScreeningOutcome,
    answers_current,
    decide,
    due_items,
)
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
    """One set of screening answers (item id -> "yes, it applies") and when given.

    ``answered_at`` is when this set was answered (the acute items at least);
    ``all_answered_at`` when every item was last answered (``None``: at ``answered_at``),
    which the 30-day validity counts from. ``clearance`` is the clinician's clearance
    the person typed (who, which day); ``cleared_by_clinician`` is kept as stored.
    """

    answered_at: datetime
    answers: Mapping[str, bool]
    cleared_by_clinician: bool = False
    clearance: Clearance | None = None
    all_answered_at: datetime | None = None

    @property
    def complete(self) -> bool:
        """Every item of today's list is answered (older sets lack the new items)."""
        return set(self.answers) == set(BY_ID)

    @property
    def outcome(self) -> ScreeningOutcome:
        """What the answers decided on the day they were given."""
        return self.outcome_at(self.answered_at)

    def outcome_at(self, now: datetime) -> ScreeningOutcome:
        """What the answers decide at ``now`` (a clearance holds 7 days)."""
        return decide(self.answers, today=_utc_day(now), clearance=self.clearance)

    def current(self, now: datetime) -> bool:
        """Every item was answered in the last 30 days (UTC dates) and none is missing."""
        every = self.all_answered_at or self.answered_at
        return self.complete and answers_current(_utc_day(every), _utc_day(now))

    def due(self, now: datetime, region_ids: Iterable[str]) -> tuple[ScreeningItem, ...]:
        """The items to ask at ``now`` before pressing ``region_ids``."""
        every = self.all_answered_at or self.answered_at
        return due_items(
            self.answers,
            monthly_age_days=(_utc_day(now) - _utc_day(every)).days,
            sitting_age_s=(now - self.answered_at).total_seconds(),
            region_ids=region_ids,
        )

    def updated(
        self, now: datetime, answers: Mapping[str, bool], clearance: Clearance | None
    ) -> ScreeningRecord:
        """This set with ``answers`` (some or every item) given at ``now``."""
        every = len(answers) == len(BY_ID)
        return ScreeningRecord(
            now,
            {**self.answers, **answers},
            clearance is not None,
            clearance,
            None if every else (self.all_answered_at or self.answered_at),
        )


def screening_record(
    answered_at: float,
    answers_json: str,
    cleared: int,
    all_answered_at: float | None,
    cleared_who: str | None,
    cleared_on: str | None,
) -> ScreeningRecord:
    """A stored screenings row as a record (a row without a clearance's day has none)."""
    answers = {str(key): bool(value) for key, value in json.loads(answers_json).items()}
    clearance = None
    if cleared_who is not None and cleared_on is not None:
        clearance = Clearance(cleared_who, date.fromisoformat(cleared_on))
    return ScreeningRecord(
        datetime.fromtimestamp(answered_at, tz=UTC),
        answers,
        bool(cleared),
        clearance,
        None if all_answered_at is None else datetime.fromtimestamp(all_answered_at, tz=UTC),
    )


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
