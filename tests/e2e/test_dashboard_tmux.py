"""End to end: the real ``knotmeter --sim --profile overshoot`` in a real terminal (tmux).

The simulated tool lunges past the 110 N ceiling within seconds of starting; the
test reads the screen with ``capture-pane`` until the alarm text is there, then
quits with ``q`` and expects a clean exit.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = pytest.mark.tmux

ALARM_TEXT = "TOO HARD"


def test_overshoot_alarm_appears_on_the_real_screen(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--profile", "overshoot"]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data")},
        exit_file=exit_file,
    )

    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    tmux.wait_for(lambda: ALARM_TEXT in tmux.screen(), f"{ALARM_TEXT!r} alarm", timeout_s=20)
    assert "sim:overshoot" in tmux.screen()

    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", tmux.screen()
