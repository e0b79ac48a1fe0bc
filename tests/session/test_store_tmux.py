"""End to end: the real ``knotmeter --sim`` in tmux while another program locks its store.

The screen says NOT SAVING and coaching goes on; quitting while the lock still holds
exits 0 after a few seconds with one line saying what was not saved, no traceback.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.store.locker import SCRIPT as LOCKER
from tests.tmux_screen import PANE, Tmux, knotmeter_script

pytestmark = pytest.mark.tmux


def _live_dashboard(tmux: Tmux, tmp_path: Path) -> tuple[Path, Path]:
    """``knotmeter --sim`` in tmux with its own data dir, once live: (exit file, data dir)."""
    exit_file = tmp_path / "exit-status"
    data = tmp_path / "data"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--sound", "off"]),
        env={"KNOTMETER_DATA_DIR": str(data)},
        exit_file=exit_file,
    )
    tmux.wait_for(lambda: " live " in tmux.screen(), "live link", timeout_s=15)
    return exit_file, data


def test_quitting_onto_a_locked_store_is_clean_and_says_what_was_lost(
    tmux: Tmux, tmp_path: Path
) -> None:
    exit_file, data = _live_dashboard(tmux, tmp_path)
    locker = subprocess.Popen(
        [sys.executable, str(LOCKER), str(data / "knotmeter.sqlite3"), "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline() == "locked\n"
        tmux.wait_for(lambda: "NOT SAVING" in tmux.screen(), "NOT SAVING", timeout_s=5)
        assert " live " in tmux.screen(), "coaching goes on"
        tmux.keys("q")
        tmux.wait_for(exit_file.exists, "exit after q", timeout_s=15)
    finally:
        locker.kill()
        locker.wait()
        if locker.stdout is not None:
            locker.stdout.close()
    assert exit_file.read_text().strip() == "0", tmux.screen()
    screen = tmux("capture-pane", "-p", "-J", "-t", PANE)  # -J: a wrapped line is one line
    assert "Traceback" not in screen
    (note,) = [line for line in screen.splitlines() if line.startswith("knotmeter:")]
    assert note.startswith("knotmeter: not saved: ")
    assert note.endswith("(the store is locked by another program)")


def test_a_store_deleted_by_another_program_mid_session_is_said_and_the_sitting_kept(
    tmux: Tmux, tmp_path: Path
) -> None:
    exit_file, data = _live_dashboard(tmux, tmp_path)
    store = data / "knotmeter.sqlite3"
    tmux.wait_for(lambda: _samples(store) > 80, "a second of samples stored", timeout_s=15)
    files = [str(store), f"{store}-wal", f"{store}-shm"]
    subprocess.run(["rm", "-f", *files], check=True)  # another program removes the store
    tmux.wait_for(
        lambda: "store file deleted: saving to a new one" in tmux.screen(),
        "the status line saying so",
        timeout_s=10,
    )
    assert " live " in tmux.screen(), "coaching goes on"
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=15)
    assert exit_file.read_text().strip() == "0", tmux.screen()
    screen = tmux("capture-pane", "-p", "-J", "-t", PANE)
    assert "Traceback" not in screen
    assert "Session summary" in screen
    (note,) = [line for line in screen.splitlines() if line.startswith("knotmeter:")]
    assert note.startswith(f"knotmeter: the store file {store} was deleted during this session")
    listed = subprocess.run(
        [knotmeter_script(), "sessions", "--all", "--json"],
        env={**os.environ, "KNOTMETER_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        check=True,
    )
    (session,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert session["samples"] > 80, "the samples from before the deletion came across"
    with closing(sqlite3.connect(store)) as conn:
        (summaries,) = conn.execute("SELECT count(*) FROM summaries").fetchone()
    assert summaries == 1, "the summary printed is the one stored"


def _samples(store: Path) -> int:
    if not store.exists():
        return 0
    with closing(sqlite3.connect(store, timeout=5.0)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
        if "samples" not in tables:  # the dashboard has not made it yet
            return 0
        return int(conn.execute("SELECT count(*) FROM samples").fetchone()[0])
