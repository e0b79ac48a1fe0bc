"""The screening before coaching: who should not self-treat, and who should go lighter.

One item at a time, ``y`` or ``n``; then either the screen dismisses with the answers
(coaching may start), or it stays on the verdict: the reasons, the advice to ask a
clinician, and ``c`` for "my clinician cleared me" (recorded with the answers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.screening import ITEMS, VALID_DAYS, Group
from knotmeter.store import ScreeningRecord

GROUP_HEADINGS = {
    Group.SKIP: "Before you start: is any of this true for you now?",
    Group.RED_FLAG: "About your pain:",
    Group.LIGHTER: "These do not stop coaching, but make it lighter:",
}

Refusal = Callable[[ScreeningRecord], str | None]
"""Why coaching cannot start under these answers for the session at hand, or ``None``."""


class ScreeningScreen(ModalScreen[ScreeningRecord | None]):
    """Ask every screening item, or show the verdict of answers that stop coaching.

    Args:
        refusal: the session's own reason to refuse the answers (a neck point under
            the light profile); shown as the verdict.
        stored: current answers that stop coaching here: start on their verdict.
        cancellable: escape, while asking, keeps the answers there were (the
            palette's "Screening"); a verdict is left by ``c``, ``r`` or ``q`` only.
        clock: now, for the answers' date (tests inject it).

    Dismissed with the answers when they allow coaching, or ``None`` on escape.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("b", "back", "Back"),
        Binding("c", "cleared", "My clinician cleared me"),
        Binding("r", "restart", "Answer again"),
        Binding("escape", "cancel", "Cancel"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        refusal: Refusal,
        *,
        stored: ScreeningRecord | None = None,
        cancellable: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self._refusal = refusal
        self._cancellable = cancellable
        self._clock = clock
        self.answers: dict[str, bool] = {}
        self.verdict: ScreeningRecord | None = None
        self.refused: str | None = None
        self._heading = Static(classes="dialog-title")
        self._question = Static(id="question")
        self._progress = Static(id="progress")
        self._stored = stored

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield self._heading
            yield self._question
            yield self._progress

    def on_mount(self) -> None:
        if self._stored is not None:
            self._decide(self._stored)
        self._draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answer keys while asking; clinician and restart keys on a verdict."""
        deciding = self.verdict is not None or self.refused is not None
        if action in ("answer", "back"):
            return not deciding
        if action == "cleared":
            return self.verdict is not None and self.refused is None
        if action == "restart":
            return deciding
        if action == "cancel":  # answers that stop coaching are not escaped from
            return self._cancellable and not deciding
        return True

    def action_answer(self, applies: bool) -> None:
        item = ITEMS[len(self.answers)]
        self.answers[item.id] = applies
        if len(self.answers) == len(ITEMS):
            self._decide(ScreeningRecord(self._clock(), dict(self.answers), False))
        self._draw()

    def action_back(self) -> None:
        if self.answers:
            self.answers.popitem()
            self._draw()

    def action_cleared(self) -> None:
        """ "My clinician cleared me": the same answers, recorded as cleared."""
        if self.verdict is not None:
            self._decide(ScreeningRecord(self._clock(), dict(self.verdict.answers), True))
            self._draw()

    def action_restart(self) -> None:
        self.answers, self.verdict, self.refused = {}, None, None
        self._draw()

    def action_cancel(self) -> None:
        if self._cancellable:
            self.dismiss(None)

    def _decide(self, record: ScreeningRecord) -> None:
        """Dismiss with answers that allow coaching here; otherwise keep the verdict."""
        self.verdict, self.refused = None, None
        if not record.outcome.coaching:
            self.verdict = record
            return
        self.refused = self._refusal(record)
        if self.refused is None:
            self.dismiss(record)

    def _draw(self) -> None:
        self.refresh_bindings()
        if self.refused is not None:
            self._heading.update("Not with this point or routine")
            self._question.update(self.refused)
            self._progress.update("r: answer again    q: quit")
        elif self.verdict is not None:
            self._heading.update("No coaching for now")
            self._question.update("\n".join(self.verdict.outcome.advice))
            self._progress.update(
                "c: my clinician cleared me (recorded)    r: answer again    q: quit"
            )
        elif len(self.answers) < len(ITEMS):  # else dismissed with the answers
            item = ITEMS[len(self.answers)]
            self._heading.update(f"Screening · {GROUP_HEADINGS[item.group]}")
            self._question.update(item.question)
            self._progress.update(
                f"{len(self.answers) + 1} of {len(ITEMS)}    y: yes    n: no    b: back"
                f"    (asked again after {VALID_DAYS} days)"
            )
