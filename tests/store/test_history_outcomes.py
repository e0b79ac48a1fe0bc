"""``knotmeter history`` judges each plan's complaint: two weeks without improving say so."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from knotmeter.cli import main
from knotmeter.core.scores import PRESSURE_TOO_HIGH, WEEK_TWO_ADVICE, Outcome, Retest, Score
from knotmeter.store import Moment, SessionStore, SourceKind, default_db_path
from tests.store.seeding import fortnight, seed_history

DAY_S = 86_400.0
PLAN = "tension-headache"


def seed_complaint(pain: list[int], function: list[int], *, kind: SourceKind) -> None:
    """A routine every other day for two weeks (day 14 back to today), rated at its start
    and, with the retest, at its end."""
    now = time.time()
    wall = [now]
    with SessionStore(default_db_path(), wall_clock=lambda: wall[0]) as store:
        for n, (p, f) in enumerate(zip(pain, function, strict=True)):
            wall[0] = now - (14 - 2 * n) * DAY_S
            on = datetime.fromtimestamp(wall[0], UTC).astimezone().date()
            recorder = store.begin_session(
                source="ble:KM-0042", kind=kind, region="upper-trapezius"
            )
            recorder.record_outcome(PLAN, Moment.START, Outcome(on, Score(p), Score(f)))
            wall[0] += 600.0
            retest = Outcome(on, Score(p), Score(f), Retest.SAME)
            recorder.record_outcome(PLAN, Moment.RETEST, retest)


def history(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["history", *argv]) == 0
    return capsys.readouterr().out


def test_two_weeks_without_improving_print_the_week_two_advice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_complaint([6, 6, 7, 6, 6, 6, 7, 6], [4, 4, 4, 5, 4, 4, 4, 4], kind=SourceKind.DEVICE)
    out = history(capsys)
    assert "Tension headache" in out
    assert "complaint pain 6 -> 6" in out
    assert "retest better 0, same 8, worse 0" in out
    assert "sessions a week" in out
    assert WEEK_TWO_ADVICE in out


def test_an_improving_complaint_gets_no_week_two_advice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_complaint([7, 7, 6, 6, 5, 5, 4, 4], [3, 3, 4, 4, 5, 5, 6, 6], kind=SourceKind.DEVICE)
    out = history(capsys)
    assert "complaint pain 7 -> 4" in out
    assert WEEK_TWO_ADVICE not in out


def test_a_simulated_tools_ratings_are_not_history(capsys: pytest.CaptureFixture[str]) -> None:
    seed_complaint([6] * 8, [4] * 8, kind=SourceKind.SIMULATED)
    assert WEEK_TWO_ADVICE not in history(capsys)
    assert WEEK_TWO_ADVICE in history(capsys, "--all")


def test_holds_rated_seven_or_more_on_average_say_the_pressure_is_too_high(
    capsys: pytest.CaptureFixture[str],
) -> None:
    device = [s for s in fortnight(point_s=20.0) if s.kind is SourceKind.DEVICE]
    sittings = [replace(sitting, pain=8) for sitting in device[:3]]
    seed_history(default_db_path(), sittings, now=time.time())
    assert PRESSURE_TOO_HIGH in history(capsys)
