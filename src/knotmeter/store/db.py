"""Opening the SQLite file with the settings the store relies on, and write transactions.

Durability choice: WAL with ``synchronous=NORMAL``. A commit appends the batch to the
``-wal`` file with ``write()``; once that returns the bytes belong to the kernel, so a
killed or crashed process loses nothing it committed (the SIGKILL test proves it).
``FULL`` would add an fsync per commit, milliseconds on real disks 10-100 times a
second in the event loop, and only guards against power loss or a kernel crash,
which would cost at most the last commits and never corrupt the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knotmeter.errors import KnotmeterError
from knotmeter.store.paths import prepare_private_file
from knotmeter.store.schema import migrate


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating 0600 if needed) and migrate the store at ``path``."""
    prepare_private_file(path)
    try:
        # Autocommit mode: every write below says BEGIN/COMMIT itself.
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 2000")
            migrate(conn, path)
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as err:
        raise KnotmeterError(
            f"cannot open the session store {path}: {err} (move the file aside to start afresh)"
        ) from err
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write; SQLite failures become one user-facing line."""
    try:
        conn.execute("BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        raise KnotmeterError(f"cannot write to the session store {path}: {err}") from err
