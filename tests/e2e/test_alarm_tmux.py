"""End to end (issue 20): danger is seen and heard whatever arrives, on the real program.

Each test runs ``knotmeter`` in tmux on the simulated tool and reads the screen as a
person would; the cues go to a stand-in sound card that records what it was fed
(``tests/session/recording_player.py``).
"""

from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from knotmeter.core.events import Cue
from knotmeter.sound import BACKOFF_S, CHUNK_BYTES, PLAYER_ENV, SOUND_OFF, clip
from tests.serial.conftest import LineDevice
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
        _banner, _, below = screen.partition("TOO HARD: RELEASE NOW")
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


def test_a_dying_player_is_restarted_then_sound_off_is_said(tmux: Tmux, tmp_path: Path) -> None:
    """The player takes 10 ms of sound and exits, every time it is started (each start
    logged): the speaker starts it again with backoff, then gives up; the banner and the
    status line say SOUND OFF, and the exit summary says when sound stopped."""
    starts, out = tmp_path / "starts.log", tmp_path / "played.raw"
    player = tmp_path / "dying-player.sh"
    player.write_text(f"echo started >> {starts}\nhead -c {CHUNK_BYTES} >> {out}\n")
    exit_file = start(tmux, tmp_path, "sim:calm", {PLAYER_ENV: f"sh {player}"})
    tmux.wait_for(  # on the banner and on the status line
        lambda: tmux.screen().count(SOUND_OFF) == 2, "SOUND OFF, twice", timeout_s=40
    )
    assert len(starts.read_text().splitlines()) == 1 + len(BACKOFF_S)
    quit_cleanly(tmux, exit_file)
    tmux.wait_for(lambda: "Sound stopped at" in tmux.screen(), "the exit summary", timeout_s=10)


CALM_S = 30.0


def test_full_calm_frames_never_say_signal_lost(tmux: Tmux, tmp_path: Path) -> None:
    """76-sample frames at 80 Hz come 0.95 s apart. Before the watchdog allowed a source
    its own frame period, SIGNAL LOST came and went about once a second; 30 s of calm
    frames (the issue's case), every screen looked at, proves it gone."""
    exit_file = start(tmux, tmp_path, "sim:calm?frame=76")
    tmux.wait_for(lambda: "live" in tmux.screen(), "a live link", timeout_s=15)
    deadline = time.monotonic() + CALM_S
    while time.monotonic() < deadline:
        screen = tmux.screen()
        assert "SIGNAL LOST" not in screen, screen
        time.sleep(0.05)
    assert "sim:calm?frame=76" in tmux.screen()
    quit_cleanly(tmux, exit_file)


def test_a_board_read_with_the_wrong_time_unit_is_named_and_timed_by_arrival(
    tmux: Tmux, tmp_path: Path
) -> None:
    """A text board prints ``t,force`` with t in seconds, about 80 lines a second, and is
    read with ``time=us``: 80 MHz on its stamps. The status line names the option and
    the likely cause, and the zone follows the press within seconds (timed by arrival)
    instead of lagging by many."""
    short = Path(tempfile.mkdtemp(prefix="km", dir="/tmp"))  # the status line has room
    link = short / "ttyB"
    lines = [f"{k * 0.0125:.4f},{0.0 if k < 160 else 52.0:.1f}\n".encode() for k in range(80 * 60)]
    device = LineDevice(link, lines=lines, period_s=0.0125)
    try:
        exit_file = tmp_path / "exit-status"
        tmux.start(
            shlex.join([knotmeter_script(), "--source", f"serial:{link}?format=text&time=us"]),
            # COLUMNS and LINES too: under pytest they may say 80x24, and the app believes them
            env={"KNOTMETER_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", "LINES": "32"},
            exit_file=exit_file,
            size=(200, 32),
        )
        tmux.wait_for(
            lambda: "time=us looks wrong: 80 MHz stamped" in tmux.screen(),
            "the clock named on the status line",
            timeout_s=20,
        )
        tmux.wait_for(lambda: "IN BAND" in tmux.screen(), "the zone following", timeout_s=8)
        assert "80000000 Hz" not in tmux.screen()
        quit_cleanly(tmux, exit_file)
    finally:
        device.close()
        shutil.rmtree(short, ignore_errors=True)
