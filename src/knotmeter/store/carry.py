"""Carry one session from a store file that was deleted or replaced into the file now at
its path, so a sitting survives someone removing the store under it.

SQLite goes on reading a deleted file through the descriptors it holds, so the old
connection still sees everything this session wrote: it attaches the new file and
copies the session's rows across in one transaction (the session row, samples, holds,
alarms, outcomes, its summary, and the targets and screenings saved since it began).
The new file gets new row ids; the caller switches to them. Closing the old connection
afterwards is safe: SQLite does not checkpoint or delete the ``-wal`` of a file that
has moved (``SQLITE_FCNTL_HAS_MOVED``), so the new file's sidecars are left alone.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from knotmeter.store.db import StoreWriteError, transaction

_HOLD_COLUMNS = (
    "region, started_at, start_t, end_t, in_band_s, over_band_s, peak_n, mean_n, complete, pain"
)


@dataclass(slots=True, frozen=True)
class Carried:
    """The session's ids in the new file, and how many samples came across."""

    session_id: int
    open_hold: int | None
    samples: int


def carry_over(
    old: sqlite3.Connection, new_path: Path, session_id: int, open_hold: int | None
) -> Carried:
    """Copy session ``session_id`` from ``old`` into the store at ``new_path`` (already
    created and migrated). ``open_hold`` is the old id of the hold still running.

    Raises:
        StoreWriteError: the copy failed (the new file is left without the session).
    """
    try:
        old.execute("ATTACH DATABASE ? AS fresh", (str(new_path),))
    except sqlite3.Error as err:
        raise StoreWriteError(new_path, err) from err
    try:
        with transaction(old, new_path) as conn:
            return _copy(conn, session_id, open_hold)
    finally:
        with suppress(sqlite3.Error):
            old.execute("DETACH DATABASE fresh")


def _copy(conn: sqlite3.Connection, session_id: int, open_hold: int | None) -> Carried:
    started_at = conn.execute(
        "SELECT started_at FROM main.sessions WHERE id = ?", (session_id,)
    ).fetchone()[0]
    cursor = conn.execute(
        "INSERT INTO fresh.sessions (started_at, ended_at, source, kind, region, pid)"
        " SELECT started_at, ended_at, source, kind, region, pid FROM main.sessions"
        " WHERE id = ?",
        (session_id,),
    )
    new_id = cursor.lastrowid
    assert new_id is not None  # an INSERT into a rowid table always sets it
    samples = conn.execute(
        "INSERT INTO fresh.samples (session_id, t, force_n, saturated)"
        " SELECT ?, t, force_n, saturated FROM main.samples WHERE session_id = ?",
        (new_id, session_id),
    ).rowcount
    conn.execute(
        f"INSERT INTO fresh.holds (session_id, {_HOLD_COLUMNS})"
        f" SELECT ?, {_HOLD_COLUMNS} FROM main.holds WHERE session_id = ? ORDER BY id",
        (new_id, session_id),
    )
    for table, columns in (
        ("alarms", "t, kind, force_n"),
        ("outcomes", "plan, recorded_at, moment, pain, function, retest"),
        ("summaries", "summary"),
    ):
        conn.execute(
            f"INSERT INTO fresh.{table} (session_id, {columns})"
            f" SELECT ?, {columns} FROM main.{table} WHERE session_id = ?",
            (new_id, session_id),
        )
    for table, columns, when in (
        ("targets", "region, tool, measured_at, ppt_n, band_low_n, band_high_n, ceiling_n,"
         " trials", "measured_at"),
        ("screenings", "answered_at, answers_json, cleared_by_clinician, light_json",
         "answered_at"),
    ):  # fmt: skip
        conn.execute(
            f"INSERT INTO fresh.{table} ({columns}) SELECT {columns} FROM main.{table}"
            f" WHERE {when} >= ? AND NOT EXISTS (SELECT 1 FROM fresh.{table} AS f"
            f" WHERE f.{when} = main.{table}.{when})",
            (started_at,),
        )
    return Carried(new_id, _new_hold(conn, session_id, new_id, open_hold), samples)


def _new_hold(
    conn: sqlite3.Connection, session_id: int, new_id: int, open_hold: int | None
) -> int | None:
    """The running hold's id in the new file (holds are unique by start time per session)."""
    if open_hold is None:
        return None
    row = conn.execute(
        "SELECT f.id FROM fresh.holds AS f JOIN main.holds AS h ON h.start_t = f.start_t"
        " WHERE h.id = ? AND h.session_id = ? AND f.session_id = ?",
        (open_hold, session_id, new_id),
    ).fetchone()
    return None if row is None else int(row[0])
