"""Press profiles: shipped files load, behave as named, and refuse what they cannot read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from firmware_host.source import CoachAim
from hardware_sims.launch import aim_for
from hardware_sims.press import (
    SPEC_VERSION,
    PressModel,
    ProfileError,
    load_profile,
    parse_profile,
    profile_names,
)
from knotmeter.core.regions import load_regions

REGIONS = sorted(load_regions())
TRAPEZIUS = aim_for("upper-trapezius")
HZ = 40.0


def trace(name: str, aim: CoachAim = TRAPEZIUS, seconds: float | None = None) -> np.ndarray:
    model = PressModel(load_profile(name), seed=1, aim=aim)
    span = seconds if seconds is not None else model.duration_s
    return np.array([model.force_at(t) for t in np.arange(0.0, span, 1 / HZ)])


def at(seconds: float) -> int:
    return round(seconds * HZ)


def test_every_named_profile_ships() -> None:
    assert {"calm", "softening", "overshoot", "sawing", "liftoff", "flare"} <= set(profile_names())


@pytest.mark.parametrize("region", REGIONS)
def test_calm_holds_inside_every_band(region: str) -> None:
    aim = aim_for(region)
    force = trace("calm", aim)
    hold = force[at(12) : at(11 + 1.2 * aim.hold_s)]
    assert aim.band_low_n < hold.min()
    assert hold.max() < aim.band_high_n
    middle = (aim.band_low_n + aim.band_high_n) / 2
    assert 0.005 < hold.std() / middle < 0.05, "a human plateau wanders, it is not flat"
    assert force.max() < aim.ceiling_n


@pytest.mark.parametrize("region", REGIONS)
def test_overshoot_crosses_every_ceiling_twice(region: str) -> None:
    aim = aim_for(region)
    over = trace("overshoot", aim) > aim.ceiling_n
    assert np.count_nonzero(over[1:] & ~over[:-1]) == 2


@pytest.mark.parametrize("tool", ["ball", "hook", "thumb"])
def test_softening_decays_inside_the_band_with_any_tool(tool: str) -> None:
    aim = aim_for("levator-scapulae", tool)
    force = trace("softening", aim)
    soft = force[at(12) : at(12 + 0.75 * aim.hold_s)]
    assert soft[0] > soft[-1] + 0.5 * (aim.band_high_n - aim.band_low_n)
    assert aim.band_low_n < soft.min()
    assert soft.max() < aim.band_high_n


def test_sawing_swings_far_more_than_tremor() -> None:
    sawing = trace("sawing")[at(25) : at(45)]
    calm = trace("calm")[at(25) : at(45)]
    assert np.ptp(sawing) > 3 * np.ptp(calm)


def test_liftoff_releases_to_zero_mid_hold() -> None:
    force = trace("liftoff")
    lifted = 10 + 0.4 * TRAPEZIUS.hold_s
    assert force[at(lifted + 1.0)] == 0.0
    assert force[at(lifted - 5)] > TRAPEZIUS.band_low_n
    assert force[at(lifted + 10)] > TRAPEZIUS.band_low_n


@pytest.mark.parametrize("region", REGIONS)
def test_flare_presses_in_the_lower_part_of_every_band(region: str) -> None:
    aim = aim_for(region)
    hold = trace("flare", aim)[at(11) : at(10 + 0.6 * aim.hold_s)]
    assert aim.band_low_n < hold.min()
    assert hold.max() < (aim.band_low_n + aim.band_high_n) / 2


def test_a_reaimed_person_eases_off_then_presses_for_the_new_point() -> None:
    model = PressModel(load_profile("calm"), seed=1)
    assert TRAPEZIUS.band_low_n < model.force_at(30.0) < TRAPEZIUS.band_high_n
    jaw = aim_for("masseter")
    model.aim(jaw)
    easing = [model.force_at(30.0 + k / HZ) for k in range(at(3))]
    assert easing[0] > TRAPEZIUS.band_low_n, "no jump: the press eases off from where it was"
    assert easing[-1] < 2.0
    assert jaw.band_low_n < model.force_at(30.0 + 20.0) < jaw.band_high_n


def test_the_same_aim_again_changes_nothing() -> None:
    once = PressModel(load_profile("calm"), seed=1)
    twice = PressModel(load_profile("calm"), seed=1)
    for model in (once, twice):
        model.force_at(30.0)
        model.aim(aim_for("masseter"))
        model.force_at(31.0)
    twice.aim(aim_for("masseter"))  # what the session sends when nothing changed
    assert [once.force_at(t) for t in (32.0, 40.0)] == [twice.force_at(t) for t in (32.0, 40.0)]


def test_same_seed_same_trace_in_any_call_order() -> None:
    a = PressModel(load_profile("calm"), seed=7)
    b = PressModel(load_profile("calm"), seed=7)
    times = [30.0, 12.5, 70.1]
    assert [a.force_at(t) for t in times] == [b.force_at(t) for t in reversed(times)][::-1]
    assert a.force_at(30.0) != PressModel(load_profile("calm"), seed=8).force_at(30.0)


def test_looping_and_ending_profiles() -> None:
    looping = PressModel(load_profile("calm"))
    again = looping.duration_s
    middle = TRAPEZIUS.band_low_n + 0.6 * (TRAPEZIUS.band_high_n - TRAPEZIUS.band_low_n)
    assert looping.force_at(1.0) == looping.force_at(again + 1.0) == 0.0
    assert looping.force_at(again + 30.0) == pytest.approx(middle, rel=0.1)  # drift runs on
    ending = PressModel(parse_profile(_doc(loop="false"), source="x.toml"))
    assert not ending.finished(1.0)
    assert ending.finished(10.0)
    assert ending.force_at(10.0) == pytest.approx(20.0, rel=0.1)  # the last level stays


def _doc(*, version: int = SPEC_VERSION, loop: str = "true", segment: str = "") -> str:
    return (
        f"spec_version = {version}\nloop = {loop}\n"
        f"[[segment]]\nduration_s = 2.0\nto_n = 20.0\n{segment}\n"
    )


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (_doc(version=SPEC_VERSION + 1), "is newer than this knotmeter understands"),
        ("loop = true", "spec_version: missing"),
        ("spec_version = 1", "needs at least one [[segment]]"),
        (_doc(segment='ease = "bouncy"'), "segment 1: ease: 'bouncy' is not one of"),
        (_doc(segment="wobble_n = -3"), "segment 1: wobble_n: -3"),
        (_doc(loop='"yes"'), "loop: expected bool"),
        (_doc(segment="to_band = 0.5"), "needs exactly one of to_n, to_band"),
        (_doc(segment="duration_hold = 0.5"), "needs exactly one of duration_s, duration_hold"),
        (_doc(segment="wobble_band = 0.5\nwobble_n = 2"), "wobble_n or wobble_band"),
        ("spec_version = [", "x.toml:"),
    ],
)
def test_bad_profiles_are_refused_naming_file_and_field(doc: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(doc, source="x.toml")
    assert str(caught.value).startswith("x.toml")
    assert message in str(caught.value)


def test_a_profile_file_path_loads_and_a_missing_name_lists_the_known(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(_doc())
    assert load_profile(str(path)).name == "mine"
    with pytest.raises(ProfileError, match="known profiles: calm"):
        load_profile("no-such")
