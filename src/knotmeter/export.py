"""Sessions out of the store, for a clinician, a spreadsheet or pandas: CSV tables or JSON lines.

Both formats carry the same tables with the same columns (:data:`TABLES`), units in
the column names. Rows are streamed from the store's cursors to the file, so memory
does not grow with the length of the history. Numbers are rounded to what a tool
measures (microseconds, millinewtons), the rounding every ``--json`` stream uses.

The output appears whole or not at all: it is written beside its final name and
renamed into place at the end, so an interrupted export leaves nothing half-written
under the name asked for. Files are 0600 and folders 0700: it is health data.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from knotmeter.core.records import newtons, seconds
from knotmeter.core.sides import Side
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.store import HoldRecord
from knotmeter.store.reads import (
    AlarmRecord,
    OutcomeRecord,
    Sample,
    SessionSummary,
    alarms,
    holds,
    outcome_records,
    samples,
)

Cell = str | int | float | None


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


README_WIDTH = 88
OLD_PAIN = (
    "; kept as stored: ratings given before pain was 0-10 (NPRS) were 1-10, and earlier "
    "still 0-9 (the key 0 then meant 10)"
)
OLD_COMPLAINT = "; kept as stored: ratings given before the 0-10 scale were 1-10"


@dataclass(slots=True, frozen=True)
class Column:
    name: str
    meaning: str


@dataclass(slots=True, frozen=True)
class Table:
    """One table of the export: its file name stem, what a row is, and its columns."""

    name: str
    row: str
    columns: tuple[Column, ...]


SESSIONS = Table(
    "sessions",
    "one sitting with one tool",
    (
        Column("session_id", "the session's number in the store"),
        Column("started_at_utc", "when it started, ISO 8601 UTC"),
        Column("ended_at_utc", "when it closed, ISO 8601 UTC; empty if the program died"),
        Column("source", "the tool's moniker (serial:..., ble:..., sim:..., file:...)"),
        Column("kind", "device (a real tool), simulated or replay: only device is health data"),
        Column("region", "the point the session started on"),
        Column("duration_s", "seconds from the first stored sample to the last"),
        Column("samples", "stored samples"),
        Column("holds", "holds started"),
        Column("complete_holds", "holds that reached their in-band target"),
        Column("alarms", "alarms raised"),
        Column(
            "light_profile",
            "1 if pressed under the screening's light profile (lower band and ceiling),"
            " 0 if standard; empty if never screened by then (the newest screening"
            " answered before the session ended)",
        ),
        Column(
            "cleared_by_clinician",
            "1 if that screening was answered as cleared by a clinician, 0 if not; empty"
            " if never screened by then",
        ),
    ),
)
SAMPLES = Table(
    "samples",
    "one raw force reading as the tool sent it (before tare and smoothing)",
    (
        Column("t_s", "time on the tool's clock, seconds (restarts each session)"),
        Column("force_n", "force, newtons"),
        Column("session_id", "the session it belongs to"),
        Column(
            "saturated",
            "1 if the tool flagged this reading as at the end of its range (clipped: the"
            " real force may be higher; the coach calls it too hard), else 0",
        ),
    ),
)
SIDE_TEXT = "left or right; empty if no side was said (or stored before sides were asked)"
HOLDS = Table(
    "holds",
    "one continuous press on one point",
    (
        Column("hold_id", "the hold's number in the store"),
        Column("session_id", "the session it belongs to"),
        Column("region", "the point held"),
        Column("started_at_utc", "when it started, ISO 8601 UTC"),
        Column("start_t_s", "start on the tool's clock, seconds (as t_s in samples)"),
        Column("end_t_s", "end on the tool's clock, seconds; empty if it never ended"),
        Column("in_band_s", "seconds inside the target band"),
        Column("over_band_s", "seconds above the band"),
        Column("peak_n", "highest force, newtons"),
        Column("mean_n", "mean force while pressing, newtons"),
        Column("complete", "1 if it reached its in-band target, 0 if not"),
        Column("pain_0_10", f"the pain rating given with it, 0-10{OLD_PAIN}; empty if none"),
        Column("side", SIDE_TEXT),
    ),
)
ALARMS = Table(
    "alarms",
    "one alarm the coach raised",
    (
        Column("session_id", "the session it belongs to"),
        Column("t_s", "when, on the tool's clock, seconds"),
        Column("kind", "what was wrong (over_ceiling, long_hold, signal_lost, ...)"),
        Column("force_n", "the force at that moment, newtons"),
    ),
)
PAIN = Table(
    "pain_ratings",
    "one 0-10 pain rating, with the hold it was given for",
    (
        Column("session_id", "the session it belongs to"),
        Column("hold_id", "the hold rated (see holds)"),
        Column("region", "the point"),
        Column("start_t_s", "the hold's start on the tool's clock, seconds"),
        Column("pain_0_10", f"the rating, 0 (none) to 10 (the worst imaginable){OLD_PAIN}"),
        Column("side", SIDE_TEXT),
    ),
)
OUTCOMES = Table(
    "outcomes",
    "one rating of the complaint a plan treats, at a routine's start or its retest",
    (
        Column("session_id", "the session it was given in"),
        Column("plan", "the plan's id (knotmeter plans lists them)"),
        Column("recorded_at_utc", "when, ISO 8601 UTC"),
        Column("moment", "start (before the routine) or retest (after it)"),
        Column(
            "pain_0_10",
            f"the complaint's pain, 0 (none) to 10 (the worst imaginable){OLD_COMPLAINT}",
        ),
        Column(
            "function_0_10",
            "the activity it limits most, 0 (cannot do it) to 10 (as before the problem)"
            + OLD_COMPLAINT,
        ),
        Column(
            "retest",
            "the limited motion after the routine: better, same or worse; empty if not retested",
        ),
    ),
)
TABLES = (SESSIONS, SAMPLES, HOLDS, ALARMS, PAIN, OUTCOMES)


@dataclass(slots=True, frozen=True)
class ExportCounts:
    """Rows written per table, for the one-line report."""

    rows: dict[str, int]

    def describe(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in self.rows.items())


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _side(side: Side | None) -> str | None:
    return None if side is None else side.value


def _maybe(value: float | None, rounding: Callable[[float], float]) -> float | None:
    return None if value is None else rounding(value)


def _session_row(s: SessionSummary) -> tuple[Cell, ...]:
    ended = None if s.ended_at is None else s.ended_at.isoformat()
    return (
        s.id, s.started_at.isoformat(), ended, s.source, s.kind.value, s.region,
        seconds(s.duration_s), s.samples, s.holds, s.complete, s.alarms,
        _flag(s.light_profile), _flag(s.cleared_by_clinician),
    )  # fmt: skip


def _sample_row(s: Sample) -> tuple[Cell, ...]:
    return seconds(s.t), newtons(s.force_n), s.session_id, int(s.saturated)


def _hold_row(h: HoldRecord) -> tuple[Cell, ...]:
    return (
        h.id, h.session_id, h.region, h.started_at.isoformat(), seconds(h.start_t),
        _maybe(h.end_t, seconds), _maybe(h.in_band_s, seconds), _maybe(h.over_band_s, seconds),
        _maybe(h.peak_n, newtons), _maybe(h.mean_n, newtons), _flag(h.complete), h.pain,
        _side(h.side),
    )  # fmt: skip


def _alarm_row(a: AlarmRecord) -> tuple[Cell, ...]:
    return a.session_id, seconds(a.t), a.kind, newtons(a.force_n)


def _outcome_row(o: OutcomeRecord) -> tuple[Cell, ...]:
    retest = None if o.outcome.retest is None else o.outcome.retest.value
    return (
        o.session_id, o.plan, o.recorded_at.isoformat(), o.moment.value,
        o.outcome.pain.value, o.outcome.function.value, retest,
    )  # fmt: skip


def _pain_rows(rated: Iterable[HoldRecord]) -> Iterator[tuple[Cell, ...]]:
    for h in rated:
        if h.pain is not None:
            yield h.session_id, h.id, h.region, seconds(h.start_t), h.pain, _side(h.side)


def table_rows(
    conn: sqlite3.Connection, chosen: Sequence[SessionSummary]
) -> Iterator[tuple[Table, Iterator[tuple[Cell, ...]]]]:
    """Each table with a lazy iterator over its rows, in :data:`TABLES` order."""
    ids = [s.id for s in chosen]
    yield SESSIONS, map(_session_row, chosen)
    yield SAMPLES, map(_sample_row, samples(conn, ids))
    yield HOLDS, map(_hold_row, holds(conn, ids))
    yield ALARMS, map(_alarm_row, alarms(conn, ids))
    yield PAIN, _pain_rows(holds(conn, ids))
    yield OUTCOMES, map(_outcome_row, outcome_records(conn, ids))


class _Staging(AbstractContextManager["_Staging"]):
    """A private sibling of ``target`` that becomes ``target`` only if the export finishes."""

    def __init__(self, target: Path, *, folder: bool) -> None:
        self.target = target
        self.folder = folder
        self.path = target.with_name(f".{target.name}.partial-{os.getpid()}")
        try:
            if folder:
                self.path.mkdir(mode=0o700)
            else:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as err:
            raise BadInput(f"-o {target}: cannot write there: {err.strerror}") from None

    def open(self, path: Path) -> TextIO:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        try:
            if kind is None:
                self._finish()
        finally:
            self._discard()

    def _finish(self) -> None:
        # rename would replace a file that appeared meanwhile: look first, overwrite nothing.
        if self.target.exists():
            raise BadInput(f"-o {self.target}: appeared during the export; not replaced")
        try:
            self.path.rename(self.target)
        except OSError as err:
            raise KnotmeterError(f"-o {self.target}: cannot finish: {err.strerror}") from None

    def _discard(self) -> None:
        if self.path.is_dir():
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            self.path.unlink(missing_ok=True)


def check_target(target: Path) -> None:
    """Refuse an existing path or a missing folder before any work is done."""
    if target.exists() or target.is_symlink():
        raise BadInput(f"-o {target}: already exists; choose a new name (nothing is overwritten)")
    if not target.parent.is_dir():
        raise BadInput(f"-o {target}: no folder {target.parent}")


def export(
    conn: sqlite3.Connection, chosen: Sequence[SessionSummary], target: Path, fmt: ExportFormat
) -> ExportCounts:
    """Write ``chosen`` sessions to ``target``: a folder of CSV tables, or a JSON-lines file."""
    check_target(target)
    rows: dict[str, int] = {}
    with _Staging(target, folder=fmt is ExportFormat.CSV) as staging:
        try:
            if fmt is ExportFormat.CSV:
                _write_csv(conn, chosen, staging, rows)
            else:
                _write_json(conn, chosen, staging, rows)
        except OSError as err:
            raise KnotmeterError(f"-o {target}: cannot write: {err.strerror}") from None
    return ExportCounts(rows)


def _write_csv(
    conn: sqlite3.Connection,
    chosen: Sequence[SessionSummary],
    staging: _Staging,
    rows: dict[str, int],
) -> None:
    for table, table_iter in table_rows(conn, chosen):
        with staging.open(staging.path / f"{table.name}.csv") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(column.name for column in table.columns)
            count = 0
            for row in table_iter:
                writer.writerow(row)
                count += 1
        rows[table.name] = count
    with staging.open(staging.path / "README.txt") as file:
        file.write(readme())


def _write_json(
    conn: sqlite3.Connection,
    chosen: Sequence[SessionSummary],
    staging: _Staging,
    rows: dict[str, int],
) -> None:
    with staging.open(staging.path) as file:
        for table, table_iter in table_rows(conn, chosen):
            names = [column.name for column in table.columns]
            count = 0
            for row in table_iter:
                record = {"table": table.name, **dict(zip(names, row, strict=True))}
                file.write(json.dumps(record) + "\n")
                count += 1
            rows[table.name] = count


def readme() -> str:
    """The column guide written beside the CSV tables (also the export's documentation)."""
    lines = [
        "knotmeter export: one CSV file per table, comma-separated, UTF-8, header row first.",
        "Empty cell = not known. Times on the tool's clock restart at 0 each session;",
        "*_utc columns are wall-clock times. Units are in the column names",
        "(_s seconds, _n newtons, _0_10 a rating from 0 to 10).",
        "",
        "samples.csv of a one-session export (--session ID) is a trace for",
        "`knotmeter analyze samples.csv --region ID`; for several sessions, take one",
        "session_id's rows.",
    ]
    for table in TABLES:
        lines += ["", f"{table.name}.csv: {table.row}"]
        width = max(len(column.name) for column in table.columns)
        for column in table.columns:
            lines += textwrap.wrap(
                column.meaning,
                README_WIDTH,
                initial_indent=f"  {column.name:<{width}}  ",
                subsequent_indent=" " * (width + 4),
            )
    return "\n".join(lines) + "\n"
