"""Pilot tests of the screening before coaching (issues 13, 21; REFERENCE §7): asked
before the first live screen when the store holds no current answers; an emergency
sign is never lifted by a key; a red flag needs a typed clearance (who, which day);
the acute items are asked every sitting, the neck/jaw/shoulder items when such a
routine starts; go-lighter answers switch the light profile on; the palette asks again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.plans import get_plan
from knotmeter.core.regions import get_region
from knotmeter.core.samples import SampleBatch
from knotmeter.core.screening import ITEMS, STOP_WHILE_HOLDING, Asked
from knotmeter.session import Session
from knotmeter.store import ScreeningRecord, SessionStore
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.commands import palette
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.screens.screening import ScreeningScreen
from tests.screened import none_apply
from tests.ui.conftest import REGION, TARGET_S, ScriptedSource

SIZE = (120, 40)


@dataclass
class Unscreened:
    app: KnotmeterApp
    session: Session
    store: SessionStore


def build(tmp_path: Path, *, region: str = REGION, plan_id: str | None = None) -> Unscreened:
    store = SessionStore(tmp_path / "sessions.db")
    config = PipelineConfig.for_region(region, target_s=TARGET_S)
    plan = None if plan_id is None else get_plan(plan_id)
    session = Session(ScriptedSource(), config, store=store, clock=lambda: 0.0, plan=plan)
    return Unscreened(KnotmeterApp(session=session, fmt=ForceFormat()), session, store)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Unscreened]:
    built = build(tmp_path)
    yield built
    built.store.close()


def answers_with(*yes: str) -> list[str]:
    """The keys that answer every item, "yes" to ``yes`` only."""
    return ["y" if item.id in yes else "n" for item in ITEMS]


def text(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def title(app: App[None]) -> str:
    return str(app.screen.query_one("#title", Static).render())


async def test_no_answers_asks_every_item_before_the_live_screen(fresh: Unscreened) -> None:
    async with fresh.app.run_test(size=SIZE) as pilot:
        assert isinstance(fresh.app.screen, ScreeningScreen)
        assert ITEMS[0].question in text(fresh.app, "#question")
        await pilot.press("n", "b")  # back re-asks the first item
        assert ITEMS[0].question in text(fresh.app, "#question")
        await pilot.press("escape")  # a due question is not skipped
        assert ITEMS[0].question in text(fresh.app, "#question")
        await pilot.press(*answers_with())
        assert isinstance(fresh.app.screen, LiveScreen)
        assert "LIGHT PROFILE" not in title(fresh.app)
    stored = fresh.store.latest_screening()
    assert stored is not None
    assert not any(stored.answers.values())


async def type_clearance(pilot: Pilot[None], who: str, on: str) -> None:
    for widget_id, value in (("#cleared-who", who), ("#cleared-on", on)):
        field = pilot.app.screen.query_one(widget_id, Input)
        field.focus()
        field.value = value
        await pilot.press("enter")


async def test_a_red_flag_needs_a_typed_clearance_naming_who_and_when(fresh: Unscreened) -> None:
    today = datetime.now(UTC).date()
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("night-pain"))
        assert isinstance(fresh.app.screen, ScreeningScreen), "no live screen"
        verdict = text(fresh.app, "#question")
        assert "not the pattern of a muscle knot" in verdict
        assert "clears you" in verdict
        await pilot.press("y", "n", "escape")  # answer keys and escape do nothing here
        assert isinstance(fresh.app.screen, ScreeningScreen)
        assert fresh.store.latest_screening() is None, "nothing coached, nothing recorded"
        await pilot.press("c")
        assert fresh.app.screen.typing
        for who, on, words in (
            ("", today.isoformat(), "type who cleared you"),
            ("Dr Lee", (today + timedelta(days=1)).isoformat(), "in the future"),
            ("Dr Lee", (today - timedelta(days=8)).isoformat(), "older than 7 days"),
            ("Dr Lee", "", "is empty"),
        ):
            await type_clearance(pilot, who, on)
            assert words in text(fresh.app, "#clearance-problem")
            assert isinstance(fresh.app.screen, ScreeningScreen)
        await type_clearance(pilot, "Dr Lee, GP", (today - timedelta(days=1)).isoformat())
        assert isinstance(fresh.app.screen, LiveScreen)
    stored = fresh.store.latest_screening()
    assert stored is not None
    assert stored.clearance is not None
    assert stored.clearance.who == "Dr Lee, GP"
    assert stored.answers["night-pain"]


async def test_an_emergency_is_never_lifted_by_a_key(fresh: Unscreened) -> None:
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("chest-pain"))
        assert "Seek care today" in text(fresh.app, "#question")
        for key in ("c", "y", "n", "b", "escape", "enter", "space"):
            await pilot.press(key)
            assert isinstance(fresh.app.screen, ScreeningScreen)
            assert not fresh.app.screen.typing
        await pilot.press("r")  # answer again, one question at a time
        assert ITEMS[0].question in text(fresh.app, "#question")
        await pilot.press(*answers_with())  # the situation changed: every item again
        assert isinstance(fresh.app.screen, LiveScreen)


async def test_stored_answers_that_stop_coaching_open_on_their_verdict(tmp_path: Path) -> None:
    built = build(tmp_path)
    stopped = ScreeningRecord(datetime.now(UTC), {**none_apply().answers, "trauma": True})
    built.store.save_screening(stopped)
    async with built.app.run_test(size=SIZE) as pilot:
        assert "pain after trauma" in text(built.app, "#question")
        await pilot.press("r", *answers_with())  # answered again: none applies now
        assert isinstance(built.app.screen, LiveScreen)
    built.store.close()


async def test_acute_items_every_sitting_and_everything_after_30_days(tmp_path: Path) -> None:
    built = build(tmp_path)
    built.store.save_screening(none_apply(datetime.now(UTC)))  # this sitting's
    async with built.app.run_test(size=SIZE):
        assert isinstance(built.app.screen, LiveScreen)
    built.store.close()
    later = build(tmp_path / "later", region="gluteus-medius")  # not a neck point
    later.store.save_screening(none_apply(datetime.now(UTC) - timedelta(days=2)))
    async with later.app.run_test(size=SIZE) as pilot:
        assert isinstance(later.app.screen, ScreeningScreen)
        assert "1 of 4" in text(later.app, "#progress"), "the four acute items"
        await pilot.press("n", "n", "n", "n")
        assert isinstance(later.app.screen, LiveScreen)
    stored = later.store.latest_screening()
    assert stored is not None
    assert stored.all_answered_at is not None, "the 30 days still count from the full set"
    later.store.close()
    old = build(tmp_path / "old", region="gluteus-medius")
    old.store.save_screening(none_apply(datetime.now(UTC) - timedelta(days=31)))
    async with old.app.run_test(size=SIZE):
        assert f"1 of {len(ITEMS)}" in text(old.app, "#progress")
    old.store.close()


async def test_a_neck_routine_asks_its_items_when_it_starts(tmp_path: Path) -> None:
    built = build(tmp_path, plan_id="desk-shoulder")
    built.store.save_screening(none_apply(datetime.now(UTC) - timedelta(days=2)))
    plan_items = [i for i in ITEMS if i.asked is Asked.PLAN]
    async with built.app.run_test(size=SIZE) as pilot:
        assert f"1 of {4 + len(plan_items)}" in text(built.app, "#progress")
        await pilot.press("n", "n", "n", "n")
        assert plan_items[0].question in text(built.app, "#question")
    built.store.close()


async def test_go_lighter_answers_halve_the_ceilings_and_say_so(fresh: Unscreened) -> None:
    region = get_region(REGION)
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("blood-thinners"))
        assert isinstance(fresh.app.screen, LiveScreen)
        assert "LIGHT PROFILE: ceilings halved" in title(fresh.app)
        config = fresh.session.config
        assert config.ceiling_n == pytest.approx(region.ceiling_n / 2)
        assert config.cap_s <= 60.0
        fresh.app.screen.set_region("suboccipitals")  # what the region picker calls
        await pilot.pause()
        assert fresh.session.config.region.id == REGION, "a neck point is refused"


async def test_a_calf_in_pregnancy_is_refused_offering_what_remains(tmp_path: Path) -> None:
    built = build(tmp_path, region="gastrocnemius-soleus", plan_id="plantar-heel")
    async with built.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("pregnancy"))
        assert isinstance(built.app.screen, ScreeningScreen), "no coaching"
        refusal = text(built.app, "#question")
        assert "Gastrocnemius / soleus (a calf point" in refusal
        assert "you can still press Foot intrinsics (arch)" in refusal
        assert "--region foot-intrinsics" in refusal
    built.store.close()


async def test_neuropathy_refuses_the_foot(tmp_path: Path) -> None:
    built = build(tmp_path, region="foot-intrinsics")
    async with built.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("diabetic-neuropathy"))
        assert "a foot point" in text(built.app, "#question")
    built.store.close()


@pytest.mark.slow
async def test_the_palette_answers_again_and_switches_the_light_profile(
    fresh: Unscreened,
) -> None:
    ceiling = get_region(REGION).ceiling_n
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with())
        assert fresh.session.config.ceiling_n == pytest.approx(ceiling)
        fresh.app.action_screening()
        await pilot.pause()
        await pilot.press("escape")  # keeps the answers there were
        assert isinstance(fresh.app.screen, LiveScreen)
        fresh.app.action_screening()
        await pilot.pause()
        await pilot.press(*answers_with("sudden-severe-pain"), "escape")
        assert isinstance(fresh.app.screen, ScreeningScreen), "a verdict is not escaped"
        await pilot.press("r", *answers_with("blood-thinners"))
        assert isinstance(fresh.app.screen, LiveScreen)
        assert "LIGHT PROFILE" in title(fresh.app)
        assert fresh.session.config.ceiling_n == pytest.approx(ceiling / 2)
        fresh.session.set_tool(fresh.session.rx.tool)  # rebuilt from the unlit config: once
        assert fresh.session.config.ceiling_n == pytest.approx(ceiling / 2)
        commands = [entry.title for entry in palette(fresh.app.screen)]
        assert "Screening" in commands


async def test_a_hold_start_shows_the_stop_rules(fresh: Unscreened) -> None:
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with())
        source = fresh.session.source
        assert isinstance(source, ScriptedSource)
        t = np.arange(1, 161) / 80.0
        source.push(SampleBatch(t=t, force_n=np.full(t.shape, 55.0)))
        while fresh.session.state.t < t[-1]:
            await pilot.pause()
        live = fresh.app.screen
        assert isinstance(live, LiveScreen)
        live.draw_frame()
        assert STOP_WHILE_HOLDING in text(fresh.app, "#instruction")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0])
async def test_no_key_sequence_crashes_the_screening_or_skips_it(tmp_path: Path, seed: int) -> None:
    """Random keys (answers, back, clearance, restart, escape, enter, typing): the app
    never crashes, and the live screen comes only after answers that allow coaching."""
    rng = np.random.default_rng(seed)
    keys = ["y", "n", "b", "c", "r", "escape", "enter", "tab", "a", "1", "space"]
    built = build(tmp_path)
    async with built.app.run_test(size=SIZE) as pilot:
        for key in rng.choice(keys, size=400, p=[0.3, 0.4, *[0.3 / 9] * 9]):
            await pilot.press(str(key))
            if isinstance(built.app.screen, LiveScreen):
                stored = built.store.latest_screening()
                assert stored is not None
                assert stored.outcome_at(datetime.now(UTC)).coaching
                break
    built.store.close()
