"""The real dashboard on ``--source ble:…`` in a real terminal, against ``knotmeter sim ble``.

Two processes that share nothing but the exported bus address: the simulated BlueZ
serving our tool, pressed past the ceiling and dropping the link every few
seconds, and ``knotmeter`` in a private tmux server. The screen must label the
tool SIMULATED, show the over-ceiling alarm, show RECONNECTING when the link
drops and clear it when the link is back, and quit cleanly on ``q``.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware_sims.bluez.serve import ADDRESSES, SimDeviceKind

pytestmark = [pytest.mark.dbus, pytest.mark.tmux]

MONIKER = f"ble:{ADDRESSES[SimDeviceKind.KNOTMETER]}"


def test_dashboard_shows_the_ble_tool_and_its_alarm(
    sim_ble: Callable[..., dict[str, str]], tmp_path: Path
) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it: apt-get install tmux)")
    too_hard = tmp_path / "too-hard.toml"  # over the 110 N ceiling for a minute
    too_hard.write_text(
        "spec_version = 1\nloop = false\n"
        "[[segment]]\nduration_s = 2.0\nto_n = 125.0\n"
        "[[segment]]\nduration_s = 60.0\nto_n = 125.0\n"
    )
    env = sim_ble("--profile", str(too_hard), "--drop-every", "5")
    socket = tmp_path / "tmux.sock"

    def tmux(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(socket), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return done.stdout

    def wait_for(condition: Callable[[], bool], what: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():  # a screen can only be polled
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout_s:g} s; screen:\n{screen()}")
            time.sleep(0.05)

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "main")

    # tmux 3.3 can mark a pane dead before it records the exit status, so the shell
    # writes the status to a file instead.
    status = tmp_path / "exit-status"
    knotmeter = shlex.join([str(Path(sys.executable).with_name("knotmeter")), "--source", MONIKER])
    try:
        tmux(
            *("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "100", "-y", "32"),
            *("-e", f"DBUS_SYSTEM_BUS_ADDRESS={env['DBUS_SYSTEM_BUS_ADDRESS']}"),
            *("-e", f"KNOTMETER_DATA_DIR={tmp_path / 'data'}"),
            f"{knotmeter}; echo $? > {status}.tmp; mv {status}.tmp {status}; sleep 60",
        )
        wait_for(lambda: "SIMULATED" in screen(), "SIMULATED label", timeout_s=20)
        wait_for(lambda: "TOO HARD" in screen(), "over-ceiling alarm", timeout_s=30)
        assert MONIKER in screen()
        wait_for(lambda: "RECONNECTING" in screen(), "RECONNECTING after a drop", timeout_s=10)
        wait_for(lambda: "RECONNECTING" not in screen(), "the link back", timeout_s=10)
        tmux("send-keys", "-t", "main", "q")
        wait_for(status.exists, "exit after q", timeout_s=10)
        assert status.read_text().strip() == "0", screen()
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)
