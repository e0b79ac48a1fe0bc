"""Pilot tests of the live screen on a real session fed by a scripted source."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pytest
from textual.command import CommandPalette
from textual.widgets import Digits, OptionList, Static

from firmware_host.source import LinkState
from knotmeter.core.events import AlarmKind, AlarmRaised, HoldEnded, HoldStarted
from knotmeter.core.modes import Mode, apply_mode
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.routine import Step
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Retest
from knotmeter.core.tools import Tool
from knotmeter.core.units import Unit
from knotmeter.session import SessionEvent
from knotmeter.store import Moment, SourceKind
from knotmeter.store.reads import outcomes, reading
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens import live
from knotmeter.ui.screens.help import HelpScreen
from knotmeter.ui.screens.history import HistoryScreen
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.screens.outcome import OutcomeScreen
from knotmeter.ui.screens.ppt import PptScreen
from knotmeter.ui.screens.regions import RegionPicker
from knotmeter.ui.widgets import AlarmBanner, BigText, HoldPanel, StatusLine
from tests.ui.conftest import REGION
from tests.ui.test_live_flow import notices

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tests.ui.conftest import Rig


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_instruction_follows_the_zone(rig: Rig) -> None:
    expected = [
        (0.0, "released", "Released"),
        (25.0, "below", "Press a little more"),
        (52.0, "in_band", "hold still"),
        (80.0, "over_band", "Ease off"),
        (52.0, "in_band", "hold still"),
    ]
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        for force, zone, words in expected:
            await rig.hold(pilot, force, 1.5)
            instruction = rig.screen.query_one("#instruction", Static)
            assert rig.session.state.zone == zone
            assert words in text_of(instruction)
            assert instruction.has_class(f"zone-{zone}")


async def test_a_hold_reaching_its_target_shows_complete(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 3.0)
        panel = rig.screen.query_one(HoldPanel)
        assert "HOLD COMPLETE" not in text_of(panel)
        assert panel.has_class("active")
        await rig.hold(pilot, 55.0, 3.0)
        assert "HOLD COMPLETE" in text_of(panel)
        assert panel.has_class("complete")
        assert "100%" in text_of(panel)


async def test_digits_wait_for_the_detail_frame_but_the_zone_does_not(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames between detail frames show a zone change, so they leave the digits alone."""
    # Only the test draws: no frames on new states, no detail paints of the screen's own.
    monkeypatch.setattr(LiveScreen, "_on_new_state", lambda self: None)
    monkeypatch.setattr(live, "DETAIL_PERIOD_S", 3600.0)
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 1.0)
        digits = rig.screen.query_one("#force", Digits)
        instruction = rig.screen.query_one("#instruction", Static)
        before = digits.value
        rig.press(80.0, 2.0)
        await rig.until(pilot, lambda: rig.session.state.t >= rig.t)
        rig.screen.draw_frame(details=False)
        assert "Ease off" in text_of(instruction)
        assert digits.value == before
        rig.screen.draw_frame()
        assert digits.value == ForceFormat().number(rig.session.state.force_n, 6)
        assert digits.value != before


async def test_over_ceiling_alarm_shows_in_the_same_call_and_clears(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    bells: list[None] = []
    monkeypatch.setattr(rig.app, "bell", lambda: bells.append(None))
    seen_on_banner: list[bool] = []
    async with rig.app.run_test(size=(100, 32)) as pilot:
        banner = rig.screen.query_one(AlarmBanner)

        def banner_when_raised(event: SessionEvent) -> None:
            # Subscribed after the screen: by now the screen has had the event.
            if isinstance(event, AlarmRaised) and event.kind is AlarmKind.OVER_CEILING:
                seen_on_banner.append("TOO HARD" in banner.lines[0] and banner.severity == "hard")

        rig.session.subscribe(banner_when_raised)
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 1.0)
        assert banner.severity == ""
        rig.press(130.0, 0.5)
        await rig.until(pilot, lambda: bool(seen_on_banner))
        assert seen_on_banner == [True]
        assert len(bells) == 1
        await rig.hold(pilot, 55.0, 1.5)
        assert AlarmKind.OVER_CEILING not in rig.session.state.alarms
        rig.screen.draw_frame()
        assert banner.severity == "hard"  # latched: shown 1.5 s after it clears
        await rig.hold(pilot, 52.0, 1.0)
        rig.screen.draw_frame()
        assert banner.severity == ""
        assert len(bells) == 1


