"""Opening the SQLite file with the settings the store relies on, and write transactions.

Durability choice: WAL with ``synchronous=NORMAL``. A commit appends the batch to the
``-wal`` file with ``write()``; once that returns the bytes belong to the kernel, so a
killed or crashed process loses nothing it committed (the SIGKILL test proves it).
``FULL`` would add an fsync per commit, milliseconds on real disks 10-100 times a
second, and only guards against power loss or a kernel crash, which would cost at
most the last commits and never corrupt the file.

Every open runs ``PRAGMA quick_check`` first: a damaged file is named in one line
with what to do, before anything writes to it. Reads (``knotmeter history``) open the
file read-only and never need write access or change a mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.store.paths import prepare_private_file, tighten_sidecars
from knotmeter.store.schema import (
    SCHEMA_VERSION,
    check_version,
    migrate,
    sides_for_older_store,
)

WRITE_BUSY_TIMEOUT_MS = 2000
"""How long a write on the opening thread waits for another program's lock."""

_REASONS = {
    sqlite3.SQLITE_BUSY: "the store is locked by another program",
    sqlite3.SQLITE_LOCKED: "the store is locked by another program",
    sqlite3.SQLITE_FULL: "disk full",
    sqlite3.SQLITE_READONLY: "the store is read-only",
    sqlite3.SQLITE_IOERR: "disk error",
    sqlite3.SQLITE_CANTOPEN: "the store cannot be opened",
    sqlite3.SQLITE_CORRUPT: "the store is damaged",
    sqlite3.SQLITE_NOTADB: "the store is damaged",
}


class StoreDamaged(BadInput):
    """The file is not a sound store: say which file and what to do (exit 2)."""

    def __init__(self, path: Path, detail: str) -> None:
        detail = " ".join(detail.split())  # SQLite's reports run over several lines
        super().__init__(
            f"the session store {path} is damaged ({detail}): run `knotmeter store --check`, "
            f"or move the file aside (that keeps a copy) to start afresh"
        )
        self.detail = detail


_PASSING = frozenset(
    {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
     sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM}
)  # fmt: skip
"""Failures of the disk or of another program's lock: the same write may work later.
Anything else (a constraint, damage) fails the same way every time."""


class StoreWriteError(KnotmeterError):
    """A write that did not happen; ``reason`` is the short why shown on screen.

    ``busy``: another program holds the lock; ``passing``: the same write may work
    later (busy, disk full, I/O), so it is worth retrying.
    """

    def __init__(self, path: Path, err: sqlite3.Error) -> None:
        super().__init__(f"cannot write to the session store {path}: {err}")
        code = getattr(err, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF
        self.busy = primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        self.passing = primary in _PASSING
        self.reason = str(err) if primary is None else _REASONS.get(primary, str(err))


def connect(
    path: Path, *, busy_timeout_ms: int = WRITE_BUSY_TIMEOUT_MS, check: bool = True
) -> sqlite3.Connection:
    """Open (creating 0600 if needed), check and migrate the store at ``path``.

    ``check`` ``False`` skips the integrity check, for a second connection to a file
    this process has just checked. The connection may be handed to one other thread
    (the store's writer), never shared by two at once.
    """

    def setup(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if check:
            _quick_check(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
        _require_tables(conn, path)
        tighten_sidecars(path)

    prepare_private_file(path)
    return _open(str(path), path, setup)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing store for reading only: no write access needed, nothing created,
    no mode changed (a symlink is read through, never chmodded)."""

    def setup(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_TIMEOUT_MS}")
        _quick_check(conn, path)
        if check_version(conn, path) < 1:
            raise BadInput(f"{path} is not a knotmeter store (store version 0): cannot read it")
        _require_tables(conn, path)
        sides_for_older_store(conn)

    return _open(f"file:{quote(str(path.resolve()))}?mode=ro", path, setup, uri=True)


def _open(
    database: str, path: Path, setup: Callable[[sqlite3.Connection], None], *, uri: bool = False
) -> sqlite3.Connection:
    """Connect (autocommit: every write says BEGIN/COMMIT itself) and ``setup``; any
    failure closes the connection and is one line (:func:`failures`)."""
    with failures(path, "open"):
        conn = sqlite3.connect(database, uri=uri, isolation_level=None, check_same_thread=False)
        try:
            setup(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)").fetchall()]
    if problems != ["ok"]:
        raise StoreDamaged(path, problems[0])


def _require_tables(conn: sqlite3.Connection, path: Path) -> None:
    """A store at the current version with a table gone (dropped by hand) is damaged."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        return  # an older store: the next writer migrates it; reads see what it has
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    missing = sorted({"sessions", "samples", "holds", "alarms", "targets"} - tables)
    if missing:
        raise StoreDamaged(path, f"table {', '.join(missing)} missing")


def _damage(err: sqlite3.DatabaseError) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


@contextmanager
def failures(path: Path, doing: str) -> Iterator[None]:
    """SQLite failures while ``doing`` (open, read) something with the store, as one line:
    :class:`StoreDamaged` for a damaged file, a :class:`KnotmeterError` otherwise."""
    try:
        yield
    except sqlite3.DatabaseError as err:
        if _damage(err):
            raise StoreDamaged(path, str(err)) from err
        raise KnotmeterError(f"cannot {doing} the session store {path}: {err}") from err
    except sqlite3.Error as err:
        raise KnotmeterError(f"cannot {doing} the session store {path}: {err}") from err


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write; a failure is a :class:`StoreWriteError` (one line)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        if conn.in_transaction:  # a COMMIT that failed (busy, full) leaves it open
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise StoreWriteError(path, err) from err
