"""``knotmeter plans``: the shipped routines, listed or shown one at a time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from knotmeter.cli import main
from knotmeter.cli.plans import plan_record
from knotmeter.core.plans import get_plan, load_plans


def plans(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plans", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_listing_names_every_plan_with_its_schedule_points_holds_and_moves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = plans(capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    for plan in load_plans().values():
        row = lines.index(next(line for line in lines if line.startswith(f"{plan.id} ")))
        assert plan.name in lines[row]
        assert plan.schedule_label in lines[row]
        for number, point in enumerate(plan.points, start=1):
            line = lines[row + number]
            assert line.lstrip().startswith(f"{number}. {point.region.name}")
            assert f"{point.holds} x {point.hold_label}" in line
        then = lines[row + len(plan.points) + 1]
        assert then.startswith("  then ")
        assert all(move.label in then for move in plan.moves)
    assert "  2. Rhomboids                3 x 60 s" in lines
    assert (
        "desk-shoulder      Desk shoulder and mid-back  (3-4 sessions a week tapering to weekly "
        "(a fresh flare: 1-2 a day for 3-5 days), 6-12 min each)" in lines
    )


def test_one_plan_in_full_has_warm_up_cues_and_retest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plans(capsys, "tension-headache")
    assert (code, err) == (0, "")
    plan = get_plan("tension-headache")
    assert out.startswith("tension-headache: Tension headache\n")
    assert f"Warm up: {plan.warm_up}" in out
    assert f"Retest: {plan.retest}" in out
    assert "1. Upper trapezius (upper-trapezius): 1 x 60-90 s" in out
    assert "about 4/10" in out
    assert "Sessions: 3-4 sessions a week tapering to weekly" in out
    stretch = "levator stretch, nose toward the opposite armpit, each side: 20 s"
    assert f"Then: 10 slow chin nods; {stretch}" in out
    assert out.count("chin nods") == 1  # once for the routine, not after every point
    assert "desk-shoulder" not in out


def test_json_gives_one_line_per_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plans(capsys, "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["id"] for record in records] == list(load_plans())
    jaw = records[-1]
    assert jaw == plan_record(get_plan("jaw"))
    assert jaw["points"][0] == {
        "region": "masseter",
        "name": "Masseter",
        "holds": 1,
        "hold_s": [30.0, 45.0],
        "cue": get_plan("jaw").points[0].cue,
    }
    assert jaw["moves"] == [
        {"what": "controlled open-close, jaw straight", "reps": 10, "seconds": None}
    ]
    assert (jaw["per_week"], jaw["session_min"]) == ([3, 4], [6.0, 12.0])
    code, out, _ = plans(capsys, "jaw", "--json")
    assert (code, [json.loads(line) for line in out.splitlines()]) == (0, [jaw])


def test_an_unknown_plan_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from knotmeter.cli import main; sys.exit(main())",
            "plans",
            "neck",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "knotmeter: unknown plan 'neck'; choose one of: "
        "tension-headache, desk-shoulder, runners-knee, tennis-elbow, golfers-elbow, plantar-heel, "
        "jaw\n"
    )
