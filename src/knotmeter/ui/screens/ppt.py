"""Measuring the person's own pain threshold on the point being treated, three presses."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.ppt import (
    TRIALS,
    PersonalTargets,
    PptError,
    personal_targets,
    ramp_target_n_per_s,
)
from knotmeter.core.screening import STOP_RULES
from knotmeter.session import LinkState, Session
from knotmeter.ui.display import ForceFormat

FORCE_PERIOD_S = 0.25
"""How often the dialog's live force is redrawn."""


class PptScreen(ModalScreen[PersonalTargets | None]):
    """Press slowly, tap space at the first pain, three times; enter keeps the result.

    Dismissed with the new targets (enter) or ``None`` (escape); the caller stores them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tap", "First pain"),
        Binding("enter", "keep", "Keep"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, session: Session, fmt: ForceFormat) -> None:
        super().__init__()
        self.session = session
        self.fmt = fmt
        self.point = session.config.region
        self.tool = session.config.tool
        self.taps: list[float] = []
        self.result: PersonalTargets | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Your targets: {self.point.name}", classes="dialog-title")
            ramp = self.fmt.text(ramp_target_n_per_s(self.point, self.tool))
            yield Static(
                f"Press slowly into the point (about {ramp} a second) "
                f"and tap space the moment it first hurts; then lift off. {TRIALS} times: "
                "the first one teaches the feel and is not counted. Escape cancels."
            )
            yield Static(STOP_RULES)
            yield Static(id="now")
            yield Static(id="taps")
            yield Static(id="result")

    def on_mount(self) -> None:
        self._show_force()
        self._show_taps()
        self.set_interval(FORCE_PERIOD_S, self._show_force)

    def _show_force(self) -> None:
        self.query_one("#now", Static).update(f"now {self.fmt.text(self.session.state.force_n)}")

    def _show_taps(self) -> None:
        taps = "  ".join(self.fmt.text(force) for force in self.taps) or "none yet"
        self.query_one("#taps", Static).update(f"first pain at: {taps}")

    def action_tap(self) -> None:
        if len(self.taps) >= TRIALS:
            return
        if self.session.link is not LinkState.LIVE:
            self.notify("The tool is not live: a tap needs a live reading", severity="warning")
            return
        self.taps.append(self.session.state.force_n)
        self._show_taps()
        if len(self.taps) < TRIALS:
            return
        result = self.query_one("#result", Static)
        try:
            self.result = personal_targets(self.point, self.taps, tool=self.tool)
        except PptError as err:
            result.update(f"{err}. Escape to leave.")
            return
        fmt = self.fmt
        result.update(
            f"Your band {fmt.number(self.result.band_low_n)}-{fmt.text(self.result.band_high_n)}, "
            f"ceiling {fmt.text(self.result.ceiling_n)} (defaults "
            f"{fmt.number(self.point.band_low_n)}-{fmt.text(self.point.band_high_n)}, "
            f"ceiling {fmt.text(self.point.ceiling_n)}). Enter keeps it, escape drops it."
        )

    def action_keep(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)
