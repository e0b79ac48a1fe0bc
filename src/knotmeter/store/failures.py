"""Why a write to the store failed, in words a person can act on.

SQLite's result codes say which layer refused, not always why: ``SQLITE_FULL`` ("database
or disk is full") also comes from a full temporary folder (sorts and statement journals
spill there), a file size limit (``ulimit -f``: a short write is "full" to SQLite), or a
page limit, on a disk with gigabytes free. So a full store is named only after looking:
the size limit first (at it, a write is "I/O error" or "full"), then the store's own disk,
then the temporary folder; when none of
them is it, the words say the disk has room and the log keeps SQLite's own error. That
is the "disk full" seen with 79 GB free: the words came from the code alone.

One row per kind (:data:`WORDS`), each with what to do; :func:`failure` picks the row.

>>> import sqlite3
>>> err = sqlite3.OperationalError("attempt to write a readonly database")
>>> err.sqlite_errorcode = sqlite3.SQLITE_READONLY
>>> failure(Path("/nonexistent/k.sqlite3"), err).kind
<Failure.READ_ONLY: 'read-only'>
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

FULL_BELOW_BYTES = 8 * 1024 * 1024
"""A disk with less free than this is full for the store: a checkpoint and a few minutes
of samples need about that much."""
SQLITE_READONLY_DBMOVED = sqlite3.SQLITE_READONLY | (4 << 8)
"""The extended code for a database file unlinked or renamed under the connection."""


class Failure(StrEnum):
    FULL = "full"
    TEMP_FULL = "temp full"
    SIZE_LIMIT = "size limit"
    FULL_WITH_ROOM = "full with room"
    IO = "I/O"
    LOCKED = "locked"
    BUSY = "busy"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    GONE = "gone"
    REPLACED = "replaced"
    CANNOT_OPEN = "cannot open"
    OTHER = "other"


WORDS: dict[Failure, str] = {
    Failure.FULL: "disk full ({free} free)",
    Failure.TEMP_FULL: "temporary folder {temp} full ({free} free)",
    Failure.SIZE_LIMIT: "file size limit {limit} reached (ulimit -f)",
    Failure.FULL_WITH_ROOM: "SQLite says full, the disk has {free} free (see knotmeter.log)",
    Failure.IO: "disk I/O error (see knotmeter.log)",
    Failure.LOCKED: "the store is locked by this program",
    Failure.BUSY: "the store is locked by another program",
    Failure.READ_ONLY: "the store is read-only",
    Failure.DAMAGED: "the store is damaged (knotmeter store --check)",
    Failure.GONE: "the store file was deleted",
    Failure.REPLACED: "the store file was replaced by another",
    Failure.CANNOT_OPEN: "the store file cannot be opened",
    Failure.OTHER: "{raw}",
}
"""Every kind's words; ``{…}`` are filled from what was found."""

_BY_CODE = {
    sqlite3.SQLITE_IOERR: Failure.IO,
    sqlite3.SQLITE_LOCKED: Failure.LOCKED,
    sqlite3.SQLITE_BUSY: Failure.BUSY,
    sqlite3.SQLITE_READONLY: Failure.READ_ONLY,
    sqlite3.SQLITE_CORRUPT: Failure.DAMAGED,
    sqlite3.SQLITE_NOTADB: Failure.DAMAGED,
    sqlite3.SQLITE_CANTOPEN: Failure.CANNOT_OPEN,
}
PASSING = frozenset(
    {Failure.FULL, Failure.TEMP_FULL, Failure.SIZE_LIMIT, Failure.FULL_WITH_ROOM, Failure.IO,
     Failure.LOCKED, Failure.BUSY, Failure.READ_ONLY, Failure.CANNOT_OPEN, Failure.GONE,
     Failure.REPLACED}
)  # fmt: skip
"""Failures of the disk, of a lock or of the file: the same write may work later.
Damage and anything else (a constraint) fail the same way every time."""
SPACE = frozenset({Failure.FULL, Failure.TEMP_FULL, Failure.SIZE_LIMIT, Failure.FULL_WITH_ROOM})


