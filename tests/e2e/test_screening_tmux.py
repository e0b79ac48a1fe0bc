"""End to end (issue 13): the real ``knotmeter --sim`` on a fresh data dir, in tmux.

The screening comes before the live screen; a red flag leads to no coaching (the
reason and the advice to ask a clinician, never the live screen); go-lighter answers
show the light profile and halved ceilings on the live screen.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from knotmeter.core.regions import get_region
from knotmeter.core.screening import ITEMS
from knotmeter.store import SessionStore
from knotmeter.store.paths import DB_NAME
from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = pytest.mark.tmux

REGION = "upper-trapezius"
SIZE = (160, 40)


def start_fresh(tmux: Tmux, tmp_path: Path) -> Path:
    """``knotmeter --sim`` with no screening answers; the exit status file."""
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--region", REGION]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data")},
        exit_file=exit_file,
        size=SIZE,
        screened=False,
    )
    tmux.wait_for(lambda: "Screening" in tmux.screen(), "the screening", timeout_s=15)
    assert ITEMS[0].question in tmux.screen()
    assert "SIMULATED" not in tmux.screen(), "no live screen before the answers"
    return exit_file


def answer(tmux: Tmux, *yes: str) -> None:
    for item in ITEMS:
        tmux.keys("y" if item.id in yes else "n")


def quit_cleanly(tmux: Tmux, exit_file: Path) -> None:
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", tmux.screen()


def test_a_red_flag_leads_to_no_coaching(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = start_fresh(tmux, tmp_path)
    answer(tmux, "bladder-bowel")
    tmux.wait_for(lambda: "No coaching for now" in tmux.screen(), "the verdict", timeout_s=10)
    screen = tmux.screen()
    assert "seek care today" in screen
    assert "my clinician cleared me" in screen
    assert "SIMULATED" not in screen
    quit_cleanly(tmux, exit_file)
    with SessionStore(tmp_path / "data" / DB_NAME, read_only=True) as store:
        assert store.latest_screening() is None, "no answers kept, asked again next time"


def test_go_lighter_answers_show_halved_ceilings(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = start_fresh(tmux, tmp_path)
    answer(tmux, "blood-thinners")
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "the live screen", timeout_s=15)
    halved = get_region(REGION).ceiling_n / 2
    tmux.wait_for(
        lambda: "LIGHT PROFILE: ceilings halved" in tmux.screen(), "light profile", timeout_s=5
    )
    assert f"ceiling {halved:.1f} N" in tmux.screen()
    quit_cleanly(tmux, exit_file)
    with SessionStore(tmp_path / "data" / DB_NAME, read_only=True) as store:
        stored = store.latest_screening()
    assert stored is not None
    assert stored.answers["blood-thinners"]
