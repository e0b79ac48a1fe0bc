"""End to end (issue 20): a text board whose range is too small for the point, in tmux.

A board stated as reading to 30 N (``range=30``) cannot coach the upper trapezius (band
40-65 N): the refusal stands on screen in its words, and the board pinned at its full
scale is "too hard" (saturation), never "press a little more".
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.serial.conftest import LineDevice
from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

STEP_S = 0.0125  # 80 lines a second, stamped as printed


def _lines(t0: float, force_n: float, seconds: float) -> list[bytes]:
    count = round(seconds / STEP_S)
    return [f"{t0 + k * STEP_S:.4f},{force_n:.2f}\r\n".encode() for k in range(1, count + 1)]


def test_a_30_n_board_on_the_upper_trapezius_is_refused_aloud_and_too_hard(
    tmux: Tmux, tmp_path: Path
) -> None:
    link = tmp_path / "board"
    board = LineDevice(link, lines=_lines(0.0, 0.0, 2.0), period_s=STEP_S)
    try:
        tmux.start(
            shlex.join(
                [knotmeter_script(), "--source", f"serial:{link}?format=text&range=30",
                 "--region", "upper-trapezius", "--sound", "off"]
            ),
            env={"KNOTMETER_DATA_DIR": str(tmp_path / "data")},
            exit_file=tmp_path / "exit-status",
            size=(120, 40),
        )  # fmt: skip
        tmux.wait_for(
            lambda: "30 N range is too small for the upper trapezius" in _flat(tmux.screen()),
            "the refusal in its words",
            timeout_s=15,
        )
        board.print(_lines(2.0, 30.0, 120.0))  # pinned at the board's full scale
        tmux.wait_for(
            lambda: "THE TOOL IS AT ITS LIMIT" in tmux.screen(),
            "too hard at the limit",
            timeout_s=10,
        )
        screen = tmux.screen()
        assert "Press a little more" not in screen
        assert "release" in screen.lower()
    finally:
        board.close()


def _flat(screen: str) -> str:
    return " ".join(screen.split())
