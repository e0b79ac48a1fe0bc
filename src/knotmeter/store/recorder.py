"""Writes one session as it happens: every sample batch with the events it caused.

Each :meth:`SessionRecorder.record` call is one transaction, so what a crash can lose
is at most the batch being written. A hold row is inserted when the hold starts and
completed when it ends, so a hold cut short by a crash is still on disk (open).
A write that fails leaves the recorder as it was before it, so the same call can be
made again (the store's writer retries a busy or full disk).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import Self

from knotmeter.core.events import AlarmRaised, Event, HoldCompleted, HoldEnded, HoldStarted
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Outcome
from knotmeter.core.sides import Side
from knotmeter.store.db import transaction
from knotmeter.store.records import Moment, ScreeningRecord, SourceKind

PAIN_SCORES = range(0, 11)


def delete_targets(conn: sqlite3.Connection, region_id: str | None) -> int:
    """Forget every measurement of ``region_id`` (every region if ``None``); how many."""
    where, params = ("", ()) if region_id is None else (" WHERE region = ?", (region_id,))
    return conn.execute("DELETE FROM targets" + where, params).rowcount


def insert_screening(conn: sqlite3.Connection, screening: ScreeningRecord) -> None:
    """One set of screening answers, with the light profile they switched on (if any)."""
    light = screening.outcome.light
    clearance = screening.clearance
    conn.execute(
        "INSERT INTO screenings (answered_at, answers_json, cleared_by_clinician, light_json,"
        " all_answered_at, cleared_who, cleared_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            screening.answered_at.timestamp(),
            json.dumps(dict(screening.answers)),
            int(clearance is not None),
            None if light is None else json.dumps(list(light.because)),
            None if screening.all_answered_at is None else screening.all_answered_at.timestamp(),
            None if clearance is None else clearance.who,
            None if clearance is None else clearance.on.isoformat(),
        ),
    )


def insert_targets(conn: sqlite3.Connection, targets: PersonalTargets, measured_at: float) -> None:
    """One PPT measurement's targets, filed under its region, tool and side."""
    conn.execute(
        "INSERT INTO targets (region, tool, measured_at, ppt_n, band_low_n, band_high_n,"
        " ceiling_n, trials, side) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            targets.region_id,
            targets.tool,
            measured_at,
            targets.ppt_n,
            targets.band_low_n,
            targets.band_high_n,
            targets.ceiling_n,
            json.dumps(list(targets.trials)),
            _side(targets.side),
        ),
    )


def _side(side: Side | None) -> str | None:
    return None if side is None else side.value


def check_pain_score(score: int) -> None:
    """Pain is rated 0-10 (NPRS, ``core.scores``); anything else is a caller's bug."""
    if score not in PAIN_SCORES:
        raise ValueError(f"pain rating must be 0-10, got {score}")


