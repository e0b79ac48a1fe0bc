"""End to end: how a dashboard session ends, on the real binary in a real terminal (tmux).

``q`` prints the session's summary; SIGHUP (the terminal closed) and SIGTERM end the
session as ``q`` does: its end time is written and the simulated port is gone.
"""

from __future__ import annotations

import os
import shlex
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.tmux_screen import PANE, Tmux, knotmeter_script

pytestmark = pytest.mark.tmux


def _start(tmux: Tmux, tmp_path: Path, *args: str) -> tuple[Path, Path]:
    """Run the dashboard with a private data dir and temp dir; (exit file, temp dir)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--sound", "off", *args]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data"), "TMPDIR": str(temp)},
        exit_file=exit_file,
        size=(80, 24),
    )
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    return exit_file, temp


def _dashboard_pid(tmux: Tmux) -> int:
    shell = tmux.pane_pid()
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _sessions(tmp_path: Path) -> list[tuple[float | None, int]]:
    """Each stored session's end time and whether its summary was kept."""
    with sqlite3.connect(tmp_path / "data" / "knotmeter.sqlite3") as conn:
        rows = conn.execute(
            "SELECT s.ended_at, count(m.session_id) FROM sessions AS s"
            " LEFT JOIN summaries AS m ON m.session_id = s.id GROUP BY s.id"
        ).fetchall()
    conn.close()
    return rows


def test_q_ends_with_the_summary_on_the_terminal(tmux: Tmux, tmp_path: Path) -> None:
    exit_file, _ = _start(tmux, tmp_path)
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", tmux.screen()
    screen = tmux.screen()
    assert "Session summary (SIMULATED)" in screen
    assert "holds complete:" in screen
    assert "Traceback" not in screen
    [(ended_at, summaries)] = _sessions(tmp_path)
    assert ended_at is not None
    assert summaries == 1


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hangup_ends_the_session_cleanly(
    tmux: Tmux, tmp_path: Path, number: signal.Signals
) -> None:
    _, temp = _start(tmux, tmp_path)
    pid = _dashboard_pid(tmux)
    assert list(temp.glob(f"knotmeter-sim-{pid}-*")), "the simulated port's link is missing"
    os.kill(pid, number)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
        assert time.monotonic() < deadline, f"still running after {number.name}"
        time.sleep(0.05)
    [(ended_at, summaries)] = _sessions(tmp_path)
    assert ended_at is not None, "the session has no end time"
    assert summaries == 1
    assert not list(temp.glob("knotmeter-sim-*")), "a simulated port was left behind"
    assert "Traceback" not in tmux.screen()


def test_closing_the_terminal_ends_the_session_cleanly(tmux: Tmux, tmp_path: Path) -> None:
    """The terminal itself goes away (its pty hangs up), as when a window is closed."""
    _, temp = _start(tmux, tmp_path)
    pid = _dashboard_pid(tmux)
    tmux("kill-session", "-t", PANE)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
        assert time.monotonic() < deadline, "still running after the terminal closed"
        time.sleep(0.05)
    [(ended_at, _)] = _sessions(tmp_path)
    assert ended_at is not None, "the session has no end time"
    assert not list(temp.glob("knotmeter-sim-*")), "a simulated port was left behind"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return "zombie"
