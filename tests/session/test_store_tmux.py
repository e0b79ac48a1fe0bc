"""End to end: the real ``knotmeter --sim`` in tmux while another program locks its store.

The screen says NOT SAVING and coaching goes on; quitting while the lock still holds
exits 0 after a few seconds with one line saying what was not saved, no traceback.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.locker import SCRIPT as LOCKER
from tests.tmux_screen import PANE, Tmux, knotmeter_script

pytestmark = pytest.mark.tmux


def test_quitting_onto_a_locked_store_is_clean_and_says_what_was_lost(
    tmux: Tmux, tmp_path: Path
) -> None:
    exit_file = tmp_path / "exit-status"
    data = tmp_path / "data"
    tmux.start(
        shlex.join([knotmeter_script(), "--sim", "--sound", "off"]),
        env={"KNOTMETER_DATA_DIR": str(data)},
        exit_file=exit_file,
    )
    tmux.wait_for(lambda: " live " in tmux.screen(), "live link", timeout_s=15)

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
