"""Bruising and next-day soreness after the last session, asked before this one starts.

Two questions, ``y`` or ``n``, one key an answer; no escape (they decide how light the
first holds are). Dismissed with the answers (``core.aftercare``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.aftercare import QUESTIONS, Aftercare


class AftercareScreen(ModalScreen[Aftercare]):
    """Ask about bruising, then about soreness lasting over 24 h."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[bool] = []
        self._question = Static(QUESTIONS[0], id="question")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("After your last session", classes="dialog-title")
            yield self._question
            yield Static("y: yes    n: no    (mild soreness gone within a day is expected)")

    def action_answer(self, yes: bool) -> None:
        if len(self.answers) >= len(QUESTIONS):  # a key after the last, while dismissing
            return
        self.answers.append(yes)
        if len(self.answers) < len(QUESTIONS):
            self._question.update(QUESTIONS[len(self.answers)])
        else:
            self.dismiss(Aftercare(*self.answers))
