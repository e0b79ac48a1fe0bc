"""Screening: the items as data, the decision from answers, their validity, the light profile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.config import PipelineConfig
from knotmeter.core.errors import CoachInputError
from knotmeter.core.regions import load_regions
from knotmeter.core.screening import (
    BY_ID,
    ITEMS,
    NECK_AND_FACE,
    RIBS_AND_SPINE,
    Group,
    LightProfile,
    ScreeningError,
    answers_current,
    apply_light_profile,
    decide,
)
from knotmeter.core.tools import Tool

NONE_APPLY = {item.id: False for item in ITEMS}


def test_the_lists_from_the_source_are_all_there_with_questions() -> None:
    groups = {group: [i.id for i in ITEMS if i.group is group] for group in Group}
    assert len(groups[Group.SKIP]) == 7
    assert len(groups[Group.RED_FLAG]) == 6
    assert groups[Group.LIGHTER] == [
        "blood-thinners",
        "diabetic-neuropathy",
        "osteoporosis",
        "pregnancy",
        "face-jaw",
    ]
    assert "suspected-dvt" in groups[Group.SKIP]
    assert all(item.question.endswith("?") and item.reason for item in ITEMS)
    assert len(BY_ID) == len(ITEMS)


def test_none_apply_means_standard_coaching() -> None:
    outcome = decide(NONE_APPLY)
    assert outcome.coaching
    assert outcome.light is None
    assert outcome.stopped_by == ()
    assert outcome.advice == ()


@pytest.mark.parametrize("item_id", [i.id for i in ITEMS if i.group is not Group.LIGHTER])
def test_any_skip_item_or_red_flag_stops_coaching_with_the_reason(item_id: str) -> None:
    outcome = decide(NONE_APPLY | {item_id: True})
    assert not outcome.coaching
    assert outcome.stopped_by == (item_id,)
    assert BY_ID[item_id].reason in outcome.advice[0]
    assert "Ask a doctor or physiotherapist" in outcome.advice[-1]


def test_a_clinicians_clearance_unlocks_and_is_recorded() -> None:
    outcome = decide(NONE_APPLY | {"night-pain": True}, cleared_by_clinician=True)
    assert outcome.coaching
    assert outcome.cleared_by_clinician
    assert outcome.stopped_by == ("night-pain",)
    assert "cleared" in outcome.advice[-1]


@given(st.fixed_dictionaries({item.id: st.booleans() for item in ITEMS}), st.booleans())
def test_coaching_only_without_stop_items_or_with_clearance(
    answers: dict[str, bool], cleared: bool
) -> None:
    outcome = decide(answers, cleared_by_clinician=cleared)
    stops = any(answers[i.id] for i in ITEMS if i.group is not Group.LIGHTER)
    lighter = any(answers[i.id] for i in ITEMS if i.group is Group.LIGHTER)
    assert outcome.coaching == (not stops or cleared)
    assert (outcome.light is not None) == lighter


def test_unknown_or_missing_answers_are_refused() -> None:
    with pytest.raises(ScreeningError, match="unknown screening item 'flu'"):
        decide(NONE_APPLY | {"flu": True})
    with pytest.raises(ScreeningError, match="'trauma' is not answered"):
        decide({k: v for k, v in NONE_APPLY.items() if k != "trauma"})


def test_answers_are_asked_again_after_30_days() -> None:
    day = date(2026, 12, 2)
    assert answers_current(day, day)
    assert answers_current(day, day + timedelta(days=29))
    assert not answers_current(day, day + timedelta(days=30))
    assert not answers_current(day + timedelta(days=1), day)  # a date from the future


def test_the_light_profile_halves_and_caps_holds() -> None:
    light = decide(NONE_APPLY | {"pregnancy": True}).light
    assert light is not None
    config = PipelineConfig.for_region("gluteus-medius")  # 80-130 N, ceiling 220, 60-90 s
    lighter = apply_light_profile(config, light)
    assert (lighter.band_low_n, lighter.band_high_n, lighter.ceiling_n) == pytest.approx(
        (40.0, 65.0, 110.0)
    )
    assert (lighter.hold_min_s, lighter.cap_s, lighter.target_s) == (60.0, 60.0, 60.0)
    assert lighter.release_n == pytest.approx(0.4 * 40.0)


def test_osteoporosis_takes_40_percent_over_ribs_and_spine_only() -> None:
    light = LightProfile(("osteoporosis",))
    assert {r: light.ceiling_factor(r) for r in ("rhomboids", "gluteus-medius")} == {
        "rhomboids": 0.4,
        "gluteus-medius": 0.5,
    }
    config = apply_light_profile(PipelineConfig.for_region("rhomboids"), light)
    assert config.ceiling_n == pytest.approx(44.0)


@pytest.mark.parametrize("region_id", sorted(NECK_AND_FACE))
def test_no_neck_or_face_points_under_the_light_profile(region_id: str) -> None:
    with pytest.raises(CoachInputError, match="neck or face point"):
        apply_light_profile(PipelineConfig.for_region(region_id), LightProfile(("blood-thinners",)))


@given(
    region_id=st.sampled_from(sorted(set(load_regions()) - NECK_AND_FACE)),
    tool=st.sampled_from(list(Tool)),
    because=st.sampled_from([("blood-thinners",), ("osteoporosis",), ("pregnancy", "face-jaw")]),
)
def test_the_light_profile_never_raises_a_limit(
    region_id: str, tool: Tool, because: tuple[str, ...]
) -> None:
    config = PipelineConfig.for_region(region_id, tool=tool)
    lighter = apply_light_profile(config, LightProfile(because))
    assert lighter.ceiling_n <= 0.5 * config.ceiling_n + 1e-9
    assert lighter.band_high_n <= 0.5 * config.band_high_n + 1e-9
    assert lighter.cap_s <= 60.0
    assert lighter.tool is tool
    assert set(RIBS_AND_SPINE) <= set(load_regions())
