"""The routine coach: walks a person through a plan, step by step, from warm-up to retest.

Pure and time-injected like the pipeline: it is driven only by the pipeline's hold
events it is fed and by the person's "next" and "back" keys (``advance``, ``back``),
and it never judges force itself, so the hold timer stays the single judge of a
complete hold. Steps: warm up → for each point: find → press → … → move (the routine's
follow-up, once, after the last point) → retest → done.

What the coach can see moves on by itself (a hold starting: find → press; a complete
hold released: the next spot, or the next point); the person's "next" is asked for
where only they know (warm-up done, move done, retest done). "Next" during a running
hold is refused: it would throw the point away. Warm-up and moves have a countdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

from knotmeter.core.events import Event, HoldCompleted, HoldEnded, HoldStarted
from knotmeter.core.plans import Move, Plan, PlanPoint

WARM_UP_S = 120.0
"""The warm-up's countdown: the shortest warm-up the plans advise (2-5 min)."""
REP_S = 3.0
"""A move given in repetitions counts down this long per repetition (one slow rep)."""


class Step(StrEnum):
    """Where the person is in the routine, in the order the steps come."""

    WARM_UP = "warm_up"
    FIND = "find"
    PRESS = "press"
    MOVE = "move"
    RETEST = "retest"
    DONE = "done"


@dataclass(slots=True, frozen=True)
class StepChanged:
    """The routine moved on. Every point starts with ``Step.FIND``: the cue for a
    screen to retarget the pipeline to ``region_id``.

    ``point_index`` (0-based) and ``region_id`` are ``None`` outside the points
    (warm-up, follow-up move, retest, done).
    """

    t: float
    step: Step
    point_index: int | None
    region_id: str | None


@dataclass(slots=True, frozen=True)
class HoldCounted:
    """A complete hold counted toward the point (the moment for a "spot done" cue)."""

    t: float
    point_index: int
    holds_done: int
    holds_needed: int


RoutineEvent = StepChanged | HoldCounted


@dataclass(slots=True, frozen=True)
class RoutineState:
    """The routine as a screen draws it; replaced (never mutated) on every change.

    Attributes:
        step: the current step.
        since_t: when the step began (for warm-up and stretch timers).
        point_index: 0-based index of the current point, ``None`` outside the points.
        points: how many points the plan has ("point n of m" is ``point_index + 1`` of it).
        point: the current point (region, holds, hold range, cue, moves), or ``None``.
        holds_done: complete holds counted at this point so far.
        hold_reached: the hold in progress has reached its target (not yet counted).
        hold_open: a hold is running at this point ("next" waits for it).
        countdown_s: how long the step is meant to last (warm-up, move), else ``None``.
        instruction: the one line to show the person now.
    """

    step: Step
    since_t: float
    point_index: int | None
    points: int
    point: PlanPoint | None
    holds_done: int
    hold_reached: bool
    hold_open: bool
    countdown_s: float | None
    instruction: str

    def left_s(self, now_t: float) -> float | None:
        """Seconds left on the step's countdown at ``now_t`` (never below 0), if it has one."""
        if self.countdown_s is None:
            return None
        return max(0.0, self.countdown_s - (now_t - self.since_t))

    @property
    def region_id(self) -> str | None:
        return None if self.point is None else self.point.region.id

    @property
    def holds_needed(self) -> int:
        return 0 if self.point is None else self.point.holds


class _Press(Enum):
    """What the last hold at this point left the person to do next."""

    FIRST = "first"
    AGAIN = "again"  # the last hold ended short of the target
    NEXT_SPOT = "next_spot"  # a hold counted, more are needed
    EASE_OFF = "ease_off"  # the hold in progress reached its target


