"""Where health data lives, and with what permissions.

Force traces and pain ratings are health data: they stay in the user's own data
directory, readable by the user alone (directory 0700, files 0600).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from knotmeter.errors import KnotmeterError

DATA_DIR_ENV = "KNOTMETER_DATA_DIR"
DB_NAME = "knotmeter.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def data_dir() -> Path:
    """The user data directory, or ``$KNOTMETER_DATA_DIR`` (tests, power users)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("knotmeter", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_NAME


def prepare_private_file(path: Path) -> None:
    """Create ``path``'s directory (0700) and the file itself (0600) before SQLite opens it.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so
    creating the database 0600 up front keeps all three private whatever the umask.
    Modes of files that already exist are tightened too; a directory that already
    exists (a user's ``$KNOTMETER_DATA_DIR``) keeps its mode.
    """
    try:
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        finally:
            os.close(fd)
        for suffix in ("-wal", "-shm"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                sidecar.chmod(PRIVATE_FILE_MODE)
    except OSError as err:
        raise KnotmeterError(
            f"cannot create the session store {path}: {err.strerror} "
            f"(set {DATA_DIR_ENV} to a writable directory)"
        ) from err
