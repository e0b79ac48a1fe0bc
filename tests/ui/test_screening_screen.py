"""Pilot tests of the screening before coaching (issue 13): asked before the first live
screen when the store holds no current answers; a skip or red-flag item stops coaching
until "my clinician cleared me"; go-lighter answers switch the light profile on, which
halves the ceilings and refuses neck and face points; the palette asks again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from textual.app import App
from textual.widgets import Static

from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.plans import get_plan
from knotmeter.core.regions import get_region
from knotmeter.core.samples import SampleBatch
from knotmeter.core.screening import ITEMS, STOP_WHILE_HOLDING
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
        await pilot.press(*answers_with())
        assert isinstance(fresh.app.screen, LiveScreen)
        assert "LIGHT PROFILE" not in title(fresh.app)
    stored = fresh.store.latest_screening()
    assert stored is not None
    assert not any(stored.answers.values())


async def test_a_red_flag_means_no_coaching_until_a_clinician_cleared_it(
    fresh: Unscreened,
) -> None:
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("night-pain"))
        assert isinstance(fresh.app.screen, ScreeningScreen), "no live screen"
        verdict = text(fresh.app, "#question")
        assert "not the pattern of a muscle knot" in verdict
        assert "No coaching for now" in verdict
        assert "physiotherapist" in verdict
        await pilot.press("y", "n")  # answer keys do nothing on a verdict
        assert isinstance(fresh.app.screen, ScreeningScreen)
        assert fresh.store.latest_screening() is None, "nothing coached, nothing recorded"
        await pilot.press("c")
        assert isinstance(fresh.app.screen, LiveScreen)
    stored = fresh.store.latest_screening()
    assert stored is not None
    assert stored.cleared_by_clinician
    assert stored.answers["night-pain"]


async def test_stored_answers_that_stop_coaching_open_on_their_verdict(tmp_path: Path) -> None:
    built = build(tmp_path)
    stopped = ScreeningRecord(datetime.now(UTC), {**none_apply().answers, "trauma": True}, False)
    built.store.save_screening(stopped)
    async with built.app.run_test(size=SIZE) as pilot:
        assert "pain after trauma" in text(built.app, "#question")
        await pilot.press("r", *answers_with())  # answered again: none applies now
        assert isinstance(built.app.screen, LiveScreen)
    built.store.close()


async def test_current_answers_go_straight_on_and_old_ones_are_asked_again(
    tmp_path: Path,
) -> None:
    built = build(tmp_path)
    built.store.save_screening(none_apply(datetime.now(UTC) - timedelta(days=29)))
    async with built.app.run_test(size=SIZE):
        assert isinstance(built.app.screen, LiveScreen)
    built.store.close()
    old = build(tmp_path / "old")
    old.store.save_screening(none_apply(datetime.now(UTC) - timedelta(days=31)))
    async with old.app.run_test(size=SIZE):
        assert isinstance(old.app.screen, ScreeningScreen)
    old.store.close()


async def test_go_lighter_answers_halve_the_ceilings_and_say_so(fresh: Unscreened) -> None:
    region = get_region(REGION)
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("blood-thinners"))
        assert isinstance(fresh.app.screen, LiveScreen)
        assert "LIGHT PROFILE: ceilings halved" in title(fresh.app)
        config = fresh.session.config
        assert config.ceiling_n == pytest.approx(region.ceiling_n / 2)
        assert config.band_high_n == pytest.approx(region.band_high_n / 2)
        assert config.cap_s <= 60.0
        fresh.app.screen.set_region("suboccipitals")  # what the region picker calls
        await pilot.pause()
        assert fresh.session.config.region.id == REGION, "a neck point is refused"
        notes = [str(n.message) for n in fresh.app._notifications]
        assert any("neck or face point" in note for note in notes)
        fresh.app.screen.set_region("rhomboids")
        assert fresh.session.config.ceiling_n == pytest.approx(
            get_region("rhomboids").ceiling_n / 2
        )


async def test_osteoporosis_takes_ribs_and_spine_to_40_percent(fresh: Unscreened) -> None:
    async with fresh.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("osteoporosis"))
        assert "40 %" in title(fresh.app)
        assert fresh.session.config.ceiling_n == pytest.approx(get_region(REGION).ceiling_n * 0.4)


@pytest.mark.slow
async def test_a_routine_with_a_neck_point_is_refused_under_the_light_profile(
    tmp_path: Path,
) -> None:
    built = build(tmp_path, plan_id="tension-headache")  # upper trapezius, suboccipitals
    async with built.app.run_test(size=SIZE) as pilot:
        await pilot.press(*answers_with("pregnancy"))
        assert isinstance(built.app.screen, ScreeningScreen), "no coaching"
        assert "Suboccipitals" in text(built.app, "#question")
        assert "rules out" in text(built.app, "#question")
        await pilot.press("r", *answers_with())
        assert isinstance(built.app.screen, LiveScreen)
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
        await pilot.press("r", *answers_with("diabetic-neuropathy"))
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
        source.push(SampleBatch(t=t, force_n=np.full(t.shape, 52.0)))
        while fresh.session.state.t < t[-1]:
            await pilot.pause()
        live = fresh.app.screen
        assert isinstance(live, LiveScreen)
        live.draw_frame()
        assert STOP_WHILE_HOLDING in text(fresh.app, "#instruction")
