"""``knotmeter report`` over a seeded fortnight: its numbers are ``history --json``'s."""

from __future__ import annotations

import json
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from knotmeter.cli import main
from knotmeter.core.sides import Side

pytestmark = pytest.mark.usefixtures("seeded")


class Tables(HTMLParser):
    """The report's per-day tables, by point (``data-region``, ``data-side``), as text."""

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[tuple[str, str], list[list[str]]] = {}
        self.text: list[str] = []
        self._point: tuple[str, str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and "data-region" in found:
            self._point = (str(found["data-region"]), str(found["data-side"]))
            self.points[self._point] = []
        elif tag == "tr" and self._point is not None and "data-day" in found:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._point is not None:
            self.points[self._point].append(self._row)
            self._row = None
        elif tag == "section":
            self._point = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)


def report(tmp_path: Path, *argv: str, name: str = "report.html") -> Path:
    out = tmp_path / name
    assert main(["report", "-o", str(out), *argv]) == 0
    return out


def parsed(path: Path) -> Tables:
    tables = Tables()
    tables.feed(path.read_text(encoding="utf-8"))
    return tables


def history_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["history", "--json", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def one_decimal(value: object) -> str:
    return "-" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


@pytest.mark.parametrize("everything", [False, True])
def test_every_day_of_every_point_and_side_equals_history_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], everything: bool
) -> None:
    argv = ["--all"] if everything else []
    expected = history_json(capsys, *argv)
    tables = parsed(report(tmp_path, *argv))
    got = [
        {"region": region, "side": side, "row": row}
        for (region, side), rows in tables.points.items()
        for row in rows
    ]
    want = [
        {
            "region": line["region"],
            "side": line["side"] or "-",
            "row": [
                line["day"], str(line["holds"]), str(line["complete"]),
                one_decimal(line["in_band_s"]), one_decimal(line["mean_N"]),
                one_decimal(line["peak_N"]), one_decimal(line["pain"]), str(line["rated"]),
            ],
        }
        for line in expected
    ]  # fmt: skip
    assert got == want
    sides = {(line["region"], line["side"]) for line in expected}
    assert sides == {
        (region, side.value)
        for region in ("gluteus-medius", "tensor-fasciae-latae")
        for side in Side
    }
    holds = sum(int(str(line["holds"])) for line in expected)
    complete = sum(int(str(line["complete"])) for line in expected)
    assert f"{complete} of {holds} holds completed over 4 points" in " ".join(tables.text)


def test_page_one_says_the_sessions_complaint_alarms_and_screening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["sessions", "--json"]) == 0
    sessions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    text = " ".join(" ".join(parsed(report(tmp_path)).text).split())
    assert "prepared by knotmeter on " in text
    assert f"from {len(sessions)} sessions" in text
    assert "Runner's outer knee: the complaint" in text
    assert "first rating" in text
    assert "latest rating" in text
    assert "too hard: 2 times" in text  # one sitting, both points
    assert "held past the point's limit: 2 times" in text
    assert "light profile (lighter pressure) because of: blood-thinners" in text
    assert "red flags cleared by Dr Rowe on" in text
    assert "SIMULATED" not in text


def test_left_and_right_ppt_where_both_sides_were_measured(tmp_path: Path) -> None:
    text = " ".join(" ".join(parsed(report(tmp_path)).text).split())
    assert "Left and right" in text
    # the newest of each side: 46 N left, 36 N right: +10.0 N, 22 % of the higher
    assert "Tensor fasciae latae 46.0 36.0 +10.0 22 %" in text
    assert "Gluteus medius 54.0" not in text  # measured on the left only


def test_simulated_sessions_only_with_all_and_labelled(tmp_path: Path) -> None:
    text = " ".join(parsed(report(tmp_path, "--all")).text)
    assert "SIMULATED" in text
    assert "1 of them simulated or replayed" in text


def test_the_report_is_private_and_never_written_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = report(tmp_path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before = out.read_bytes()
    assert main(["report", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"knotmeter: -o {out}: already exists; choose another name or add --force"]
    assert out.read_bytes() == before
    out.chmod(0o644)
    assert main(["report", "-o", str(out), "--force", "--days", "3"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes() != before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "r.docx"], "-o r.docx: a report is written as .html or .pdf, not '.docx'"),
        (["-o", "report"], "-o report: a report is written as .html or .pdf, not ''"),
        (["--days", "0", "-o", "r.html"], "--days: must be from 1 to 3650 (got 0)"),
        (["--days", "3651", "-o", "r.html"], "--days: must be from 1 to 3650 (got 3651)"),
        (["--days", "nan", "-o", "r.html"], "--days: must be from 1 to 3650 (got nan)"),
        (["--days", "week", "-o", "r.html"], "--days: 'week' is not a number of days (1-3650)"),
        (
            ["-o", "no/such/dir/r.html"],
            "-o no/such/dir/r.html: the folder no/such/dir does not exist",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", *argv]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"knotmeter: {message}"]
    assert list(tmp_path.iterdir()) == []


def test_the_html_fetches_nothing(tmp_path: Path) -> None:
    """No address outside the file: namespaces are names, ``url(#id)`` is inside it."""
    html = re.sub(r'xmlns(:\w+)?="[^"]*"', "", report(tmp_path).read_text(encoding="utf-8"))
    assert html.count("<svg") == 4
    assert not re.findall(r"https?://|\bsrc=|@import|url\((?!#)|href=\"(?!#)", html)
