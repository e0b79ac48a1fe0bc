"""Past sittings: a list of sessions, and one session opened (trace, holds, alarms, pain).

The store is read on a worker thread over its own read-only connection, so a long
history never stalls the live screen underneath (its alarms keep showing). Sessions
on a simulated tool or a replay appear only when asked for (``a``), labelled.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from knotmeter.charts import ChartStyle, HoldMark, TraceMarks, Zones, trace_chart
from knotmeter.core.alarms import alarm_words
from knotmeter.core.config import PipelineConfig
from knotmeter.core.regions import UnknownRegion
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import KnotmeterError
from knotmeter.history import duration_text
from knotmeter.plainwords import plural
from knotmeter.session import Session
from knotmeter.store import HoldRecord, SourceKind, default_db_path
from knotmeter.store.reads import (
    DEVICE_ONLY,
    AlarmRecord,
    SessionSummary,
    alarms,
    days_before,
    holds,
    reading,
    session,
    sessions,
    targets_at,
    trace,
)
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.history import Chart

SESSIONS_DAYS = 14


class SessionsScreen(ModalScreen[None]):
    """The last fortnight's sessions, newest first; enter opens one."""

    DEFAULT_CSS = """
    SessionsScreen > #dialog { width: 100; height: 90%; }
    SessionsScreen DataTable { height: 1fr; }
    """
    COLUMNS: ClassVar[tuple[tuple[str, int], ...]] = (
        ("start", 11), ("length", 7), ("holds", 5), ("alarms", 6), ("points", 20),
        ("source", 24),
    )  # fmt: skip
    """Fixed widths whose first five fit an 80-column terminal; the source, least read,
    goes last (its SIMULATED or REPLAY label first, so a cut keeps the label)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("q", "dismiss", "Back", show=False),
        Binding("a", "toggle_all", "Simulated too"),
    ]

    def __init__(
        self, path: Path, fmt: ForceFormat, *, now: Callable[[], float] = time.time
    ) -> None:
        super().__init__()
        self.path = path
        self.fmt = fmt
        self.everything = False
        self._now = now
        self._shown: list[SessionSummary] = []

    @classmethod
    def of(cls, session: Session, fmt: ForceFormat) -> SessionsScreen:
        """The list for the store ``session`` records into (the default store without one)."""
        return cls(default_db_path() if session.store is None else session.store.path, fmt)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(self._title(), classes="dialog-title", id="title")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("", id="note")

    def _title(self) -> str:
        which = "all sessions" if self.everything else "sessions on a real tool"
        return f"The last {SESSIONS_DAYS} days: {which}  (enter: open, a: simulated too)"

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: the table is drawn the same however soon after loading it is seen.
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        self._load()

    def action_toggle_all(self) -> None:
        self.everything = not self.everything
        self.query_one("#title", Static).update(self._title())
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        kinds = tuple(SourceKind) if self.everything else DEVICE_ONLY
        since = days_before(self._now(), SESSIONS_DAYS)
        try:
            with reading(self.path) as conn:
                found = sessions(conn, since=since, kinds=kinds)
        except KnotmeterError as err:
            self.app.call_from_thread(self._show, [], str(err))
            return
        self.app.call_from_thread(self._show, found[::-1], None)

    def _show(self, found: list[SessionSummary], problem: str | None) -> None:
        self._shown = found
        table = self.query_one(DataTable)
        table.clear()
        for s in found:
            source = Text(s.label or "", style="bold reverse")
            source.append(f" {s.source}" if s.label else s.source, style="")
            table.add_row(
                s.started_at.astimezone().strftime("%m-%d %H:%M"),
                duration_text(s.duration_s),
                f"{s.complete}/{s.holds}",
                str(s.alarms),
                ", ".join(s.points),
                source,
                key=str(s.id),
            )
        note = problem or ("" if found else "No sessions in this window.")
        if not found and not self.everything and problem is None:
            note += " Sessions on the simulated tool or a replay: press a."
        self.query_one("#note", Static).update(note)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(SessionScreen(self.path, int(event.row_key.value), self.fmt))


@dataclass(slots=True, frozen=True)
class SessionDetail:
    """Everything one session's screen shows, read in one go off the event loop."""

    summary: SessionSummary
    samples: SampleBatch
    holds: list[HoldRecord]
    alarms: list[AlarmRecord]
    marks: TraceMarks


