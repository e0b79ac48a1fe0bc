"""A session on one side of the body: its holds, complaint and measured bands keep the side."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from firmware_host.source import LinkChanged, LinkState
from knotmeter.core.events import HoldEnded
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.sides import Side
from knotmeter.session import Session, SessionEvent
from knotmeter.store import SessionStore, SourceKind
from tests.screened import none_apply
from tests.session.test_session import REGION, HandSource, ManualClock, Running, config, samples
from tests.session.test_session import hand_source as hand_source  # the fixture


def ended_after(t0: float) -> Callable[[SessionEvent], bool]:
    return lambda event: isinstance(event, HoldEnded) and event.start >= t0


async def test_holds_are_kept_under_the_side_pressed_then(
    hand_source: HandSource, tmp_path: Path
) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        running = Running(
            Session(hand_source, config(), store=store, clock=ManualClock(), screening=none_apply())
        )
        hand_source.push(LinkChanged(0.0, LinkState.LIVE))
        for n, side in enumerate((Side.LEFT, Side.RIGHT, None)):
            await hand_source.drained()
            running.session.set_side(side)
            t0 = 10.0 * n
            hand_source.push(samples(t0, t0 + 3.0, 52.0), samples(t0 + 3.0, t0 + 6.0, 0.0))
            await running.wait_for(ended_after(t0))
        await running.stop()
        holds = store.holds(kinds=[SourceKind.SIMULATED])
    assert [h.side for h in holds] == [Side.LEFT, Side.RIGHT, None]


async def test_a_band_measured_on_one_side_is_coached_there_and_not_on_the_other(
    hand_source: HandSource, tmp_path: Path
) -> None:
    left = PersonalTargets(REGION, 45.0, 45.0, 49.5, 63.0, side=Side.LEFT)
    with SessionStore(tmp_path / "k.sqlite3") as store:
        store.save_targets(left)
        session = Session(
            hand_source, config(), store=store, clock=ManualClock(), screening=none_apply()
        )
        default = session.config.band_low_n, session.config.ceiling_n
        session.set_side(Side.LEFT)
        assert (session.config.band_low_n, session.config.ceiling_n) == (45.0, 63.0)
        session.set_side(Side.RIGHT)
        assert (session.config.band_low_n, session.config.ceiling_n) == default
        await session.close()


async def test_a_band_measured_now_is_kept_under_the_side(
    hand_source: HandSource, tmp_path: Path
) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        running = Running(
            Session(hand_source, config(), store=store, clock=ManualClock(), screening=none_apply())
        )
        running.session.set_side(Side.RIGHT)
        running.session.use_targets(PersonalTargets(REGION, 40.0, 40.0, 48.0, 60.0))
        assert running.session.provenance.personal is not None
        running.session.set_side(Side.LEFT)  # measured on the right: not coached here
        assert running.session.provenance.personal is None
        assert running.session.config.ceiling_n == config().ceiling_n  # the default
        await running.stop()
        (kept,) = store.all_targets()
    assert (kept.side, kept.ppt_n) == (Side.RIGHT, 40.0)
