"""Read-only queries over the session store: the sessions list, one session's rows, exports.

Every function takes an open connection (see :func:`open_reader`) and never writes:
looking at history must not create, migrate or lock the file a session is writing.
Row-by-row functions are generators over a SQLite cursor, so an export of months of
80 Hz samples holds one cursor page in memory, not the history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Outcome, Retest, Score
from knotmeter.core.sides import Side
from knotmeter.errors import KnotmeterError
from knotmeter.store.db import connect_read_only, failures
from knotmeter.store.records import HoldRecord, Moment, SourceKind

DEVICE_ONLY: tuple[SourceKind, ...] = (SourceKind.DEVICE,)
"""Only sessions on a real tool are the person's history; the others on request."""
SECONDS_PER_DAY = 86_400.0


def days_before(now: float, days: float) -> float:
    """The Unix time ``days`` days before ``now``: where a "last N days" window starts."""
    return now - days * SECONDS_PER_DAY


@dataclass(slots=True, frozen=True)
class SessionSummary:
    """One sitting as the sessions list shows it.

    ``duration_s`` is the span of its stored samples (what was recorded, even for a
    session whose process died before it could close the row); ``points`` are the
    regions held (with the side, "upper-trapezius left", where one was said), in the
    order first held (the starting region if none was).
    ``light_profile`` and ``cleared_by_clinician`` are from the screening it was
    pressed under (the newest answered before it ended); ``None`` if never screened by then.
    """

    id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    kind: SourceKind
    region: str
    duration_s: float
    samples: int
    points: tuple[str, ...]
    holds: int
    complete: int
    alarms: int
    light_profile: bool | None
    cleared_by_clinician: bool | None

    @property
    def label(self) -> str | None:
        """``SIMULATED`` or ``REPLAY`` wherever the session is shown; ``None`` for a real tool."""
        return None if self.kind is SourceKind.DEVICE else self.kind.name


@dataclass(slots=True, frozen=True)
class AlarmRecord:
    """One alarm as stored: when (source timeline) and at what force."""

    session_id: int
    t: float
    kind: str
    force_n: float


@dataclass(slots=True, frozen=True)
class OutcomeRecord:
    """One rating of the complaint as stored: with its session, plan and moment."""

    session_id: int
    plan: str
    recorded_at: datetime
    moment: Moment
    outcome: Outcome


@dataclass(slots=True, frozen=True)
class Sample:
    session_id: int
    t: float
    force_n: float
    saturated: bool = False
    """The tool flagged its ADC at the end of its range (never, in a store from before)."""


def open_reader(path: Path) -> sqlite3.Connection:
    """Open the store at ``path`` read-only (``mode=ro``): no file is created, nothing
    migrated, and a damaged file is named with what to do (see ``connect_read_only``).

    Raises:
        KnotmeterError: the file is missing, not a store, damaged, or from a newer knotmeter.
    """
    if not path.is_file():
        raise KnotmeterError(f"no session store at {path}: record a session first")
    return connect_read_only(path)


def _kind_filter(kinds: Collection[SourceKind]) -> tuple[str, list[object]]:
    values: list[object] = [kind.value for kind in kinds]
    return f"s.kind IN ({', '.join('?' * len(values))})", values


_SCREENING = (
    " FROM screenings WHERE s.ended_at IS NULL OR answered_at <= s.ended_at"
    " ORDER BY answered_at DESC, rowid DESC LIMIT 1)"
)
"""The screening a session was pressed under: the newest answered before it ended (any,
while it runs). Not "before it started": the app opens the session, then screens."""
_SUMMARY = (
    "SELECT s.id, s.started_at, s.ended_at, s.source, s.kind, s.region,"
    " (SELECT MIN(t) FROM samples WHERE session_id = s.id),"
    " (SELECT MAX(t) FROM samples WHERE session_id = s.id),"
    " (SELECT COUNT(*) FROM samples WHERE session_id = s.id),"
    " (SELECT COUNT(*) FROM holds WHERE session_id = s.id),"
    " (SELECT COUNT(*) FROM holds WHERE session_id = s.id AND complete),"
    " (SELECT COUNT(*) FROM alarms WHERE session_id = s.id),"
    f" (SELECT coalesce(json_array_length(light_json), 0) > 0{_SCREENING},"
    f" (SELECT cleared_by_clinician{_SCREENING}"
    " FROM sessions AS s"
)


