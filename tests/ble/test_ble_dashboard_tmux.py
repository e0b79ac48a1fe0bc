"""The real dashboard on ``--source ble:…`` in a real terminal, against ``knotmeter sim ble``.

Two processes that share nothing but the exported bus address: the simulated BlueZ
serving our tool, pressed past the ceiling and dropping the link every few
seconds, and ``knotmeter`` in a private tmux server. The screen must label the
tool SIMULATED, show the over-ceiling alarm, show RECONNECTING when the link
drops and clear it when the link is back, and quit cleanly on ``q``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware_sims.bluez.serve import ADDRESSES
from tests.tmux_screen import Tmux, knotmeter_script

pytestmark = [pytest.mark.dbus, pytest.mark.tmux]

MONIKER = f"ble:{ADDRESSES['knotmeter']}"


def test_dashboard_shows_the_ble_tool_and_its_alarm(
    sim_ble: Callable[..., dict[str, str]], tmux: Tmux, tmp_path: Path
) -> None:
    too_hard = tmp_path / "too-hard.toml"  # over the 110 N ceiling for a minute
    too_hard.write_text(
        "spec_version = 1\nloop = false\n"
        "[[segment]]\nduration_s = 2.0\nto_n = 125.0\n"
        "[[segment]]\nduration_s = 60.0\nto_n = 125.0\n"
    )
    env = sim_ble("--profile", str(too_hard), "--drop-every", "5")
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([knotmeter_script(), "--source", MONIKER]),
        env={
            "DBUS_SYSTEM_BUS_ADDRESS": env["DBUS_SYSTEM_BUS_ADDRESS"],
            "KNOTMETER_DATA_DIR": str(tmp_path / "data"),
        },
        exit_file=exit_file,
    )
    screen = tmux.screen
    tmux.wait_for(lambda: "SIMULATED" in screen(), "SIMULATED label", timeout_s=20)
    tmux.wait_for(lambda: "TOO HARD" in screen(), "over-ceiling alarm", timeout_s=30)
    assert MONIKER in screen()
    tmux.wait_for(lambda: "RECONNECTING" in screen(), "RECONNECTING after a drop", timeout_s=10)
    tmux.wait_for(lambda: "RECONNECTING" not in screen(), "the link back", timeout_s=10)
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=10)
    assert exit_file.read_text().strip() == "0", screen()
