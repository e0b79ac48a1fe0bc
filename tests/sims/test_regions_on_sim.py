"""The simulated person fits every region: record 30 s of ``sim:PROFILE?region=ID`` with the
real command, then ``analyze`` it for that region, as a person trying knotmeter would.

All 24 recordings run at once (each is a real ``knotmeter record`` process serving its
own simulated tool on its own pty), so the matrix costs about one recording's time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knotmeter.cli import main
from knotmeter.core.regions import load_regions

pytestmark = pytest.mark.pty
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))
RECORD_S = 30
REGIONS = sorted(load_regions())


def _record_all(tmp_path: Path, profiles: list[str]) -> dict[tuple[str, str], Path]:
    runs: dict[tuple[str, str], tuple[Path, subprocess.Popen[str]]] = {}
    for profile in profiles:
        for region in REGIONS:
            trace = tmp_path / f"{profile}-{region}.csv"
            command = [KNOTMETER, "record", "--source", f"sim:{profile}?region={region}"]
            command += ["--seconds", str(RECORD_S), "-o", str(trace)]
            runs[profile, region] = (
                trace,
                subprocess.Popen(
                    command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                ),
            )
    for (profile, region), (_, run) in runs.items():
        out, err = run.communicate(timeout=RECORD_S + 60)
        assert run.returncode == 0, f"{profile} on {region}: {err or out}"
    return {key: trace for key, (trace, _) in runs.items()}


def _summary(trace: Path, region: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["analyze", str(trace), "--region", region, "--target", "15", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    summary: dict[str, object] = json.loads(last)
    return summary


@pytest.mark.slow
def test_calm_completes_a_hold_and_overshoot_crosses_the_ceiling_on_every_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    traces = _record_all(tmp_path, ["calm", "overshoot"])
    for region in REGIONS:
        calm = _summary(traces["calm", region], region, capsys)
        alarms = calm["alarms"]
        assert isinstance(alarms, dict)
        assert isinstance(calm["complete_holds"], int)
        assert calm["complete_holds"] >= 1, f"calm on {region}: {calm}"
        assert alarms["over_ceiling"] == 0, f"calm on {region}: {calm}"
        overshoot = _summary(traces["overshoot", region], region, capsys)
        alarms = overshoot["alarms"]
        assert isinstance(alarms, dict)
        assert alarms["over_ceiling"] >= 1, f"overshoot on {region}: {overshoot}"
