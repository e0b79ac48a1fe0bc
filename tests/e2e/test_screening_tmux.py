"""End to end (issue 13): the real ``knotmeter --sim`` on a fresh data dir, in tmux.

The screening comes before the live screen; an emergency sign is never lifted by a key
(REFERENCE §7); a red flag needs a typed clearance naming who and when; go-lighter
answers show the light profile and halved ceilings on the live screen.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
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


def test_an_emergency_cannot_be_lifted_by_any_key_the_verdict_offers(
    tmux: Tmux, tmp_path: Path
) -> None:
    exit_file = start_fresh(tmux, tmp_path)
    answer(tmux, "bladder-control")
    tmux.wait_for(lambda: "Seek care today" in tmux.screen(), "the verdict", timeout_s=10)
    assert "cleared me" not in tmux.screen(), "no clearance is offered for an emergency"
    for key in ("c", "y", "n", "b", "Escape", "Enter", "Space", "Tab"):
        tmux.keys(key)
        assert "Seek care today" in tmux.screen()
    tmux.keys("r")  # answer again: the questions from the first, one at a time
    tmux.wait_for(lambda: ITEMS[0].question in tmux.screen(), "asked again", timeout_s=10)
    assert "SIMULATED" not in tmux.screen()
    tmux.keys("y")  # one key answers one question, never the whole verdict
    assert "SIMULATED" not in tmux.screen()
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    with SessionStore(tmp_path / "data" / DB_NAME, read_only=True) as store:
        assert store.latest_screening() is None, "nothing coached, nothing recorded"


def test_a_red_flag_needs_a_typed_clearance(tmux: Tmux, tmp_path: Path) -> None:
    exit_file = start_fresh(tmux, tmp_path)
    answer(tmux, "trauma")
    tmux.wait_for(lambda: "No coaching for now" in tmux.screen(), "the verdict", timeout_s=10)
    tmux.keys("c")
    tmux.wait_for(lambda: "Type who cleared you" in tmux.screen(), "the fields", timeout_s=10)
    tmux.keys("-l", "Dr Lee")
    tmux.keys("Enter")
    tmux.wait_for(lambda: "now the day" in tmux.screen(), "the day's field", timeout_s=10)
    tmux.keys("-l", "2999-01-01")
    tmux.keys("Enter")
    tmux.wait_for(lambda: "in the future" in tmux.screen(), "the refusal", timeout_s=10)
    assert "SIMULATED" not in tmux.screen()
    tmux.keys("C-u")  # clear the date field
    tmux.keys("-l", datetime.now(UTC).date().isoformat())
    tmux.keys("Enter")
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "the live screen", timeout_s=15)
    quit_cleanly(tmux, exit_file)
    with SessionStore(tmp_path / "data" / DB_NAME, read_only=True) as store:
        stored = store.latest_screening()
    assert stored is not None
    assert stored.clearance is not None
    assert stored.clearance.who == "Dr Lee"


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