def sessions(
    conn: sqlite3.Connection, *, since: float, kinds: Collection[SourceKind] = DEVICE_ONLY
) -> list[SessionSummary]:
    """Sessions started at or after ``since`` (Unix seconds), oldest first."""
    where, params = _kind_filter(kinds)
    rows = conn.execute(
        f"{_SUMMARY} WHERE s.started_at >= ? AND {where} ORDER BY s.started_at, s.id",
        [since, *params],
    ).fetchall()
    return [_summary(conn, row) for row in rows]


def session(conn: sqlite3.Connection, session_id: int) -> SessionSummary | None:
    """One session by id, whatever its kind (the caller asked for it by name)."""
    row = conn.execute(f"{_SUMMARY} WHERE s.id = ?", (session_id,)).fetchone()
    return None if row is None else _summary(conn, row)


def _summary(conn: sqlite3.Connection, row: tuple[Any, ...]) -> SessionSummary:
    sid, started, ended, source, kind, region, first_t, last_t, *counts = row
    n_samples, n_holds, n_complete, n_alarms, light, cleared = counts
    points = tuple(
        region_id if side is None else f"{region_id} {side}"
        for region_id, side in conn.execute(
            "SELECT region, side FROM holds WHERE session_id = ? GROUP BY region, side"
            " ORDER BY MIN(start_t)",
            (sid,),
        )
    )
    return SessionSummary(
        id=sid,
        started_at=datetime.fromtimestamp(started, tz=UTC),
        ended_at=None if ended is None else datetime.fromtimestamp(ended, tz=UTC),
        source=source,
        kind=SourceKind(kind),
        region=region,
        duration_s=0.0 if first_t is None else last_t - first_t,
        samples=n_samples,
        points=points or (region,),
        holds=n_holds,
        complete=n_complete,
        alarms=n_alarms,
        light_profile=None if light is None else bool(light),
        cleared_by_clinician=None if cleared is None else bool(cleared),
    )


def samples(conn: sqlite3.Connection, session_ids: Sequence[int]) -> Iterator[Sample]:
    """Every stored sample of each session in turn, in time order, streamed."""
    flagged = "saturated" if _has_column(conn, "samples", "saturated") else "0"
    for session_id in session_ids:
        cursor = conn.execute(
            f"SELECT t, force_n, {flagged} FROM samples WHERE session_id = ? ORDER BY t",
            (session_id,),
        )
        for t, force_n, saturated in cursor:
            yield Sample(session_id, t, force_n, bool(saturated))


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """A store opened read-only is not migrated: an older one lacks newer columns."""
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def trace(conn: sqlite3.Connection, session_id: int) -> SampleBatch:
    """One session's samples as arrays, for drawing its force trace."""
    rows = conn.execute(
        "SELECT t, force_n FROM samples WHERE session_id = ? ORDER BY t", (session_id,)
    ).fetchall()
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
    return SampleBatch(t=np.ascontiguousarray(arr[:, 0]), force_n=np.ascontiguousarray(arr[:, 1]))


def holds(conn: sqlite3.Connection, session_ids: Sequence[int]) -> Iterator[HoldRecord]:
    """The holds of each session in turn, in the order they started."""
    for session_id in session_ids:
        cursor = conn.execute(
            f"SELECT {HOLD_COLUMNS} FROM holds AS h JOIN sessions AS s ON s.id = h.session_id"
            " WHERE h.session_id = ? ORDER BY h.start_t",
            (session_id,),
        )
        yield from map(hold_record, cursor)


def alarms(conn: sqlite3.Connection, session_ids: Sequence[int]) -> Iterator[AlarmRecord]:
    """The alarms each session raised, in time order."""
    for session_id in session_ids:
        cursor = conn.execute(
            "SELECT t, kind, force_n FROM alarms WHERE session_id = ? ORDER BY t", (session_id,)
        )
        for t, kind, force_n in cursor:
            yield AlarmRecord(session_id, t, kind, force_n)