class SessionRecorder:
    """The writer for one session row; made by :meth:`SessionStore.begin_session`.

    A hold is known by its start time on the source timeline (unique per session),
    so a pain rating can name its hold before that hold's row is written.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        session_id: int,
        *,
        wall_clock: Callable[[], float],
    ) -> None:
        self._conn = conn
        self._path = path
        self._wall_clock = wall_clock
        self.session_id = session_id
        self._open_hold: int | None = None
        # Ratings for holds whose rows are not written yet, by start time; ``None``
        # is the session's first hold, before it has started.
        self._pending_pain: dict[float | None, int] = {}

    @classmethod
    def begin(
        cls,
        conn: sqlite3.Connection,
        path: Path,
        *,
        source: str,
        kind: SourceKind,
        region: str,
        wall_clock: Callable[[], float],
    ) -> SessionRecorder:
        """Insert the session row (marked with this process, see ``close_abandoned``)."""
        with transaction(conn, path):
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, source, kind, region, pid)"
                " VALUES (?, ?, ?, ?, ?)",
                (wall_clock(), source, kind.value, region, os.getpid()),
            )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return cls(conn, path, cursor.lastrowid, wall_clock=wall_clock)

    @property
    def open_hold(self) -> int | None:
        """The row of the hold still running, if any."""
        return self._open_hold

    def moved(self, conn: sqlite3.Connection, session_id: int, open_hold: int | None) -> Self:
        """This recorder, writing on to the session carried into another file
        (``carry.py``): new row ids, the same ratings waiting for their holds."""
        self._conn, self.session_id, self._open_hold = conn, session_id, open_hold
        return self

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that puts the recorder's own state back if it fails."""
        open_hold, pending = self._open_hold, dict(self._pending_pain)
        try:
            with transaction(self._conn, self._path) as conn:
                yield conn
        except BaseException:
            self._open_hold, self._pending_pain = open_hold, pending
            raise

    def record(
        self,
        batch: SampleBatch | None,
        events: Sequence[Event],
        *,
        region: str,
        side: Side | None = None,
    ) -> None:
        """Store ``batch`` (raw samples) and the ``events`` it caused, in one transaction.

        ``region`` (and ``side``, if the person said one) is the point the pipeline was
        configured for when the events happened; a hold is filed under it.
        """
        if batch is None and not events:
            return
        with self._write() as conn:
            if batch is not None and len(batch):
                conn.executemany(
                    "INSERT INTO samples (session_id, t, force_n, saturated) VALUES (?, ?, ?, ?)",
                    zip(
                        repeat(self.session_id),
                        batch.t.tolist(),
                        batch.force_n.tolist(),
                        repeat(int(batch.saturated)),
                    ),
                )
            for event in events:
                self._record_event(conn, event, region, side)

    def _record_event(
        self, conn: sqlite3.Connection, event: Event, region: str, side: Side | None
    ) -> None:
        match event:
            case HoldStarted(t=t):
                self._open_hold = self._insert_hold(conn, t, region, side)
            case HoldCompleted(in_band_s=in_band_s) if self._open_hold is not None:
                conn.execute(
                    "UPDATE holds SET complete = 1, in_band_s = ? WHERE id = ?",
                    (in_band_s, self._open_hold),
                )
            case HoldEnded():
                self._end_hold(conn, event, region, side)
            case AlarmRaised(t=t, kind=kind, force_n=force_n):
                conn.execute(
                    "INSERT INTO alarms (session_id, t, kind, force_n) VALUES (?, ?, ?, ?)",
                    (self.session_id, t, kind.value, force_n),
                )
            case _:
                pass

    def _end_hold(
        self, conn: sqlite3.Connection, ended: HoldEnded, region: str, side: Side | None
    ) -> None:
        if self._open_hold is None:
            # The start went unseen (recorder attached mid-hold): file the whole hold now.
            self._open_hold = self._insert_hold(conn, ended.start, region, side)
        conn.execute(
            "UPDATE holds SET end_t = ?, in_band_s = ?, over_band_s = ?, peak_n = ?,"
            " mean_n = ?, complete = ? WHERE id = ?",
            (
                ended.t,
                ended.in_band_s,
                ended.over_band_s,
                ended.peak_n,
                ended.mean_n,
                ended.complete,
                self._open_hold,
            ),
        )
        self._open_hold = None

    def _insert_hold(
        self, conn: sqlite3.Connection, start_t: float, region: str, side: Side | None
    ) -> int | None:
        pain = self._pending_pain.pop(start_t, self._pending_pain.pop(None, None))
        cursor = conn.execute(
            "INSERT INTO holds (session_id, region, started_at, start_t, pain, side)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self.session_id, region, self._wall_clock(), start_t, pain, _side(side)),
        )
        return cursor.lastrowid

    def rate_pain(self, score: int, hold_start_t: float | None) -> None:
        """Log a 0-10 rating with the hold that started at ``hold_start_t``.

        ``None`` means the first hold, not started yet. A rating for a hold whose row
        is not written yet is kept until it is; a new rating replaces the old one.
        """
        check_pain_score(score)
        if hold_start_t is not None:
            with self._write() as conn:
                updated = conn.execute(
                    "UPDATE holds SET pain = ? WHERE session_id = ? AND start_t = ?",
                    (score, self.session_id, hold_start_t),
                ).rowcount
            if updated:
                return
        self._pending_pain[hold_start_t] = score

    def save_targets(self, targets: PersonalTargets) -> None:
        """Keep a PPT measurement made during this session (see ``SessionStore.targets``)."""
        with self._write() as conn:
            insert_targets(conn, targets, self._wall_clock())

    def save_screening(self, screening: ScreeningRecord) -> None:
        """Keep screening answers changed during this session (see ``SessionStore``)."""
        with self._write() as conn:
            insert_screening(conn, screening)

    def record_outcome(self, plan_id: str, moment: Moment, outcome: Outcome) -> None:
        """The complaint rated at the routine's ``moment`` (start or retest), now."""
        retest = None if outcome.retest is None else outcome.retest.value
        with self._write() as conn:
            conn.execute(
                "INSERT INTO outcomes (session_id, plan, recorded_at, moment, pain, function,"
                " retest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self.session_id,
                    plan_id,
                    self._wall_clock(),
                    moment.value,
                    outcome.pain.value,
                    outcome.function.value,
                    retest,
                ),
            )

    def forget_targets(self, region_id: str | None) -> None:
        """Forget the measurements of ``region_id`` (all if ``None``), in queue order."""
        with self._write() as conn:
            delete_targets(conn, region_id)

    def set_kind(self, kind: SourceKind) -> None:
        """Relabel the session row: a source may learn it is simulated only after it opened."""
        with self._write() as conn:
            conn.execute("UPDATE sessions SET kind = ? WHERE id = ?", (kind.value, self.session_id))

    def finish(self) -> None:
        """Close the session row. Holds end by their own ``HoldEnded`` (the session has
        the pipeline end a running one first), so the store never guesses a hold's end."""
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ?",
                (self._wall_clock(), self.session_id),
            )
