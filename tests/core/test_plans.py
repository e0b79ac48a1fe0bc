"""The packaged routines (plans.toml) and their validation against regions.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from knotmeter.core.config import PipelineConfig
from knotmeter.core.plans import (
    Move,
    PlansFileError,
    UnknownPlan,
    get_plan,
    load_plans,
    parse_plans,
)
from knotmeter.core.regions import load_regions
from knotmeter.core.tools import Tool

# Line numbers matter: the bad-file cases below name them.
GOOD = """\
schema = 2

[[plan]]
id = "neck"
name = "Neck"
purpose = "Stiff neck"
warm_up = "Shoulder rolls"
retest = "Turn your head"
moves = [
    { what = "chin nods", reps = 10 },
    { what = "stretch", seconds = 20 },
]
per_week = [3, 4]
session_min = [6, 12]

[[plan.point]]
region = "upper-trapezius"
holds = 1
hold_s = [60, 90]
cue = "Ball on the wall"
tool = "ball"

[[plan.point]]
region = "suboccipitals"
holds = 2
hold_s = [30, 45]
cue = "Ball under the skull"
tool = "thumb"
"""


def parse_file(tmp_path: Path, text: str) -> None:
    """Write ``text`` as a user's plans file would be, then parse it as knotmeter does."""
    path = tmp_path / "my-plans.toml"
    path.write_text(text, encoding="utf-8")
    parse_plans(path.read_text(encoding="utf-8"), str(path), load_regions())


def test_the_routines_ship_with_their_reference_points() -> None:
    plans = load_plans()
    assert list(plans) == [
        "tension-headache",
        "desk-shoulder",
        "runners-knee",
        "tennis-elbow",
        "golfers-elbow",
        "plantar-heel",
        "jaw",
    ]
    points = {
        plan_id: [(p.region.id, p.holds, p.hold_min_s, p.hold_max_s) for p in plan.points]
        for plan_id, plan in plans.items()
    }
    assert points["tension-headache"] == [
        ("upper-trapezius", 1, 60.0, 90.0),
        ("suboccipitals", 1, 60.0, 90.0),
    ]
    assert points["desk-shoulder"][1] == ("rhomboids", 3, 60.0, 60.0)
    assert points["plantar-heel"][1] == ("foot-intrinsics", 3, 60.0, 90.0)
    # one side's 2-3 spots per elbow plan, not both forearm sides
    assert points["tennis-elbow"] == [("forearm-extensors", 3, 45.0, 60.0)]
    assert points["golfers-elbow"] == [("forearm-flexors", 3, 45.0, 60.0)]
    assert points["jaw"] == [("masseter", 1, 30.0, 45.0), ("temporalis", 1, 30.0, 45.0)]
    headache = get_plan("tension-headache")
    assert headache.moves == (
        Move("slow chin nods", reps=10),
        Move("levator stretch, nose toward the opposite armpit, each side", seconds=20.0),
    )
    assert get_plan("desk-shoulder").moves[-1] == headache.moves[-1]  # the same stretch
    assert headache.schedule_label == (
        "3-4 sessions a week tapering to weekly (a fresh flare: 1-2 a day for 3-5 days), "
        "6-12 min each"
    )


def test_the_cues_keep_off_nerves_bone_pulses_and_tendons() -> None:
    """REFERENCE §7 "Plans and cues": each cue names where to stay off."""
    cue = {p.region.id: p.cue for plan in load_plans().values() for p in plan.points}
    assert "off the bone" in cue["levator-scapulae"]
    assert "radial tunnel" in cue["forearm-extensors"]
    assert "inner elbow bump" in cue["forearm-flexors"]
    assert "crease" in cue["forearm-flexors"]
    assert "pulse" in cue["temporalis"]
    assert "heel cord" in cue["gastrocnemius-soleus"]
    assert "finger-widths below" in cue["gluteus-medius"]
    assert "wall" in cue["gluteus-medius"]


def test_forearm_points_name_their_tool_and_scale_to_it() -> None:
    for plan_id in ("tennis-elbow", "golfers-elbow"):
        (point,) = get_plan(plan_id).points
        assert point.tool is Tool.THUMB
        assert point.cue.startswith("Thumb")
        assert "ball" not in point.cue
    config = PipelineConfig.for_region("forearm-extensors", tool=Tool.THUMB)
    assert (round(config.band_low_n), round(config.band_high_n)) == (13, 24)
    assert round(config.ceiling_n) == 37


def test_every_shipped_point_is_a_known_region_held_inside_its_range() -> None:
    regions = load_regions()
    for plan in load_plans().values():
        assert all((plan.name, plan.purpose, plan.warm_up, plan.retest))
        assert plan.moves
        for move in plan.moves:
            assert (move.reps is None) != (move.seconds is None)
        # the holds fit the session's length (REFERENCE §1: 6-12 min in all)
        assert sum(p.holds * p.hold_min_s for p in plan.points) <= 60 * plan.session_min[1]
        for point in plan.points:
            assert regions[point.region.id] == point.region
            assert point.region.hold_min_s <= point.hold_min_s <= point.hold_max_s
            assert point.hold_max_s <= point.region.hold_max_s
            assert point.holds >= 1
            assert point.cue


