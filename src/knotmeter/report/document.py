"""The report as one self-contained HTML document: inline CSS, inline SVG, nothing fetched.

Page one says in words what happened; then a table of the sittings, then one page per
point and side with its charts and its days as a table (the numbers of ``knotmeter
history --json``, to one decimal), and the left/right PPT comparison. A4 pages, black
on white: it prints the same on any printer, and WeasyPrint prints it to PDF as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from knotmeter.core.scores import HIGH, LOW, Outcome, trend
from knotmeter.core.sides import side_label
from knotmeter.history import duration_text, plan_lines
from knotmeter.report.figures import point_svg
from knotmeter.report.gather import Point, Report

SCALE = f"{LOW}-{HIGH}"
DAY_COLUMNS = ("*day", "holds", "complete", "s in band/hold", "mean N", "peak N", "pain", "rated")
"""A point's days, as ``knotmeter history --json`` gives them."""
TABLE_ROWS = 31
"""A table lists at most the latest month of rows (days of a point, sessions); the
charts show the whole window. A year of rows is no page a clinician reads, and laying
them out tripled the time to print a year's report."""
CSS = """
@page { size: A4; margin: 18mm 20mm; }
html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: black;
       background: white; }
body { margin: 0 auto; max-width: 170mm; }
h1 { font-size: 16pt; margin: 0 0 2pt 0; }
h2 { font-size: 12pt; margin: 12pt 0 4pt 0; border-bottom: 1px solid black; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt 0; }
p, li { line-height: 1.35; margin: 2pt 0; }
.meta { color: #333; font-size: 9pt; }
.page { break-before: page; }
.point { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; font-size: 8.5pt; }
th, td { border: 1px solid #777; padding: 1.5pt 4pt; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
svg { width: 100%; height: auto; display: block; }
.label { font-weight: bold; letter-spacing: 0.05em; }
.advice { font-weight: bold; }
.empty { margin-top: 40mm; font-size: 14pt; text-align: center; }
"""


def render(report: Report) -> str:
    """The whole report as HTML text."""
    body = _empty(report) if report.empty else "\n".join(_sections(report))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>knotmeter report {report.today.isoformat()}</title>"
        f"<style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def prepared_line(report: Report) -> str:
    """Who made it and from what: no name is asked for or kept."""
    count = len(report.sessions)
    sessions = "1 session" if count == 1 else f"{count} sessions"
    return f"prepared by knotmeter on {report.today.isoformat()} from {sessions}"


def _header(report: Report) -> str:
    which = (
        "all sessions, simulated and replayed ones included and marked"
        if report.everything
        else "sessions on a real tool only"
    )
    return (
        "<h1>Trigger-point self-treatment report</h1>"
        f'<p class="meta">{escape(prepared_line(report))}; '
        f"{report.first.isoformat()} to {report.today.isoformat()}, {which}</p>"
    )


def _empty(report: Report) -> str:
    return (
        f'<section id="summary">{_header(report)}'
        '<p class="empty">Nothing recorded yet: no sessions or ratings in this period.</p>'
        "</section>"
    )


def _sections(report: Report) -> Iterable[str]:
    yield f'<section id="summary">{_header(report)}{_summary(report)}</section>'
    yield _sessions_table(report)
    for point in report.points:
        yield _point(point, report)
    if report.asymmetry:
        yield _asymmetry(report)


def _summary(report: Report) -> str:
    parts = ["<h2>In short</h2>", _activity(report)]
    for plan, rated in report.plans:
        parts.append(_plan(plan.name, plan.id, plan_lines(plan, rated, report.today), rated))
    parts.append(_alarms(report))
    parts.append(_screening(report))
    return "\n".join(parts)


def _activity(report: Report) -> str:
    days = len({s.started_at.astimezone().date() for s in report.sessions})
    labelled = (
        f" ({report.labelled} of them simulated or replayed, marked below)"
        if report.labelled
        else ""
    )
    return (
        f'<p id="activity">{len(report.sessions)} sessions on {days} days{labelled}: '
        f"{report.per_week:.1f} days with a session a week. "
        f"{report.complete} of {report.holds} holds completed "
        f"over {len(report.points)} points.</p>"
    )


def _plan(name: str, plan_id: str, lines: Sequence[str], rated: Sequence[Outcome]) -> str:
    first, last = rated[0], rated[-1]
    verdict = _verdict(rated)
    rows = "".join(
        f"<tr><td>{label}</td><td>{o.on.isoformat()}</td><td>{o.pain.value}</td>"
        f"<td>{o.function.value}</td></tr>"
        for label, o in (("first rating", first), ("latest rating", last))
    )
    items = "".join(f"<li>{escape(line)}</li>" for line in lines[1:])
    return (
        f'<h3 class="plan" id="plan-{escape(plan_id)}">{escape(name)}: the complaint</h3>'
        f"{_table(('*rating', 'day', f'pain ({SCALE})', f'function ({SCALE})'), rows)}"
        f'<p>Change by the rule: <span class="advice">{verdict}</span>.</p><ul>{items}</ul>'
    )


def _verdict(rated: Sequence[Outcome]) -> str:
    """What the complaint's trend (``core.scores``) says, in a word or a few."""
    moved = trend(rated)
    if moved is None or not (moved.improving or moved.worse):
        return "no change that counts yet"
    return "worse" if moved.worse and not moved.improving else "improving"


