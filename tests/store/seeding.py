"""Fill a real store with a fortnight of sittings, through the store's public API.

Each sitting follows one plan's points; each point is one press (rest, ramp into
the band, a wandering plateau, release) run through the real pipeline, and what it
says (holds, alarms) is recorded with the raw samples exactly as a live session
records them. A sitting can rate its plan's complaint at the start and at the retest.
Pain eases and force settles over the days, so charts have a trend.
Everything is seeded: the same call writes the same store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import HoldStarted
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.plans import get_plan
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Outcome, Retest, Score
from knotmeter.core.sides import Side
from knotmeter.store import Moment, SessionRecorder, SessionStore, SourceKind

DAY_S = 86_400.0
RATE_HZ = 80.0
BATCH_S = 0.5
PLANS = ("tension-headache", "plantar-heel", "jaw")
SEED_NOW = 1_795_000_000.0  # 2026-11-18 ... a fixed "now" for pictures that never change


@dataclass(slots=True, frozen=True)
class Sitting:
    """One session to seed: when (days before ``now``), which plan, how it goes;
    ``complaint`` (pain, function) rates the plan's complaint at the start and, with
    ``retest``, again at the end (with pain one lower when the retest is better);
    ``side`` is the side every point of it is pressed on."""

    days_ago: float
    plan: str
    point_s: float
    pain: int
    kind: SourceKind = SourceKind.DEVICE
    overshoot: bool = False
    complaint: tuple[int, int] | None = None
    retest: Retest = Retest.BETTER
    side: Side | None = None


def fortnight(point_s: float = 40.0, days: int = 14) -> list[Sitting]:
    """A sitting a day over ``days`` days, plans in turn, holds growing by 3 s a day and
    pain easing from 7 to 2; the complaint eases too (pain 8 to 4, function 3 to 7),
    retests mostly better, the same every fourth day, worse the day one sitting
    overshoots the ceiling; and one on the simulated tool is not history."""
    sittings = [
        Sitting(
            days_ago=days - 1 - day + 0.5,
            plan=PLANS[day % len(PLANS)],
            point_s=point_s + 3.0 * day,
            pain=max(2, 7 - day * 5 // days),
            overshoot=day == 3,
            complaint=(8 - day * 4 // days, 3 + day * 4 // days),
            retest=Retest.WORSE if day == 3 else Retest.SAME if day % 4 == 0 else Retest.BETTER,
        )
        for day in range(days)
    ]
    sittings.append(
        Sitting(2.3, PLANS[0], point_s, 9, kind=SourceKind.SIMULATED, complaint=(10, 1))
    )
    return sittings


SIDED_PLAN = "runners-knee"


def sided_fortnight(point_s: float = 62.0, days: int = 14) -> list[Sitting]:
    """A sitting a day of one two-point plan (the outer knee), left and right in turn:
    pain easing from 6, the complaint easing (pain 7 to 3), one sitting over the ceiling,
    one held past the hold limit, and one on the simulated tool."""
    sittings = [
        Sitting(
            days_ago=days - 1 - day + 0.4,
            plan=SIDED_PLAN,
            point_s=100.0 if day == 9 else point_s + 2.0 * day,
            pain=max(2, 6 - day * 4 // days),
            overshoot=day == 5,
            complaint=(7 - day * 4 // days, 4 + day * 4 // days),
            retest=Retest.SAME if day % 4 == 0 else Retest.BETTER,
            side=Side.LEFT if day % 2 == 0 else Side.RIGHT,
        )
        for day in range(days)
    ]
    sittings.append(Sitting(1.3, SIDED_PLAN, point_s, 9, kind=SourceKind.SIMULATED, side=Side.LEFT))
    return sittings


def press(
    region_id: str, point_s: float, rng: np.random.Generator, *, overshoot: bool, ease: float
) -> np.ndarray:
    """Force for one point: 3 s rest, 6 s ramp, plateau, 2 s release, 2 s rest (N)."""
    config = PipelineConfig.for_region(region_id)
    low, high = config.band_low_n, config.band_high_n
    level = low + (high - low) * (0.45 + 0.25 * ease)
    n = round(point_s * RATE_HZ)
    t = np.arange(n) / RATE_HZ
    plateau_end = point_s - 4.0
    shape = np.interp(
        t, [0.0, 3.0, 9.0, plateau_end, plateau_end + 2.0, point_s], [0, 0, 1, 1, 0, 0]
    )
    force = level * shape * (1.0 + 0.04 * np.sin(2 * np.pi * t / 7.0))
    if overshoot:
        spike = (t > 12.0) & (t < 14.0)
        force[spike] = config.ceiling_n * 1.15
    return np.maximum(force + rng.normal(0.0, 0.15, n), 0.0)


def _batches(t: np.ndarray, force: np.ndarray) -> Iterator[SampleBatch]:
    step = int(BATCH_S * RATE_HZ)
    for start in range(0, len(t), step):
        yield SampleBatch(
            t=t[start : start + step].copy(), force_n=force[start : start + step].copy()
        )


def seed_history(
    path: Path, sittings: Sequence[Sitting], *, now: float = SEED_NOW, seed: int = 7
) -> list[int]:
    """Record ``sittings`` into the store at ``path``; returns their session ids."""
    rng = np.random.default_rng(seed)
    wall = [now]
    ids = []
    with SessionStore(path, wall_clock=lambda: wall[0]) as store:
        for number, sitting in enumerate(sittings):
            start = now - sitting.days_ago * DAY_S
            day = datetime.fromtimestamp(start, UTC).date()
            wall[0] = start
            regions = [point.region.id for point in get_plan(sitting.plan).points]
            pipeline = Pipeline(PipelineConfig.for_region(regions[0]))
            recorder = store.begin_session(
                source="sim:calm" if sitting.kind is SourceKind.SIMULATED else "ble:KM-0042",
                kind=sitting.kind,
                region=regions[0],
            )
            if sitting.complaint is not None:
                rate_complaint(recorder, sitting, Moment.START, day)
            t0 = 0.0
            for index, region in enumerate(regions):
                if index:
                    recorder.record(
                        None,
                        pipeline.reconfigure(PipelineConfig.for_region(region)),
                        region=regions[index - 1],
                        side=sitting.side,
                    )
                ease = number / max(1, len(sittings) - 1)
                force = press(region, sitting.point_s, rng, overshoot=sitting.overshoot, ease=ease)
                t = t0 + np.arange(len(force)) / RATE_HZ
                for batch in _batches(t, force):
                    wall[0] = start + float(batch.t[-1])
                    events = pipeline.feed(batch)
                    recorder.record(batch, events, region=region, side=sitting.side)
                    for event in events:
                        if isinstance(event, HoldStarted):
                            recorder.rate_pain(sitting.pain, event.t)
                t0 = float(t[-1]) + 1.0 / RATE_HZ
            if sitting.complaint is not None:
                rate_complaint(recorder, sitting, Moment.RETEST, day)
            recorder.record(None, pipeline.stop_hold(), region=region, side=sitting.side)
            recorder.finish()
            ids.append(recorder.session_id)
    return ids


def rate_complaint(recorder: SessionRecorder, sitting: Sitting, moment: Moment, on: date) -> None:
    """The sitting's complaint rating at ``moment``, stamped with the recorder's wall clock."""
    assert sitting.complaint is not None
    pain, function = sitting.complaint
    retest = sitting.retest if moment is Moment.RETEST else None
    if retest is Retest.BETTER:
        pain = max(1, pain - 1)
    outcome = Outcome(on, Score(pain), Score(function), retest)
    recorder.record_outcome(sitting.plan, moment, outcome)