async def test_a_jab_inside_one_batch_is_shown_with_its_force(rig: Rig) -> None:
    """A 0.4 s jab 30 % over the ceiling inside one 76-sample frame: the banner, the
    zone word and the digits show it (its force, not the calm one at the batch's end)."""
    async with rig.app.run_test(size=(100, 32)) as pilot:
        banner = rig.screen.query_one(AlarmBanner)
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 2.0)
        n = 76
        t = rig.t + np.arange(1, n + 1) / 80.0
        force = np.full(n, 52.0)
        force[20:52] = 143.0
        rig.source.push(SampleBatch(t=t, force_n=force))
        rig.t = float(t[-1])
        await rig.drawn(pilot)
        rig.screen.draw_frame()
        assert banner.severity == "hard"
        assert "TOO HARD" in banner.lines[0]
        assert rig.session.state.zone != "over_ceiling"
        assert rig.session.state.shown_force_n >= 140.0
        far = rig.screen.query_one("#far-force", BigText)
        zone = rig.screen.query_one("#zone", Static)
        assert "TOO HARD" in text_of(zone)
        assert far.text.startswith("14")


async def test_a_dead_link_is_never_hidden(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        banner = rig.screen.query_one(AlarmBanner)
        status = rig.screen.query_one(StatusLine)
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 1.0)
        assert status.has_class("-live")
        rig.link(LinkState.NO_DATA)
        await rig.until(pilot, lambda: rig.session.link is LinkState.NO_DATA)
        await pilot.pause()
        assert "NO DATA" in str(banner.render())
        assert banner.severity == "link"
        assert "NO DATA" in text_of(status)
        assert status.has_class("-dead")
        assert "Not live" in text_of(rig.screen.query_one("#instruction", Static))
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 1.0)
        assert banner.severity == ""
        assert "live" in text_of(status)
        assert status.has_class("-live")


async def test_tare_zeroes_a_still_reading(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 4.0, 2.0)
        digits = rig.screen.query_one("#force", Digits)
        assert digits.value.strip() == "4.0"
        await pilot.press("t")
        await rig.hold(pilot, 4.0, 1.0)
        assert digits.value.strip() == "0.0"


async def test_unit_key_cycles_n_kgf_lbf(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 49.03325, 2.0)  # 5 kgf
        digits = rig.screen.query_one("#force", Digits)
        unit = rig.screen.query_one("#force-unit", Static)
        shown = []
        for _ in range(3):
            shown.append((digits.value.strip(), text_of(unit)))
            await pilot.press("u")
        shown.append((digits.value.strip(), text_of(unit)))
        assert shown == [("49.0", "N"), ("5.00", "kgf"), ("11.0", "lbf"), ("49.0", "N")]


async def test_pain_rating_is_stored_with_the_hold(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 6.0)
        await rig.hold(pilot, 0.0, 2.0)
        assert not rig.session.state.hold.active
        await pilot.press("7")
        await pilot.press("q")
    holds = rig.store.holds(kinds=(SourceKind.SIMULATED,))
    assert [(hold.complete, hold.pain) for hold in holds] == [(True, 7)]


async def test_region_picker_moves_to_another_point(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 20.0, 1.0)
        await pilot.press("r")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, RegionPicker))
        await pilot.press("end", "enter")  # the last region: temporalis
        await rig.until(pilot, lambda: not isinstance(rig.app.screen, RegionPicker))
        assert rig.session.pipeline.config.region.id == "temporalis"
        assert "Temporalis" in text_of(rig.screen.query_one("#title", Static))
        await rig.hold(pilot, 17.0, 1.0)  # temporalis: band 8-15 N, ceiling 20 N
        assert rig.session.state.zone == "over_band"


