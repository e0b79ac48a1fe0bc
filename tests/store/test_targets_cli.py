"""``knotmeter targets`` on a real store: the measured bands listed, then forgotten."""

from __future__ import annotations

import pytest

from knotmeter.cli import main
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.sides import Side
from knotmeter.store import SessionStore, default_db_path

BALL = PersonalTargets("upper-trapezius", 45.0, 45.0, 55.7, 66.4, trials=(70.0, 44.0, 46.0))
HOOK = PersonalTargets("upper-trapezius", 30.0, 30.0, 36.7, 44.3, tool="hook", trials=(40, 29, 31))
MASSETER = PersonalTargets("masseter", 8.0, 8.0, 9.8, 11.3, trials=(9.0, 8.0, 8.0))
LEFT = PersonalTargets(
    "upper-trapezius", 38.0, 38.0, 46.0, 58.0, trials=(50, 37, 39), side=Side.LEFT
)


@pytest.fixture
def stored() -> None:
    with SessionStore(default_db_path()) as store:
        stale = PersonalTargets("upper-trapezius", 50.0, 50.0, 60.0, 70.0)
        for targets in (stale, BALL, HOOK, MASSETER, LEFT):
            store.save_targets(targets)


def listed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["targets"]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.usefixtures("stored")
def test_targets_lists_the_band_in_use_per_region_and_tool(
    capsys: pytest.CaptureFixture[str],
) -> None:
    header, *lines = listed(capsys)
    assert header.split()[:5] == ["region", "side", "tool", "measured", "presses"]
    assert [line.split()[:3] for line in lines] == [
        ["masseter", "-", "ball"],
        ["upper-trapezius", "-", "ball"],
        ["upper-trapezius", "left", "ball"],
        ["upper-trapezius", "-", "hook"],
    ]
    trapezius = lines[1]
    assert "70, 44, 46" in trapezius
    assert "45.0-55.7" in trapezius
    assert trapezius.rstrip().endswith("66.4")


@pytest.mark.usefixtures("stored")
def test_reset_forgets_one_region_every_tool_then_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["targets", "--reset", "upper-trapezius"]) == 0
    assert "forgot 4 measurement(s) of upper-trapezius" in capsys.readouterr().out
    assert [line.split()[0] for line in listed(capsys)[1:]] == ["masseter"]
    with SessionStore(default_db_path()) as store:
        assert store.targets("upper-trapezius") is None
    assert main(["targets", "--all"]) == 0
    capsys.readouterr()
    assert listed(capsys) == [
        "no measured bands: every point uses its default (measure one with c)"
    ]


@pytest.mark.usefixtures("stored")
def test_an_unknown_region_is_one_line_exit_2_and_forgets_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["targets", "--reset", "elbow-ish"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--reset: unknown region 'elbow-ish'; choose one of:" in err[0]
    assert len(listed(capsys)) == 5


def test_no_store_yet_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert listed(capsys) == [
        "no measured bands: every point uses its default (measure one with c)"
    ]
    assert not default_db_path().exists()


@pytest.mark.usefixtures("stored")
def test_a_side_uses_its_own_band_before_one_with_no_side_never_the_other_sides() -> None:
    with SessionStore(default_db_path(), read_only=True) as store:
        left = store.targets("upper-trapezius", side=Side.LEFT)
        right = store.targets("upper-trapezius", side=Side.RIGHT)
        unsaid = store.targets("upper-trapezius")
    assert left is not None
    assert (left.side, left.ppt_n) == (Side.LEFT, LEFT.ppt_n)
    assert right is not None
    assert (right.side, right.ppt_n) == (None, BALL.ppt_n)
    assert unsaid is not None
    assert unsaid.ppt_n == BALL.ppt_n
