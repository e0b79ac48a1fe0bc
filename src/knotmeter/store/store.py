"""The session store: opening the file, starting sessions, reading history back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.store.db import connect, transaction
from knotmeter.store.paths import default_db_path
from knotmeter.store.recorder import SessionRecorder
from knotmeter.store.records import HoldRecord, SourceKind

SECONDS_PER_DAY = 86_400.0


class SessionStore(AbstractContextManager["SessionStore"]):
    """One SQLite file of sessions; use from the thread that opened it (the event loop).

    ``wall_clock`` (Unix seconds) stamps sessions and holds; tests inject it to
    place holds on chosen days.
    """

    def __init__(self, path: Path | None = None, *, wall_clock: Callable[[], float] = time.time):
        self.path = path if path is not None else default_db_path()
        self._wall_clock = wall_clock
        self._conn = connect(self.path)

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def begin_session(self, *, source: str, kind: SourceKind, region: str) -> SessionRecorder:
        """Start a session row and return the recorder that fills it."""
        with transaction(self._conn, self.path) as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, source, kind, region) VALUES (?, ?, ?, ?)",
                (self._wall_clock(), source, kind.value, region),
            )
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return SessionRecorder(self._conn, self.path, cursor.lastrowid, wall_clock=self._wall_clock)

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
            "SELECT h.id, h.session_id, s.kind, h.region, h.started_at, h.start_t, h.end_t,"
            " h.in_band_s, h.over_band_s, h.peak_n, h.mean_n, h.complete, h.pain"
            " FROM holds AS h JOIN sessions AS s ON s.id = h.session_id"
            f" WHERE h.started_at >= ? AND s.kind IN ({', '.join('?' * len(kind_values))})"
        )
        params: list[object] = [since, *kind_values]
        if region is not None:
            query += " AND h.region = ?"
            params.append(region)
        rows = self._conn.execute(query + " ORDER BY h.started_at, h.id", params).fetchall()
        return [_hold_record(row) for row in rows]

    def save_targets(self, targets: PersonalTargets) -> None:
        """Keep a PPT measurement's targets; the newest per region is the one used."""
        with transaction(self._conn, self.path) as conn:
            conn.execute(
                "INSERT INTO targets (region, measured_at, ppt_n, band_low_n, band_high_n,"
                " ceiling_n) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    targets.region_id,
                    self._wall_clock(),
                    targets.ppt_n,
                    targets.band_low_n,
                    targets.band_high_n,
                    targets.ceiling_n,
                ),
            )

    def targets(self, region_id: str) -> PersonalTargets | None:
        """The newest personal targets for ``region_id``, or ``None`` if never measured."""
        row = self._conn.execute(
            "SELECT ppt_n, band_low_n, band_high_n, ceiling_n FROM targets WHERE region = ?"
            " ORDER BY measured_at DESC, rowid DESC LIMIT 1",
            (region_id,),
        ).fetchone()
        return None if row is None else PersonalTargets(region_id, *row)

    def save_summary(self, session_id: int, summary: Mapping[str, object]) -> None:
        """Keep a finished session's summary (JSON) with it; a second one replaces it."""
        with transaction(self._conn, self.path) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO summaries (session_id, summary) VALUES (?, ?)",
                (session_id, json.dumps(summary)),
            )

    def summary(self, session_id: int) -> dict[str, Any] | None:
        """The stored summary of a session, or ``None``."""
        row = self._conn.execute(
            "SELECT summary FROM summaries WHERE session_id = ?", (session_id,)
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def samples(self, session_id: int) -> SampleBatch:
        """Every stored raw sample of one session, in time order."""
        rows = self._conn.execute(
            "SELECT t, force_n FROM samples WHERE session_id = ? ORDER BY t", (session_id,)
        ).fetchall()
        arr = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
        return SampleBatch(
            t=np.ascontiguousarray(arr[:, 0]), force_n=np.ascontiguousarray(arr[:, 1])
        )


def _hold_record(row: tuple[Any, ...]) -> HoldRecord:
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
    )
