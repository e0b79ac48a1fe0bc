"""How ``knotmeter record`` ends when the port goes wrong, on the real command and real
ptys: bytes that never parse name the format and baud expected; a port that goes away
for good ends the recording with exit 1, when it went and how many samples were kept.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from knotmeter.traces import read_trace

pytestmark = [pytest.mark.pty, pytest.mark.slow]

KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))


def _wait(condition: object, what: str, timeout_s: float = 20.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def test_bytes_that_never_parse_name_the_format_and_baud(tmp_path: Path) -> None:
    master, slave = os.openpty()
    port = os.ttyname(slave)
    stop = threading.Event()

    def noise() -> None:  # random bytes, as a board at another baud or in another format
        rng = random.Random(7)
        while not stop.is_set():
            try:
                os.write(master, bytes(rng.randrange(256) for _ in range(64)))
            except OSError:
                return
            time.sleep(0.01)

    thread = threading.Thread(target=noise, daemon=True)
    thread.start()
    try:
        done = subprocess.run(
            [KNOTMETER, "record", "--source", f"serial:{port}", "--seconds", "2",
             "-o", str(tmp_path / "out.csv")],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        stop.set()
        thread.join()
        os.close(master)
        os.close(slave)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "data is not in the expected format: no valid binary frame" in done.stderr
    assert "at 115200 baud" in done.stderr
    assert "try format=text, format=gauge or baud=9600" in done.stderr


def test_a_port_gone_for_good_ends_record_with_exit_1_and_what_was_kept(tmp_path: Path) -> None:
    link = tmp_path / "ttyKNOT"
    trace = tmp_path / "out.csv"
    sim = subprocess.Popen(
        [KNOTMETER, "sim", "serial", "--link", str(link)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait(link.exists, "the simulated port")
        record = subprocess.Popen(
            [KNOTMETER, "record", "--source", f"serial:{link}", "--seconds", "120",
             "-o", str(trace)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait(lambda: trace.exists() and trace.read_text().count("\n") > 160, "2 s recorded")
        started = time.monotonic()
        sim.send_signal(signal.SIGINT)  # the tool is unplugged and stays away
        sim.wait(timeout=20)
        out, err = record.communicate(timeout=60)
        took = time.monotonic() - started
    finally:
        sim.kill()
        sim.communicate()
    assert record.returncode == 1, err
    assert took < 30, "ended soon after the port went, not at the end of the 120 s"
    assert "Traceback" not in err
    assert err.count("\n") == 1
    kept = len(read_trace(trace))
    assert err.startswith(f"knotmeter: serial:{link}: the port disappeared at ")
    at_s = float(err.split("disappeared at ")[1].split(" s;")[0])
    assert 1.5 < at_s < took + 10
    assert f" s; {kept} samples kept in {trace} (" in err
    assert out == ""
