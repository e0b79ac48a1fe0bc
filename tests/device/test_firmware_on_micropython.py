"""The firmware under a real MicroPython (the WebAssembly port from npm) sends CPython's bytes.

Everything else in tests/device runs the firmware on CPython; this runs the same
scripted session on MicroPython and requires the same transcript, so a construct
MicroPython lacks (or reads differently) cannot hide behind the CPython tests.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.device.firmware_session import transcript

pytestmark = pytest.mark.node

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIRMWARE_DIR = ROOT / "device" / "micropython"
VECTORS = ROOT / "device" / "vectors" / "payloads.json"
PACKAGE = "@micropython/micropython-webassembly-pyscript"
VERSION = "1.27.0"


def test_micropython_runs_the_firmware_and_sends_the_same_bytes() -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules" / PACKAGE).is_dir():
        pytest.skip(
            f"needs Node.js and, at the repo root: npm install --no-save {PACKAGE}@{VERSION}"
        )
    run = subprocess.run(
        ["node", str(HERE / "micropython_run.mjs"), str(FIRMWARE_DIR), str(HERE), str(VECTORS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == transcript(VECTORS.read_text())