@dataclass(slots=True, frozen=True)
class WriteFailure:
    """One failed write: its kind, the words for the status line, SQLite's own text."""

    kind: Failure
    words: str
    raw: str

    @property
    def passing(self) -> bool:
        return self.kind in PASSING

    @property
    def busy(self) -> bool:
        return self.kind in (Failure.BUSY, Failure.LOCKED)


def failure(path: Path, err: sqlite3.Error) -> WriteFailure:
    """Name ``err`` (raised writing the store at ``path``), looking at the disk for "full"."""
    code = getattr(err, "sqlite_errorcode", None)
    raw = f"{err} ({getattr(err, 'sqlite_errorname', None) or code})"
    if code == SQLITE_READONLY_DBMOVED:
        return WriteFailure(Failure.GONE, WORDS[Failure.GONE], raw)
    primary = None if code is None else code & 0xFF
    if primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR) and _at_size_limit(path):
        limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)  # EFBIG is an I/O error to SQLite
        return WriteFailure(Failure.SIZE_LIMIT, WORDS[Failure.SIZE_LIMIT].format(
            limit=size_text(limit)), raw)  # fmt: skip
    if primary == sqlite3.SQLITE_FULL:
        return _full(path, raw)
    kind = _BY_CODE.get(primary, Failure.OTHER) if primary is not None else Failure.OTHER
    return WriteFailure(kind, WORDS[kind].format(raw=str(err)), raw)


def _full(path: Path, raw: str) -> WriteFailure:
    """Which "full" it is: the store's disk, the temporary folder, the size limit, or none."""
    where = _existing(path.parent)
    free = _free(where)
    if free is not None and free < FULL_BELOW_BYTES:
        words = WORDS[Failure.FULL].format(free=size_text(free))
        return WriteFailure(Failure.FULL, words, raw)
    temp = _sqlite_temp_dir()
    temp_free = _free(temp)
    if temp_free is not None and temp_free < FULL_BELOW_BYTES:
        words = WORDS[Failure.TEMP_FULL].format(temp=temp, free=size_text(temp_free))
        return WriteFailure(Failure.TEMP_FULL, words, raw)
    room = "unknown" if free is None else size_text(free)
    words = WORDS[Failure.FULL_WITH_ROOM].format(free=room)
    return WriteFailure(Failure.FULL_WITH_ROOM, words, raw)


def _sqlite_temp_dir() -> Path:
    """Where SQLite puts its temporary files (sorts, statement journals): the first
    usable of ``$SQLITE_TMPDIR``, ``$TMPDIR``, ``/var/tmp``, ``/usr/tmp``, ``/tmp``, as its
    unix VFS looks (read from this process's environment, which SQLite read at start)."""
    for name in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"),
                 "/var/tmp", "/usr/tmp", "/tmp"):  # fmt: skip
        if name and os.path.isdir(name) and os.access(name, os.W_OK | os.X_OK):
            return Path(name)
    return Path.cwd()


SIZE_LIMIT_SLACK = 64 * 1024
"""A store file this close to the file size limit is stopped by it (a write is ~4 kB)."""


def _at_size_limit(path: Path) -> bool:
    """Is a file size limit (``ulimit -f``) set, and the store or its log at it?"""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit == resource.RLIM_INFINITY:
        return False
    for suffix in ("", "-wal"):
        try:
            if path.with_name(path.name + suffix).stat().st_size + SIZE_LIMIT_SLACK > limit:
                return True
        except OSError:
            continue
    return False


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (a deleted data dir is measured by its disk)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _free(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def free_bytes(path: Path) -> int | None:
    """Free bytes on the disk that holds (or will hold) ``path``; ``None`` if unknown."""
    return _free(_existing(path.parent))


def size_text(n: float) -> str:
    """Bytes as a person reads them: ``12 kB``, ``3.1 MB``, ``79 GB``.

    >>> size_text(12_000), size_text(3_100_000), size_text(79e9)
    ('12 kB', '3.1 MB', '79 GB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            return f"{value:.2g} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(n)} B"
