"""The core is provably headless: importing it pulls in no UI, serial or BLE stack."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("textual", "rich", "serial", "bleak", "dbus_fast", "sqlite3")


def test_importing_the_core_loads_no_ui_or_link_modules() -> None:
    probe = (
        "import json, sys, knotmeter.core, knotmeter.core.pipeline;"
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(result.stdout)
    assert "knotmeter.core.pipeline" in loaded  # the probe really imported the core
    leaked = [name for name in loaded if name.split(".")[0] in FORBIDDEN]
    assert leaked == []
