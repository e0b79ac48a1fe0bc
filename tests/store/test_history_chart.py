"""``knotmeter history --chart``: the app's charts as text, legible without colour."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from knotmeter.charts import ChartStyle, PointDays, pain_chart, render_text
from knotmeter.cli import main
from knotmeter.history import DayOfHolds
from knotmeter.store import default_db_path
from tests.store.seeding import fortnight, seed_history

PLAIN = ChartStyle(color=False)


def test_charts_follow_each_points_table_in_plain_characters_when_piped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history", "--chart", "--region", "masseter", "--unit", "kgf"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out, "captured output is not a terminal: no colour codes"
    table_end = out.index("pain 7.0 on")
    for title in (
        "Masseter: seconds in band per hold (mean of the day)",
        "Masseter: mean and peak force (kgf) against the band",
        "Masseter: mean pain (1-10)",
    ):
        assert out.index(title) > table_end
    assert "oo mean" in out, "series told apart by marker, and named"
    assert "^^ peak" in out
    assert "in band/hold" in out


def test_without_chart_the_table_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history", "--region", "masseter"]) == 0
    assert "seconds in band per hold" not in capsys.readouterr().out


def test_each_plans_chart_follows_its_lines(capsys: pytest.CaptureFixture[str]) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history", "--chart", "--region", "masseter"]) == 0
    out = capsys.readouterr().out
    plans = ("Tension headache", "Plantar heel", "Jaw (TMJ)")
    starts = [out.index(f"{name} (") for name in plans]
    assert starts == sorted(starts), "one plan after another, in the order first rated"
    for name, start, end in zip(plans, starts, [*starts[1:], len(out)], strict=True):
        plan = out[start:end]
        lines_end = plan.index("sessions a week")
        title = plan.index(f"{name}: the complaint's pain and function (1-10), and retests")
        assert title > lines_end, "the chart comes after the plan's lines"
        assert "** pain" in plan
        assert "++ function" in plan
        assert "retest: b better, s same, w worse" in plan
    assert "  w  " in out[starts[0] : starts[1]], "the day the headache's retest was worse"


def test_without_chart_the_plans_are_lines_only(capsys: pytest.CaptureFixture[str]) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Jaw (TMJ) (jaw): 8 ratings of the complaint" in out
    assert "the complaint's pain and function" not in out


def test_a_pain_chart_without_ratings_says_so() -> None:
    day = date(2026, 11, 20)
    unrated = DayOfHolds("masseter", day, 2, 1, 30.0, 12.0, 15.0, None, 0)
    point = PointDays("masseter", "Masseter", [unrated], day - timedelta(days=13), day)
    text = render_text(lambda plt: pain_chart(plt, point, PLAIN), 80, 14, PLAIN)
    assert "no pain ratings yet" in text
