"""Screening (REFERENCE §7 "Screening"): three tiers, the items, when each is asked, the
typed clearance, and the light profile's exclusions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.clearance import Clearance, ClearanceRefused, parse_clearance
from knotmeter.core.config import PipelineConfig
from knotmeter.core.errors import CoachInputError
from knotmeter.core.regions import load_regions
from knotmeter.core.screening import (
    BY_ID,
    CLOT_RISKS,
    ITEMS,
    NECK_AND_FACE,
    RIBS_AND_SPINE,
    SITTING_S,
    Asked,
    LightProfile,
    ScreeningError,
    ScreeningItem,
    Tier,
    answers_current,
    apply_light_profile,
    decide,
    due_items,
)
from knotmeter.core.tools import Tool

NONE_APPLY = {item.id: False for item in ITEMS}
TODAY = date(2026, 12, 8)
EMERGENCY = [i.id for i in ITEMS if i.tier is Tier.EMERGENCY]
RED = [i.id for i in ITEMS if i.tier is Tier.RED_FLAG]


def test_the_emergency_tier_holds_the_reference_signs() -> None:
    named = {
        "bladder-control", "bowel-control", "saddle-numbness", "worsening-numbness",
        "worsening-strength", "calf-swelling", "calf-red-warm", "worst-headache",
        "chest-pain", "breathless",
    }  # fmt: skip
    assert named <= set(EMERGENCY)


def test_the_missing_items_are_all_there() -> None:
    new = {
        "new-headache-over-50", "jaw-pain-chewing", "scalp-tenderness", "visual-change",
        "dizziness", "double-vision", "trouble-speaking", "trouble-swallowing",
        "drop-attacks", "exertion-pain", "recent-surgery", "immobilised",
        "long-haul-travel", "previous-clot", "pregnancy", "postpartum", "oestrogen",
        "cancer-history", "bleeding-disorder", "lymphoedema", "lymph-nodes-removed",
        "steroid-injection", "broken-skin", "under-18",
    }  # fmt: skip
    assert new <= set(BY_ID)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_one_question_per_item_no_a_or_b(item: ScreeningItem) -> None:
    question = re.sub(r"\(.*?\)", "", item.question)  # examples may list
    assert " or " not in question
    assert question.endswith("?")


def test_weight_loss_is_asked_as_an_amount() -> None:
    assert "5 %" in BY_ID["weight-loss"].question
    assert "6-12 months" in BY_ID["weight-loss"].question


def test_acute_items_are_the_four_named() -> None:
    acute = {i.id for i in ITEMS if i.asked is Asked.ACUTE}
    assert acute == {"fever", "new-injury", "calf-swelling", "new-numbness"}


def test_none_apply_means_standard_coaching() -> None:
    outcome = decide(NONE_APPLY, today=TODAY)
    assert outcome.coaching
    assert outcome.tier is None
    assert outcome.light is None


@pytest.mark.parametrize("item_id", EMERGENCY)
def test_an_emergency_says_seek_care_today_and_no_clearance_lifts_it(item_id: str) -> None:
    cleared = Clearance("Dr Lee", TODAY)
    outcome = decide(NONE_APPLY | {item_id: True}, today=TODAY, clearance=cleared)
    assert not outcome.coaching
    assert outcome.tier is Tier.EMERGENCY
    assert any("Seek care today" in line for line in outcome.advice)
    assert not outcome.cleared_by_clinician


@pytest.mark.parametrize("item_id", RED)
def test_a_red_flag_stops_coaching_until_a_clearance_in_force(item_id: str) -> None:
    answers = NONE_APPLY | {item_id: True}
    assert not decide(answers, today=TODAY).coaching
    cleared = decide(answers, today=TODAY, clearance=Clearance("Dr Lee", TODAY - timedelta(6)))
    assert cleared.coaching
    assert cleared.cleared_by_clinician
    stale = decide(answers, today=TODAY, clearance=Clearance("Dr Lee", TODAY - timedelta(7)))
    assert not stale.coaching, "a clearance holds 7 days, then it is asked again"


@pytest.mark.parametrize(
    ("who", "on", "words"),
    [
        ("", "2026-12-07", "type who cleared you"),
        ("   ", "2026-12-07", "type who cleared you"),
        ("Dr Lee", "", "is empty"),
        ("Dr Lee", "tomorrow", "is not a date"),
        ("Dr Lee", "2026-12-09", "in the future"),
        ("Dr Lee", "2026-12-01", "older than 7 days"),
        ("x" * 81, "2026-12-07", "at most 80"),
    ],
)
def test_a_bad_clearance_is_refused_in_one_line(who: str, on: str, words: str) -> None:
    refused = parse_clearance(who, on, TODAY)
    assert isinstance(refused, ClearanceRefused)
    assert words in refused.words
    assert "\n" not in refused.words


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_typed_clearance_is_a_value_never_an_exception(who: str, on: str) -> None:
    result = parse_clearance(who, on, TODAY)
    if isinstance(result, Clearance):
        assert result.valid_on(TODAY)
        assert result.who.strip()


def test_unknown_or_missing_answers_are_refused() -> None:
    with pytest.raises(ScreeningError, match="unknown screening item 'bogus'"):
        decide(NONE_APPLY | {"bogus": True}, today=TODAY)
    with pytest.raises(ScreeningError, match="'fever' is not answered"):
        decide({k: v for k, v in NONE_APPLY.items() if k != "fever"}, today=TODAY)


def test_acute_items_every_sitting_the_rest_after_30_days() -> None:
    acute = {i.id for i in ITEMS if i.asked is Asked.ACUTE}
    plan = {i.id for i in ITEMS if i.asked is Asked.PLAN}
    knee = ("tensor-fasciae-latae", "gluteus-medius")
    later = due_items(NONE_APPLY, monthly_age_days=3, sitting_age_s=86_400, region_ids=knee)
    assert {i.id for i in later} == acute
    neck = due_items(
        NONE_APPLY, monthly_age_days=3, sitting_age_s=86_400, region_ids=("upper-trapezius",)
    )
    assert {i.id for i in neck} == acute | plan, "a neck routine asks its items when it starts"
    same = due_items(NONE_APPLY, monthly_age_days=0, sitting_age_s=SITTING_S / 2, region_ids=knee)
    assert same == ()
    assert due_items(NONE_APPLY, monthly_age_days=30, sitting_age_s=0, region_ids=knee) == ITEMS
    assert due_items(None, monthly_age_days=None, sitting_age_s=None, region_ids=knee) == ITEMS
    old = {k: False for k in list(NONE_APPLY)[:-1]}  # an older list: asked again in full
    assert due_items(old, monthly_age_days=0, sitting_age_s=0, region_ids=knee) == ITEMS


def test_answers_are_asked_again_after_30_days() -> None:
    day = date(2026, 11, 1)
    assert answers_current(day, day + timedelta(days=29))
    assert not answers_current(day, day + timedelta(days=30))
    assert not answers_current(day + timedelta(days=1), day)  # a date from the future


def test_the_light_profile_halves_and_caps_holds() -> None:
    light = decide(NONE_APPLY | {"blood-thinners": True}, today=TODAY).light
    assert light is not None
    config = PipelineConfig.for_region("gluteus-medius")  # 80-130 N, ceiling 220, 60-90 s
    lighter = apply_light_profile(config, light)
    assert (lighter.band_low_n, lighter.band_high_n, lighter.ceiling_n) == pytest.approx(
        (40.0, 65.0, 110.0)
    )
    assert (lighter.hold_min_s, lighter.cap_s, lighter.target_s) == (60.0, 60.0, 60.0)


def test_osteoporosis_takes_40_percent_over_ribs_and_spine_only() -> None:
    light = LightProfile(("osteoporosis",))
    assert light.ceiling_factor("rhomboids") == 0.4
    assert light.ceiling_factor("gluteus-medius") == 0.5


@pytest.mark.parametrize("region_id", sorted(NECK_AND_FACE))
def test_no_neck_or_face_points_under_the_light_profile(region_id: str) -> None:
    with pytest.raises(CoachInputError, match="neck or face point"):
        apply_light_profile(PipelineConfig.for_region(region_id), LightProfile(("blood-thinners",)))


def test_neuropathy_bars_the_foot_and_the_measurement() -> None:
    light = LightProfile(("diabetic-neuropathy",))
    assert not light.allows("foot-intrinsics")
    assert not light.measures
    assert light.allows("gastrocnemius-soleus")
    assert LightProfile(("blood-thinners",)).measures


@pytest.mark.parametrize("risk", sorted(CLOT_RISKS))
def test_pregnancy_postpartum_and_clot_risks_bar_the_calf(risk: str) -> None:
    light = LightProfile((risk,))
    assert not light.allows("gastrocnemius-soleus")
    assert light.allows("foot-intrinsics")
    assert "no calf points" in light.summary()


@given(
    region_id=st.sampled_from(sorted(set(load_regions()) - NECK_AND_FACE)),
    tool=st.sampled_from(list(Tool)),
    because=st.sampled_from([("blood-thinners",), ("osteoporosis",), ("dental-work",)]),
)
def test_the_light_profile_never_raises_a_limit(
    region_id: str, tool: Tool, because: tuple[str, ...]
) -> None:
    config = PipelineConfig.for_region(region_id, tool=tool)
    lighter = apply_light_profile(config, LightProfile(because))
    assert lighter.ceiling_n <= 0.5 * config.ceiling_n + 1e-9
    assert lighter.cap_s <= 60.0
    assert set(RIBS_AND_SPINE) <= set(load_regions())