async def test_help_opens_and_closes_and_pause_freezes_the_readout(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 20.0, 1.0)
        await pilot.press("question_mark")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, HelpScreen))
        await pilot.press("escape")
        await rig.until(pilot, lambda: not isinstance(rig.app.screen, HelpScreen))
        await pilot.press("p")
        await rig.hold(pilot, 30.0, 1.0)
        digits = rig.screen.query_one("#force", Digits)
        assert digits.value.strip() == "20.0"
        assert "PAUSED" in text_of(rig.screen.query_one(StatusLine))
        await pilot.press("p")
        await rig.hold(pilot, 30.0, 0.5)
        assert digits.value.strip() == "30.0"


async def test_status_line_labels_a_simulated_tool(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 0.0, 0.5)
        status = text_of(rig.screen.query_one(StatusLine))
        assert status.startswith("SIMULATED")
        assert "sim:scripted" in status
        assert "80 Hz" in status


async def test_a_source_that_cannot_connect_says_why_on_the_status_line(rig: Rig) -> None:
    """A wrong source never waits in silence (issue 12): the source's word is shown."""
    why = "no tool named nosuchtool nearby (seen: Progressor_1A)"
    async with rig.app.run_test(size=(120, 32)) as pilot:
        rig.link(LinkState.CONNECTING, why)
        await rig.until(pilot, lambda: rig.session.link_detail == why)
        rig.screen.redraw()
        await pilot.pause()
        assert why in text_of(rig.screen.query_one(StatusLine))
        rig.link(LinkState.LIVE, "Progressor_1A (C0:FF:EE:00:00:02)")
        await rig.hold(pilot, 0.0, 0.5)
        assert "nearby" not in text_of(rig.screen.query_one(StatusLine))


async def test_command_palette_moves_to_another_point(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 20.0, 0.5)
        await pilot.press("ctrl+p")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, CommandPalette))
        await pilot.press(*"Treat: Masseter")
        await rig.until(pilot, lambda: rig.app.screen.query_one(OptionList).option_count > 0)
        await pilot.press("enter")
        await rig.until(pilot, lambda: rig.session.pipeline.config.region.id == "masseter")


async def test_h_shows_this_points_fortnight_on_a_real_tool_only(rig: Rig) -> None:
    """Today's hold on the tool shows, in the screen's unit; a simulated one does not."""
    region = rig.session.pipeline.config.region.id
    for kind, mean_n, pain in ((SourceKind.DEVICE, 52.0, 6), (SourceKind.SIMULATED, 99.0, 9)):
        recorder = rig.store.begin_session(source="serial:/dev/ttyACM0", kind=kind, region=region)
        ended = HoldEnded(
            t=70.0, start=1.0, in_band_s=61.0, over_band_s=0.0, peak_n=64.0, mean_n=mean_n,
            complete=True,
        )  # fmt: skip
        recorder.record(None, [HoldStarted(t=1.0), ended], region=region)
        recorder.rate_pain(pain, 1.0)
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.press("u")  # kgf
        await pilot.press("h")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, HistoryScreen))
        table = text_of(rig.app.screen.query_one("#table", Static))
        today = datetime.now().astimezone().date().isoformat()
        assert today in table
        assert ForceFormat(Unit.KGF).text(52.0) in table
        assert "6.0 (1)" in table
        assert "9.0" not in table, "a simulated session is not history"
        await pilot.press("escape")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))


async def test_h_before_any_real_session_says_there_is_no_history(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.press("h")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, HistoryScreen))
        assert "No holds on this point" in text_of(rig.app.screen.query_one("#table", Static))


async def test_a_routine_walks_from_warm_up_through_a_hold_to_the_next_point(
    routine_rig: Rig,
) -> None:
    rig = routine_rig
    async with rig.app.run_test(size=(100, 32)) as pilot:
        routine = rig.screen.query_one("#routine", Static)
        assert "Tension headache  ·  Warm up" in text_of(routine)
        await pilot.press("n")
        assert "Find the spot  ·  point 1 of 2: Upper trapezius" in text_of(routine)

        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 55.0, 6.0)  # in band past the 5 s target (--target wins)
        await rig.hold(pilot, 0.0, 2.0)  # lift off: the hold ends complete, next point
        # (the follow-up moves come once, after the last point)
        assert rig.session.pipeline.config.region.id == "suboccipitals"
        assert rig.session.pipeline.config.target_s == 5.0
        assert "Suboccipitals  ·  ball  ·  band 20.0-40.0 N" in text_of(
            rig.screen.query_one("#title", Static)
        )
        assert "point 2 of 2: Suboccipitals" in text_of(routine)


