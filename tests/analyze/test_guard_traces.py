"""``analyze --json --cues`` on a trace for each way the old coach went quiet (issue 9):
each shows its hard alarm and the cue the dashboard would play for it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli import main

RATE_HZ = 80.0


def write(path: Path, t: np.ndarray, force: np.ndarray) -> Path:
    path.write_text(
        "t_s,force_n\n"
        + "".join(f"{a!r},{b!r}\n" for a, b in zip(t.tolist(), force.tolist(), strict=True))
    )
    return path


def analyze(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["analyze", *args, "--json", "--cues"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def alarms(lines: list[dict[str, object]], kind: str) -> list[dict[str, object]]:
    return [line for line in lines if line["event"] == "alarm" and line["kind"] == kind]


def cues(lines: list[dict[str, object]], cue: str) -> list[float]:
    return [float(line["t"]) for line in lines if line["event"] == "cue" and line["cue"] == cue]  # type: ignore[arg-type]


def test_a_sagging_five_minute_press_rings_long_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """5.7 min of pressure on the upper trapezius, sagging to 33 N for 2.5 s each minute:
    every sag ended a hold, so no per-hold cap ever fired."""
    t = np.arange(0.0, 345.0, 1 / RATE_HZ)
    force = np.where((t % 60.0) > 57.5, 33.0, 52.0)
    force[t < 2.0] = t[t < 2.0] * 26.0
    lines = analyze(
        capsys, str(write(tmp_path / "sag.csv", t, force)), "--region", "upper-trapezius"
    )
    (alarm,) = alarms(lines, "long_hold")
    assert alarm["severity"] == "hard"
    assert 89.0 < float(alarm["t"]) < 92.0  # type: ignore[arg-type]
    heard = cues(lines, "long_hold")
    assert heard[0] == pytest.approx(alarm["t"], abs=0.02)
    assert len(heard) > 100  # repeated for the 4 minutes it lasted
    assert not [c for c in cues(lines, "in_band") if c > float(alarm["t"])]  # type: ignore[arg-type]


def test_a_fast_ramp_on_the_jaw_is_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Masseter 0 -> 22 N at 30 N/s (ceiling 25 N): the old 40 N/s limit saw nothing."""
    t = np.arange(0.0, 6.0, 1 / RATE_HZ)
    force = np.clip((t - 1.0) * 30.0, 0.0, 22.0)
    lines = analyze(capsys, str(write(tmp_path / "jaw.csv", t, force)), "--region", "masseter")
    (alarm,) = alarms(lines, "fast_ramp")
    assert float(alarm["t"]) < 1.8  # type: ignore[arg-type]
    assert cues(lines, "over_band")  # the ease-off cue, at once


def test_a_clipped_press_on_the_glutes_is_too_hard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 150 N tool pressed to 200 N on gluteus medius (ceiling 220 N) reads a flat 150 N."""
    t = np.arange(0.0, 8.0, 1 / RATE_HZ)
    force = np.minimum(np.clip((t - 1.0) * 40.0, 0.0, 200.0), 150.0)
    lines = analyze(
        capsys, str(write(tmp_path / "clip.csv", t, force)), "--region", "gluteus-medius",
        "--range", "150",
    )  # fmt: skip
    summary = lines[-1]
    assert summary["ceiling_capped"] is True
    assert float(summary["ceiling_n"]) < 0.9 * 150  # type: ignore[arg-type]
    assert {line["kind"] for line in lines if line["event"] == "alarm"} >= {
        "over_ceiling",
        "saturation",
    }
    assert all(line["severity"] == "hard" for line in alarms(lines, "saturation"))
    too_hard = cues(lines, "too_hard")
    assert too_hard
    assert max(np.diff(too_hard)) <= 0.25 + 1 / RATE_HZ + 1e-6  # repeated while it lasts


def test_a_gap_during_a_hold_is_heard_as_no_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = np.arange(0.0, 20.0, 1 / RATE_HZ)
    t = t[(t < 10.0) | (t > 12.0)]  # 2 s without a sample, mid-hold
    force = np.clip(t * 26.0, 0.0, 52.0)
    lines = analyze(
        capsys, str(write(tmp_path / "gap.csv", t, force)), "--region", "upper-trapezius"
    )
    (alarm,) = alarms(lines, "signal_lost")
    assert alarm["severity"] == "hard"
    assert float(alarm["t"]) == pytest.approx(10.0 + 0.5, abs=0.02)  # type: ignore[arg-type]
    heard = cues(lines, "no_data")
    assert heard
    assert heard[0] == pytest.approx(10.5, abs=0.05)
    assert all(10.0 < c < 12.1 for c in heard)


def test_a_target_past_the_longest_hold_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = write(tmp_path / "t.csv", np.arange(0.0, 1.0, 0.1), np.zeros(10))
    assert main(["analyze", str(trace), "--region", "masseter", "--target", "500"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--target" in err
    assert "30-60 s" in err
