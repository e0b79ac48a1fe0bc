"""The routine line: which step of which plan, and what to do now."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from knotmeter.core.routine import RoutineState
from knotmeter.wording import STEP_LABELS, countdown_text


class RoutinePanel(Static):
    """Under the title: plan, step and point; then the step's instruction, wrapped.

    Its height follows the instruction (a cue can take two lines), so unlike the
    fixed-size lines it lays the screen out again, which a step change can afford.
    """

    def __init__(self, plan_name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan_name = plan_name
        self._drawn: tuple[RoutineState, str] | None = None

    def show(self, state: RoutineState, now_t: float) -> None:
        """Draw ``state`` and its countdown at ``now_t``; the routine replaces its state on
        every change, so the same object and the same countdown mean nothing to repaint."""
        countdown = countdown_text(state.left_s(now_t))
        if self._drawn is not None and self._drawn[0] is state and self._drawn[1] == countdown:
            return
        self._drawn = (state, countdown)
        head = f"{self.plan_name}  ·  {STEP_LABELS[state.step]}"
        if state.point is not None and state.point_index is not None:
            head += (
                f"  ·  point {state.point_index + 1} of {state.points}: {state.point.region.name}"
            )
            if state.holds_needed > 1:
                head += f"  ·  {state.holds_done} of {state.holds_needed} holds done"
        if countdown:
            head += f"  ·  {countdown}"
        self.update(Text("\n").join([Text(head, style="bold"), Text(state.instruction)]))
