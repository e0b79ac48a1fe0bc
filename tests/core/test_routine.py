"""The routine coach: steps driven by the pipeline's hold events and the "next" key."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from knotmeter.core import (
    AlarmKind,
    AlarmRaised,
    Event,
    HoldCompleted,
    HoldEnded,
    HoldStarted,
    Pipeline,
    PipelineConfig,
    SampleBatch,
    Zone,
    ZoneChanged,
)
from knotmeter.core.plans import Move, Plan, PlanPoint, get_plan
from knotmeter.core.regions import load_regions
from knotmeter.core.routine import (
    REP_S,
    WARM_UP_S,
    HoldCounted,
    Routine,
    RoutineEvent,
    RoutineState,
    Step,
    StepChanged,
)
from knotmeter.core.tools import Tool
from tests.core.conftest import PressMaker


def ended(t: float, *, complete: bool) -> HoldEnded:
    return HoldEnded(t, t - 60.0, 60.0 if complete else 10.0, 0.0, 50.0, 45.0, complete)


def hold(t: float, *, complete: bool) -> list[Event]:
    """The events of one hold as the pipeline emits them."""
    middle: list[Event] = [HoldCompleted(t + 60.0, 60.0)] if complete else []
    return [HoldStarted(t), *middle, ended(t + 61.0, complete=complete)]


def where(routine: Routine) -> tuple[Step, int | None, int]:
    state = routine.state
    return state.step, state.point_index, state.holds_done


def test_a_routine_runs_from_warm_up_to_done() -> None:
    plan = get_plan("jaw")
    routine = Routine(plan, 0.0)
    assert where(routine) == (Step.WARM_UP, None, 0)
    assert routine.state.instruction.startswith("Warm up: 2-5 min")
    assert routine.state.points == 2

    assert routine.advance(120.0) == [StepChanged(120.0, Step.FIND, 0, "masseter")]
    assert routine.state.since_t == 120.0
    assert "Masseter" in routine.state.instruction
    assert routine.feed([HoldStarted(130.0)]) == [StepChanged(130.0, Step.PRESS, 0, "masseter")]
    assert routine.state.instruction.startswith("Press, Masseter")
    assert routine.feed([ended(140.0, complete=False)]) == []
    assert where(routine) == (Step.PRESS, 0, 0)
    assert "press again" in routine.state.instruction

    assert routine.feed([HoldStarted(150.0), HoldCompleted(180.0, 30.0)]) == []
    assert routine.state.instruction.startswith("Time reached: ease off")
    # The point's last hold leads straight to the next point: no follow-up in between.
    assert routine.feed([ended(190.0, complete=True)]) == [
        HoldCounted(190.0, 0, 1, 1),
        StepChanged(190.0, Step.FIND, 1, "temporalis"),
    ]
    assert routine.state.region_id == "temporalis"
    assert routine.state.holds_needed == 1
    # The routine's follow-up comes once, after the last point.
    assert routine.feed(hold(230.0, complete=True))[-1] == StepChanged(291.0, Step.MOVE, None, None)
    assert routine.state.instruction == "Move: 10 controlled open-close, jaw straight; then n"
    assert routine.state.countdown_s == 10 * REP_S
    assert routine.state.left_s(291.0 + 10 * REP_S + 5) == 0.0
    assert routine.state.point is None
    assert routine.advance(300.0) == [StepChanged(300.0, Step.RETEST, None, None)]
    assert routine.state.instruction == (
        "Retest: Open wide slowly: wider, quieter or less achy than before? Then n"
    )
    assert routine.advance(320.0) == [StepChanged(320.0, Step.DONE, None, None)]
    assert "o rates your pain" in routine.state.instruction, "the last step names its keys"
    assert "q ends the session" in routine.state.instruction
    assert routine.advance(330.0) == []
    assert routine.feed(hold(340.0, complete=True)) == []
    assert where(routine) == (Step.DONE, None, 0)


def test_a_point_with_several_spots_presses_until_each_hold_completes() -> None:
    routine = Routine(get_plan("desk-shoulder"), 0.0)
    routine.advance(1.0)
    routine.feed(hold(2.0, complete=True))
    assert where(routine) == (Step.FIND, 1, 0)
    assert routine.advance(71.0) == [StepChanged(71.0, Step.PRESS, 1, "rhomboids")]
    assert routine.state.instruction.startswith("Press, Rhomboids")

    assert routine.feed(hold(80.0, complete=True)) == [HoldCounted(141.0, 1, 1, 3)]
    assert routine.state.instruction.startswith("Hold 1 of 3 done: next spot")
    routine.feed(hold(150.0, complete=False))
    assert where(routine) == (Step.PRESS, 1, 1)
    routine.feed(hold(220.0, complete=True))
    assert where(routine) == (Step.PRESS, 1, 2)
    assert routine.feed(hold(290.0, complete=True)) == [
        HoldCounted(351.0, 1, 3, 3),
        StepChanged(351.0, Step.MOVE, None, None),
    ]
    assert routine.state.instruction == "Move: 10 wall slides; then n"


def test_next_during_a_hold_short_of_its_target_does_not_skip_the_point() -> None:
    """ "I found it" pressed mid-hold (issue 14): the point, and its holds, stay."""
    routine = Routine(get_plan("jaw"), 0.0)
    routine.advance(1.0)
    routine.feed([HoldStarted(2.0)])
    assert routine.state.hold_open
    assert routine.advance(30.0) == []
    assert routine.back(30.0) == []
    assert where(routine) == (Step.PRESS, 0, 0)


def test_a_hold_from_the_previous_point_does_not_count_for_the_next() -> None:
    routine = Routine(get_plan("jaw"), 0.0)
    routine.advance(1.0)
    routine.feed([HoldStarted(2.0), ended(20.0, complete=False)])
    assert routine.advance(30.0) == [StepChanged(30.0, Step.FIND, 1, "temporalis")]
    # A hold whose end arrives after the point changed belongs to the previous point.
    assert routine.feed([ended(30.0, complete=True)]) == []
    assert where(routine) == (Step.FIND, 1, 0)


def test_back_steps_to_the_start_of_the_point_then_the_one_before() -> None:
    routine = Routine(get_plan("jaw"), 0.0)
    assert routine.back(0.5) == []
    assert routine.state.countdown_s == WARM_UP_S
    routine.advance(1.0)
    routine.feed(hold(2.0, complete=False))
    assert where(routine) == (Step.PRESS, 0, 0)
    assert routine.back(50.0) == [StepChanged(50.0, Step.FIND, 0, "masseter")]
    assert routine.back(51.0) == [StepChanged(51.0, Step.WARM_UP, None, None)]
    assert routine.state.step is Step.WARM_UP
    routine.advance(52.0)
    routine.advance(53.0)  # find -> press
    routine.advance(54.0)  # skip: on to point 2
    assert routine.back(55.0) == [StepChanged(55.0, Step.FIND, 0, "masseter")]


def test_next_after_the_target_counts_the_hold_instead_of_skipping_the_point() -> None:
    routine = Routine(get_plan("tennis-elbow"), 0.0)  # one point, 3 spots
    routine.advance(1.0)
    routine.feed([HoldStarted(2.0), HoldCompleted(47.0, 45.0)])
    assert routine.state.hold_reached
    assert routine.advance(50.0) == [HoldCounted(50.0, 0, 1, 3)]
    assert where(routine) == (Step.PRESS, 0, 1)
    assert not routine.state.hold_reached
    assert routine.feed([ended(51.0, complete=True)]) == []  # already counted
    routine.feed([HoldStarted(60.0), HoldCompleted(105.0, 45.0)])
    assert routine.advance(106.0) == [HoldCounted(106.0, 0, 2, 3)]
    routine.feed([HoldStarted(110.0), HoldCompleted(155.0, 45.0)])
    assert routine.advance(156.0) == [
        HoldCounted(156.0, 0, 3, 3),
        StepChanged(156.0, Step.MOVE, None, None),
    ]


def test_alarms_and_zones_do_not_move_the_routine() -> None:
    routine = Routine(get_plan("tennis-elbow"), 0.0)
    routine.advance(1.0)
    before = routine.state
    noise: list[Event] = [ZoneChanged(2.0, Zone.IN_BAND), AlarmRaised(3.0, AlarmKind.SAWING, 9.0)]
    assert routine.feed(noise) == []
    assert routine.state is before


def test_the_routine_drives_a_live_pipeline_like_the_dashboard(press: PressMaker) -> None:
    """The wiring a screen does: on a new point, retarget the pipeline to its region."""
    plan = get_plan("jaw")
    routine = Routine(plan, 0.0)
    pipeline = Pipeline(PipelineConfig.for_region("masseter"))

    def follow(routine_events: list[RoutineEvent]) -> None:
        for event in routine_events:
            if isinstance(event, StepChanged) and event.step is Step.FIND:
                assert event.point_index is not None
                point = plan.points[event.point_index]
                config = PipelineConfig.for_region(point.region.id, target_s=point.hold_min_s)
                follow(routine.feed(pipeline.reconfigure(config)))

    def run(batch: SampleBatch) -> None:
        follow(routine.feed(pipeline.feed(batch)))

    follow(routine.advance(0.0))
    # A 10 s press in the masseter's 10-18 N band: short of 30 s, press again.
    run(press([(0.0, 0.0), (1.0, 14.0), (11.0, 14.0), (12.0, 0.0), (15.0, 0.0)]))
    assert where(routine) == (Step.PRESS, 0, 0)
    assert "press again" in routine.state.instruction
    # 33 s in band completes it; lifting off ends it and the next point starts.
    run(press([(15.0, 0.0), (16.0, 14.0), (50.0, 14.0), (51.0, 0.0), (55.0, 0.0)]))
    assert pipeline.config.region.id == "temporalis"
    assert where(routine) == (Step.FIND, 1, 0)


# -- properties --------------------------------------------------------------------

REGIONS = list(load_regions().values())

plans = st.lists(
    st.tuples(st.sampled_from(REGIONS), st.integers(1, 3)), min_size=1, max_size=4
).map(
    lambda points: Plan(
        "random",
        "Random",
        "tests",
        "warm",
        "retest",
        tuple(PlanPoint(r, Tool.BALL, n, r.hold_min_s, r.hold_max_s, "cue") for r, n in points),
        (Move("nods", reps=10),),
        (3, 4),
        (6.0, 12.0),
    )
)

Action = Callable[[Routine, float], list[RoutineEvent]]
ACTIONS: dict[str, Action] = {
    "next": lambda routine, t: routine.advance(t),
    "started": lambda routine, t: routine.feed([HoldStarted(t)]),
    "completed": lambda routine, t: routine.feed([HoldCompleted(t, 60.0)]),
    "ended_complete": lambda routine, t: routine.feed([ended(t, complete=True)]),
    "ended_short": lambda routine, t: routine.feed([ended(t, complete=False)]),
    "zone": lambda routine, t: routine.feed([ZoneChanged(t, Zone.BELOW)]),
}
ORDER = {Step.FIND: 0, Step.PRESS: 1}
AFTER_POINTS = {Step.MOVE: 0, Step.RETEST: 1, Step.DONE: 2}
# Whole holds as the pipeline emits them, the "next" key, and stray single events
# (a hold's end whose start the routine never saw, a zone change) in any order; the
# first two are listed twice so that runs often reach the end of the routine.
CHUNKS = [
    ["next"],
    ["started", "completed", "ended_complete"],
    ["next"],
    ["started", "completed", "ended_complete"],
    ["started", "ended_short"],
    ["started"],
    ["completed"],
    ["ended_complete"],
    ["ended_short"],
    ["zone"],
]
action_lists = st.lists(st.sampled_from(CHUNKS), min_size=4, max_size=60).map(
    lambda chunks: [name for chunk in chunks for name in chunk]
)


def progress(state: RoutineState) -> tuple[int, int, int]:
    """How far through the routine a state is: comparable, and only ever rising."""
    if state.step is Step.WARM_UP:
        return (0, 0, 0)
    if state.point_index is None:
        return (2, 0, AFTER_POINTS[state.step])
    return (1, state.point_index, ORDER[state.step])


@settings(max_examples=300)
@given(plans, action_lists)
def test_random_holds_and_nexts_keep_the_routine_in_order(plan: Plan, actions: list[str]) -> None:
    routine = Routine(plan, 0.0)
    finds: list[int] = []
    for n, name in enumerate(actions, start=1):
        t = float(n)
        before = routine.state
        events = ACTIONS[name](routine, t)
        after = routine.state
        # Steps only move forward; every StepChanged reports a real change.
        assert progress(after) >= progress(before)
        changes = [e for e in events if isinstance(e, StepChanged)]
        assert bool(changes) == (progress(after) > progress(before))
        # The region reported is always the plan's point.
        if after.point_index is not None:
            assert after.region_id == plan.points[after.point_index].region.id
        for change in changes:
            assert change.t == t
            if change.point_index is None:
                assert change.region_id is None
            else:
                assert change.region_id == plan.points[change.point_index].region.id
            if change.step is Step.FIND:
                finds.append(change.point_index or 0)
        if changes:
            last = changes[-1]
            assert (last.step, last.point_index) == (after.step, after.point_index)
        # A short hold never counts and never finishes a press.
        if name == "ended_short":
            assert events == []
            assert where(routine) == (before.step, before.point_index, before.holds_done)
        # A hold counts on its end, or on "next" once it has reached its target: one
        # HoldCounted, for the point being pressed; the point's last one moves on.
        counted = [e for e in events if isinstance(e, HoldCounted)]
        if counted:
            assert name == "ended_complete" or (name == "next" and before.hold_reached)
            assert before.step is Step.PRESS
            assert [(e.point_index, e.holds_done) for e in counted] == [
                (before.point_index, before.holds_done + 1)
            ]
            finished = counted[0].holds_done == counted[0].holds_needed
            assert (after.point_index != before.point_index) == finished
        if after.point_index == before.point_index:
            assert after.holds_done == before.holds_done + len(counted)
        else:
            assert after.holds_done == 0
        # The follow-up comes once, after the last point.
        if after.step is Step.MOVE and before.step is not Step.MOVE:
            assert before.point_index == len(plan.points) - 1
        # Done is terminal.
        if before.step is Step.DONE:
            assert events == []
            assert after == before
    # Points are visited in plan order, none jumped over.
    assert finds == list(range(len(finds)))
