"""The firmware's modules are plain Python: put device/micropython on the import path.

The end-to-end tests read the firmware with the host's real serial source, waited on
with the serial tests' ``collect`` fixture (imported here so pytest sees it).
"""

import sys
from pathlib import Path

from tests.serial.conftest import collect  # noqa: F401

FIRMWARE_DIR = Path(__file__).resolve().parents[2] / "device" / "micropython"
sys.path.insert(0, str(FIRMWARE_DIR))