class Routine:
    """Coach one plan; feed it the pipeline's events and the person's "next" presses.

    A hold counts toward a point only if it started while that point was being found
    or pressed: the hold a screen ends by retargeting the pipeline (its ``HoldEnded``
    after the point changed) belongs to the previous point and is ignored.
    """

    def __init__(self, plan: Plan, t: float) -> None:
        """Start ``plan`` at its warm-up at time ``t`` (the source's timeline)."""
        self.plan = plan
        self._step = Step.WARM_UP
        self._since = t
        self._index: int | None = None
        self._holds_done = 0
        self._hold_open = False
        self._press = _Press.FIRST
        self._state = self._snapshot()

    @property
    def state(self) -> RoutineState:
        """The current snapshot: a stored value, free to read every frame."""
        return self._state

    def feed(self, events: Iterable[Event]) -> list[RoutineEvent]:
        """Follow the pipeline's hold events (zones and alarms are ignored).

        Holds count only while a point is being found or pressed; a hold during the
        warm-up, a follow-up move or the retest is the person's own business.
        """
        out: list[RoutineEvent] = []
        before = (self._step, self._index, self._press, self._holds_done, self._hold_open)
        for event in events:
            if self._step not in (Step.FIND, Step.PRESS):
                continue
            if isinstance(event, HoldStarted):
                self._hold_open = True
                if self._step is Step.FIND:
                    self._enter(Step.PRESS, event.t, out)
            elif isinstance(event, HoldCompleted):
                if self._hold_open and self._step is Step.PRESS:
                    self._press = _Press.EASE_OFF
            elif isinstance(event, HoldEnded) and self._hold_open:
                self._hold_open = False
                if event.complete:
                    self._count_hold(event.t, out)
                else:
                    self._press = _Press.AGAIN
        if (self._step, self._index, self._press, self._holds_done, self._hold_open) != before:
            self._state = self._snapshot()
        return out

    def advance(self, t: float) -> list[RoutineEvent]:
        """The person's "next": warm-up done, spot found, skip this point, move done, finish.

        While pressing, "next" after the hold in progress reached its target counts
        that hold (the person is done with it; its ``HoldEnded`` is then ignored); during
        a hold short of its target it does nothing (the point is not thrown away);
        between holds it skips the point (after the last point, on to the follow-up).
        """
        out: list[RoutineEvent] = []
        if self._hold_open and self._press is not _Press.EASE_OFF:
            return out
        match self._step:
            case Step.WARM_UP:
                self._start_point(0, t, out)
            case Step.FIND:
                self._enter(Step.PRESS, t, out)
            case Step.PRESS if self._press is _Press.EASE_OFF:
                self._hold_open = False
                self._count_hold(t, out)
            case Step.PRESS:
                assert self._index is not None
                self._start_point(self._index + 1, t, out)
            case Step.MOVE:
                self._enter(Step.RETEST, t, out)
            case Step.RETEST:
                self._enter(Step.DONE, t, out)
            case Step.DONE:
                return out
        self._state = self._snapshot()
        return out

    def back(self, t: float) -> list[RoutineEvent]:
        """The person's "back": to the start of this point (from press), to the previous
        point (from find), to the warm-up (from the first point's find), to the last
        point (from the move or the retest), to the move (from done). Nothing during a
        hold."""
        out: list[RoutineEvent] = []
        if self._hold_open:
            return out
        last = len(self.plan.points) - 1
        match self._step:
            case Step.WARM_UP:
                return out
            case Step.FIND if self._index == 0:
                self._index = None
                self._enter(Step.WARM_UP, t, out)
            case Step.FIND:
                assert self._index is not None
                self._start_point(self._index - 1, t, out)
            case Step.PRESS:
                assert self._index is not None
                self._start_point(self._index, t, out)
            case Step.MOVE:
                self._start_point(last, t, out)
            case Step.RETEST:
                self._enter(Step.MOVE, t, out)
            case Step.DONE:
                self._enter(Step.RETEST, t, out)
        self._state = self._snapshot()
        return out

    # -- transitions ----------------------------------------------------------------

    def _count_hold(self, t: float, out: list[RoutineEvent]) -> None:
        assert self._index is not None  # holds are only open while on a point
        point = self.plan.points[self._index]
        self._holds_done += 1
        out.append(HoldCounted(t, self._index, self._holds_done, point.holds))
        if self._holds_done >= point.holds:
            self._start_point(self._index + 1, t, out)
        else:
            self._press = _Press.NEXT_SPOT

    def _start_point(self, index: int, t: float, out: list[RoutineEvent]) -> None:
        self._index = index if index < len(self.plan.points) else None
        self._holds_done = 0
        self._hold_open = False
        self._press = _Press.FIRST
        self._enter(Step.FIND if self._index is not None else Step.MOVE, t, out)

    def _enter(self, step: Step, t: float, out: list[RoutineEvent]) -> None:
        self._step, self._since = step, t
        region = None if self._index is None else self.plan.points[self._index].region.id
        out.append(StepChanged(t, step, self._index, region))

    # -- the snapshot -------------------------------------------------------------------

    def _snapshot(self) -> RoutineState:
        point = None if self._index is None else self.plan.points[self._index]
        return RoutineState(
            step=self._step,
            since_t=self._since,
            point_index=self._index,
            points=len(self.plan.points),
            point=point,
            holds_done=self._holds_done,
            hold_reached=self._step is Step.PRESS and self._press is _Press.EASE_OFF,
            hold_open=self._hold_open,
            countdown_s=self._countdown(point),
            instruction=self._instruction(point),
        )

    def _countdown(self, point: PlanPoint | None) -> float | None:
        match self._step, point:
            case Step.WARM_UP, _:
                return WARM_UP_S
            case Step.MOVE, _:
                return sum(_move_s(move) for move in self.plan.moves)
            case _:
                return None

    def _instruction(self, point: PlanPoint | None) -> str:
        match self._step, point:
            case Step.WARM_UP, _:
                return f"Warm up: {self.plan.warm_up}; then n"
            case Step.FIND, PlanPoint() as p:
                spot = f" (spot {self._holds_done + 1} of {p.holds})" if p.holds > 1 else ""
                return f"Find the spot{spot}, {p.region.name}: {p.cue}"
            case Step.PRESS, PlanPoint() as p:
                return self._press_instruction(p)
            case Step.MOVE, _:
                return f"Move: {'; then '.join(move.label for move in self.plan.moves)}; then n"
            case Step.RETEST, _:
                return f"Retest: {_sentence(self.plan.retest)} Then n"
            case _:
                return DONE_INSTRUCTION

    def _press_instruction(self, point: PlanPoint) -> str:
        """The hold's length is the hold panel's to say (it knows the real target)."""
        band = f"{point.region.name}: ease into the band and stay still"
        match self._press:
            case _Press.FIRST:
                return f"Press, {band} until the hold is complete"
            case _Press.AGAIN:
                return "That hold ended before its time in the band: press again"
            case _Press.NEXT_SPOT:
                return (
                    f"Hold {self._holds_done} of {point.holds} done: "
                    f"next spot, {band} until the hold is complete"
                )
            case _Press.EASE_OFF:
                return "Time reached: ease off slowly and lift off"


DONE_INSTRUCTION = "Routine done: o rates your pain and function now; q ends the session"
"""The last step names its keys: nothing moves on by itself after it."""


def _sentence(text: str) -> str:
    """``text`` ending as a sentence (a plan's retest may end in a question mark)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _move_s(move: Move) -> float:
    return move.seconds if move.seconds is not None else (move.reps or 0) * REP_S