def targets_at(conn: sqlite3.Connection, region: str, when: datetime) -> PersonalTargets | None:
    """The person's own targets for ``region`` as they stood at ``when``, if measured by then."""
    row = conn.execute(
        "SELECT ppt_n, band_low_n, band_high_n, ceiling_n FROM targets"
        " WHERE region = ? AND measured_at <= ? ORDER BY measured_at DESC, rowid DESC LIMIT 1",
        (region, when.timestamp()),
    ).fetchone()
    return None if row is None else PersonalTargets(region, *row)


def outcomes(
    conn: sqlite3.Connection, since: float, kinds: Collection[SourceKind] = DEVICE_ONLY
) -> dict[str, list[Outcome]]:
    """The complaint's ratings per plan since ``since`` (Unix seconds), oldest first, from
    sessions of ``kinds`` (a simulated tool's are not the person's history)."""
    where, params = _kind_filter(kinds)
    rows = conn.execute(
        f"SELECT {_OUTCOME_COLUMNS} FROM outcomes AS o JOIN sessions AS s ON s.id = o.session_id"
        f" WHERE o.recorded_at >= ? AND {where} ORDER BY o.recorded_at, o.rowid",
        [since, *params],
    ).fetchall()
    by_plan: dict[str, list[Outcome]] = {}
    for record in map(_outcome_record, rows):
        by_plan.setdefault(record.plan, []).append(record.outcome)
    return by_plan


def outcome_records(
    conn: sqlite3.Connection, session_ids: Sequence[int]
) -> Iterator[OutcomeRecord]:
    """The complaint's ratings of each session in turn, in the order they were given."""
    for session_id in session_ids:
        cursor = conn.execute(
            f"SELECT {_OUTCOME_COLUMNS} FROM outcomes AS o"
            " WHERE o.session_id = ? ORDER BY o.recorded_at, o.rowid",
            (session_id,),
        )
        yield from map(_outcome_record, cursor)


_OUTCOME_COLUMNS = "o.session_id, o.plan, o.recorded_at, o.moment, o.pain, o.function, o.retest"


def _outcome_record(row: tuple[Any, ...]) -> OutcomeRecord:
    session_id, plan, recorded_at, moment, pain, function, retest = row
    at = datetime.fromtimestamp(recorded_at, UTC)
    on = at.astimezone().date()  # the person's day, as history groups it
    outcome = Outcome(
        on, Score(pain), Score(function), None if retest is None else Retest(retest), session_id
    )
    return OutcomeRecord(session_id, plan, at, Moment(moment), outcome)


HOLD_COLUMNS = (
    "h.id, h.session_id, s.kind, h.region, h.started_at, h.start_t, h.end_t,"
    " h.in_band_s, h.over_band_s, h.peak_n, h.mean_n, h.complete, h.pain, h.side"
)
"""The columns :func:`hold_record` reads, from ``holds AS h JOIN sessions AS s``."""


def hold_record(row: tuple[Any, ...]) -> HoldRecord:
    """A hold from its row (:data:`HOLD_COLUMNS`: :func:`holds`, ``SessionStore.holds``)."""
    (
        hold_id,
        session_id,
        kind,
        region,
        started_at,
        start_t,
        end_t,
        in_band_s,
        over_band_s,
        peak_n,
        mean_n,
        complete,
        pain,
        side,
    ) = row
    return HoldRecord(
        id=hold_id,
        session_id=session_id,
        kind=SourceKind(kind),
        region=region,
        started_at=datetime.fromtimestamp(started_at, tz=UTC),
        start_t=start_t,
        end_t=end_t,
        in_band_s=in_band_s,
        over_band_s=over_band_s,
        peak_n=peak_n,
        mean_n=mean_n,
        complete=None if complete is None else bool(complete),
        pain=pain,
        side=None if side is None else Side(side),
    )


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one look; a failed read becomes one line naming the file."""
    conn = open_reader(path)
    try:
        with failures(path, "read"):
            yield conn
    finally:
        conn.close()
