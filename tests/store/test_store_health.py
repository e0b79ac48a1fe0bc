"""A damaged, linked, crash-left or old store, on real SQLite files and the real commands.

Every failure is one line naming the file and what to do, exit 2, no traceback, from
``history``, ``store --check`` and the dashboard's opening of the store alike.
"""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli import main
from knotmeter.core.events import HoldStarted
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.samples import SampleBatch
from knotmeter.store import DATA_DIR_ENV, SessionStore, SourceKind
from knotmeter.store.schema import MIGRATIONS

REGION = "upper-trapezius"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default store (``$KNOTMETER_DATA_DIR``), holding one session of 2 000 samples."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    path = tmp_path / "data" / "knotmeter.sqlite3"
    with SessionStore(path) as store:
        recorder = store.begin_session(source="serial:x", kind=SourceKind.DEVICE, region=REGION)
        for first in range(0, 2000, 100):
            t = np.arange(first, first + 100) / 100.0
            recorder.record(SampleBatch(t=t, force_n=t * 0.5), [], region=REGION)
    return path


def garble(path: Path) -> None:
    """8 KB of random bytes inside the file, past the header (a bad disk, a bad copy)."""
    with path.open("r+b") as file:
        file.seek(8192)
        file.write(np.random.default_rng(7).bytes(8192))


def drop_holds(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE holds")
        conn.commit()


def one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("damage", [garble, drop_holds], ids=["random-bytes", "dropped-table"])
def test_a_damaged_store_is_one_line_naming_it_and_what_to_do(
    db: Path, damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    damage(db)
    err = one_line_exit_2(["history"], capsys)
    assert str(db) in err
    assert "damaged" in err
    assert "knotmeter store --check" in err
    err = one_line_exit_2(["store", "--check"], capsys)
    assert f"mv {db} {db}.damaged" in err
    err = one_line_exit_2(["--sim"], capsys)  # the dashboard opens the store first
    assert str(db) in err
    assert "move the file aside" in err


def test_store_check_counts_a_sound_store(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["store", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"{db}: ok" in out
    assert "2000 samples" in out


def test_history_reads_through_a_link_without_writing_or_chmodding(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite3"
    db.rename(elsewhere)
    elsewhere.chmod(0o644)  # the owner's choice for their own file
    db.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    assert main(["history", "--all"]) == 0
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644
    assert elsewhere.read_bytes() == before
    wal = elsewhere.with_name(elsewhere.name + "-wal")  # SQLite's reader may leave it, empty
    assert not wal.exists() or wal.stat().st_size == 0


def test_history_never_opens_for_writing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Read-only by URI: SQLite itself refuses a write on the history connection."""
    with SessionStore(db, read_only=True) as store:
        assert store.holds(kinds=tuple(SourceKind)) == []
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store._conn.execute("DELETE FROM samples")


def test_writing_through_a_link_leaves_the_targets_mode_alone(tmp_path: Path) -> None:
    target = tmp_path / "disk" / "store.sqlite3"
    target.parent.mkdir()
    SessionStore(target).close()
    target.chmod(0o640)
    link = tmp_path / "knotmeter.sqlite3"
    link.symlink_to(target)
    with SessionStore(link) as store:
        store.begin_session(source="x", kind=SourceKind.SIMULATED, region=REGION)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert link.is_symlink()


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_start_closes_what_a_crash_left_open_at_its_last_sample(tmp_path: Path) -> None:
    path = tmp_path / "knotmeter.sqlite3"
    wall = 1_800_000_000.0
    with SessionStore(path, wall_clock=lambda: wall) as store:
        crashed = store.begin_session(source="x", kind=SourceKind.DEVICE, region=REGION)
        t = np.arange(100, 900) / 100.0  # samples from 1 s to 8.99 s, a hold from 2 s
        force = np.where(t >= 2.0, 50.0, 0.0)
        force[500] = 64.0
        crashed.record(SampleBatch(t=t, force_n=force), [HoldStarted(t=2.0)], region=REGION)
        running = store.begin_session(source="y", kind=SourceKind.DEVICE, region=REGION)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE sessions SET pid = ? WHERE id = ?", (dead_pid(), crashed.session_id))

    with SessionStore(path) as store:
        (hold,) = store.holds(days=1e6)
    assert (hold.end_t, hold.peak_n, hold.complete) == (8.99, 64.0, False)
    assert hold.in_band_s is None, "what the coach never reported stays unknown"
    with closing(sqlite3.connect(path)) as conn:
        ended = dict(conn.execute("SELECT id, ended_at FROM sessions").fetchall())
    assert ended[crashed.session_id] == pytest.approx(wall + 7.99)
    assert ended[running.session_id] is None, "a session this process still writes stays open"


def undated(targets: PersonalTargets | None) -> PersonalTargets | None:
    """The stored targets without the day the store stamps on them."""
    return None if targets is None else replace(targets, measured_on=None)


def test_targets_are_kept_per_region_and_tool(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        ball = PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0)
        hook = PersonalTargets(REGION, 30.0, 30.0, 33.0, 42.0, tool="hook")
        store.save_targets(ball)
        store.save_targets(hook)
        assert undated(store.targets(REGION)) == ball
        assert undated(store.targets(REGION, tool="hook")) == hook
        assert store.targets(REGION, tool="thumb") is None


def test_a_version_2_store_keeps_its_targets_as_the_balls(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(MIGRATIONS[0] + MIGRATIONS[1])
        conn.execute(
            "INSERT INTO targets VALUES (?, 1.0, 45.0, 45.0, 49.5, 63.0)", (REGION,)
        )  # fmt: skip
        conn.execute("PRAGMA user_version = 2")
        conn.commit()
    with SessionStore(path) as store:
        assert undated(store.targets(REGION)) == PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0)
        assert store.targets(REGION, tool="hook") is None


def test_a_store_that_cannot_be_created_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(DATA_DIR_ENV, str(blocker / "data"))
    assert main(["--sim"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert DATA_DIR_ENV in err


def test_history_reads_while_another_program_holds_the_write_lock(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        assert main(["history", "--all"]) == 0
        writer.execute("COMMIT")


@pytest.mark.slow
def test_a_lock_at_start_leaves_crash_left_sessions_for_the_next_start(db: Path) -> None:
    """Closing them is tidying, never a reason to refuse to coach."""
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("UPDATE sessions SET pid = ?", (dead_pid(),))
        other.execute("BEGIN IMMEDIATE")
        SessionStore(db).close()  # opens, though it cannot write yet
        other.execute("COMMIT")
    with SessionStore(db):
        pass
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone() == (
            0,
        )
