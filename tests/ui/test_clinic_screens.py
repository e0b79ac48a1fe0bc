"""Pilot tests of the clinical layer's smaller screens (issue 21, REFERENCE §7): no
threshold measurement with neuropathy; bruising or long soreness after the last session
start the holds a level lighter; flare and tender are labelled as slices of the band."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from knotmeter.core.config import PipelineConfig
from knotmeter.session import Session
from knotmeter.store import ScreeningRecord, SessionStore, SourceKind
from knotmeter.store.reads import reading
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.aftercare import AftercareScreen
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.screens.ppt import NO_MEASURING_WITH_NEUROPATHY, PptScreen
from knotmeter.ui.title import MODE_NOTES
from tests.screened import none_apply
from tests.ui.conftest import REGION, TARGET_S, ScriptedSource

SIZE = (110, 36)


def app_on(store: SessionStore) -> tuple[KnotmeterApp, Session]:
    config = PipelineConfig.for_region(REGION, target_s=TARGET_S)
    source = ScriptedSource("serial:/dev/scripted", kind=SourceKind.DEVICE)
    session = Session(source, config, store=store, clock=lambda: 0.0, hold_target_s=TARGET_S)
    return KnotmeterApp(session=session, fmt=ForceFormat()), session


async def test_no_threshold_measurement_with_neuropathy(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.db") as store:
        answers = {**none_apply().answers, "diabetic-neuropathy": True}
        store.save_screening(ScreeningRecord(none_apply().answered_at, answers))
        app, _ = app_on(store)
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, LiveScreen)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, PptScreen)
            refused = str(app.screen.query_one("#refused", Static).render())
            assert refused == NO_MEASURING_WITH_NEUROPATHY


async def test_bruising_after_the_last_session_starts_a_level_lighter(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.db") as store:
        store.save_screening(none_apply())
        recorder = store.begin_session(source="serial:x", kind=SourceKind.DEVICE, region=REGION)
        recorder.finish()  # a session before this one
        app, session = app_on(store)
        before = session.config
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, AftercareScreen)
            await pilot.press("escape")  # not skipped
            assert isinstance(app.screen, AftercareScreen)
            await pilot.press("y", "n")  # a bruise; soreness gone within a day
            assert isinstance(app.screen, LiveScreen)
            assert session.config.band_high_n < before.band_high_n
            assert session.config.ceiling_n < before.ceiling_n
    with reading(tmp_path / "s.db") as conn:
        assert conn.execute("SELECT bruising, sore_over_24h FROM aftercare").fetchall() == [(1, 0)]


async def test_nothing_asked_when_all_was_well(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.db") as store:
        store.save_screening(none_apply())
        store.begin_session(source="serial:x", kind=SourceKind.DEVICE, region=REGION).finish()
        app, session = app_on(store)
        before = session.config
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n", "n")
            assert isinstance(app.screen, LiveScreen)
            assert session.config == before


def test_flare_and_tender_are_slices_of_the_band_not_pain_levels() -> None:
    for note in MODE_NOTES.values():
        assert "/10" not in note
        assert "slice" in note