async def test_next_step_is_only_offered_with_a_routine(rig: Rig, routine_rig: Rig) -> None:
    for each, offered in ((rig, False), (routine_rig, True)):
        async with each.app.run_test(size=(100, 32)):
            keys = {key for key, active in each.app.active_bindings.items() if active.binding.show}
            assert ("n" in keys) is offered


REST_S = 31.0
"""A little over the measurement's rest between presses."""


async def open_measurement(rig: Rig, pilot: Pilot[None]) -> PptScreen:
    rig.link(LinkState.LIVE)
    rig.press(0.0, 1.0)  # a press counts from a lift-off
    await rig.taken(pilot)
    await pilot.press("c")
    await rig.until(pilot, lambda: isinstance(rig.app.screen, PptScreen))
    screen = rig.app.screen
    assert isinstance(screen, PptScreen)
    return screen


async def press_to_first_pain(rig: Rig, pilot: Pilot[None], taps_n: list[float]) -> PptScreen:
    """Open the measurement; for each force press to it, tap space there, lift off, rest.

    Each press holds its force longer than the measurement judges the ramp over, so the
    quick first contact is not taken for a fast ramp.
    """
    screen = await open_measurement(rig, pilot)
    for force in taps_n:
        rig.press(force, 3.0)
        await rig.taken(pilot)
        await pilot.press("space")
        rig.press(0.0, REST_S)
        await rig.taken(pilot)
    return screen


async def test_c_measures_the_persons_band_and_the_point_follows_it(device_rig: Rig) -> None:
    """Three presses to first pain (the first not counted): band PPT..midway to tolerance."""
    rig = device_rig
    before_target_s = rig.session.pipeline.config.target_s
    async with rig.app.run_test(size=(100, 40)) as pilot:
        await press_to_first_pain(rig, pilot, [70.0, 44.0, 46.0])
        result = text_of(rig.app.screen.query_one("#result", Static))
        assert "Your band 45.0-55.7 N, ceiling 66.4 N" in result
        await pilot.press("enter")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))
        config = rig.session.pipeline.config
        assert (config.band_low_n, config.band_high_n, config.ceiling_n) == pytest.approx(
            (45.0, 55.718, 66.435), abs=1e-3
        )
        today = datetime.now(UTC).astimezone().date()
        whose = f"band 45.0-55.7 N (yours, measured {today.day} {today:%b})"
        assert whose in text_of(rig.screen.query_one("#title", Static))
        assert config.target_s == before_target_s, "the hold target is not the band's business"
    await rig.session.close()  # the store's writer thread has caught up once this returns
    stored = rig.store.targets(config.region.id)
    assert stored is not None
    assert stored.ppt_n == pytest.approx(45.0)
    assert stored.trials == pytest.approx((70.0, 44.0, 46.0))
    assert stored.measured_on == today


async def test_taps_within_one_press_are_refused(device_rig: Rig) -> None:
    """Three taps inside one continuous press give one trial, and the reason why not more."""
    rig = device_rig
    async with rig.app.run_test(size=(100, 40)) as pilot:
        screen = await open_measurement(rig, pilot)
        rig.press(45.0, 3.0)
        await rig.taken(pilot)
        for _ in range(3):
            await pilot.press("space")
        assert screen.taps == pytest.approx((45.0,))
        assert "one tap per press" in text_of(screen.query_one("#refusal", Static))
        rig.press(0.0, 5.0)  # lifted off, but not rested
        rig.press(45.0, 3.0)
        await rig.taken(pilot)
        await pilot.press("space")
        assert screen.taps == pytest.approx((45.0,))
        assert "rest" in text_of(screen.query_one("#refusal", Static))
        await pilot.press("enter")  # nothing measured: enter keeps nothing
        assert rig.app.screen is screen