def _alarms(report: Report) -> str:
    if not report.alarms:
        return '<h3 id="alarms">Alarms</h3><p>No holds too hard and none past the hold limit.</p>'
    items = "".join(
        f"<li>{escape(a.words)}: {a.count} time{'s' if a.count != 1 else ''}, on "
        f"{', '.join(day.isoformat() for day in a.days)}</li>"
        for a in report.alarms
    )
    return f'<h3 id="alarms">Alarms that matter</h3><ul>{items}</ul>'


def _screening(report: Report) -> str:
    record = report.screening
    if record is None:
        return '<h3 id="screening">Screening</h3><p>Not screened.</p>'
    outcome = record.outcome
    answered = record.answered_at.astimezone().date().isoformat()
    light = (
        "standard targets"
        if outcome.light is None
        else f"light profile (lighter pressure) because of: {', '.join(outcome.light.because)}"
    )
    clearance = record.clearance
    cleared = (
        f"red flags cleared by {clearance.who} on {clearance.on.isoformat()} (valid 7 days)"
        if clearance is not None
        else "cleared by a clinician, as answered on " + answered
        if record.cleared_by_clinician
        else "no clinician's clearance recorded"
    )
    return (
        '<h3 id="screening">Screening</h3>'
        f"<p>Last answered {answered}: {escape(light)}; {escape(cleared)}.</p>"
    )


def _earlier(count: int, what: str, command: str) -> str:
    """The line under a table cut to its latest :data:`TABLE_ROWS` rows."""
    if count <= TABLE_ROWS:
        return ""
    return (
        f'<p class="meta">The latest {TABLE_ROWS} {what} of {count}; '
        f"<code>{escape(command)}</code> lists them all.</p>"
    )


def _table(headers: Sequence[str], rows: str, *, classes: str = "") -> str:
    """A table of ``rows`` (``<tr>`` markup) under ``headers``; a header starting with
    ``*`` is a text column (left-aligned)."""
    cells = "".join(
        f'<th class="text">{escape(h[1:])}</th>' if h.startswith("*") else f"<th>{escape(h)}</th>"
        for h in headers
    )
    kind = f' class="{classes}"' if classes else ""
    return f"<table{kind}><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"


def _sessions_table(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{s.started_at.astimezone().strftime('%Y-%m-%d %H:%M')}</td>"
        f"<td>{duration_text(s.duration_s)}</td><td>{s.complete}/{s.holds}</td>"
        f'<td>{s.alarms}</td><td class="text">{escape(", ".join(s.points))}</td>'
        f'<td class="text label">{s.label or ""}</td></tr>'
        for s in report.sessions[-TABLE_ROWS:]
    )
    return (
        '<section id="sessions" class="page"><h2>Sessions</h2>'
        f"{_table(('*start', 'length', 'holds done', 'alarms', '*points', '*kind'), rows)}"
        f"{_earlier(len(report.sessions), 'sessions', _command('sessions', report))}</section>"
    )


def _command(name: str, report: Report) -> str:
    """The command that lists what a table was cut from."""
    everything = " --all" if report.everything else ""
    return f"knotmeter {name} --days {report.days_back:g}{everything}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _point(point: Point, report: Report) -> str:
    rows = "".join(
        f'<tr data-day="{d.day.isoformat()}"><td>{d.day.isoformat()}</td><td>{d.holds}</td>'
        f"<td>{d.complete}</td><td>{_number(d.in_band_s)}</td><td>{_number(d.mean_n)}</td>"
        f"<td>{_number(d.peak_n)}</td><td>{_number(d.pain)}</td><td>{d.rated}</td></tr>"
        for d in point.days[-TABLE_ROWS:]
    )
    band = (
        ""
        if point.band_n is None or point.ceiling_n is None
        else f"Default band {point.band_n[0]:g}-{point.band_n[1]:g} N, ceiling "
        f"{point.ceiling_n:g} N. "
    )
    ppt = "".join(
        f"<li>{m.measured_on.isoformat() if m.measured_on else '-'}: PPT {m.ppt_n:.1f} N, "
        f"band {m.band_low_n:.1f}-{m.band_high_n:.1f} N ({escape(m.tool)})</li>"
        for m in point.measurements
    )
    measured = f"<h3>PPT measurements</h3><ul>{ppt}</ul>" if ppt else ""
    return (
        f'<section class="point" id="point-{escape(point.key)}" '
        f'data-region="{escape(point.region_id)}" data-side="{side_label(point.side)}">'
        f"<h2>{escape(point.title)}</h2><p>{band}Holds and seconds in band per day, mean "
        "and peak force against the band and ceiling, pain of each hold"
        f"{', PPT over time' if ppt else ''}.</p>"
        f"{point_svg(point, report.first, report.today)}"
        f"{_table(DAY_COLUMNS, rows, classes='days')}"
        f"{_earlier(len(point.days), 'days', _command('history --json', report))}"
        f"{measured}</section>"
    )


def _asymmetry(report: Report) -> str:
    rows = "".join(
        f'<tr><td class="text">{escape(a.name)}</td><td>{a.left.ppt_n:.1f}</td>'
        f"<td>{a.right.ppt_n:.1f}</td><td>{a.difference_n:+.1f}</td><td>{a.percent:.0f} %</td>"
        "</tr>"
        for a in report.asymmetry
    )
    return (
        '<section id="asymmetry"><h2>Left and right</h2>'
        "<p>Pressure pain threshold (PPT) on each side, the newest measurement of each; the "
        "difference is left minus right, in newtons and in % of the higher side.</p>"
        f"{_table(('*point', 'left N', 'right N', 'difference N', 'difference %'), rows)}"
        "</section>"
    )
