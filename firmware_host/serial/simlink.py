"""Port links of simulated tools, and the lock that proves one belongs to a live simulator.

A simulator serves its pty behind a symlink (``$TMP/knotmeter-sim-<pid>-<n>`` by
default) and holds an exclusive ``flock`` on ``<link>.lock`` for as long as it
runs. Only a link whose lock is held, both owned by this user, counts as a
simulator's: a pid in a name proves nothing (pids are reused, names are forged),
and probing a forged link could put somebody's terminal in raw mode. A lock
nobody holds marks a link its simulator left behind when killed; the next
simulator to start removes it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

SIM_LINK_PREFIX = "knotmeter-sim-"
LOCK_SUFFIX = ".lock"


class LinkInUse(Exception):
    """The path is not free for a simulator's link; ``str()`` says why and what to do."""


def default_link_dir() -> Path:
    return Path(tempfile.gettempdir())


def lock_path(link: Path) -> Path:
    return link.with_name(link.name + LOCK_SUFFIX)


def is_live_simulator_link(link: str | Path) -> bool:
    """``link`` is a symlink to a pty, with a lock beside it held by a running simulator,
    both this user's."""
    link = Path(link)
    try:
        if not _own_symlink(link) or not Path(os.readlink(link)).name.isdigit():
            return False
    except OSError:
        return False
    return _lock_state(lock_path(link)) == "held"


def claim_link(link: Path) -> int:
    """Take ``link``'s lock for a simulator about to serve there; returns the lock's fd.

    A stale link (a link with its lock file beside it, the lock free) is removed.
    Raises :class:`LinkInUse` when the path is anything but free or a stale
    simulator link: a file, a directory, a link without a lock, or a live
    simulator's link.
    """
    if not link.parent.is_dir():
        raise LinkInUse(f"{link}: no such directory {link.parent}")
    foreign = LinkInUse(f"{link}: exists and is not a simulator's port link; choose a new path")
    if os.path.lexists(link) and not _own_symlink(link):
        raise foreign
    lock = lock_path(link)
    if os.path.lexists(link) and not _own_regular_file(lock):
        raise foreign  # a link of ours with no lock beside it: somebody else's doing
    if os.path.lexists(lock) and not _own_regular_file(lock):
        raise LinkInUse(f"{lock}: exists and is not a simulator's lock; choose a new path")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as err:
        raise LinkInUse(f"{lock}: cannot create the simulator's lock ({err.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LinkInUse(f"{link}: another simulator serves there; choose a new path") from None
    if os.path.lexists(link):
        if not _own_symlink(link):  # appeared meanwhile
            os.close(fd)
            raise LinkInUse(f"{link}: exists and is not a simulator's port link")
        link.unlink()  # stale: its simulator was killed, its lock is free
    return fd


def release_link(link: Path, lock_fd: int) -> None:
    """Remove ``link`` and its lock, then let the lock go (in that order, so no other
    simulator can claim the path while it is being removed)."""
    with contextlib.suppress(FileNotFoundError):
        if _own_symlink(link):
            link.unlink()
    with contextlib.suppress(FileNotFoundError):
        lock_path(link).unlink()
    os.close(lock_fd)


def clean_stale_links(directory: Path | None = None) -> int:
    """Remove the default-named links (and locks) that killed simulators left in
    ``directory``; returns how many links went."""
    removed = 0
    pattern = str((directory or default_link_dir()) / f"{SIM_LINK_PREFIX}*{LOCK_SUFFIX}")
    for name in glob.glob(pattern):
        lock = Path(name)
        link = lock.with_name(lock.name.removesuffix(LOCK_SUFFIX))
        if not _own_regular_file(lock) or _lock_state(lock) != "free":
            continue
        if os.path.lexists(link) and _own_symlink(link):
            link.unlink()
            removed += 1
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
    return removed


def _own_symlink(path: Path) -> bool:
    return _own(path, stat.S_ISLNK)


def _own_regular_file(path: Path) -> bool:
    return _own(path, stat.S_ISREG)


def _own(path: Path, is_kind: Callable[[int], bool]) -> bool:
    """``path`` itself (not what it points at) is of that kind and this user's."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    return is_kind(info.st_mode) and info.st_uid == os.getuid()


def _lock_state(lock: Path) -> str:
    """``held`` by a running process, ``free``, or ``none`` (missing, not ours)."""
    if not _own_regular_file(lock):
        return "none"
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return "none"
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as err:
        return "held" if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN) else "none"
    finally:
        os.close(fd)  # closing drops a shared lock taken just now
    return "free"
