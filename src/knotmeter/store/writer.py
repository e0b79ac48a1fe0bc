"""Writes one live session from a background thread: the alarm path never waits on SQLite.

The session hands each batch, with the events it caused, to :meth:`StoreWriter.record`,
which only queues it and returns. One thread (sqlite3 calls block, so a thread rather
than the event loop) writes the queue in order, one transaction per call:

- another program holds the write lock: the same write is retried every
  :data:`RETRY_BUSY_S` until it goes through, so the samples land late but in order;
- the disk is full or failing: retried every :data:`RETRY_FAILED_S`, in order too;
- a write that can never succeed (a constraint the data breaks): that one call is
  dropped and counted, and the queue moves on;
- the store file was deleted or replaced (its device and inode changed): noticed before
  the next write, the session is carried into a fresh file at the same path, from the
  old file's still-open descriptors (``carry.py``), and the write goes on there; the
  status line and the exit say so.

The ``-wal`` file is bounded (``db.py``) and checkpointed (TRUNCATE) every
:data:`CHECKPOINT_EVERY` writes and whenever a write fails for space, so a small
volume holds a long session, and saving resumes by itself once space returns.

The queue holds at most ``capacity`` samples (default ten minutes at 1 kHz, ~10 MB).
A batch that would overflow it is dropped whole and counted (the newest samples go,
never the queued ones, so what is stored stays in order), while its events (holds,
alarms, pain: a handful a minute) still queue, so the record of what happened stays
whole. Nothing here ever blocks the caller.

:attr:`StoreWriter.health` is what the screen shows: saving, behind (the oldest queued
write has waited over :data:`BEHIND_S`), or not saving and why.

Weighed: ``aiosqlite`` also runs sqlite3 on a thread, but each call is awaited and
it has no bound, retry or health, which are the point here; ``queue.Queue`` cannot
leave a write at the head while it is retried, hence a deque under a condition.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from knotmeter.core.events import Event
from knotmeter.core.samples import SampleBatch
from knotmeter.core.sides import Side
from knotmeter.errors import KnotmeterError
from knotmeter.store.carry import carry_over
from knotmeter.store.db import (
    StoreDamaged,
    StoreWriteError,
    connect,
    drop_stale_sidecars,
    identity,
)
from knotmeter.store.failures import SPACE, WORDS, Failure, free_bytes, size_text
from knotmeter.store.recorder import SessionRecorder
from knotmeter.store.records import SourceKind

RETRY_BUSY_S = 0.05
RETRY_FAILED_S = 0.5
BEHIND_S = 1.0
WRITER_BUSY_TIMEOUT_MS = 50
"""Short, so the health turns "not saving" within a frame of a lock being taken."""
DEFAULT_CAPACITY = 600_000
CLOSE_TIMEOUT_S = 3.0
"""How long quitting waits for a locked store to free up before giving up on the rest."""
CHECKPOINT_EVERY = 200
"""Writes between checkpoints that cut the ``-wal`` file back (at 80 Hz in 50 ms batches,
every 10 s), beside SQLite's own automatic ones, which never truncate it."""
BYTES_PER_HOUR = 9_000_000
"""An hour at 80 Hz in the store: 288 000 samples took 7.97 MB (~28 bytes a sample,
measured by writing them through this writer into a fresh file), plus the 0.5 MB the
``-wal`` file may hold. Less free than this is shown at start, with the time it holds."""

_log = logging.getLogger(__name__)


class SaveState(StrEnum):
    SAVING = "saving"
    BEHIND = "behind"
    NOT_SAVING = "not saving"


