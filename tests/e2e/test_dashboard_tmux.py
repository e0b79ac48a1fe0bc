"""End to end: the real ``knotmeter --sim --profile overshoot`` in a real terminal (tmux).

The simulated tool lunges past the 110 N ceiling within seconds of starting; the
test reads the screen with ``capture-pane`` until the alarm text is there, then
quits with ``q`` and expects a clean exit. A private tmux server keeps it apart
from any tmux the developer runs.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux

SIZE = ("100", "32")
ALARM_TEXT = "TOO HARD"


def knotmeter_command() -> list[str]:
    """The ``knotmeter`` script installed next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("knotmeter")
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project (pip install -e .)")
    return [str(script)]


class Tmux:
    """One private tmux server (its own socket) with one pane running a command."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "main")

    def wait_for(self, condition: Callable[[], bool], what: str, timeout_s: float) -> None:
        """Poll ``condition`` every 50 ms; fail naming ``what`` and showing the screen."""
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout_s:g} s; screen:\n{self.screen()}")
            time.sleep(0.05)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it: apt-get install tmux)")
    server = Tmux(tmp_path / "tmux.sock")
    yield server
    subprocess.run(["tmux", "-S", str(server.socket), "kill-server"], capture_output=True)


def test_overshoot_alarm_appears_on_the_real_screen(tmux: Tmux, tmp_path: Path) -> None:
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\n")  # keep the screen readable after the exit
    exit_file = tmp_path / "exit-status"
    data = f"KNOTMETER_DATA_DIR={tmp_path / 'data'}"
    app = shlex.join([*knotmeter_command(), "--sim", "--profile", "overshoot"])
    command = f"{app}; echo $? > {shlex.quote(str(exit_file))}"
    tmux(
        *("-f", str(config), "new-session", "-d", "-s", "main"),
        *("-x", SIZE[0], "-y", SIZE[1], "-e", data, command),
    )

    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    tmux.wait_for(lambda: ALARM_TEXT in tmux.screen(), f"{ALARM_TEXT!r} alarm", timeout_s=20)
    assert "sim:overshoot" in tmux.screen()

    tmux("send-keys", "-t", "main", "q")
    tmux.wait_for(lambda: exit_file.exists(), "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0"
