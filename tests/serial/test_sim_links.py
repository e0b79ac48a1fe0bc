"""Simulators' port links: never replacing a path that is not one, stale links cleaned,
and discovery probing only links a live simulator holds the lock of."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from firmware_host.serial.discovery import list_serial_ports
from firmware_host.serial.simlink import default_link_dir, is_live_simulator_link, lock_path
from hardware_sims.launch import SimSettingsError, start_pty_sim

pytestmark = pytest.mark.pty
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))


@pytest.mark.parametrize("kind", ["file", "directory", "foreign link"])
def test_a_path_that_is_not_a_simulator_link_is_never_replaced(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "ttyKNOT0"
    if kind == "file":
        path.write_text("keep me")
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(tmp_path / "somewhere")
    with pytest.raises(SimSettingsError, match="is not a simulator's port link"):
        start_pty_sim("calm", link_path=path)
    if kind == "file":
        assert path.read_text() == "keep me"
    assert os.path.lexists(path)
    assert not lock_path(path).exists()


def test_a_second_simulator_on_a_live_link_is_refused(tmp_path: Path) -> None:
    server = start_pty_sim("calm", link_path=tmp_path / "ttyKNOT0")
    try:
        assert is_live_simulator_link(server.link_path)
        with pytest.raises(SimSettingsError, match="another simulator serves there"):
            start_pty_sim("calm", link_path=server.link_path)
    finally:
        server.stop()
    assert not os.path.lexists(server.link_path)
    assert not lock_path(server.link_path).exists()


def test_a_killed_simulators_link_is_not_probed_and_is_cleaned_at_the_next_start() -> None:
    sim = subprocess.Popen(
        [KNOTMETER, "sim", "serial"], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert sim.stdout is not None
    link = Path(sim.stdout.readline().rsplit(" on ", 1)[1].strip())
    assert is_live_simulator_link(link)
    os.kill(sim.pid, signal.SIGKILL)
    sim.wait()
    sim.stdout.close()
    assert os.path.lexists(link), "kill -9 leaves the link behind"
    assert not is_live_simulator_link(link)
    assert str(link) not in [entry.path for entry in list_serial_ports()]
    server = start_pty_sim("calm")
    try:
        assert not os.path.lexists(link)
        assert not lock_path(link).exists()
    finally:
        server.stop()


def test_a_forged_link_to_a_terminal_is_never_probed_nor_its_modes_changed() -> None:
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    link = default_link_dir() / f"knotmeter-sim-{os.getpid()}-9999"
    link.symlink_to(os.ttyname(slave))
    try:
        assert not is_live_simulator_link(link)
        out = subprocess.run(
            [KNOTMETER, "devices", "--json", "--timeout", "0.5"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert str(link) not in out
        assert termios.tcgetattr(slave) == before
    finally:
        link.unlink()
        os.close(slave)
        os.close(master)
