"""The light profile applies once to every config the session builds, whatever came
first: answers before or after moving point or tool (hypothesis), and neck and face
points are refused while it is on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.regions import load_regions
from knotmeter.core.screening import CALF, FOOT, NECK_AND_FACE, apply_light_profile
from knotmeter.core.tools import Tool
from knotmeter.session import Session
from knotmeter.store import ScreeningRecord
from tests.screened import none_apply
from tests.ui.conftest import ScriptedSource

ALLOWED = sorted(set(load_regions()) - NECK_AND_FACE - FOOT - CALF)  # never barred
LIGHTER = ["blood-thinners", "diabetic-neuropathy", "osteoporosis", "pregnancy", "dental-work"]


@dataclass(frozen=True)
class MoveTo:
    region: str


@dataclass(frozen=True)
class UseTool:
    tool: Tool


@dataclass(frozen=True)
class Answer:
    lighter: tuple[str, ...]


moves = st.one_of(
    st.builds(MoveTo, st.sampled_from(ALLOWED)),
    st.builds(UseTool, st.sampled_from(list(Tool))),
    st.builds(Answer, st.lists(st.sampled_from(LIGHTER), max_size=2, unique=True).map(tuple)),
)


def session() -> Session:
    return Session(
        ScriptedSource(),
        PipelineConfig.for_region(ALLOWED[0]),
        clock=lambda: 0.0,
        screening=none_apply(),
    )


def do(target: Session, move: MoveTo | UseTool | Answer) -> None:
    match move:
        case MoveTo(region=region):
            target.set_region(region)
        case UseTool(tool=tool):
            target.set_tool(tool)
        case Answer(lighter=lighter):
            answers = {**none_apply().answers, **dict.fromkeys(lighter, True)}
            target.apply_screening(ScreeningRecord(datetime.now(UTC), answers, False))


@given(st.lists(moves, max_size=8))
def test_the_light_profile_applies_once_whatever_the_order(
    steps: list[MoveTo | UseTool | Answer],
) -> None:
    lit, plain = session(), session()
    for move in steps:
        do(lit, move)
        if not isinstance(move, Answer):
            do(plain, move)
    light = lit.rx.light
    expected = plain.config if light is None else apply_light_profile(plain.config, light)
    got = lit.config
    assert got.region == expected.region
    assert got.ceiling_n == pytest.approx(expected.ceiling_n)
    assert (got.band_low_n, got.band_high_n) == pytest.approx(
        (expected.band_low_n, expected.band_high_n)
    )
    assert got.cap_s == pytest.approx(expected.cap_s)


@pytest.mark.parametrize("region", sorted(NECK_AND_FACE))
def test_neck_and_face_points_are_refused_under_the_light_profile(region: str) -> None:
    lit = session()
    do(lit, Answer(("pregnancy",)))
    before = lit.config
    refused = lit.set_region(region)
    assert refused is not None
    assert "neck or face point" in refused.reason
    assert lit.config == before
    assert lit.refusal == refused
