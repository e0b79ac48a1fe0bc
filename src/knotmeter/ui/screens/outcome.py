"""The complaint rated at a routine's start and at its retest: pain, function, retest.

One key a rating, as on the live screen (1-9, and 0 for 10): the person may still be
leaning on the tool. History judges the plan by these (``core.scores``).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.scores import Outcome, Retest, Score
from knotmeter.store import Moment

QUESTIONS = (
    "Your complaint's pain now, 1-10 (1 barely there, 10 the worst; 0 is 10)",
    "What you can do with it now, 1-10 (1 hardly use it, 10 all I need; 0 is 10)",
)
RETEST_QUESTION = "The retest against before the routine: b better, s same, w worse"
RETEST_KEYS = {"b": Retest.BETTER, "s": Retest.SAME, "w": Retest.WORSE}


class OutcomeScreen(ModalScreen[Outcome | None]):
    """Asks pain, then function, then (at the retest) the retest; escape skips it all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"score({n or 10})", show=False) for n in range(10)),
        *(Binding(key, f"retest('{key}')", show=False) for key in RETEST_KEYS),
        Binding("escape", "dismiss(None)", "Skip"),
    ]

    def __init__(self, moment: Moment, today: date) -> None:
        super().__init__()
        self.moment = moment
        self.today = today
        self.scores: list[Score] = []

    def compose(self) -> ComposeResult:
        title = "Before the routine" if self.moment is Moment.START else "After the routine"
        with Vertical(id="dialog"):
            yield Static(f"{title}: how is the complaint?", classes="dialog-title")
            yield Static(QUESTIONS[0], id="question")
            yield Static("Escape skips (nothing is stored).")

    def action_score(self, value: int) -> None:
        if len(self.scores) >= len(QUESTIONS):
            return
        self.scores.append(Score(value))
        if len(self.scores) < len(QUESTIONS):
            self.query_one("#question", Static).update(QUESTIONS[len(self.scores)])
        elif self.moment is Moment.RETEST:
            self.query_one("#question", Static).update(RETEST_QUESTION)
        else:
            self.dismiss(self._outcome(None))

    def action_retest(self, key: str) -> None:
        if self.moment is Moment.RETEST and len(self.scores) == len(QUESTIONS):
            self.dismiss(self._outcome(RETEST_KEYS[key]))

    def _outcome(self, retest: Retest | None) -> Outcome:
        pain, function = self.scores
        return Outcome(self.today, pain, function, retest)
