"""A seeded two-sided fortnight, made once per module and copied into each test's store."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knotmeter.core.clearance import Clearance
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.screening import ITEMS
from knotmeter.core.sides import Side
from knotmeter.store import ScreeningRecord, SessionStore, default_db_path
from tests.store.seeding import DAY_S, seed_history, sided_fortnight

PPT = {  # (region, side): PPT (N) two weeks ago and two days ago
    ("tensor-fasciae-latae", Side.LEFT): (40.0, 46.0),
    ("tensor-fasciae-latae", Side.RIGHT): (32.0, 36.0),
    ("gluteus-medius", Side.LEFT): (50.0, 54.0),
}


def measured(region: str, side: Side, ppt_n: float) -> PersonalTargets:
    return PersonalTargets(
        region, ppt_n, ppt_n, ppt_n * 1.2, ppt_n * 1.5, trials=(ppt_n + 9, ppt_n, ppt_n), side=side
    )


def seed_fortnight(path: Path, now: float) -> None:
    """Two sides, two points, a plan with its complaint rated, alarms, PPT measured on
    both sides of one point, and a screening under the light profile, cleared."""
    seed_history(path, sided_fortnight(), now=now)
    wall = [now]
    with SessionStore(path, wall_clock=lambda: wall[0]) as store:
        for (region, side), values in PPT.items():
            for days_ago, ppt_n in zip((13.2, 2.2), values, strict=True):
                wall[0] = now - days_ago * DAY_S
                store.save_targets(measured(region, side, ppt_n))
        answers = {item.id: item.id == "blood-thinners" for item in ITEMS}
        answered = datetime.fromtimestamp(now - 3 * DAY_S, UTC)
        cleared = Clearance("Dr Rowe", answered.date())
        store.save_screening(ScreeningRecord(answered, answers, clearance=cleared))


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "knotmeter.sqlite3"
    seed_fortnight(path, time.time())
    return path


@pytest.fixture
def seeded(seeded_file: Path) -> Path:
    """This test's store, holding the seeded fortnight."""
    target = default_db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seeded_file, target)
    target.chmod(0o600)
    return target
