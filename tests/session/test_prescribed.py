"""Issue 28's reproduced cases: every change of targets is prescribed, or refused aloud.

Each case failed on the code before ``core/prescription.py``: a refusal was logged and
swallowed, attributes changed before the rebuild could fail, the light profile and a
go-lighter step composed twice, and a rebuild dropped the go-lighter step.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from firmware_host.source import DeviceInfo, LinkChanged, LinkState
from knotmeter.core.events import AlarmKind
from knotmeter.core.modes import Mode
from knotmeter.core.prescription import Refused, Rx
from knotmeter.core.screening import ITEMS, Tier
from knotmeter.core.tools import Tool
from knotmeter.session import NotScreened, Session, TargetsRefused
from knotmeter.store import ScreeningRecord, SessionStore, SourceKind, sitting
from tests.screened import none_apply
from tests.session.test_session import (
    RATE_HZ,
    HandSource,
    ManualClock,
    Running,
    samples,
)


def lighter_answers() -> ScreeningRecord:
    """One "go lighter" item answered yes: the light profile (ceilings halved)."""
    item = next(item for item in ITEMS if item.tier is Tier.LIGHTER)
    answers = {**none_apply().answers, item.id: True}
    return ScreeningRecord(datetime.now(UTC), answers, False)


def session(start: Rx, *, hold_target_s: float | None = None) -> Session:
    return Session(
        HandSource(),
        start,
        clock=ManualClock(),
        hold_target_s=hold_target_s,
        screening=none_apply(),
    )


def refusals(session: Session) -> list[TargetsRefused]:
    seen: list[TargetsRefused] = []
    session.subscribe(lambda e: seen.append(e) if isinstance(e, TargetsRefused) else None)
    return seen


def test_a_target_too_long_for_the_next_point_is_refused_with_words() -> None:
    """``--target 80`` on the upper trapezius, then "Treat: Masseter" (holds 30-60 s)."""
    coach = session(Rx("upper-trapezius"), hold_target_s=80.0)
    heard = refusals(coach)
    refused = coach.set_region("masseter")
    assert isinstance(refused, Refused)
    assert "80 s is longer than the longest hold for Masseter" in refused.reason
    assert [e.reason for e in heard] == [refused.reason]
    assert coach.refusal == refused  # the screen's standing banner
    assert coach.config.region.id == "upper-trapezius"  # nothing moved, and it says so
    assert coach.rx.region_id == "upper-trapezius"
    assert coach.set_region("rhomboids") is None  # a point that fits clears it
    assert coach.refusal is None


def test_a_tool_the_range_refuses_leaves_tool_and_pipeline_as_they_were() -> None:
    """A 50 N hook on the upper trapezius fits; the ball's 40-65 N band does not."""
    coach = session(Rx("upper-trapezius", tool=Tool.HOOK, full_scale_n=50.0))
    before = coach.config
    refused = coach.set_tool(Tool.BALL)
    assert isinstance(refused, Refused)
    assert "50 N range is too small for the upper trapezius" in refused.reason
    assert coach.rx.tool is Tool.HOOK
    assert coach.config == before
    assert coach.config.tool is Tool.HOOK


async def test_a_painful_hold_under_the_light_profile_lightens_once() -> None:
    """Rhomboids under the light profile (ceiling 55 N), a hold rated 7/10: 32.6 N, not
    16.3 N; a later rebuild (tool, mode, forget targets) keeps the step."""
    source = HandSource()
    coach = Session(source, Rx("rhomboids"), clock=ManualClock(), screening=lighter_answers())
    assert coach.config.ceiling_n == pytest.approx(55.0)
    running = Running(coach)
    source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 2.0, 25.0))
    await source.drained()
    coach.rate_pain(7)
    source.push(samples(2.0, 4.0, 0.0))  # released: the step is taken once no hold runs
    await source.drained()
    assert coach.rx.lighter == 1
    assert coach.config.ceiling_n == pytest.approx(32.6, abs=0.05)
    rebuilds: list[Callable[[], Refused | None]] = [
        lambda: coach.set_mode(Mode.NORMAL),
        lambda: coach.set_tool(Tool.BALL),
        coach.forget_targets,
    ]
    for rebuild in rebuilds:
        assert rebuild() is None
        assert coach.config.ceiling_n == pytest.approx(32.6, abs=0.05)
    await running.stop()