async def test_a_fast_ramp_is_refused_and_no_pain_keeps_the_defaults(device_rig: Rig) -> None:
    rig = device_rig
    async with rig.app.run_test(size=(100, 40)) as pilot:
        screen = await open_measurement(rig, pilot)
        for step in range(1, 21):  # 20 -> 60 N in 1 s: three times the ramp's target
            rig.press(20.0 + 2.0 * step, 0.05)
        await rig.taken(pilot)
        await pilot.press("space")
        assert screen.taps == ()
        assert "too fast" in text_of(screen.query_one("#refusal", Static))
        await pilot.press("n")
        assert "your targets stay" in text_of(screen.query_one("#message", Static))
        await pilot.press("escape")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))
        assert "(default)" in text_of(rig.screen.query_one("#title", Static))
    assert rig.store.targets(REGION) is None


async def test_c_on_the_simulated_tool_is_refused_and_says_why(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 40)) as pilot:
        rig.link(LinkState.LIVE)
        await pilot.press("c")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, PptScreen))
        screen = rig.app.screen
        assert isinstance(screen, PptScreen)
        assert "simulated tool" in text_of(screen.query_one("#refused", Static))
        rig.press(45.0, 3.0)
        await rig.taken(pilot)
        await pilot.press("space")
        assert screen.taps == ()
        await pilot.press("escape")
    assert rig.store.targets(REGION) is None


async def test_escape_leaves_the_targets_as_they_were(device_rig: Rig) -> None:
    rig = device_rig
    async with rig.app.run_test(size=(100, 40)) as pilot:
        before = rig.session.pipeline.config
        await press_to_first_pain(rig, pilot, [70.0, 44.0, 46.0])
        await pilot.press("escape")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))
        assert rig.session.pipeline.config == before
    assert rig.store.targets(before.region.id) is None


async def test_a_tap_needs_a_live_tool(device_rig: Rig) -> None:
    """Before the link is live the force on screen is not a reading: no tap is taken."""
    rig = device_rig
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.press("c")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, PptScreen))
        await pilot.press("space")
        screen = rig.app.screen
        assert isinstance(screen, PptScreen)
        assert screen.taps == ()


async def test_forgetting_the_band_here_brings_back_the_default(device_rig: Rig) -> None:
    """The palette's "Forget your band here": the coach, the title and the store agree."""
    rig = device_rig
    region = rig.session.config.region
    mine = PersonalTargets(REGION, 45.0, 45.0, 55.7, 66.4, measured_on=date(2026, 12, 2))
    rig.session.use_targets(mine)  # measured before the screen is drawn
    async with rig.app.run_test(size=(100, 40)) as pilot:
        await rig.hold(pilot, 0.0, 0.5)
        assert "(yours, measured 2 Dec)" in text_of(rig.screen.query_one("#title", Static))
        rig.screen.forget_targets()
        await rig.hold(pilot, 0.0, 0.5)
        config = rig.session.config
        assert (config.band_low_n, config.band_high_n) == (region.band_low_n, region.band_high_n)
        assert "(default)" in text_of(rig.screen.query_one("#title", Static))
    await rig.session.close()
    assert rig.store.targets(REGION) is None


async def test_x_is_ten_and_a_hold_rated_seven_or_more_makes_the_next_one_lighter(
    device_rig: Rig,
) -> None:
    rig = device_rig
    async with rig.app.run_test(size=(100, 40)) as pilot:
        rig.link(LinkState.LIVE)
        before = rig.session.config
        await rig.hold(pilot, 55.0, 2.0)
        await pilot.press("x")  # 10, mid-hold: the running hold is not moved under the person
        assert rig.session.config == before
        await rig.hold(pilot, 0.0, 3.0)  # released: the next hold starts a level lower
        lighter = rig.session.config
        assert lighter.band_high_n < before.band_high_n
        assert lighter.ceiling_n < before.ceiling_n
        assert lighter.target_s == before.target_s
    await rig.session.close()
    rated = [hold.pain for hold in rig.store.holds(region=REGION)]
    assert rated == [10]


