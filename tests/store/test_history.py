"""Two-week history: holds per point and day, from a real store, and ``knotmeter history``."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import pytest

from knotmeter.cli import main
from knotmeter.core.events import HoldEnded, HoldStarted
from knotmeter.core.state import HoldState
from knotmeter.core.units import Unit, convert
from knotmeter.history import DayOfHolds, days_of_holds, pain_trend
from knotmeter.store import HoldRecord, SessionStore, SourceKind, default_db_path

DAY = 86_400.0
TRAPS = "upper-trapezius"
RELEASED = HoldState(
    active=False, started_t=1.0, in_band_s=61.0, over_band_s=0.5, target_s=60.0, cap_s=90.0,
    peak_n=64.0, complete=True,
)  # fmt: skip


def record(
    hold_id: int, day: int, *, pain: int | None, peak: float | None = 70.0, region: str = TRAPS
) -> HoldRecord:
    """A finished hold on 2026-11-``day`` at noon UTC."""
    return HoldRecord(
        id=hold_id, session_id=1, kind=SourceKind.DEVICE, region=region,
        started_at=datetime(2026, 11, day, 12, tzinfo=UTC), start_t=0.0, end_t=70.0,
        in_band_s=None if peak is None else 60.0 + hold_id, over_band_s=0.0, peak_n=peak,
        mean_n=None if peak is None else 50.0 + hold_id, complete=peak is not None, pain=pain,
    )  # fmt: skip


def test_holds_group_by_point_then_local_day_with_means_over_what_is_known() -> None:
    holds = [
        record(1, 20, pain=6),
        record(2, 20, pain=None, peak=None),  # cut short by a crash, never rated
        record(3, 20, pain=4, peak=90.0),
        record(4, 24, pain=3, region="masseter"),
        record(5, 26, pain=2),
    ]
    days = days_of_holds(holds, UTC)
    assert [(d.region, d.day.day, d.holds) for d in days] == [
        ("masseter", 24, 1),
        (TRAPS, 20, 3),
        (TRAPS, 26, 1),
    ]
    first = days[1]
    assert (first.complete, first.in_band_s, first.mean_n, first.peak_n) == (2, 62.0, 52.0, 90.0)
    assert (first.pain, first.rated) == (5.0, 2)


def test_pain_trend_runs_from_the_first_rated_day_to_the_last() -> None:
    def day(n: int, pain: float | None) -> DayOfHolds:
        return DayOfHolds(
            TRAPS, date(2026, 11, n), 1, 1, 60.0, 50.0, 70.0, pain, int(pain is not None)
        )

    trend = pain_trend([day(14, None), day(15, 6.0), day(20, None), day(26, 3.5)])
    assert trend is not None
    assert (trend.first_day.day, trend.first, trend.last_day.day, trend.last) == (15, 6.0, 26, 3.5)
    assert trend.change == -2.5
    assert pain_trend([day(15, 6.0), day(16, None)]) is None


def fill_store(now: float) -> None:
    """A fortnight on a real tool (pain 6 → 3), one simulated session, one hold too old."""
    wall = [now]
    with SessionStore(default_db_path(), wall_clock=lambda: wall[0]) as store:
        plan = [
            (SourceKind.DEVICE, 13, 6, 48.0),
            (SourceKind.DEVICE, 13, 6, 52.0),
            (SourceKind.DEVICE, 6, 5, 55.0),
            (SourceKind.DEVICE, 1, 3, 60.0),
            (SourceKind.SIMULATED, 2, 9, 99.0),
            (SourceKind.DEVICE, 30, 9, 40.0),
        ]
        for kind, days_ago, pain, mean in plan:
            wall[0] = now - days_ago * DAY
            recorder = store.begin_session(source="serial:/dev/ttyACM0", kind=kind, region=TRAPS)
            ended = HoldEnded(
                t=70.0, start=1.0, in_band_s=61.0, over_band_s=0.5, peak_n=mean + 12.0,
                mean_n=mean, complete=True,
            )  # fmt: skip
            recorder.record(None, [HoldStarted(t=1.0), ended], region=TRAPS)
            recorder.rate_pain(pain, 1.0)
            recorder.finish()


def local_day(now: float, days_ago: int) -> str:
    return datetime.fromtimestamp(now - days_ago * DAY, tz=UTC).astimezone().date().isoformat()


def test_history_before_any_session_says_so_and_creates_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["history"]) == 0
    assert "no sessions yet" in capsys.readouterr().out
    assert not default_db_path().exists()


def test_history_shows_a_real_tools_fortnight_per_day_with_the_pain_trend(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = time.time()
    fill_store(now)
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Upper trapezius (upper-trapezius)" in out
    rows = [line for line in out.splitlines() if line.startswith("  20")]
    assert [row.split()[0] for row in rows] == [local_day(now, d) for d in (13, 6, 1)]
    first = rows[0].split()
    assert first[1:4] == ["2", "2/2", "61"]  # holds, complete, seconds in band
    assert "50.0 N" in rows[0]
    assert "6.0 (2)" in rows[0]
    assert f"pain 6.0 on {local_day(now, 13)} -> 3.0 on {local_day(now, 1)} (-3.0)" in out
    assert "99.0" not in out, "a simulated session is not health history"
    assert local_day(now, 30) not in out, "older than two weeks"


def test_history_json_all_sessions_in_kgf(capsys: pytest.CaptureFixture[str]) -> None:
    now = time.time()
    fill_store(now)
    assert main(["history", "--all", "--json", "--unit", "kgf", "--days", "40"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["day"] for line in lines] == [local_day(now, d) for d in (30, 13, 6, 2, 1)]
    simulated = lines[3]
    assert simulated["mean_kgf"] == pytest.approx(convert(99.0, Unit.KGF), abs=1e-3)
    assert simulated["pain"] == 9.0
    assert set(lines[0]) == {
        "region", "side", "day", "holds", "complete", "in_band_s", "mean_kgf", "peak_kgf",
        "pain", "rated",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--days", "0"], "--days: must be more than 0"),
        (["--days", "soon"], "--days: 'soon' is not a number of days"),
        (["--region", "uper-trapezius"], "--region: unknown region 'uper-trapezius'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert message in err
