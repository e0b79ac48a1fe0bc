"""The store's tables, as an ordered list of migrations.

``PRAGMA user_version`` counts the migrations applied; opening a store applies the
missing ones in one transaction each. A file written by a newer knotmeter (a
higher version than we know) is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from knotmeter.errors import KnotmeterError

# Append only: never edit a migration that has shipped, add the next one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        started_at  REAL NOT NULL,              -- wall clock, Unix seconds (UTC)
        ended_at    REAL,                       -- NULL: still open, or the process died
        source      TEXT NOT NULL,              -- the source moniker
        kind        TEXT NOT NULL CHECK (kind IN ('device', 'simulated', 'replay')),
        region      TEXT NOT NULL               -- the region the session started on
    );
    CREATE TABLE samples (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        t           REAL NOT NULL,              -- source timeline, seconds
        force_n     REAL NOT NULL,              -- raw force as the source sent it
        PRIMARY KEY (session_id, t)
    ) WITHOUT ROWID;
    CREATE TABLE holds (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        region      TEXT NOT NULL,
        started_at  REAL NOT NULL,              -- wall clock, Unix seconds (UTC)
        start_t     REAL NOT NULL,              -- source timeline, seconds
        end_t       REAL,                       -- NULL while the hold is running
        in_band_s   REAL,
        over_band_s REAL,
        peak_n      REAL,
        mean_n      REAL,                       -- NULL if the session stopped mid-hold
        complete    INTEGER,
        pain        INTEGER CHECK (pain BETWEEN 0 AND 9)
    );
    CREATE UNIQUE INDEX holds_by_session ON holds (session_id, start_t);
    CREATE INDEX holds_by_region_time ON holds (region, started_at);
    CREATE TABLE alarms (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        t           REAL NOT NULL,
        kind        TEXT NOT NULL,
        force_n     REAL NOT NULL
    );
    CREATE INDEX alarms_by_session ON alarms (session_id, t);
    """,
    """
    CREATE TABLE targets (                      -- personal targets from a PPT measurement
        region      TEXT NOT NULL,
        measured_at REAL NOT NULL,              -- wall clock, Unix seconds (UTC)
        ppt_n       REAL NOT NULL,
        band_low_n  REAL NOT NULL,
        band_high_n REAL NOT NULL,
        ceiling_n   REAL NOT NULL
    );
    CREATE INDEX targets_by_region ON targets (region, measured_at);
    """,
    """
    -- Targets per region and tool (a hook presses on less skin than a ball); the
    -- measurements made before tools were known were all made with the ball.
    ALTER TABLE targets ADD COLUMN tool TEXT NOT NULL DEFAULT 'ball';
    DROP INDEX targets_by_region;
    CREATE INDEX targets_by_region_tool ON targets (region, tool, measured_at);
    -- The process writing a session, so the next start can tell a session a crash
    -- left open (its process is gone) from one another knotmeter is still writing.
    ALTER TABLE sessions ADD COLUMN pid INTEGER;
    """,
    """
    CREATE TABLE summaries (                    -- what a session came to, shown after q
        session_id  INTEGER PRIMARY KEY REFERENCES sessions (id),
        summary     TEXT NOT NULL               -- JSON: duration, points, alarms
    );
    """,
    """
    -- The presses a PPT measurement kept (JSON list of newtons, the dropped first one
    -- included), so a stored band can be told from a guess; older rows have none.
    ALTER TABLE targets ADD COLUMN trials TEXT NOT NULL DEFAULT '[]';
    -- Pain is rated 1-10 (the source's scale; the key 0 is 10): SQLite cannot change a
    -- CHECK, so the holds table is rebuilt. Ratings made on the old 0-9 keys are kept.
    CREATE TABLE holds_1_10 (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        region      TEXT NOT NULL,
        started_at  REAL NOT NULL,
        start_t     REAL NOT NULL,
        end_t       REAL,
        in_band_s   REAL,
        over_band_s REAL,
        peak_n      REAL,
        mean_n      REAL,
        complete    INTEGER,
        pain        INTEGER CHECK (pain BETWEEN 0 AND 10)
    );
    INSERT INTO holds_1_10 SELECT * FROM holds;
    DROP TABLE holds;
    ALTER TABLE holds_1_10 RENAME TO holds;
    CREATE UNIQUE INDEX holds_by_session ON holds (session_id, start_t);
    CREATE INDEX holds_by_region_time ON holds (region, started_at);
    -- The complaint, rated at a routine's start and at its retest (core.scores).
    CREATE TABLE outcomes (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        plan        TEXT NOT NULL,
        recorded_at REAL NOT NULL,              -- wall clock, Unix seconds (UTC)
        moment      TEXT NOT NULL CHECK (moment IN ('start', 'retest')),
        pain        INTEGER NOT NULL CHECK (pain BETWEEN 1 AND 10),
        function    INTEGER NOT NULL CHECK (function BETWEEN 1 AND 10),
        retest      TEXT CHECK (retest IN ('better', 'same', 'worse'))
    );
    CREATE INDEX outcomes_by_plan_time ON outcomes (plan, recorded_at);
    CREATE TABLE screenings (                   -- the screening answers; the newest holds
        answered_at          REAL NOT NULL,     -- wall clock, Unix seconds (UTC)
        answers_json         TEXT NOT NULL,     -- JSON: item id -> true (applies) / false
        cleared_by_clinician INTEGER NOT NULL CHECK (cleared_by_clinician IN (0, 1)),
        light_json           TEXT               -- JSON: the go-lighter items; NULL: standard
    );
    CREATE INDEX screenings_by_time ON screenings (answered_at);
    """,
    """
    -- Screening tiers (REFERENCE §7): a red flag is lifted only by a typed clearance,
    -- who and when (valid 7 days); the acute items are asked every sitting, so a row
    -- also says when every item was last answered (NULL: at answered_at).
    ALTER TABLE screenings ADD COLUMN all_answered_at REAL;
    ALTER TABLE screenings ADD COLUMN cleared_who TEXT;
    ALTER TABLE screenings ADD COLUMN cleared_on TEXT;  -- ISO date
    -- The complaint's pain (NPRS) and function (PSFS) are 0-10: rebuild for the CHECK.
    -- Ratings made on the old 1-10 scale are kept as they were stored.
    CREATE TABLE outcomes_0_10 (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        plan        TEXT NOT NULL,
        recorded_at REAL NOT NULL,
        moment      TEXT NOT NULL CHECK (moment IN ('start', 'retest')),
        pain        INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
        function    INTEGER NOT NULL CHECK (function BETWEEN 0 AND 10),
        retest      TEXT CHECK (retest IN ('better', 'same', 'worse'))
    );
    INSERT INTO outcomes_0_10 SELECT * FROM outcomes;
    DROP TABLE outcomes;
    ALTER TABLE outcomes_0_10 RENAME TO outcomes;
    CREATE INDEX outcomes_by_plan_time ON outcomes (plan, recorded_at);
    -- Bruising and next-day soreness after a sitting, asked at the next one.
    CREATE TABLE aftercare (
        asked_at    REAL NOT NULL,              -- wall clock, Unix seconds (UTC)
        bruising    INTEGER NOT NULL CHECK (bruising IN (0, 1)),
        sore_over_24h INTEGER NOT NULL CHECK (sore_over_24h IN (0, 1))
    );
    """,
    """
    -- The tool flagged its ADC at the end of its range for the batch this sample came
    -- in (core: a clipped reading is "too hard" whatever it reads); kept so a stored or
    -- exported session analyses as it was coached. Older samples were never flagged.
    ALTER TABLE samples ADD COLUMN saturated INTEGER NOT NULL DEFAULT 0
        CHECK (saturated IN (0, 1));
    """,
    """
    -- Raw-count sensors (a Frez Dyno on protocol v1, a board printing counts) calibrated
    -- here: force = n_per_count x (raw - tare), per device; the newest row is the one used.
    CREATE TABLE count_calibrations (
        device        TEXT NOT NULL,            -- serial number (0x2A25), else address or port
        calibrated_at REAL NOT NULL,            -- wall clock, Unix seconds (UTC)
        n_per_count   REAL NOT NULL,
        known_n       REAL NOT NULL,            -- the known load it was calibrated with
        source        TEXT NOT NULL             -- the moniker it was calibrated through
    );
    CREATE INDEX count_calibrations_by_device ON count_calibrations (device, calibrated_at);
    """,
    """
    -- The side of the body a point was pressed (and its pain rated) or measured on
    -- (core.sides); rows from before sides were asked have none (NULL), not guessed at.
    ALTER TABLE holds ADD COLUMN side TEXT CHECK (side IN ('left', 'right'));
    ALTER TABLE targets ADD COLUMN side TEXT CHECK (side IN ('left', 'right'));
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's store version; one written by a newer knotmeter is refused."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise KnotmeterError(
            f"{path} was written by a newer knotmeter (store version {version}, this one "
            f"reads up to {SCHEMA_VERSION}): upgrade knotmeter"
        )
    return version


SIDED_TABLES = ("holds", "targets")
"""The tables that gained a ``side`` column (migration 6)."""


def sides_for_older_store(conn: sqlite3.Connection) -> None:
    """Let a reader of a store from before sides read ``side`` (NULL) like a new one's.

    A read-only look does not migrate (the next writer does), so each table without the
    column is shadowed by a TEMP view that adds it: unqualified names find ``temp``
    first, and the temp schema is private to this connection, so the file is untouched.
    """
    for table in SIDED_TABLES:
        columns = {row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")}
        if columns and "side" not in columns:
            conn.execute(f"CREATE TEMP VIEW {table} AS SELECT *, NULL AS side FROM main.{table}")


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring ``conn`` up to :data:`SCHEMA_VERSION`; ``conn`` must be in autocommit mode."""
    version = check_version(conn, path)
    for number in range(version, SCHEMA_VERSION):
        # executescript commits any open transaction first, so BEGIN/COMMIT here make
        # each migration, and its version bump, all-or-nothing.
        conn.executescript(
            f"BEGIN;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
        )