@dataclass(slots=True, frozen=True)
class StoreHealth:
    """Where the session's record stands; counts are samples."""

    state: SaveState
    reason: str | None = None
    """Why not saving ("disk full", "the store is locked by another program")."""
    pending: int = 0
    """Queued, not on disk yet."""
    dropped: int = 0
    """Never to be stored: the queue was full, or the write could never succeed."""
    saved: int = 0
    """On disk (committed): a crash from now on cannot lose them."""
    records: int = 0
    """Other writes (holds, alarms, pain, the session's end) not on disk."""
    lost_because: str | None = None
    """Why the latest dropped samples or events were dropped."""
    notice: str | None = None
    """A short line for the status line while saving goes on (the store file was
    replaced, little free space)."""
    notes: tuple[str, ...] = ()
    """What happened to the store file during the session, one line each, for the exit."""

    def unsaved(self) -> str | None:
        """One line naming what is not on disk, or ``None`` when everything is."""
        samples = self.pending + self.dropped
        if not (samples or self.records):
            return None
        parts = [_count(samples, "sample")] if samples else []
        if self.records:
            parts.append(_count(self.records, "record"))
        why = self.reason or self.lost_because
        why = f" ({why})" if why else ""
        return f"not saved: {' and '.join(parts)} of this session{why}"

    def report(self) -> list[str]:
        """Every line the exit owes the person: what happened to the file, what was lost."""
        unsaved = self.unsaved()
        return [*self.notes, *([] if unsaved is None else [unsaved])]


@dataclass(slots=True)
class _Write:
    samples: int
    records: int
    apply: Callable[[SessionRecorder], None]
    queued_at: float


