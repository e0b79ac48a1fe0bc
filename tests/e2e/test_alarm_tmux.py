"""End to end (issue 20): danger is seen and heard whatever arrives, on the real program.

Each test runs ``knotmeter`` in tmux on the simulated tool and reads the screen as a
person would; the cues go to a stand-in sound card that records what it was fed
(``tests/session/recording_player.py``).
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest

from knotmeter.core.events import Cue
from knotmeter.sound import CHUNK_BYTES, PLAYER_ENV, clip
from tests.session.recording_player import heard
from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = pytest.mark.tmux

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "tests" / "session" / "recording_player.py"
OPENINGS = {cue: clip(cue)[:CHUNK_BYTES] for cue in Cue}


def start(tmux: Tmux, tmp_path: Path, moniker: str, env: dict[str, str] | None = None) -> Path:
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--source", moniker]),
        env={"KNOTMETER_DATA_DIR": str(tmp_path / "data"), **(env or {})},
        exit_file=exit_file,
    )
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    return exit_file


def quit_cleanly(tmux: Tmux, exit_file: Path) -> None:
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", tmux.screen()


def test_a_jab_inside_one_76_sample_frame_is_shown_and_heard(tmux: Tmux, tmp_path: Path) -> None:
    """The jab profile's 0.4 s jab 30 % over the ceiling arrives inside one frame: the
    banner and the zone word say TOO HARD, the digits its force (143 N), and the too-hard
    cue plays; the frames' own rhythm never says SIGNAL LOST."""
    played = tmp_path / "played.raw"
    player = shlex.join([sys.executable, str(PLAYER), str(played)])
    exit_file = start(tmux, tmp_path, "sim:jab?frame=76", {PLAYER_ENV: player})
    screens: list[str] = []

    def jab_shown() -> bool:
        screen = tmux.screen()
        screens.append(screen)
        banner, _, below = screen.partition("TOO HARD: RELEASE NOW")
        # The banner comes in the alarm's own call, the zone word and the digits with
        # the next frame (a few ms later): wait for all three.
        return bool(below) and "TOO HARD" in below and "peak 14" in below

    tmux.wait_for(jab_shown, "the jab on the banner, the zone word and the peak", timeout_s=30)
    assert not any("SIGNAL LOST" in screen for screen in screens)
    tmux.wait_for(
        lambda: any(h.key is Cue.TOO_HARD for h in heard(played, OPENINGS)),
        "the too-hard cue",
        timeout_s=10,
    )
    quit_cleanly(tmux, exit_file)


def test_full_calm_frames_never_say_signal_lost(tmux: Tmux, tmp_path: Path) -> None:
    """76-sample frames at 80 Hz come 0.95 s apart. Before the watchdog allowed a source
    its own frame period, SIGNAL LOST came and went about once a second; 15 s (15 frames)
    of looking at every screen proves it gone."""
    exit_file = start(tmux, tmp_path, "sim:calm?frame=76")
    tmux.wait_for(lambda: "live" in tmux.screen(), "a live link", timeout_s=15)
    deadline = time.monotonic() + 15.0
    while time.monotonic() < deadline:
        screen = tmux.screen()
        assert "SIGNAL LOST" not in screen, screen
        time.sleep(0.05)
    assert "sim:calm?frame=76" in tmux.screen()
    quit_cleanly(tmux, exit_file)
