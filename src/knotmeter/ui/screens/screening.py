"""The screening before coaching: who must seek care, who needs a clinician, who goes lighter.

One item at a time, ``y`` or ``n``; then either the screen dismisses with the answers
(coaching may start), or it stays on the verdict (REFERENCE §7):

- **emergency**: "seek care today"; no key lifts it. ``r`` asks the questions again,
  one at a time, for when the situation has changed;
- **red flag**: ``c`` asks who cleared the person and on which day (typed; a date that
  is empty, in the future or older than 7 days is refused in one line);
- a point the light profile rules out: the reason and what remains to press.

Escape never leaves a verdict nor skips a due question (only the palette's "Screening",
while asking, may keep the answers there were).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from knotmeter.core.clearance import ClearanceRefused, parse_clearance
from knotmeter.core.screening import ITEMS, VALID_DAYS, ScreeningItem, Tier
from knotmeter.store import ScreeningRecord

TIER_HEADINGS = {
    Tier.EMERGENCY: "Signs that need care today:",
    Tier.RED_FLAG: "Signs a clinician should check first:",
    Tier.LIGHTER: "These do not stop coaching, but make it lighter:",
}

DAY_NEXT = "now the day they cleared you, then enter    escape: back to the verdict"

Refusal = Callable[[ScreeningRecord], str | None]
"""Why coaching cannot start under these answers for the session at hand, or ``None``."""


class ScreeningScreen(ModalScreen[ScreeningRecord | None]):
    """Ask the due screening items, or show the verdict of answers that stop coaching.

    Args:
        refusal: the session's own reason to refuse the answers (a point the light
            profile rules out); shown as the verdict.
        stored: the newest stored answers (the due items update them), if any.
        items: the items to ask (``ScreeningRecord.due``); every item by default; none
            with ``stored``: its verdict at once.
        cancellable: escape, while asking, keeps the answers there were (the
            palette's "Screening"); a verdict is never escaped from.
        clock: now, for the answers' date (tests inject it).

    Dismissed with the answers when they allow coaching, or ``None`` on escape.
    """

    AUTO_FOCUS = ""  # the answer keys are the screen's; the fields only while typing
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("b", "back", "Back"),
        Binding("c", "clearance", "A clinician cleared me"),
        Binding("r", "restart", "Answer again"),
        Binding("escape", "cancel", "Cancel"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        refusal: Refusal,
        *,
        stored: ScreeningRecord | None = None,
        items: tuple[ScreeningItem, ...] | None = None,
        cancellable: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self._refusal = refusal
        self._cancellable = cancellable
        self._clock = clock
        self._stored = stored
        self._items = ITEMS if items is None else items
        self.answers: dict[str, bool] = {}
        self.verdict: ScreeningRecord | None = None
        self.refused: str | None = None
        self.typing = False
        self._heading = Static(classes="dialog-title")
        self._question = Static(id="question")
        self._progress = Static(id="progress")
        self._who = Input(placeholder="who cleared you, e.g. Dr Lee, GP", id="cleared-who")
        self._on = Input(placeholder="the day they cleared you: YYYY-MM-DD", id="cleared-on")
        self._problem = Static(id="clearance-problem")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield self._heading
            yield self._question
            yield self._who
            yield self._on
            yield self._problem
            yield self._progress

    def on_mount(self) -> None:
        if not self._items:
            if self._stored is None:
                self._items = ITEMS
            else:
                self._decide(self._stored)
        self._draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answer keys while asking; the clearance and restart keys on a verdict."""
        deciding = self.verdict is not None or self.refused is not None
        if self.typing:
            return action == "cancel"
        if action in ("answer", "back"):
            return not deciding
        if action == "clearance":  # red flags only: an emergency is never lifted here
            return self.verdict is not None and not self.verdict.outcome_at(self._clock()).emergency
        if action == "restart":
            return deciding
        if action == "cancel":  # answers that stop coaching are not escaped from
            return self._cancellable and not deciding
        return True

    def action_answer(self, applies: bool) -> None:
        if len(self.answers) >= len(self._items):  # a key after the last, while dismissing
            return
        item = self._items[len(self.answers)]
        self.answers[item.id] = applies
        if len(self.answers) == len(self._items):
            self._decide(self._record())
        self._draw()

    def action_back(self) -> None:
        if self.answers:
            self.answers.popitem()
            self._draw()

    def action_clearance(self) -> None:
        """Ask who cleared the person, and when: typed, never one key."""
        self.typing = True
        self._problem.update("")
        self._draw()
        self._who.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the name moves to the date; enter in the date checks both."""
        event.stop()
        if event.input is self._who:
            self._on.focus()
            self._progress.update(DAY_NEXT)
            return
        if self.verdict is None:
            return
        now = self._clock()
        clearance = parse_clearance(self._who.value, self._on.value, now.astimezone(UTC).date())
        if isinstance(clearance, ClearanceRefused):
            self._problem.update(clearance.words)
            return
        record = self.verdict
        cleared = ScreeningRecord(
            record.answered_at, record.answers, True, clearance, record.all_answered_at
        )
        self.typing = False
        self.set_focus(None)
        self._decide(cleared)
        self._draw()

    def action_restart(self) -> None:
        """Answer again, one question at a time: every item (the situation changed)."""
        self._items = ITEMS
        self.answers, self.verdict, self.refused = {}, None, None
        self._draw()

    def action_cancel(self) -> None:
        if self.typing:  # back to the verdict, nothing taken
            self.typing = False
            self.set_focus(None)
            self._draw()
        elif self._cancellable and self.verdict is None and self.refused is None:
            self.dismiss(None)

    def _record(self) -> ScreeningRecord:
        """The stored answers updated by the ones just given (a clearance in force is
        kept: it was given for the red flags it still covers)."""
        now = self._clock()
        if self._stored is None or len(self.answers) == len(ITEMS):
            return ScreeningRecord(now, dict(self.answers))
        return self._stored.updated(now, self.answers, self._stored.clearance)

    def _decide(self, record: ScreeningRecord) -> None:
        """Dismiss with answers that allow coaching here; otherwise keep the verdict."""
        self.verdict, self.refused = None, None
        if not record.outcome_at(self._clock()).coaching:
            self.verdict = record
            return
        self.refused = self._refusal(record)
        if self.refused is None:
            self.dismiss(record)

    def _draw(self) -> None:
        self.refresh_bindings()
        self._who.display = self._on.display = self._problem.display = self.typing
        if self.typing:
            self._heading.update("A clinician cleared me")
            self._question.update(
                "Type who cleared you and the day they did (YYYY-MM-DD, within the last 7 "
                "days); enter to go on. A clearance holds 7 days."
            )
            self._progress.update("enter: next / check    escape: back to the verdict")
        elif self.refused is not None:
            self._heading.update("Not with this point or routine")
            self._question.update(self.refused)
            self._progress.update("r: answer again    q: quit")
        elif self.verdict is not None:
            outcome = self.verdict.outcome_at(self._clock())
            self._heading.update("Seek care today" if outcome.emergency else "No coaching for now")
            self._question.update("\n".join(outcome.advice))
            keys = "r: answer again, one question at a time    q: quit"
            if not outcome.emergency:
                keys = "c: a clinician cleared me (typed: who and when)    " + keys
            self._progress.update(keys)
        elif len(self.answers) < len(self._items):  # else dismissed with the answers
            item = self._items[len(self.answers)]
            self._heading.update(f"Screening · {TIER_HEADINGS[item.tier]}")
            self._question.update(item.question)
            self._progress.update(
                f"{len(self.answers) + 1} of {len(self._items)}    y: yes    n: no    b: back"
                f"    (acute items every sitting, the rest after {VALID_DAYS} days)"
            )