async def test_flare_mode_lightens_the_point_once_shows_it_and_normal_undoes_it(
    rig: Rig,
) -> None:
    async with rig.app.run_test(size=(100, 40)) as pilot:
        before = rig.session.config
        rig.screen.set_mode(Mode.FLARE)
        await pilot.pause()
        assert rig.session.config == apply_mode(before, Mode.FLARE)
        assert rig.session.config.target_s == before.target_s / 2
        assert "FLARE" in text_of(rig.screen.query_one("#title", Static))
        rig.screen.set_tool(Tool.BALL)  # a rebuild applies the mode once, not again
        assert rig.session.config == apply_mode(before, Mode.FLARE)
        rig.screen.set_mode(Mode.TENDER)
        assert rig.session.config == apply_mode(before, Mode.TENDER)
        rig.screen.set_mode(Mode.NORMAL)
        await pilot.pause()
        assert rig.session.config == before
        assert "FLARE" not in text_of(rig.screen.query_one("#title", Static))


async def test_o_rates_the_complaint_before_the_routine_and_after_from_its_retest(
    routine_rig: Rig,
) -> None:
    rig = routine_rig
    routine = rig.session.routine
    assert routine is not None
    async with rig.app.run_test(size=(100, 40)) as pilot:
        asked: list[Moment] = []
        for _ in range(2):
            await pilot.press("o")
            await rig.until(pilot, lambda: isinstance(rig.app.screen, OutcomeScreen))
            screen = rig.app.screen
            assert isinstance(screen, OutcomeScreen)
            asked.append(screen.moment)
            await pilot.press("escape")
            await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))
            for _ in range(20):  # n through every step up to the retest
                if routine.state.step is Step.RETEST:
                    break
                await pilot.press("n")
    assert asked == [Moment.START, Moment.RETEST]


async def test_the_complaint_is_rated_and_kept_with_the_routines_session(
    routine_rig: Rig,
) -> None:
    """Before: pain 6, function 4; after: pain 10 (the x key), function 5, retest better;
    then pain 0 (the 0 key) is a rating of its own."""
    rig = routine_rig
    async with rig.app.run_test(size=(100, 40)) as pilot:
        for moment, keys in ((Moment.START, "64"), (Moment.RETEST, "x5b")):
            rig.screen.rate_complaint(moment)
            await rig.until(pilot, lambda: isinstance(rig.app.screen, OutcomeScreen))
            for key in keys:
                await pilot.press(key)
            await rig.until(pilot, lambda: isinstance(rig.app.screen, LiveScreen))
    await rig.session.close()
    with reading(rig.store.path) as conn:
        rated = outcomes(conn, 0.0, kinds=tuple(SourceKind))
    assert [(o.pain.value, o.function.value, o.retest) for o in rated["tension-headache"]] == [
        (6, 4, None),
        (10, 5, Retest.BETTER),
    ]


async def test_sound_off_shows_on_the_status_line_and_the_banner(rig: Rig) -> None:
    """No event says the player stopped: the next detail paint shows it, in both places."""
    note: list[str | None] = [None]
    rig.session.report_sound(lambda: note[0])
    async with rig.app.run_test(size=(100, 32)) as pilot:
        banner = rig.screen.query_one(AlarmBanner)
        status = rig.screen.query_one(StatusLine)
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 1.0)
        assert "SOUND OFF" not in text_of(status)
        note[0] = "SOUND OFF: the player stopped"
        rig.screen.draw_frame()
        assert "SOUND OFF: the player stopped" in text_of(status)
        assert banner.lines == ("SOUND OFF: the player stopped",)
        assert banner.severity == "link"


@pytest.mark.parametrize("key", ["n", "b", "o"])
async def test_a_routine_key_without_a_routine_says_why(rig: Rig, key: str) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await pilot.press(key)
        await pilot.pause()
        assert live.NO_ROUTINE in notices(rig.app), "a key that does nothing says why"
