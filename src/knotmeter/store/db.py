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

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.store.failures import failure
from knotmeter.store.paths import SIDECARS, prepare_private_file, tighten_sidecars
from knotmeter.store.schema import (
    SCHEMA_VERSION,
    check_version,
    migrate,
    sides_for_older_store,
)

WRITE_BUSY_TIMEOUT_MS = 2000
"""How long a write on the opening thread waits for another program's lock."""
WAL_LIMIT_BYTES = 512 * 1024
"""The ``-wal`` file is cut back to this after a checkpoint (``journal_size_limit``)."""
WAL_CHECKPOINT_PAGES = 128
"""Checkpoint after this many pages (512 kB at 4 kB pages), not SQLite's 1000 (4 MB): the
WAL is reused from its start after each one, so it stays near this size, and a store on
a small volume (a 3 MB tmpfs) never fills it with a log it has not yet checkpointed."""


def identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` (device, inode), or ``None`` if none is there: a store deleted
    or replaced under an open connection is told by a changed identity. SQLite goes on
    writing the unlinked file's open descriptors, so only a look at the path can tell."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


class StoreDamaged(BadInput):
    """The file is not a sound store: say which file and what to do (exit 2)."""

    def __init__(self, path: Path, detail: str) -> None:
        detail = " ".join(detail.split())  # SQLite's reports run over several lines
        super().__init__(
            f"the session store {path} is damaged ({detail}): run `knotmeter store --check`, "
            f"or move the file aside (that keeps a copy) to start afresh"
        )
        self.detail = detail


class StoreWriteError(KnotmeterError):
    """A write that did not happen; ``reason`` is the short why shown on screen
    (:mod:`knotmeter.store.failures` names it), ``raw`` SQLite's own words for the log.

    ``busy``: a lock held elsewhere; ``passing``: the same write may work later (busy,
    disk full, I/O, the file gone), so it is worth retrying.
    """

    def __init__(self, path: Path, err: sqlite3.Error) -> None:
        super().__init__(f"cannot write to the session store {path}: {err}")
        self.failure = failure(path, err)
        self.busy = self.failure.busy
        self.passing = self.failure.passing
        self.reason = self.failure.words
        self.raw = self.failure.raw


def drop_stale_sidecars(path: Path) -> None:
    """Before opening the file now at ``path`` after the one this process had open was
    deleted or replaced: a ``-wal`` or ``-shm`` still there that this process holds open
    belongs to the old file, and SQLite would replay the old file's log onto the new one.
    Unlinked, it lives on for the old connection's last reads; the new file starts its
    own. A sidecar that came with a replacement (not ours) is left alone."""
    held: set[tuple[int, int]] = set()
    for fd in os.listdir("/proc/self/fd"):
        with suppress(OSError):  # the listing's own descriptor is gone by now
            st = os.stat(f"/proc/self/fd/{fd}")
            held.add((st.st_dev, st.st_ino))
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if identity(sidecar) in held:
            sidecar.unlink(missing_ok=True)


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
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
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