async def test_a_corrected_rating_takes_the_lighter_step_back() -> None:
    """Issue 22 item 7: 10 then 2 on the same hold: one rating, and no lighter step."""
    source = HandSource()
    coach = Session(source, Rx("rhomboids"), clock=ManualClock(), screening=none_apply())
    full = coach.config.ceiling_n
    running = Running(coach)
    source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 2.0, 50.0))
    await source.drained()
    coach.rate_pain(10)
    source.push(samples(2.0, 4.0, 0.0))
    await source.drained()
    assert coach.config.ceiling_n < full
    coach.rate_pain(2)
    assert coach.rx.lighter == 0
    assert coach.config.ceiling_n == full
    await running.stop()


async def test_a_range_too_small_for_the_point_is_refused_and_saturation_still_fires() -> None:
    """``DeviceInfo(full_scale_n=80)`` on gluteus medius (band 80-130 N): refused with a
    standing banner; a press at 80 N is still "too hard: the tool is at its limit"."""
    source = HandSource()
    coach = Session(source, Rx("gluteus-medius"), clock=ManualClock(), screening=none_apply())
    running = Running(coach)
    info = DeviceInfo("1.0", "KM-9", "hx711", RATE_HZ, full_scale_n=80.0)
    source.push(LinkChanged(0.0, LinkState.LIVE), info, samples(0.0, 1.0, 0.0))
    await source.drained()
    assert coach.refusal is not None
    assert "80 N range is too small for the gluteus medius" in coach.refusal.reason
    assert coach.rx.full_scale_n == 80.0  # a fact, kept: the next point is prescribed in range
    source.push(samples(1.0, 2.0, 80.0))
    await source.drained()
    assert AlarmKind.SATURATION in coach.state.alarms
    assert coach.set_mode(Mode.FLARE) is not None  # still too small: the refusal stands
    assert coach.set_region("forearm-flexors") is None  # 25-45 N fits under 68 N
    assert coach.refusal is None
    assert coach.config.full_scale_n == 80.0
    await running.stop()


async def test_a_live_tool_is_never_coached_unscreened() -> None:
    coach = Session(HandSource(), Rx("rhomboids"), clock=ManualClock())
    with pytest.raises(NotScreened, match="screening"):
        await coach.run()


async def test_a_replay_needs_no_screening() -> None:
    source = HandSource()
    source.kind = SourceKind.REPLAY
    coach = Session(source, Rx("rhomboids"), clock=ManualClock())
    assert coach.screened
    running = Running(coach)
    source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 1.0, 0.0))
    await source.drained()
    await running.stop()


def test_the_sitting_logs_docstring_examples() -> None:
    result = doctest.testmod(sitting)
    assert result.failed == 0
    assert result.attempted > 0


async def test_a_corrected_rating_is_the_one_the_store_keeps(tmp_path: Path) -> None:
    """History and export read the store's hold rows: one row, with the corrected rating."""
    source = HandSource()
    with SessionStore(tmp_path / "k.sqlite3") as store:
        coach = Session(
            source, Rx("rhomboids"), store=store, clock=ManualClock(), screening=none_apply()
        )
        running = Running(coach)
        source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 2.0, 50.0))
        await source.drained()
        coach.rate_pain(10)
        coach.rate_pain(2)
        source.push(samples(2.0, 4.0, 0.0))
        await source.drained()
        await running.stop()
        rows = store.holds(kinds=[SourceKind.SIMULATED])
    assert [row.pain for row in rows] == [2]
    assert coach.rx.lighter == 0
