"""End to end (issue 21): a pain-threshold measurement on the real ``knotmeter``, in tmux,
from a text board on a real pty (not the simulator), under the light profile.

The board prints ``t,force`` lines stamped as they are printed (a clock that ran ahead
of its lines would be named as wrong and timed by arrival), so the 30 s rests between
presses take 30 s. The
measurement's cap is the light ceiling (55 N on the upper trapezius, not 110 N); three
presses at 15 N, under half the default band's low edge, are a low threshold: a
result, with the band at or under it, in tender mode.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from knotmeter.core.ppt_measure import REST_S
from knotmeter.core.screening import ITEMS
from knotmeter.store import SessionStore
from knotmeter.store.paths import DB_NAME
from tests.serial.conftest import LineDevice
from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

STEP_S = 0.02
"""The board prints a line each 20 ms, stamped 20 ms apart: its clock agrees with its
arrivals (a board whose stamps run faster than its lines is named as a wrong clock)."""


def flat(screen: str) -> str:
    """The screen's words in one line: a dialog wraps its text at any word."""
    return " ".join(screen.replace("│", " ").split())


class Board:
    """The board's lines, on its own clock."""

    def __init__(self, device: LineDevice) -> None:
        self.device = device
        self.t = 0.0

    def hold(self, force_n: float, seconds: float) -> None:
        self.ramp(force_n, force_n, seconds)

    def ramp(self, start_n: float, end_n: float, seconds: float) -> None:
        steps = max(1, round(seconds / STEP_S))
        lines = []
        for k in range(1, steps + 1):
            self.t += STEP_S
            force = start_n + (end_n - start_n) * k / steps
            lines.append(f"{self.t:.2f},{force:.2f}\r\n".encode())
        self.device.print(lines)


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[Board, Path]]:
    link = tmp_path / "board"
    device = LineDevice(link, period_s=STEP_S)
    yield Board(device), link
    device.close()


def test_a_light_profile_measurement_caps_at_the_light_ceiling_and_keeps_a_low_ppt(
    tmux: Tmux, tmp_path: Path, board: tuple[Board, Path]
) -> None:
    pad, link = board
    pad.hold(0.0, 3.0)
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join(
            [knotmeter_script(), "--source", f"serial:{link}?format=text",
             "--region", "upper-trapezius"]
        ),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data")},
        exit_file=exit_file,
        size=(120, 40),
        screened=False,
    )  # fmt: skip
    tmux.wait_for(lambda: ITEMS[0].question in tmux.screen(), "the screening", timeout_s=15)
    for item in ITEMS:
        tmux.keys("y" if item.id == "blood-thinners" else "n")
    tmux.wait_for(lambda: "LIGHT PROFILE" in tmux.screen(), "the live screen", timeout_s=15)
    pad.hold(0.0, 600.0)  # lifted off while the dialog opens (a minute of wall time at most)
    tmux.keys("c")
    tmux.wait_for(
        lambda: "Never past 55.0 N, your ceiling here" in flat(tmux.screen()),
        "the measurement capped at the light ceiling (not the region's 110 N)",
        timeout_s=10,
    )
    for press in range(1, 4):
        tmux.wait_for(  # after the 30 s rest (REST_S) between presses
            lambda: "tap at the first pain" in tmux.screen(), "ready", timeout_s=REST_S + 15
        )
        pad.device.clear()
        pad.ramp(0.0, 15.0, 1.5)  # 10 N/s, under the ramp limit
        pad.hold(15.0, 600.0)
        tmux.wait_for(
            lambda: "now 15.0 N, rising 0" in tmux.screen(), f"press {press}", timeout_s=10
        )  # on the plateau: the ramp's rate has settled
        tmux.keys("Space")
        tmux.wait_for(
            lambda: "Lift off" in tmux.screen() or "Measured" in tmux.screen(),
            f"tap {press}",
            timeout_s=10,
        )
        pad.device.clear()
        pad.ramp(15.0, 0.0, 1.0)
        pad.hold(0.0, 600.0)
    expected = (
        "Your band 12.0-15.0 N",  # 0.8-1.0 x the PPT: at or under it
        "in tender mode",
        "See a clinician",
    )
    tmux.wait_for(
        lambda: all(words in flat(tmux.screen()) for words in expected), "the result", timeout_s=30
    )  # one capture holds them all: a capture taken mid-repaint is polled again
    tmux.keys("Enter")
    tmux.wait_for(lambda: "TENDER" in tmux.screen(), "tender mode", timeout_s=10)
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=15)
    with SessionStore(tmp_path / "data" / DB_NAME, read_only=True) as store:
        kept = store.targets("upper-trapezius")
    assert kept is not None
    assert kept.trials == pytest.approx((15.0, 15.0, 15.0), abs=0.1)
    assert kept.band_high_n <= kept.ppt_n <= 55.0
    assert kept.ceiling_n <= 55.0, "never above the light ceiling the measurement ran under"
