"""End to end: ``t`` pressed mid-hold on the real ``knotmeter --sim`` is refused on screen.

A tare under load would bake the press into the zero and hide "too hard" from then
on (issue: tare while loaded), so the person sees why it was refused instead.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = pytest.mark.tmux


def test_tare_mid_hold_is_refused_on_the_real_screen(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--profile", "calm", "--sound", "off"]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data")},
        exit_file=exit_file,
    )
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    tmux.wait_for(
        lambda: "In band: hold still" in tmux.screen(), "a hold in the band", timeout_s=30
    )
    tmux.keys("t")
    tmux.wait_for(
        lambda: "Not tared: the tool reads" in tmux.screen(),
        "the tare refused with its reason",
        timeout_s=5,
    )
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", tmux.screen()
