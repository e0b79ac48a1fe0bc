"""No text a person reads after the fact names an alarm by its code (``over_band``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knotmeter.cli import main
from knotmeter.core.alarms import ALARMS, alarm_words
from knotmeter.core.events import AlarmKind
from knotmeter.core.samples import SampleBatch
from knotmeter.plainwords import plural, times
from knotmeter.traces import TraceWriter
from knotmeter.ui.summary import PointTally, SessionSummary

CODES = re.compile("|".join(kind.value for kind in AlarmKind if "_" in kind.value) + "|saturation")


def test_every_alarm_has_plain_words_without_its_code() -> None:
    for spec in ALARMS:
        assert spec.words, spec
        assert not CODES.search(spec.words), spec
    assert alarm_words("some_new_kind") == "some new kind"


def test_the_summary_counts_in_words() -> None:
    summary = SessionSummary(
        duration_s=95.0,
        points=[PointTally("upper-trapezius", 2, 1, 61.0, [4])],
        alarms={kind.value: 1 for kind in AlarmKind} | {"over_band": 2},
        label=None,
        pauses_s=[3.0],
    )
    text = "\n".join(summary.lines())
    assert not CODES.search(text), text
    assert "paused once, 3 s in all" in text
    assert "above the band twice" in text
    assert "too hard once" in text


@pytest.mark.parametrize(("count", "word"), [(1, "once"), (2, "twice"), (7, "7 times")])
def test_times(count: int, word: str) -> None:
    assert times(count) == word


def test_plural() -> None:
    assert [plural(n, "alarm") for n in (0, 1, 2)] == ["0 alarms", "1 alarm", "2 alarms"]


def test_analyze_names_alarms_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = np.arange(0.0, 20.0, 0.0125)
    force = np.interp(t, [0, 2, 4, 6, 7, 20], [0, 0, 150, 150, 0, 0])
    path = tmp_path / "over.csv"
    with TraceWriter(path) as writer:
        writer.write(SampleBatch(t, force))
    assert main(["analyze", str(path), "--region", "upper-trapezius"]) == 0
    out = capsys.readouterr().out
    assert "too hard at" in out
    assert not CODES.search(out), out
