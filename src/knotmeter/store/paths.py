"""Where health data lives, and with what permissions.

Force traces and pain ratings are health data: they stay in the user's own data
directory, readable by the user alone (directory 0700, files 0600). Modes are set
on the file itself, never through a symlink: a link is the user's own arrangement
(a store on another disk) and its target keeps the mode its owner gave it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from knotmeter.errors import KnotmeterError

DATA_DIR_ENV = "KNOTMETER_DATA_DIR"
DB_NAME = "knotmeter.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SIDECARS = ("-wal", "-shm")


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
    Modes of files that already exist are tightened too (never through a link); a
    directory that already exists (a user's ``$KNOTMETER_DATA_DIR``) keeps its mode.
    """
    try:
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        _tighten(path, create=True)
        tighten_sidecars(path)
    except OSError as err:
        raise KnotmeterError(
            f"cannot create the session store {path}: {err.strerror} "
            f"(set {DATA_DIR_ENV} to a writable directory)"
        ) from err


def tighten_sidecars(path: Path) -> None:
    """Make the ``-wal`` and ``-shm`` files that exist 0600 (never through a link)."""
    for suffix in SIDECARS:
        _tighten(path.with_name(path.name + suffix), create=False)


def _tighten(path: Path, *, create: bool) -> None:
    """0600 on ``path`` itself; a symlink is left alone, a missing file made if ``create``."""
    flags = os.O_RDWR | os.O_NOFOLLOW | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, PRIVATE_FILE_MODE)
    except FileNotFoundError:
        if create:
            raise
        return
    except OSError as err:
        if err.errno == errno.ELOOP and stat.S_ISLNK(os.lstat(path).st_mode):
            return  # a link: its target is not ours to chmod
        raise
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
