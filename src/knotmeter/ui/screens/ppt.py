"""Measuring the person's own pain threshold on the point being treated.

The dialog draws what :class:`~knotmeter.core.ppt_measure.PptMeasurement` says: it feeds
the measurement each reading the session takes and the person's keys, and shows the
message, the live ramp against its target, the rest countdown and any refusal. The
rules live in the measurement; the dialog only refuses what the measurement cannot
know: a tool that is not the person's (the simulated one, a replay) and a link that is
not live.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.ppt import MAX_PRESSES, TRIALS, PersonalTargets
from knotmeter.core.ppt_measure import PptMeasurement, PptPhase, PptView
from knotmeter.core.screening import STOP_RULES
from knotmeter.session import LinkState, Session
from knotmeter.store import SourceKind
from knotmeter.ui.display import ForceFormat

NOT_YOURS: dict[SourceKind, str] = {
    SourceKind.SIMULATED: (
        "This is the simulated tool: its forces are not your tissue's, so a band measured "
        "on it would be a guess stored as yours. Connect your own tool to measure."
    ),
    SourceKind.REPLAY: (
        "This is a replay of a recording: pressing now changes nothing it reads, so there "
        "is nothing of yours to measure. Connect your own tool to measure."
    ),
}
"""Why the measurement is refused on a source that is not the person's own tool."""
NO_MEASURING_WITH_NEUROPATHY = (
    "No threshold measurement with reduced feeling from diabetes: pressing until it hurts "
    "is not a safe signal when pain warns late. The light profile's band stays."
)


class PptScreen(ModalScreen[PersonalTargets | None]):
    """Separate slow presses, space at the first pain; enter keeps a measured band.

    Dismissed with the new targets (enter, once measured) or ``None`` (escape); the
    caller stores them. ``today`` dates the measurement (tests inject it).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tap", "First pain"),
        Binding("n", "no_pain", "No pain up to the ceiling"),
        Binding("enter", "keep", "Keep"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(
        self,
        session: Session,
        fmt: ForceFormat,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.session = session
        self.fmt = fmt
        self.point = session.config.region
        self.refused = NOT_YOURS.get(session.kind)
        if self.refused is None and session.rx.light is not None and not session.rx.light.measures:
            self.refused = NO_MEASURING_WITH_NEUROPATHY
        self.measurement = PptMeasurement(
            self.point,
            session.config.tool,
            release_n=session.config.release_n,
            cap_n=session.config.ceiling_n,  # light profile, tool and range are in it
            measured_on=today(),
        )
        self.view = self.measurement.view
        self._unwatch: Callable[[], None] | None = None

    @property
    def taps(self) -> tuple[float, ...]:
        """The accepted presses' first-pain forces so far."""
        return self.view.trials_n

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Your targets: {self.point.name}", classes="dialog-title")
            if self.refused is not None:
                yield Static(self.refused, id="refused")
                yield Static("Escape to leave.")
                return
            yield Static(
                f"{TRIALS} presses (at most {MAX_PRESSES}), each from a lift-off: press "
                "slowly, space at the first pain, lift off, rest; the first is not counted. "
                f"Never past {self.fmt.text(self.measurement.cap_n)}, your ceiling here; no "
                "pain up to it: n. Escape cancels."
            )
            yield Static(STOP_RULES, id="stop-rules")
            yield Static(id="message")
            yield Static(id="result")  # beside the message: in sight however tall the rest
            yield Static(id="ramp")
            yield Static(id="taps")
            yield Static(id="refusal")

    def on_mount(self) -> None:
        if self.refused is not None:
            return
        self._unwatch = self.session.watch(self._follow)
        self._follow()  # the reading now: a tool already lifted off is ready to press
        self._show()

    def on_unmount(self) -> None:
        if self._unwatch is not None:
            self._unwatch()

    def _follow(self) -> None:
        """A batch moved the session on: its newest reading moves the measurement on."""
        state = self.session.state
        if self.session.link is LinkState.LIVE:
            self.view = self.measurement.feed(state.t, state.force_n)
            self._show()

    def _show(self) -> None:
        view, fmt = self.view, self.fmt
        self.query_one("#message", Static).update(view.message)
        ramp = self.query_one("#ramp", Static)
        if view.phase is PptPhase.PRESSING:
            pace = "too fast: slow down" if view.too_fast else "steady"
            ramp.update(
                f"now {fmt.text(self.session.state.force_n)}, rising "
                f"{fmt.number(view.ramp_n_per_s)} {fmt.unit}/s "
                f"(aim {fmt.number(view.ramp_target_n_per_s)} {fmt.unit}/s): {pace}"
            )
        else:
            ramp.update(f"now {fmt.text(self.session.state.force_n)}")
        ramp.set_class(view.too_fast, "too-fast")
        taps = "  ".join(fmt.text(force) for force in view.trials_n) or "none yet"
        self.query_one("#taps", Static).update(f"first pain at: {taps}")
        self.query_one("#refusal", Static).update(view.refusal or "")
        self.query_one("#result", Static).update(self._result_text(view))

    def _result_text(self, view: PptView) -> str:
        fmt, point = self.fmt, self.point
        match view.phase:
            case PptPhase.DONE if view.result is not None:
                result = view.result
                return (
                    f"Your band {fmt.number(result.band_low_n)}-{fmt.text(result.band_high_n)}, "
                    f"ceiling {fmt.text(result.ceiling_n)} (defaults "
                    f"{fmt.number(point.band_low_n)}-{fmt.text(point.band_high_n)}, "
                    f"ceiling {fmt.text(point.ceiling_n)})"
                    + (", in tender mode" if result.low else "")
                    + ". Enter keeps it, escape drops it."
                )
            case PptPhase.KEPT_DEFAULTS | PptPhase.FAILED:
                return "Nothing is stored. Escape to leave."
            case _:
                return ""

    def action_tap(self) -> None:
        if self.refused is not None:
            self.notify(self.refused, severity="warning")
            return
        if self.session.link is not LinkState.LIVE:
            self.notify("The tool is not live: a tap needs a live reading", severity="warning")
            return
        self.view = self.measurement.tap(self.session.state.t)
        self._show()

    def action_no_pain(self) -> None:
        if self.refused is None:
            self.view = self.measurement.no_pain(self.session.state.t)
            self._show()

    def action_keep(self) -> None:
        if self.view.phase is PptPhase.DONE and self.view.result is not None:
            self.dismiss(self.view.result)