class StoreWriter:
    """Owns one session row and the thread that fills it.

    Made by :meth:`SessionStore.begin_writer`. The session row is inserted at once
    when the store lets it (so :attr:`session_id` is known); otherwise the thread
    inserts it as soon as it can, before anything else.
    """

    def __init__(
        self,
        path: Path,
        *,
        source: str,
        kind: SourceKind,
        region: str,
        wall_clock: Callable[[], float],
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self._path = path
        self._begin = (source, kind, region, wall_clock)
        self._capacity = capacity
        self._conn: sqlite3.Connection | None = None
        self._recorder: SessionRecorder | None = None
        self._cond = threading.Condition()
        self._queue: deque[_Write] = deque()
        self._pending = 0
        self._dropped = 0
        self._lost_records = 0
        self._queued_records = 0
        self._saved = 0
        self._problem: str | None = None
        self._lost_because: str | None = None
        self._closing = False
        self._abandoned = False
        self._identity: tuple[int, int] | None = None
        self._notice: str | None = None
        self._notes: list[str] = []
        self._since_checkpoint = 0
        self._logged: str | None = None
        try:
            self._ready()
        except KnotmeterError as err:
            self._problem = _reason(err)
            _log.warning("store: %s", err)
        self._warn_if_little_room()
        self._thread = threading.Thread(target=self._run, name="knotmeter-store", daemon=True)
        self._thread.start()

    @property
    def session_id(self) -> int | None:
        """The session's row, once written."""
        recorder = self._recorder
        return None if recorder is None else recorder.session_id

    @property
    def health(self) -> StoreHealth:
        with self._cond:
            waited = time.monotonic() - self._queue[0].queued_at if self._queue else 0.0
            if self._problem is not None:
                state = SaveState.NOT_SAVING
            else:
                state = SaveState.BEHIND if waited > BEHIND_S else SaveState.SAVING
            return StoreHealth(
                state,
                self._problem,
                pending=self._pending,
                dropped=self._dropped,
                saved=self._saved,
                records=self._lost_records + (self._queued_records if self._abandoned else 0),
                lost_because=self._lost_because,
                notice=self._notice,
                notes=tuple(self._notes),
            )

    def record(
        self,
        batch: SampleBatch | None,
        events: Sequence[Event],
        *,
        region: str,
        side: Side | None = None,
    ) -> None:
        """Queue ``batch`` and its ``events`` (see :meth:`SessionRecorder.record`)."""
        count = 0 if batch is None else len(batch)
        with self._cond:
            if count and self._pending + count > self._capacity:
                self._dropped += count
                self._lost_because = "queue full" + (f"; {self._problem}" if self._problem else "")
                batch, count = None, 0
            if not count and not events:
                return
            kept = tuple(events)
            self._put(count, len(kept), lambda r: r.record(batch, kept, region=region, side=side))

    def submit(self, apply: Callable[[SessionRecorder], None]) -> None:
        """Queue one record's write (a rating, targets, screening, an outcome, the kind),
        applied to the session's recorder after every write queued before it."""
        with self._cond:
            self._put(0, 1, apply)

    def close(self, *, timeout_s: float = CLOSE_TIMEOUT_S) -> StoreHealth:
        """Finish the session row after everything queued (a hold still running was ended
        by the pipeline and queued like any other).

        Blocks up to ``timeout_s`` while the store is locked; a store that cannot be
        written (disk full) is given up on at once. Returns what was (not) saved.
        """
        with self._cond:
            if not self._closing:
                self._put(0, 1, lambda r: r.finish())
                self._closing = True
                self._cond.notify()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            with self._cond:
                self._abandoned = True
                self._cond.notify()
            self._thread.join(timeout_s)  # at most a write in progress, then it stops
        if not self._thread.is_alive() and self._conn is not None:
            self._settle_file()
            self._conn.close()
            self._conn = None
            self._verify()
        return self.health

    def _verify(self) -> None:
        """Read the session back from the file at the path, as ``sessions --all`` will: a
        sitting that printed its summary is listed there, or the exit says why not."""
        if self._abandoned or self._recorder is None:
            return  # what was not saved is already counted and said
        session_id = self._recorder.session_id
        uri = f"file:{quote(str(self._path.resolve()))}?mode=rw"  # never creates one
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                row = conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        except sqlite3.Error as err:
            row, why = None, str(err)
        else:
            why = "its row is not in the file"
        if row is None:
            self._notes.append(f"this session is not in the store {self._path}: {why}")
            _log.warning("store: session %s missing after close: %s", session_id, why)

    def _put(self, samples: int, records: int, apply: Callable[[SessionRecorder], None]) -> None:
        """Queue one write; call with the lock held."""
        self._queue.append(_Write(samples, records, apply, time.monotonic()))
        self._pending += samples
        self._queued_records += records
        self._cond.notify()

    def _ready(self) -> SessionRecorder:
        """The recorder, opening the connection and the session row if not done yet, and
        moving to a fresh file if the store's was deleted or replaced since the last write."""
        if self._conn is None:
            self._conn = connect(self._path, busy_timeout_ms=WRITER_BUSY_TIMEOUT_MS, check=False)
            self._identity = identity(self._path)
        elif identity(self._path) != self._identity:
            self._move_on()
        if self._recorder is None:
            source, kind, region, wall_clock = self._begin
            self._recorder = SessionRecorder.begin(
                self._conn, self._path, source=source, kind=kind, region=region,
                wall_clock=wall_clock,
            )  # fmt: skip
        return self._recorder

    def _move_on(self, *, closing: bool = False) -> None:
        """The file at the path is not the one this connection writes: open (create) the
        one there and carry this session over into it; any failure leaves things as they
        were, to be tried again at the next write."""
        old = self._conn
        assert old is not None
        gone = not self._path.exists()
        try:
            drop_stale_sidecars(self._path)
        except OSError as err:
            raise KnotmeterError(
                f"cannot clear the old store's log beside {self._path}: {err}"
            ) from err
        fresh = connect(self._path, busy_timeout_ms=WRITER_BUSY_TIMEOUT_MS, check=not gone)
        try:
            recorder = self._recorder
            carried = None
            if recorder is not None:
                carried = carry_over(old, self._path, recorder.session_id, recorder.open_hold)
        except BaseException:
            fresh.close()
            raise
        old.close()
        self._conn, self._identity = fresh, identity(self._path)
        if recorder is not None and carried is not None:
            self._recorder = recorder.moved(fresh, carried.session_id, carried.open_hold)
        what = Failure.GONE if gone else Failure.REPLACED
        kept = "" if carried is None else f" ({carried.samples} samples carried over)"
        when = "after this session ended" if closing else "during this session"
        self._notes.append(
            f"the store file {self._path} was {'deleted' if gone else 'replaced'} {when}: "
            f"this session is in a new file there{kept}"
        )
        self._notice = f"store file {'deleted' if gone else 'replaced'}: saving to a new one"
        _log.warning("store: %s; %s", what.value, self._notes[-1])

    def _settle_file(self) -> None:
        """At the end (writer thread stopped): if the file went away after the last write,
        carry the session over once more, so a session that printed its summary is in the
        file at the path, or the exit says why not."""
        if self._conn is None or identity(self._path) == self._identity:
            return
        try:
            self._move_on(closing=True)
        except KnotmeterError as err:
            self._notes.append(
                f"this session is not in the store {self._path}: {err} (the file "
                "went away after the last write and a new one could not be written)"
            )

    def _checkpoint(self) -> None:
        """Cut the ``-wal`` file back (TRUNCATE); a reader or a lock in the way only delays
        it to the next one."""
        self._since_checkpoint = 0
        conn = self._conn
        if conn is None:
            return
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as err:
            _log.info("store: checkpoint skipped: %s", err)

    def _warn_if_little_room(self) -> None:
        """At start: free space under an hour of recording is shown with the time it holds."""
        free = free_bytes(self._path)
        if free is None or free >= BYTES_PER_HOUR:
            return
        minutes = free / BYTES_PER_HOUR * 60
        self._notice = (
            f"only {size_text(free)} free for the store: about {minutes:.0f} min of recording"
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue or self._abandoned:
                    return
                write = self._queue[0]
            try:
                write.apply(self._ready())
            except KnotmeterError as err:
                if not self._failed(write, err):
                    return
                continue
            except Exception as err:  # a bug here must not stop the rest being saved
                _log.exception("the store's writer dropped a write")
                with self._cond:
                    self._drop(write, f"{type(err).__name__}: {err}")
                continue
            with self._cond:
                self._done(write)
                self._saved += write.samples
                self._problem = None
            self._logged = None
            self._since_checkpoint += 1
            if self._since_checkpoint >= CHECKPOINT_EVERY:
                self._checkpoint()

    def _failed(self, write: _Write, err: KnotmeterError) -> bool:
        """Note a failed write, wait before the retry; ``False`` to stop for good."""
        passing = not isinstance(err, StoreWriteError) or err.passing
        busy = isinstance(err, StoreWriteError) and err.busy
        raw = err.raw if isinstance(err, StoreWriteError) else str(err)
        if raw != self._logged:  # a lock retried every 50 ms is one line, not twenty a second
            self._logged = raw
            _log.warning("store: a write failed: %s", raw)
        if isinstance(err, StoreWriteError) and err.failure.kind in SPACE:
            self._checkpoint()  # the -wal file may be what fills the disk
        with self._cond:
            self._problem = _reason(err)
            if not passing:  # it would fail the same way forever: drop this one write
                self._drop(write, self._problem)
                return True
            if self._closing and not busy:
                self._abandoned = True  # quitting onto a full disk: waiting will not help
                return False
            self._cond.wait(RETRY_BUSY_S if busy else RETRY_FAILED_S)
            return not self._abandoned

    def _drop(self, write: _Write, why: str) -> None:
        """Give up on ``write`` for good (lock held)."""
        self._done(write)
        self._dropped += write.samples
        self._lost_records += write.records
        self._lost_because = why

    def _done(self, write: _Write) -> None:
        self._queue.popleft()
        self._pending -= write.samples
        self._queued_records -= write.records


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _reason(err: KnotmeterError) -> str:
    """The status line's words: a write's named failure, or that the file cannot be opened
    (short, so a narrow status line keeps it; the whole message goes to the log)."""
    if isinstance(err, StoreWriteError):
        return err.reason
    if isinstance(err, StoreDamaged):
        return WORDS[Failure.DAMAGED]
    return f"{WORDS[Failure.CANNOT_OPEN]} (see knotmeter.log)"