def read_detail(path: Path, session_id: int) -> SessionDetail:
    """One session's rows, with the zones it was coached against (the person's own
    targets if measured by then, the region's defaults otherwise)."""
    with reading(path) as conn:
        summary = session(conn, session_id)
        if summary is None:
            raise KnotmeterError(f"no session {session_id} in {path}")
        held = list(holds(conn, [session_id]))
        raised = list(alarms(conn, [session_id]))
        samples = trace(conn, session_id)
        zones = _zones(conn, summary.region, summary.started_at)
        marks = TraceMarks(
            zones,
            [HoldMark(h.start_t, h.end_t, _zones(conn, h.region, h.started_at)) for h in held],
        )
    return SessionDetail(summary, samples, held, raised, marks)


def _zones(conn: sqlite3.Connection, region: str, when: datetime) -> Zones:
    """The person's own targets for the point if measured by ``when``, else its defaults."""
    own = targets_at(conn, region, when)
    if own is not None:
        return Zones((own.band_low_n, own.band_high_n), own.ceiling_n)
    try:
        config = PipelineConfig.for_region(region)
    except UnknownRegion:  # left the region list since: no zones to draw
        return Zones((0.0, 0.0), 0.0)
    return Zones((config.band_low_n, config.band_high_n), config.ceiling_n)


class SessionScreen(ModalScreen[None]):
    """One session: its force trace with zones and holds marked, then its holds (with
    their pain ratings), its alarms and a summary."""

    DEFAULT_CSS = """
    SessionScreen > #dialog { width: 100; height: 90%; }
    SessionScreen #trace { height: auto; }
    SessionScreen Chart { height: 16; }
    SessionScreen Static { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("q", "dismiss", "Back", show=False),
    ]

    def __init__(self, path: Path, session_id: int, fmt: ForceFormat) -> None:
        super().__init__()
        self.path = path
        self.session_id = session_id
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(f"Session {self.session_id}", classes="dialog-title", id="summary")
            yield Vertical(id="trace")
            yield Static("", id="holds")
            yield Static("", id="alarms")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True)
    def _load(self) -> None:
        try:
            detail = read_detail(self.path, self.session_id)
        except KnotmeterError as err:
            self.app.call_from_thread(self._problem, str(err))
            return
        self.app.call_from_thread(self._show, detail)

    def _problem(self, message: str) -> None:
        self.query_one("#summary", Static).update(message)

    def _show(self, detail: SessionDetail) -> None:
        s = detail.summary
        label = f"  [{s.label}]" if s.label else ""
        self.query_one("#summary", Static).update(
            f"Session {s.id}: {s.started_at.astimezone():%Y-%m-%d %H:%M}, "
            f"{duration_text(s.duration_s)}, {', '.join(s.points)} ({s.source}){label}\n"
            f"{s.complete} of {s.holds} holds complete, {plural(s.alarms, 'alarm')}, "
            f"{plural(s.samples, 'sample')}"
        )
        # Mounted only now: a plotext figure built once empty keeps that empty frame's axes.
        self.query_one("#trace", Vertical).mount(
            Chart(
                lambda plt: trace_chart(plt, detail.samples, detail.marks, ChartStyle(), self.fmt)
            )
        )
        self.query_one("#holds", Static).update(Text("\n".join(self._hold_lines(detail.holds))))
        self.query_one("#alarms", Static).update(Text("\n".join(self._alarm_lines(detail.alarms))))

    def _hold_lines(self, held: list[HoldRecord]) -> list[str]:
        if not held:
            return ["No holds."]
        lines = ["hold  point                   start   in band      mean      peak  done  pain"]
        for number, h in enumerate(held, start=1):
            mean = "-" if h.mean_n is None else self.fmt.text(h.mean_n)
            peak = "-" if h.peak_n is None else self.fmt.text(h.peak_n)
            in_band = "-" if h.in_band_s is None else f"{h.in_band_s:.0f} s"
            done = "yes" if h.complete else "no"
            pain = "-" if h.pain is None else f"{h.pain}/10"
            lines.append(
                f"{number:>4}  {h.region:<22} {h.start_t:>6.0f}s  {in_band:>7}"
                f"  {mean:>8}  {peak:>8}  {done:>4}  {pain:>4}"
            )
        return lines

    def _alarm_lines(self, raised: list[AlarmRecord]) -> list[str]:
        if not raised:
            return ["No alarms."]
        return ["alarms:"] + [
            f"  {a.t:7.1f} s  {alarm_words(a.kind)} at {self.fmt.text(a.force_n)}" for a in raised
        ]
