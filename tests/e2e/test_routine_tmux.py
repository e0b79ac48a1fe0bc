"""End to end: a whole routine on the simulated tool at 80x24, hands free but for ``n``.

The simulated person presses where the coach aims (each point's band, with each
point's tool); the test presses ``n`` only where the routine asks for it (the
instruction ends "then n"), reads the screen until "Routine done", quits, and expects
the session's summary on the terminal.
"""

from __future__ import annotations

import re
import shlex
import time
from functools import partial
from pathlib import Path

import pytest

from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = pytest.mark.tmux

ASKS_FOR_N = re.compile(r"[Tt]hen\s+n\b|n goes on")
PLAN_NAME = "Desk shoulder and mid-back"
COUNTDOWN = re.compile(r"\s+·\s+(\d+:\d\d left|time is up.*)$")
ROUTINE_TIMEOUT_S = 150.0


def test_desk_shoulder_runs_to_done_pressing_only_n(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = tmp_path / "exit-status"
    command = [knotmeter_script(), "--sim", "--plan", "desk-shoulder", "--target", "3"]
    tmux.start(
        shlex.join([*command, "--sound", "off"]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data"), "TMPDIR": str(tmp_path)},
        exit_file=exit_file,
        size=(80, 24),
    )
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    deadline = time.monotonic() + ROUTINE_TIMEOUT_S
    asked = 0
    while "Routine done" not in (screen := tmux.screen()):
        assert time.monotonic() < deadline, f"the routine stalled; screen:\n{screen}"
        if ASKS_FOR_N.search(screen):
            step = _routine_line(screen)
            tmux.keys("n")
            asked += 1
            # One n per ask: wait for the step to move on before looking again.
            tmux.wait_for(partial(_moved_on, tmux, step), "the next step", timeout_s=10)
        time.sleep(0.2)
    # Warm-up, the routine's one follow-up move and the retest ask; holds, spots and
    # points move on by themselves.
    assert asked == 3, f"n was asked for {asked} times"
    assert "SIMULATED" in screen
    assert "q Quit" in screen
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    summary = tmux.screen()
    assert "Session summary (SIMULATED)" in summary
    assert "holds complete: 4 of" in summary
    assert "Levator scapulae: 1 of" in summary
    assert "Rhomboids: 3 of" in summary


def _moved_on(tmux: Tmux, step: str) -> bool:
    return _routine_line(tmux.screen()) != step


def _routine_line(screen: str) -> str:
    """The routine's head line, plan, step and point (what ``n`` moves on), without the
    countdown (which moves on by itself)."""
    line = next((line for line in screen.splitlines() if PLAN_NAME in line), "")
    return COUNTDOWN.sub("", line)
