"""A clipped tool's recording analyses as the live session coached it (issue 20, item 6).

The live coach hears the ADC's saturation flag and says "too hard: the tool is at its
limit" even where the clipped reading looks merely over the band. ``record``, the store
and ``export`` keep the flag as a ``saturated`` column, and ``analyze`` reads it; a
trace from before the column (``t_s,force_n``) still reads, as never flagged.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli import main
from knotmeter.core.alarms import ALARM_TABLE
from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import AlarmKind, AlarmRaised
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.samples import SampleBatch
from knotmeter.store import SessionStore, SourceKind, default_db_path
from knotmeter.traces import TraceWriter, read_trace

REGION = "upper-trapezius"  # band 40-65 N, ceiling 110 N
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))
CLIP_N = 72.0
"""Where a small tool's ADC clips: over the band, under the ceiling."""


def clipped_press() -> list[SampleBatch]:
    """Rise to the band, then press on into the clip for 2 s (flagged), then release:
    50 ms batches of 4 samples, as a tool sends them."""
    t = np.arange(0.0, 10.0, 0.0125)
    force = np.interp(t, [0, 2, 4, 6, 8, 10], [0, 52, 52, CLIP_N, CLIP_N, 0])
    force = np.minimum(force, CLIP_N)
    batches = []
    for i in range(0, t.size, 4):
        ts, fs = t[i : i + 4], force[i : i + 4]
        batches.append(SampleBatch(ts, fs, saturated=bool((fs >= CLIP_N).any())))
    return batches


def live_alarms(batches: list[SampleBatch]) -> list[AlarmKind]:
    pipeline = Pipeline(PipelineConfig.for_region(REGION))
    return [e.kind for b in batches for e in pipeline.feed(b) if isinstance(e, AlarmRaised)]


def analysed(capsys: pytest.CaptureFixture[str], trace: Path) -> list[str]:
    assert main(["analyze", str(trace), "--region", REGION, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [line["kind"] for line in lines if line["event"] == "alarm"]


def test_the_live_coach_calls_the_clip_too_hard() -> None:
    kinds = live_alarms(clipped_press())
    assert AlarmKind.SATURATION in kinds
    assert ALARM_TABLE[AlarmKind.SATURATION].banner.startswith("TOO HARD: THE TOOL IS AT ITS LIMIT")


def test_a_recorded_clip_analyses_as_live_and_without_the_flag_it_would_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = tmp_path / "clip.csv"
    with TraceWriter(original) as writer:
        for b in clipped_press():
            writer.write(b)
    # the real `record` command replays it as a source and writes its own trace
    recorded = tmp_path / "recorded.csv"
    done = subprocess.run(
        [KNOTMETER, "record", "--source", f"file:{original}?speed=20", "--seconds", "5",
         "-o", str(recorded)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert recorded.read_text().splitlines()[0] == "t_s,force_n,saturated"
    live = [kind.value for kind in live_alarms(clipped_press())]
    assert analysed(capsys, recorded) == live
    assert "saturation" in live
    # the same trace without the column, as recorded before it existed: read, unflagged
    old = tmp_path / "old.csv"
    rows = recorded.read_text().splitlines()
    old.write_text("".join(",".join(r.split(",")[:2]) + "\n" for r in rows))
    assert len(read_trace(old)) == len(read_trace(recorded))
    without = analysed(capsys, old)
    assert "saturation" not in without
    assert "over_band" in without, "what the issue saw: the clip read as merely over the band"


async def test_a_stored_clip_exports_the_flag_and_analyses_as_live(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SessionStore(default_db_path(), wall_clock=time.time) as store:
        recorder = store.begin_session(source="serial:x", kind=SourceKind.DEVICE, region=REGION)
        for b in clipped_press():
            recorder.record(b, [], region=REGION)
        recorder.finish()
    out = tmp_path / "export"
    assert main(["export", "--all", "-o", str(out)]) == 0
    capsys.readouterr()
    with (out / "samples.csv").open() as f:
        flags = [row["saturated"] for row in csv.DictReader(f)]
    assert set(flags) == {"0", "1"}
    live = [kind.value for kind in live_alarms(clipped_press())]
    assert analysed(capsys, out / "samples.csv") == live
