"""The session store: opening the file, starting sessions, reading history back.

Opening it for writing also closes what a crash left open: a session whose process
is gone, and its running hold, end at their last stored sample.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knotmeter.core.aftercare import Aftercare
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Outcome
from knotmeter.core.sides import Side
from knotmeter.store.db import (
    StoreWriteError,
    connect,
    connect_read_only,
    drop_stale_sidecars,
    failures,
    identity,
    transaction,
)
from knotmeter.store.paths import default_db_path
from knotmeter.store.reads import HOLD_COLUMNS, days_before, hold_record, outcomes
from knotmeter.store.recorder import (
    SessionRecorder,
    delete_targets,
    insert_screening,
    insert_targets,
)
from knotmeter.store.records import HoldRecord, ScreeningRecord, SourceKind, screening_record
from knotmeter.store.writer import StoreWriter

SECONDS_PER_DAY = 86_400.0
CHECK_PROBLEMS = 20
"""How many problems a full check lists at most (one damaged page can give thousands)."""


@dataclass(slots=True, frozen=True)
class StoreCheck:
    """A full integrity check and what the file holds: ``knotmeter store --check``."""

    problems: tuple[str, ...]
    version: int
    sessions: int
    open_sessions: int
    holds: int
    samples: int

    @property
    def ok(self) -> bool:
        return not self.problems


class SessionStore(AbstractContextManager["SessionStore"]):
    """One SQLite file of sessions; use from the thread that opened it (the event loop).

    ``wall_clock`` (Unix seconds) stamps sessions and holds; tests inject it to
    place holds on chosen days. ``read_only`` opens an existing file for reading
    (history) without write access, creating or changing nothing.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ):
        self.path = path if path is not None else default_db_path()
        self._wall_clock = wall_clock
        if read_only:
            self._conn = connect_read_only(self.path)
            return
        self._conn = connect(self.path)
        self._identity = identity(self.path)
        with suppress(StoreWriteError):  # locked or full: the next start closes them
            close_abandoned(self._conn, self.path)

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _writable(self) -> sqlite3.Connection:
        """The connection to the file now at the path: one deleted or replaced since it
        was opened (the session's writer carries its session into the new one) is
        reopened, so what is saved here lands beside it, not in the unlinked file."""
        if identity(self.path) != self._identity:
            drop_stale_sidecars(self.path)
            fresh = connect(self.path)
            self._conn.close()
            self._conn, self._identity = fresh, identity(self.path)
        return self._conn

    def check(self) -> StoreCheck:
        """Every page and index checked (``PRAGMA integrity_check``), and the counts."""
        with failures(self.path, "check"):
            rows = self._conn.execute(f"PRAGMA integrity_check({CHECK_PROBLEMS})").fetchall()
            problems = tuple(str(row[0]) for row in rows if row[0] != "ok")
            counts = [
                self._conn.execute(query).fetchone()[0]
                for query in (
                    "PRAGMA user_version",
                    "SELECT count(*) FROM sessions",
                    "SELECT count(*) FROM sessions WHERE ended_at IS NULL",
                    "SELECT count(*) FROM holds",
                    "SELECT count(*) FROM samples",
                )
            ]
        return StoreCheck(problems, *counts)

    def begin_session(self, *, source: str, kind: SourceKind, region: str) -> SessionRecorder:
        """Start a session row and return the recorder that fills it."""
        return SessionRecorder.begin(
            self._conn, self.path, source=source, kind=kind, region=region,
            wall_clock=self._wall_clock,
        )  # fmt: skip

    def begin_writer(self, *, source: str, kind: SourceKind, region: str) -> StoreWriter:
        """Start a session written from a background thread, for a live session: the
        caller never waits on the disk (see :class:`StoreWriter`)."""
        return StoreWriter(
            self.path, source=source, kind=kind, region=region, wall_clock=self._wall_clock
        )

    def holds(
        self,
        *,
        region: str | None = None,
        days: float = 14.0,
        kinds: Collection[SourceKind] = (SourceKind.DEVICE,),
    ) -> list[HoldRecord]:
        """Holds started in the last ``days`` days, oldest first, for two-week tracking.

        Only sessions on a real tool count by default: a simulated tool or a replayed
        recording is not the person's health history.
        """
        since = self._wall_clock() - days * SECONDS_PER_DAY
        kind_values = [kind.value for kind in kinds]
        query = (
            f"SELECT {HOLD_COLUMNS} FROM holds AS h JOIN sessions AS s ON s.id = h.session_id"
            f" WHERE h.started_at >= ? AND s.kind IN ({', '.join('?' * len(kind_values))})"
        )
        params: list[object] = [since, *kind_values]
        if region is not None:
            query += " AND h.region = ?"
            params.append(region)
        with failures(self.path, "read"):
            rows = self._conn.execute(query + " ORDER BY h.started_at, h.id", params).fetchall()
        return [hold_record(row) for row in rows]

    def outcomes(
        self, *, days: float = 14.0, kinds: Collection[SourceKind] = (SourceKind.DEVICE,)
    ) -> dict[str, list[Outcome]]:
        """The complaint's ratings per plan over the last ``days`` days, oldest first;
        from a real tool only by default, as for :meth:`holds`."""
        with failures(self.path, "read"):
            return outcomes(self._conn, days_before(self._wall_clock(), days), kinds)

    def save_targets(self, targets: PersonalTargets) -> None:
        """Keep a PPT measurement's targets; the newest per region and tool is the one used."""
        with transaction(self._writable(), self.path) as conn:
            insert_targets(conn, targets, self._wall_clock())

    def targets(
        self, region_id: str, tool: str = "ball", side: Side | None = None
    ) -> PersonalTargets | None:
        """The newest personal targets for ``region_id`` with ``tool``, or ``None`` if
        never measured with that tool (a ball's band does not fit a hook).

        With a ``side``, one measured on that side wins over one measured on no side
        said; one measured on the other side never applies (sides differ: that is why
        a clinician compares them)."""
        with failures(self.path, "read"):
            row = self._conn.execute(
                f"SELECT {_TARGET_COLUMNS} FROM targets"
                " WHERE region = ? AND tool = ? AND (side IS NULL OR side IS ?)"
                " ORDER BY side IS NULL, measured_at DESC, rowid DESC LIMIT 1",
                (region_id, tool, None if side is None else side.value),
            ).fetchone()
        return None if row is None else _targets_record(row)

    def all_targets(self) -> list[PersonalTargets]:
        """The targets in use: the newest per region, tool and side, in that order."""
        with failures(self.path, "read"):
            rows = self._conn.execute(
                f"SELECT {_TARGET_COLUMNS} FROM targets AS t WHERE t.rowid = ("
                " SELECT n.rowid FROM targets AS n WHERE n.region = t.region AND n.tool = t.tool"
                " AND n.side IS t.side ORDER BY n.measured_at DESC, n.rowid DESC LIMIT 1)"
                " ORDER BY t.region, t.tool, t.side"
            ).fetchall()
        return [_targets_record(row) for row in rows]

    def measurements(self, *, days: float = 14.0) -> list[PersonalTargets]:
        """Every PPT measurement of the last ``days`` days, oldest first: the threshold
        over time, per region and side (``all_targets`` has only the ones in use)."""
        with failures(self.path, "read"):
            rows = self._conn.execute(
                f"SELECT {_TARGET_COLUMNS} FROM targets WHERE measured_at >= ?"
                " ORDER BY measured_at, rowid",
                (days_before(self._wall_clock(), days),),
            ).fetchall()
        return [_targets_record(row) for row in rows]

    def forget_targets(self, region_id: str | None = None) -> int:
        """Forget every measurement of ``region_id`` (every region if ``None``), all tools:
        the defaults apply again. Returns how many measurements were forgotten."""
        with transaction(self._writable(), self.path) as conn:
            return delete_targets(conn, region_id)

    def save_screening(self, screening: ScreeningRecord) -> None:
        """Keep a set of screening answers; the newest is the one that holds."""
        with transaction(self._writable(), self.path) as conn:
            insert_screening(conn, screening)

    def latest_screening(self) -> ScreeningRecord | None:
        """The newest screening answers, or ``None`` if never screened (old or not is the
        caller's question: :meth:`ScreeningRecord.current`)."""
        with failures(self.path, "read"):
            row = self._conn.execute(
                "SELECT answered_at, answers_json, cleared_by_clinician, all_answered_at,"
                " cleared_who, cleared_on FROM screenings"
                " ORDER BY answered_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        return screening_record(*row)

    def aftercare_due(self) -> bool:
        """A session ended after the last bruising and soreness answers (or there are
        none yet): ask them now."""
        with failures(self.path, "read"):
            row = self._conn.execute("SELECT max(ended_at) FROM sessions").fetchone()
            asked = self._conn.execute("SELECT max(asked_at) FROM aftercare").fetchone()
        ended, last_asked = row[0], asked[0]
        return ended is not None and (last_asked is None or last_asked < ended)

    def save_aftercare(self, aftercare: Aftercare, asked_at: datetime) -> None:
        """Keep the bruising and soreness answers about the last session."""
        with transaction(self._conn, self.path) as conn:
            conn.execute(
                "INSERT INTO aftercare (asked_at, bruising, sore_over_24h) VALUES (?, ?, ?)",
                (asked_at.timestamp(), int(aftercare.bruising), int(aftercare.sore_over_24h)),
            )

    def save_count_calibration(
        self, device: str, *, n_per_count: float, known_n: float, source: str
    ) -> None:
        """Keep a raw-count device's coefficient (``knotmeter calibrate``); the newest holds."""
        with transaction(self._conn, self.path) as conn:
            conn.execute(
                "INSERT INTO count_calibrations (device, calibrated_at, n_per_count, known_n,"
                " source) VALUES (?, ?, ?, ?, ?)",
                (device, self._wall_clock(), n_per_count, known_n, source),
            )

    def count_calibration(self, device: str) -> float | None:
        """Newtons per count for ``device``, or ``None`` if it was never calibrated here
        (or the store predates calibrations: a read-only look does not migrate it)."""
        with failures(self.path, "read"):
            try:
                row = self._conn.execute(
                    "SELECT n_per_count FROM count_calibrations WHERE device = ?"
                    " ORDER BY calibrated_at DESC, rowid DESC LIMIT 1",
                    (device,),
                ).fetchone()
            except sqlite3.OperationalError as err:
                if "no such table" in str(err):
                    return None
                raise
        return None if row is None else float(row[0])

    def save_summary(self, session_id: int, summary: Mapping[str, object]) -> None:
        """Keep a finished session's summary (JSON) with it; a second one replaces it."""
        with transaction(self._writable(), self.path) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO summaries (session_id, summary) VALUES (?, ?)",
                (session_id, json.dumps(summary)),
            )

    def summary(self, session_id: int) -> dict[str, Any] | None:
        """The stored summary of a session, or ``None``."""
        with failures(self.path, "read"):
            row = self._conn.execute(
                "SELECT summary FROM summaries WHERE session_id = ?", (session_id,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def samples(self, session_id: int) -> SampleBatch:
        """Every stored raw sample of one session, in time order."""
        with failures(self.path, "read"):
            rows = self._conn.execute(
                "SELECT t, force_n FROM samples WHERE session_id = ? ORDER BY t", (session_id,)
            ).fetchall()
        arr = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
        return SampleBatch(
            t=np.ascontiguousarray(arr[:, 0]), force_n=np.ascontiguousarray(arr[:, 1])
        )


def close_abandoned(conn: sqlite3.Connection, path: Path) -> int:
    """End the sessions a crash left open, and their running holds, at their last sample.

    A session is abandoned when the process that wrote it is gone (or unknown: a row
    from before the store kept it); one another knotmeter still writes stays open.
    A hold's figures the pipeline never sent stay unknown, except its peak, taken
    from the raw samples. Returns how many sessions were closed.
    """
    open_rows = conn.execute("SELECT id, pid, started_at FROM sessions WHERE ended_at IS NULL")
    abandoned = [(sid, started) for sid, pid, started in open_rows if not _alive(pid)]
    if not abandoned:
        return 0
    with transaction(conn, path):
        for session_id, started_at in abandoned:
            first, last = conn.execute(
                "SELECT min(t), max(t) FROM samples WHERE session_id = ?", (session_id,)
            ).fetchone()
            conn.execute(
                "UPDATE holds SET end_t = coalesce((SELECT max(t) FROM samples AS s WHERE"
                " s.session_id = holds.session_id AND s.t >= holds.start_t), start_t),"
                " peak_n = (SELECT max(force_n) FROM samples AS s WHERE"
                " s.session_id = holds.session_id AND s.t >= holds.start_t),"
                " complete = coalesce(complete, 0) WHERE session_id = ? AND end_t IS NULL",
                (session_id,),
            )
            span = 0.0 if first is None else last - first
            conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ?", (started_at + span, session_id)
            )
    return len(abandoned)


def _alive(pid: int | None) -> bool:
    """Is ``pid`` a running process? (Another user's process counts as running.)"""
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_TARGET_COLUMNS = (
    "region, tool, measured_at, ppt_n, band_low_n, band_high_n, ceiling_n, trials, side"
)


def _targets_record(row: tuple[Any, ...]) -> PersonalTargets:
    """A stored PPT measurement (:data:`_TARGET_COLUMNS`) as the coach's targets."""
    region, tool, measured_at, ppt_n, band_low_n, band_high_n, ceiling_n, trials, side = row
    return PersonalTargets(
        region,
        ppt_n,
        band_low_n,
        band_high_n,
        ceiling_n,
        tool=tool,
        trials=tuple(float(force) for force in json.loads(trials)),
        measured_on=datetime.fromtimestamp(measured_at, UTC).astimezone().date(),
        side=None if side is None else Side(side),
    )
