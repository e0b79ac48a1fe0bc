"""``knotmeter analyze``: the live pipeline over a trace, as JSON lines or a summary."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli import main
from knotmeter.core import AlarmKind, Pipeline, PipelineConfig, SampleBatch
from knotmeter.core.records import event_record
from knotmeter.traces import TraceWriter, read_trace

EVENT_KEYS = {
    "zone": {"event", "t", "zone"},
    "alarm": {"event", "t", "kind", "severity", "force_n"},
    "alarm_cleared": {"event", "t", "kind", "severity"},
    "hold_started": {"event", "t"},
    "hold_ended": {
        "event",
        "t",
        "start",
        "in_band_s",
        "over_band_s",
        "peak_n",
        "mean_n",
        "complete",
    },
    "summary": {
        "event",
        "t",
        "holds",
        "complete_holds",
        "alarms",
        "duration_s",
        "region",
        "tool",
        "band_n",
        "ceiling_n",
        "ceiling_capped",
        "full_scale_n",
        "target_s",
        "longest_hold_s",
    },
}


@pytest.fixture
def trace(tmp_path: Path) -> Path:
    """Two presses on the upper trapezius: one complete, one that overshoots the ceiling
    and is cut short, with a single-sample spike at rest and a dropout."""
    t = np.arange(0.0, 120.0, 0.0125)
    knots = (
        [0, 2, 4, 70, 71, 80, 81, 85, 85.5, 90, 91, 120],
        [0, 0, 52, 52, 0, 0, 52, 52, 120, 120, 0, 0],
    )
    force = np.interp(t, *knots) + np.random.default_rng(4).normal(0.0, 0.8, t.size)
    force[np.searchsorted(t, 75.0)] = 400.0
    keep = (t < 100.0) | (t > 101.0)
    path = tmp_path / "session.csv"
    with TraceWriter(path) as writer:
        writer.write(SampleBatch(t[keep], force[keep]))
    return path


def analyze(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_are_the_live_pipelines_events(
    capsys: pytest.CaptureFixture[str], trace: Path
) -> None:
    code, out, err = analyze(capsys, str(trace), "--region", "upper-trapezius", "--json")
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    for line in lines:
        assert set(line) == EVENT_KEYS[line["event"]]
    pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
    live = pipeline.feed(read_trace(trace)) + pipeline.stop_hold()
    expected = [event_record(e) for e in live if event_record(e)["event"] != "hold_completed"]
    assert lines[:-1] == expected
    times = [line["t"] for line in lines]
    assert times == sorted(times)


def test_the_summary_counts_holds_and_alarms(
    capsys: pytest.CaptureFixture[str], trace: Path
) -> None:
    _, out, _ = analyze(capsys, str(trace), "--region", "upper-trapezius", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    summary = lines[-1]
    holds = [line for line in lines if line["event"] == "hold_ended"]
    assert [hold["complete"] for hold in holds] == [True, False]
    assert summary["holds"] == 2
    assert summary["complete_holds"] == 1
    assert summary["alarms"]["over_ceiling"] == 1  # the press, not the spike at 75 s
    assert summary["alarms"]["signal_lost"] == 1
    assert set(summary["alarms"]) == {kind.value for kind in AlarmKind}
    assert summary["duration_s"] == pytest.approx(119.9875)
    (ceiling,) = [
        line for line in lines if line.get("kind") == "over_ceiling" and line["event"] == "alarm"
    ]
    assert 85.0 < ceiling["t"] < 85.5


def test_overrides_change_the_verdict(capsys: pytest.CaptureFixture[str], trace: Path) -> None:
    _, out, _ = analyze(
        capsys,
        str(trace),
        "--region",
        "upper-trapezius",
        "--json",
        "--band",
        "30:60",
        "--ceiling",
        "150",
        "--target",
        "3",
    )
    summary = json.loads(out.splitlines()[-1])
    assert summary["complete_holds"] == 2
    assert summary["alarms"]["over_ceiling"] == 0


def test_the_readable_summary(capsys: pytest.CaptureFixture[str], trace: Path) -> None:
    code, out, _ = analyze(capsys, str(trace), "--region", "upper-trapezius")
    assert code == 0
    assert (
        "Upper trapezius with a ball (band 40-65 N, ceiling 110 N, target 60 s, "
        "longest hold 90 s)" in out
    )
    assert "holds: 2, complete: 1" in out
    assert "too hard at" in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "missing.csv: no such file"),
        ("time,force\n0,1\n", [], "bad.csv line 1: no header with t_s and force_n"),
        ("t_s,force_n\n0,1\n0.1,x\n", [], "bad.csv line 3: force_n 'x' is not a number"),
        ("t_s,force_n\n0,1\n0,1\n", [], "bad.csv line 3: t_s 0.0 does not increase"),
        ("t_s,force_n\n0,1\n0.1,NaN\n", [], "bad.csv line 3: force_n is 'NaN'"),
        ("t_s,force_n\n0,1\n", ["--region", "neck"], "--region: unknown region 'neck'"),
        ("t_s,force_n\n0,1\n", ["--band", "60:40"], "--band: low must be above 0 and below high"),
        ("t_s,force_n\n0,1\n", ["--band", "40-60"], "--band: '40-60' is not LOW:HIGH"),
        ("t_s,force_n\n0,1\n", ["--ceiling", "-5"], "--ceiling '-5': expected a number from 0"),
        (
            "t_s,force_n\n0,1\n",
            ["--ceiling", "50"],
            r"--ceiling: the ceiling \(50 N\) must be above",
        ),
        ("t_s,force_n\n0,1\n", ["--band", "40:200"], r"--band: .*\(110 N\) .* edge \(200 N\)"),
        ("t_s,force_n\n0,1\n", ["--target", "0"], "--target: must be above 0"),
        ("t_s,force_n\n0,1\n", ["--target", "soon"], "--target: 'soon' is not a number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: str | None,
    args: list[str],
    message: str,
) -> None:
    path = tmp_path / ("missing.csv" if content is None else "bad.csv")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if "--region" not in args:
        args = [*args, "--region", "upper-trapezius"]
    code, out, err = analyze(capsys, str(path), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("knotmeter: ")
    assert re.search(message, err)


def test_the_installed_command_fails_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("t_s,force_n\n0,1\n0.1,nan\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from knotmeter.cli import main; sys.exit(main())",
            "analyze",
            str(bad),
            "--region",
            "upper-trapezius",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert (
        result.stderr == f"knotmeter: {bad} line 3: force_n is 'nan'; it must be a finite number\n"
    )
