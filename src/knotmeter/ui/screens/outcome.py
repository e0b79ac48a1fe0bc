"""The complaint rated at a routine's start and at its retest: pain, function, retest.

One key a rating, as on the live screen (0-9, and x for 10): the person may still be
leaning on the tool. Pain is 0-10 (NPRS), function 0-10 (PSFS, 10 = as before the
problem). History judges the plan by these (``core.scores``).
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
from knotmeter.ui.commands import TEN_KEY

QUESTIONS = (
    "Your complaint's pain now, 0-10 (0 none, 10 the worst imaginable; x is 10)",
    "The activity it limits most, 0-10 (0 cannot do it, 10 as before the problem; x is 10)",
)
RETEST_QUESTION = "The retest against before the routine: b better, s same, w worse"
RETEST_KEYS = {"b": Retest.BETTER, "s": Retest.SAME, "w": Retest.WORSE}


class OutcomeScreen(ModalScreen[Outcome | None]):
    """Asks pain, then function, then (at the retest) the retest; escape skips it all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"score({n})", show=False) for n in range(10)),
        Binding(TEN_KEY, "score(10)", show=False),
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