def test_an_unknown_plan_lists_the_valid_ids() -> None:
    with pytest.raises(UnknownPlan, match=r"'neck'.*tension-headache, desk-shoulder"):
        get_plan("neck")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('region = "suboccipitals"', 'region = "throat"', "line 24: region: unknown region 'thr"),
        ("hold_s = [30, 45]", "hold_s = [20, 45]", r"line 26: hold_s: .*30 <= min <= max <= 90"),
        ("hold_s = [60, 90]", "hold_s = [60, 120]", r"line 19: hold_s: .*upper-trapezius"),
        ("hold_s = [30, 45]", "hold_s = [45, 30]", "line 26: hold_s"),
        ("holds = 2", "holds = 0", "line 25: holds: must be a whole number above 0"),
        ("holds = 1", "holds = 1.5", "line 18: holds"),
        ("holds = 1", "holds = true", "line 18: holds"),
        ('id = "neck"', 'id = "Neck Plan"', "line 4: id: must be lowercase"),
        ('cue = "Ball under the skull"', 'cue = " "', "line 27: cue: must be a non-empty"),
        ('retest = "Turn your head"', "retest = 3", "line 8: retest"),
        ("holds = 2", "holds = 2\ncolour = 1", "line 26: colour: unknown field"),
        ('tool = "ball"', 'tool = "ball"\nmoves = []', "line 22: moves: unknown field"),
        ('cue = "Ball on the wall"\n', "", r"line 16: \[\[plan.point\]\]: missing field 'cue'"),
        ('purpose = "Stiff neck"\n', "", r"line 3: \[\[plan\]\]: missing field 'purpose'"),
        ("reps = 10 },", "reps = 0 },", r"line 9: moves\[1\].reps: .*above 0"),
        ("seconds = 20", "seconds = -5", r"line 9: moves\[2\].seconds"),
        ("seconds = 20", "seconds = 20, reps = 3", r"line 9: moves\[2\]: give either"),
        ('{ what = "stretch", ', '{ what = "", ', r"line 9: moves\[2\].what"),
        ("reps = 10 },", "reps = 10, sets = 2 },", r"line 9: moves\[1\].sets: unknown"),
        (
            GOOD[GOOD.index("moves = [") : GOOD.index("per_week")],
            "moves = []\n",
            "line 9: moves: .*at",
        ),
        ("per_week = [3, 4]", "per_week = [4, 3]", r"line 13: per_week: .*1 <= min <= max"),
        ("per_week = [3, 4]", "per_week = [3, 4.5]", r"line 13: per_week: .*whole"),
        ("session_min = [6, 12]", "session_min = [6, 90]", r"line 14: session_min: .*<= 60"),
        ("schema = 2", "schema = 3", "line 1: schema must be 2 .*newer knotmeter"),
        ("schema = 2", "schema = 2\ncolour = 1", "line 2: colour: unknown field"),
        ("hold_s = [60, 90]", "hold_s = [60, 90", "not valid TOML"),
    ],
)
def test_a_bad_plans_file_is_one_line_naming_the_line_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    with pytest.raises(PlansFileError, match=f"^{tmp_path}/my-plans.toml.*{message}") as caught:
        parse_file(tmp_path, GOOD.replace(old, new, 1))
    assert "\n" not in str(caught.value)


def test_a_duplicate_plan_id_is_refused(tmp_path: Path) -> None:
    plan = GOOD.split("\n", 2)[2]
    with pytest.raises(PlansFileError, match="line 31: id: 'neck' is defined twice"):
        parse_file(tmp_path, GOOD + "\n" + plan)


def test_a_plan_without_points_is_refused(tmp_path: Path) -> None:
    no_points = GOOD.split("[[plan.point]]")[0]
    with pytest.raises(PlansFileError, match=r"line 3: \[\[plan\]\]: missing field 'point'"):
        parse_file(tmp_path, no_points)


def test_a_file_without_plans_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlansFileError, match=r"no \[\[plan\]\] tables"):
        parse_file(tmp_path, "schema = 2\n")


def test_a_point_written_inline_still_names_a_line(tmp_path: Path) -> None:
    inline = GOOD.split("[[plan.point]]")[0] + (
        'point = [{ region = "masseter", tool = "thumb", holds = 1, hold_s = [30, 90], '
        'cue = "x" }]\n'
    )
    with pytest.raises(PlansFileError, match=r"line 16: hold_s: .*30 <= min <= max <= 60"):
        parse_file(tmp_path, inline)
