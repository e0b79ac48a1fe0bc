"""The routine line: which step of which plan, and what to do now."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from knotmeter.core.routine import RoutineState
from knotmeter.ui.wording import STEP_LABELS


class RoutinePanel(Static):
    """Under the title: plan, step and point; then the step's instruction, wrapped.

    Its height follows the instruction (a cue can take two lines), so unlike the
    fixed-size lines it lays the screen out again, which a step change can afford.
    """

    def __init__(self, plan_name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan_name = plan_name
        self._state: RoutineState | None = None

    def show(self, state: RoutineState) -> None:
        """Draw ``state``; the routine replaces its state on every change, so the same
        object means nothing to repaint."""
        if state is self._state:
            return
        self._state = state
        head = f"{self.plan_name}  ·  {STEP_LABELS[state.step]}"
        if state.point is not None and state.point_index is not None:
            head += (
                f"  ·  point {state.point_index + 1} of {state.points}: {state.point.region.name}"
            )
            if state.holds_needed > 1:
                head += f"  ·  {state.holds_done} of {state.holds_needed} holds done"
        self.update(Text("\n").join([Text(head, style="bold"), Text(state.instruction)]))
