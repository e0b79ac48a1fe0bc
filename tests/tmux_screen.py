"""Drive a real program in a private tmux server and read its screen, as a person would.

Shared by the end-to-end dashboard tests (serial simulator and simulated BlueZ).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knotmeter.store import DATA_DIR_ENV
from tests.screened import screen_data_dir

PANE = "main"


def knotmeter_script() -> str:
    """The ``knotmeter`` script installed next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("knotmeter")
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project (pip install -e .)")
    return str(script)


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

    def start(
        self,
        command: str,
        *,
        env: dict[str, str],
        exit_file: Path,
        size: tuple[int, int] = (100, 32),
        screened: bool = True,
    ) -> None:
        """Run ``command`` in a pane of ``size`` (columns, rows); its exit status lands in
        ``exit_file``.

        ``screened``: record "none applies" to the screening first in the store of
        ``env``'s ``KNOTMETER_DATA_DIR`` (as ``knotmeter screening --none-apply`` does),
        so the dashboard goes straight on; the screening's own tests say ``False``.

        tmux 3.3 can mark a pane dead before it records the exit status, so the shell
        writes the status to a file (atomically) and the pane stays for reading.
        """
        if screened and DATA_DIR_ENV in env:
            screen_data_dir(Path(env[DATA_DIR_ENV]))
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        partial = f"{exit_file}.partial"
        self(
            *("-f", "/dev/null", "new-session", "-d", "-s", PANE),
            *("-x", str(size[0]), "-y", str(size[1])),
            *env_args,
            f"{command}; echo $? > {partial}; mv {partial} {exit_file}; sleep 60",
        )

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", PANE)

    def keys(self, *keys: str) -> None:
        self("send-keys", "-t", PANE, *keys)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout_s: float) -> None:
        """Poll ``condition`` every 50 ms (a screen can only be polled); fail showing it."""
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout_s:g} s; screen:\n{self.screen()}")
            time.sleep(0.05)

    def pane_pid(self) -> int:
        """The pane's shell; the program under test is its child."""
        return int(self("display-message", "-p", "-t", PANE, "#{pane_pid}").strip())

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True)
