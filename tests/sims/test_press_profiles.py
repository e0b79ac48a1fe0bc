"""Press profiles: shipped files load, behave as named, and refuse what they cannot read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hardware_sims.press import (
    SPEC_VERSION,
    PressModel,
    ProfileError,
    load_profile,
    parse_profile,
    profile_names,
)

BAND = (40.0, 65.0)
CEILING = 110.0


def trace(name: str, seconds: float | None = None, hz: float = 80.0) -> np.ndarray:
    model = PressModel(load_profile(name), seed=1)
    span = seconds if seconds is not None else model.duration_s
    return np.array([model.force_at(t) for t in np.arange(0.0, span, 1 / hz)])


def test_every_named_profile_ships() -> None:
    assert {"calm", "softening", "overshoot", "sawing", "liftoff", "flare"} <= set(profile_names())


def test_calm_holds_inside_the_upper_trapezius_band() -> None:
    force = trace("calm")
    hold = force[(15 * 80) : (85 * 80)]
    assert BAND[0] < hold.min()
    assert hold.max() < BAND[1]
    assert 0.5 < hold.std() < 3.0, "a human plateau wanders, it is not flat"
    assert force.max() < CEILING


def test_overshoot_crosses_the_ceiling_twice() -> None:
    over = trace("overshoot") > CEILING
    rising_edges = np.count_nonzero(over[1:] & ~over[:-1])
    assert rising_edges == 2


def test_softening_decays_inside_the_band() -> None:
    force = trace("softening")
    assert force[(14 * 80)] > force[(58 * 80)] + 12


def test_sawing_swings_far_more_than_tremor() -> None:
    sawing = trace("sawing")[(25 * 80) : (50 * 80)]
    calm = trace("calm")[(25 * 80) : (50 * 80)]
    assert np.ptp(sawing) > 3 * np.ptp(calm)


def test_liftoff_releases_to_zero_mid_hold() -> None:
    force = trace("liftoff")
    assert force[(38 * 80)] == 0.0
    assert force[(30 * 80)] > BAND[0]
    assert force[(45 * 80)] > BAND[0]


def test_flare_stays_light() -> None:
    assert trace("flare").max() < BAND[0]


def test_same_seed_same_trace_in_any_call_order() -> None:
    a = PressModel(load_profile("calm"), seed=7)
    b = PressModel(load_profile("calm"), seed=7)
    times = [30.0, 12.5, 70.1]
    assert [a.force_at(t) for t in times] == [b.force_at(t) for t in reversed(times)][::-1]
    assert a.force_at(30.0) != PressModel(load_profile("calm"), seed=8).force_at(30.0)


def test_looping_and_ending_profiles() -> None:
    looping = PressModel(load_profile("calm"))
    again = looping.duration_s
    assert looping.force_at(1.0) == looping.force_at(again + 1.0) == 0.0
    assert looping.force_at(again + 30.0) == pytest.approx(52.0, rel=0.1)  # drift runs on
    ending = PressModel(parse_profile(_doc(loop="false"), source="x.toml"))
    assert not ending.finished(1.0)
    assert ending.finished(10.0)
    assert ending.force_at(10.0) == pytest.approx(20.0, rel=0.1)  # the last level stays


def _doc(*, version: int = SPEC_VERSION, loop: str = "true", segment: str = "") -> str:
    return (
        f"spec_version = {version}\nloop = {loop}\n"
        f"[[segment]]\nduration_s = 2.0\nto_n = 20.0\n{segment}"
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
