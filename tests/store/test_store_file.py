"""The writer and the file it writes: deleted or replaced under it, a small volume, each
SQLite failure named, free space shown at start. Real SQLite files throughout; the file
is deleted by another process, the small volume is a real tmpfs (skipped with the
reason where it cannot be mounted), the file size limit is a real rlimit in a child.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli.logfile import log_to_data_dir
from knotmeter.core.events import AlarmKind, AlarmRaised, HoldEnded, HoldStarted
from knotmeter.core.samples import SampleBatch
from knotmeter.store import SaveState, SessionStore, SourceKind, StoreWriter
from knotmeter.store.db import transaction
from knotmeter.store.failures import WORDS, Failure, failure
from knotmeter.store.reads import reading, sessions
from knotmeter.store.writer import BYTES_PER_HOUR
from tests.store.volume import fill, small_tmpfs

REGION = "upper-trapezius"
RATE_HZ = 80.0
BATCH = 4  # 50 ms a batch at 80 Hz, as the session hands them over
WAIT_S = 20.0


def batch(index: int, force_n: float = 50.0) -> SampleBatch:
    """The ``index``-th 50 ms batch of an 80 Hz stream."""
    t = (index * BATCH + np.arange(BATCH)) / RATE_HZ
    return SampleBatch(t, np.full(BATCH, force_n))


def until(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


def begin(path: Path) -> StoreWriter:
    return StoreWriter(path, source="sim:calm", kind=SourceKind.SIMULATED, region=REGION,
                       wall_clock=time.time)  # fmt: skip


def stored(path: Path) -> list[tuple[int, int]]:
    """(session id, samples) of every session in the file at ``path``."""
    with reading(path) as conn:
        return [(s.id, s.samples) for s in sessions(conn, since=0.0, kinds=tuple(SourceKind))]


def test_a_store_deleted_by_another_process_is_noticed_and_the_session_carried_over(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "knotmeter.sqlite3"
    SessionStore(path).close()
    writer = begin(path)
    writer.record(batch(0), [HoldStarted(0.0)], region=REGION)
    for i in range(1, 100):
        writer.record(batch(i), [], region=REGION)
    until(lambda: writer.health.saved == 400, "the first 400 samples saved")
    files = [str(path), f"{path}-wal", f"{path}-shm"]
    subprocess.run(["rm", "-f", *files], check=True)  # another program removes the store
    assert not path.exists()
    alarm = AlarmRaised(5.1, AlarmKind.OVER_CEILING, 120.0)
    for i in range(100, 200):
        writer.record(batch(i), [alarm] if i == 102 else [], region=REGION)
    until(lambda: writer.health.saved == 800, "the rest saved")
    health = writer.health
    assert health.notice == "store file deleted: saving to a new one"
    ended = HoldEnded(9.9, start=0.0, in_band_s=9.9, over_band_s=0.0, peak_n=50.0,
                      mean_n=50.0, complete=False)  # fmt: skip
    writer.record(None, [ended], region=REGION)
    closed = writer.close()
    assert closed.unsaved() is None
    (note,) = closed.report()
    assert note == (
        f"the store file {path} was deleted during this session: this session is in a new "
        "file there (400 samples carried over)"
    )
    assert stored(path) == [(writer.session_id, 800)], "every sample, in the new file"
    with closing(sqlite3.connect(path)) as conn:
        holds = conn.execute("SELECT start_t, end_t FROM holds").fetchall()
        alarms = conn.execute("SELECT kind FROM alarms").fetchall()
        ended_at = conn.execute("SELECT ended_at FROM sessions").fetchone()[0]
    assert holds == [(0.0, 9.9)], "the hold begun in the old file ends in the new one"
    assert alarms == [("over_ceiling",)]
    assert ended_at is not None


def test_a_store_replaced_under_the_session_gets_the_session_added(tmp_path: Path) -> None:
    path = tmp_path / "knotmeter.sqlite3"
    other = tmp_path / "backup.sqlite3"
    with SessionStore(other) as backup:  # a store restored from a backup: one old session
        backup.begin_session(source="serial:/dev/ttyACM0", kind=SourceKind.DEVICE,
                             region=REGION).record(batch(0), [], region=REGION)  # fmt: skip
    SessionStore(path).close()
    writer = begin(path)
    for i in range(50):
        writer.record(batch(i), [], region=REGION)
    until(lambda: writer.health.saved == 200, "saved")
    os.replace(other, path)
    for i in range(50, 60):
        writer.record(batch(i), [], region=REGION)
    until(lambda: writer.health.saved == 240, "saved after the replacement")
    closed = writer.close()
    assert closed.report() == [
        f"the store file {path} was replaced during this session: this session is in a new "
        "file there (200 samples carried over)"
    ]
    assert stored(path) == [(1, BATCH), (writer.session_id, 240)], "the backup's session kept"


def test_a_store_deleted_after_the_last_write_is_written_again_at_close(tmp_path: Path) -> None:
    path = tmp_path / "knotmeter.sqlite3"
    SessionStore(path).close()
    writer = begin(path)
    writer.record(batch(0), [], region=REGION)
    until(lambda: writer.health.saved == BATCH, "saved")
    path.unlink()
    closed = writer.close()
    assert closed.report()[0].startswith(f"the store file {path} was deleted")
    assert stored(path) == [(writer.session_id, BATCH)]


def _error(code: int, text: str) -> sqlite3.Error:
    err = sqlite3.OperationalError(text)
    err.sqlite_errorcode = code
    return err


INJECTED = [
    (sqlite3.SQLITE_IOERR | (3 << 8), "disk I/O error", Failure.IO),
    (sqlite3.SQLITE_LOCKED, "database table is locked", Failure.LOCKED),
    (sqlite3.SQLITE_BUSY, "database is locked", Failure.BUSY),
    (sqlite3.SQLITE_READONLY, "attempt to write a readonly database", Failure.READ_ONLY),
    (sqlite3.SQLITE_CORRUPT, "database disk image is malformed", Failure.DAMAGED),
    (sqlite3.SQLITE_READONLY | (4 << 8), "attempt to write a readonly database", Failure.GONE),
]


@pytest.mark.parametrize(("code", "text", "kind"), INJECTED, ids=[k.value for *_, k in INJECTED])
def test_each_sqlite_failure_has_its_own_words_and_the_raw_error_is_logged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    text: str,
    kind: Failure,
) -> None:
    from knotmeter.store import recorder

    path = tmp_path / "knotmeter.sqlite3"
    SessionStore(path).close()
    real = recorder.SessionRecorder.record
    failures = [1]

    def fail_once(self: recorder.SessionRecorder, *args: object, **kwargs: object) -> None:
        if failures:
            failures.pop()
            with transaction(self._conn, self._path) as conn:
                conn.execute("SELECT 1")
                raise _error(code, text)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recorder.SessionRecorder, "record", fail_once)
    log = log_to_data_dir()  # as `knotmeter` does first
    writer = begin(path)
    writer.record(batch(0), [], region=REGION)
    until(lambda: writer.health.reason is not None or writer.health.dropped > 0, "the failure")
    seen = writer.health
    assert (seen.reason or seen.lost_because) == WORDS[kind]
    writer.close()
    assert text in log.read_text(), "SQLite's own words are in the log"
    assert log.stat().st_mode & 0o777 == 0o600


def test_full_on_a_disk_with_room_does_not_say_disk_full(tmp_path: Path) -> None:
    """SQLITE_FULL from a page limit: the words say the disk has room."""
    path = tmp_path / "knotmeter.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA max_page_count = 2")
        conn.execute("CREATE TABLE t (x)")
        with pytest.raises(sqlite3.OperationalError) as raised:
            conn.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10)
    named = failure(path, raised.value)
    assert named.kind is Failure.FULL_WITH_ROOM
    assert named.words.startswith("SQLite says full, the disk has ")
    assert named.words.endswith(" free (see knotmeter.log)")
    assert "disk full" not in named.words


def test_a_file_size_limit_is_named_as_such(tmp_path: Path) -> None:
    """A real rlimit (``ulimit -f``) in a child process: SQLite's short write is "full"."""
    script = textwrap.dedent(
        f"""
        import resource, time
        from pathlib import Path
        import numpy as np
        from knotmeter.core.samples import SampleBatch
        from knotmeter.store import SessionStore, SourceKind
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))
        path = Path({str(tmp_path / "k.sqlite3")!r})
        store = SessionStore(path)
        writer = store.begin_writer(source="t", kind=SourceKind.SIMULATED, region="{REGION}")
        for i in range(400):
            t = (i * 100 + np.arange(100)) / 80.0
            writer.record(SampleBatch(t, np.full(100, 50.0)), [], region="{REGION}")
        deadline = time.monotonic() + 20
        while writer.health.reason is None and time.monotonic() < deadline:
            time.sleep(0.01)
        print(writer.health.reason)
        writer.close(timeout_s=0.1)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert done.stdout.strip() == WORDS[Failure.SIZE_LIMIT].format(limit="200 kB")


@pytest.fixture
def small_volume(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs of our own, as in the issue (needs root; skipped where mount fails)."""
    with small_tmpfs(tmp_path / "volume", "3m") as volume:
        yield volume


@pytest.mark.slow
def test_forty_seconds_on_a_3_mb_volume_keep_every_sample(small_volume: Path) -> None:
    path = small_volume / "knotmeter.sqlite3"
    writer = begin(path)
    assert (writer.health.notice or "").startswith("only ")
    batches = int(40 * RATE_HZ / BATCH)
    for i in range(batches):
        writer.record(batch(i), [], region=REGION)
        if i % 20 == 0:  # a second of samples at a time, as a live session hands them over
            until(lambda: writer.health.pending == 0, f"batch {i} saved")
    closed = writer.close()
    assert closed.unsaved() is None
    assert closed.saved == batches * BATCH
    assert stored(path) == [(writer.session_id, batches * BATCH)]
    assert Path(f"{path}-wal").stat().st_size <= 1_000_000, "the -wal file stays bounded"


@pytest.mark.slow
def test_saving_resumes_by_itself_when_space_returns(small_volume: Path) -> None:
    path = small_volume / "knotmeter.sqlite3"
    writer = begin(path)
    for i in range(20):
        writer.record(batch(i), [], region=REGION)
    until(lambda: writer.health.saved == 80, "saved before the disk fills")
    filler = fill(small_volume)
    i = 20
    while writer.health.state is not SaveState.NOT_SAVING:
        writer.record(batch(i), [], region=REGION)
        i += 1
        time.sleep(0.005)
        assert i < 200_000, "the disk never filled"
    assert (writer.health.reason or "").startswith("disk full (")
    filler.unlink()
    until(lambda: writer.health.pending == 0, "the queue written once space is back")
    closed = writer.close()
    assert closed.state is SaveState.SAVING
    assert closed.unsaved() is None
    assert stored(path) == [(writer.session_id, i * BATCH)]


def test_little_free_space_is_shown_at_start_with_the_time_it_holds(small_volume: Path) -> None:
    writer = begin(small_volume / "knotmeter.sqlite3")
    notice = writer.health.notice or ""
    minutes = float(notice.split("about ")[1].split(" min")[0])
    assert notice.startswith("only ")
    assert " free for the store: about " in notice
    assert 0 < minutes <= 3e6 / BYTES_PER_HOUR * 60 + 1
    writer.close()


def test_a_session_missing_from_the_file_at_the_end_is_said(tmp_path: Path) -> None:
    """Whatever took it (here another program deleting the row), a sitting not in the file
    at the path after close is named on the exit line rather than silently missing."""
    path = tmp_path / "knotmeter.sqlite3"
    SessionStore(path).close()
    writer = begin(path)
    writer.record(batch(0), [], region=REGION)
    until(lambda: writer.health.saved == BATCH, "saved")
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("DELETE FROM samples")
        other.execute("DELETE FROM sessions")
    closed = writer.close()
    assert closed.report() == [
        f"this session is not in the store {path}: its row is not in the file"
    ]


def test_a_kept_session_says_nothing_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "knotmeter.sqlite3"
    writer = begin(path)
    writer.record(batch(0), [], region=REGION)
    assert writer.close().report() == []
    assert stored(path) == [(writer.session_id, BATCH)]


def test_full_from_a_full_temporary_folder_names_the_folder(
    small_volume: Path, tmp_path: Path
) -> None:
    """SQLite spills a big sort to its temporary folder: with ``TMPDIR`` on a full volume
    that is SQLITE_FULL while the store's own disk has room (a real child process)."""
    fill(small_volume)
    script = textwrap.dedent(
        f"""
        import sqlite3
        from pathlib import Path
        from knotmeter.store.failures import failure
        path = Path({str(tmp_path / "k.sqlite3")!r})
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA cache_size = 10")
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", [(str(i) * 50,) for i in range(20000)])
        conn.commit()
        try:
            conn.execute("CREATE TEMP TABLE s AS SELECT x FROM t ORDER BY x DESC")
        except sqlite3.OperationalError as err:
            named = failure(path, err)
            print(named.kind.value, "|", named.words)
        """
    )
    env = {**os.environ, "TMPDIR": str(small_volume)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True, env=env)  # fmt: skip
    kind, words = done.stdout.strip().split(" | ")
    assert kind == Failure.TEMP_FULL.value
    assert words.startswith(f"temporary folder {small_volume} full (")


def test_the_failure_naming_examples_hold() -> None:
    import doctest

    from knotmeter.store import failures

    result = doctest.testmod(failures)
    assert result.attempted >= 2
    assert result.failed == 0
