"""The serial commands as a person runs them: sim, devices, record, then analyze."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware_host.serial.simlink import is_live_simulator_link
from hardware_sims.launch import start_pty_sim
from hardware_sims.serial_pty import PtyToolServer
from knotmeter.cli import main
from knotmeter.core.provenance import SourceKind
from knotmeter.sources import open_source

pytestmark = pytest.mark.pty
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))  # the installed command


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PtyToolServer]:
    server = start_pty_sim("calm", link_path=tmp_path / "ttyKNOT0")
    yield server
    server.stop()


@pytest.mark.slow
def test_record_then_analyze_end_to_end(
    sim: PtyToolServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "t.csv"
    assert (
        main(["record", "--source", f"serial:{sim.link_path}", "--seconds", "5", "-o", str(trace)])
        == 0
    )
    summary = capsys.readouterr().out
    assert "lost 0, bad frames 0" in summary
    rows = trace.read_text().splitlines()
    assert rows[0] == "t_s,force_n"
    assert 380 <= len(rows) - 1 <= 420  # 5 s at 80 Hz
    assert trace.stat().st_mode & 0o777 == 0o600
    assert main(["analyze", str(trace), "--region", "upper-trapezius"]) == 0
    assert "Upper trapezius" in capsys.readouterr().out


def test_devices_marks_the_simulated_tool(tmp_path: Path) -> None:
    server = start_pty_sim("calm")  # default link in the temp dir, where discovery looks
    try:
        out = subprocess.run(
            [KNOTMETER, "devices", "--json", "--timeout", "1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.stop()
    tools = {tool["moniker"]: tool for tool in json.loads(out)}
    assert tools[f"serial:{server.link_path}"]["is_knotmeter"] is True
    assert "SIM-0001" in tools[f"serial:{server.link_path}"]["label"]
    assert tools[f"serial:{server.link_path}"]["label"].endswith(" SIMULATED"), (
        "another dashboard's simulated tool never passes for a real one"
    )


def test_a_serial_moniker_on_a_simulator_link_is_labelled_simulated() -> None:
    server = start_pty_sim("calm")
    try:
        assert open_source(f"serial:{server.link_path}").kind is SourceKind.SIMULATED
    finally:
        server.stop()
    assert not is_live_simulator_link(str(server.link_path)), "gone with its simulator"


def test_sim_serial_prints_a_port_that_record_can_use(tmp_path: Path) -> None:
    link = tmp_path / "ttySIM"
    sim = subprocess.Popen(
        [
            KNOTMETER,
            "sim",
            "serial",
            "--profile",
            "overshoot",
            "--link",
            str(link),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        assert str(link) in sim.stdout.readline()
        trace = tmp_path / "o.csv"
        assert (
            main(["record", "--source", f"serial:{link}", "--seconds", "1", "-o", str(trace)]) == 0
        )
    finally:
        sim.send_signal(signal.SIGINT)
        out, _ = sim.communicate(timeout=10)
    assert sim.returncode == 0
    assert "sent" in out
    assert not os.path.lexists(link), "the port link goes away with the simulator"


@pytest.mark.slow
def test_record_without_samples_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, slave = os.openpty()  # a port where nothing ever speaks
    port = os.ttyname(slave)
    os.close(slave)
    try:
        code = main(
            [
                "record",
                "--source",
                f"serial:{port}",
                "--seconds",
                "1",
                "-o",
                str(tmp_path / "x.csv"),
            ]
        )
    finally:
        os.close(master)
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("knotmeter: serial:")
    assert "no samples" in err
    assert "\n" not in err
