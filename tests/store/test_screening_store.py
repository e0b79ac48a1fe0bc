"""Screening answers in the store and on the command line (issue 13): kept, newest wins,
current for 30 days; ``knotmeter screening`` asks, ``--none-apply`` records "none",
``--show`` prints them; bad or missing input is one line, exit 2, nothing recorded."""

from __future__ import annotations

import io
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knotmeter.cli import main
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.screening import ITEMS
from knotmeter.store import ScreeningRecord, SessionStore, SourceKind, default_db_path
from tests.screened import none_apply
from tests.tmux_screen import knotmeter_script

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
IDLE_HOLD = Pipeline(PipelineConfig.for_region("gluteus-medius")).state.hold


def test_the_newest_answers_are_the_ones_that_hold(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "k.sqlite3") as store:
        assert store.latest_screening() is None
        store.save_screening(none_apply(NOW - timedelta(days=1)))
        lighter = ScreeningRecord(NOW, {**none_apply().answers, "pregnancy": True}, False)
        store.save_screening(lighter)
        store.save_screening(none_apply(NOW - timedelta(days=2)))  # older: not the newest
    with SessionStore(tmp_path / "k.sqlite3", read_only=True) as store:
        latest = store.latest_screening()
    assert latest == lighter
    light = latest.outcome.light
    assert light is not None
    assert light.because == ("pregnancy",)


def test_answers_hold_for_30_days() -> None:
    record = none_apply(NOW)
    assert record.current(NOW + timedelta(days=29, hours=14))
    assert not record.current(NOW + timedelta(days=30))
    assert not record.current(NOW - timedelta(days=1)), "a clock set back asks again"


def test_answers_changed_mid_session_go_through_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    with SessionStore(path) as store:
        writer = store.begin_writer(
            source="sim:calm", kind=SourceKind.SIMULATED, region="gluteus-medius"
        )
        writer.submit(lambda r: r.save_screening(none_apply(NOW)))
        assert writer.close().unsaved() is None
        assert store.latest_screening() == none_apply(NOW)


def test_none_apply_prints_every_item_and_records_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["screening", "--none-apply"]) == 0
    out = capsys.readouterr().out
    assert all(item.question in out for item in ITEMS)
    assert stat.S_IMODE(default_db_path().stat().st_mode) == 0o600
    with SessionStore(read_only=True) as store:
        stored = store.latest_screening()
    assert stored is not None
    assert not any(stored.answers.values())
    assert stored.current(datetime.now(UTC))


def test_show_prints_the_answers_and_when_they_expire(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["screening", "--show"]) == 0
    assert "no screening answers stored" in capsys.readouterr().out
    assert not default_db_path().exists(), "--show creates nothing"
    assert main(["screening", "--none-apply"]) == 0
    capsys.readouterr()
    assert main(["screening", "--show"]) == 0
    out = capsys.readouterr().out
    expires = (datetime.now(UTC) + timedelta(days=30)).astimezone()
    assert f"expires {expires:%Y-%m-%d}" in out
    assert "current" in out
    assert f"{ITEMS[0].question}  no" in out


def test_answers_typed_in_are_recorded_with_the_clinician(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = ["yes" if item.id in ("trauma", "osteoporosis") else "n" for item in ITEMS]
    cleared_on = datetime.now(UTC).date().isoformat()
    typed = [*replies, "Y", "Dr Lee, GP", cleared_on]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    assert main(["screening"]) == 0
    out = capsys.readouterr().out
    assert "pain after trauma" in out
    assert "40 %" in out
    with SessionStore(read_only=True) as store:
        stored = store.latest_screening()
    assert stored is not None
    assert stored.clearance is not None
    assert stored.clearance.who == "Dr Lee, GP"
    assert stored.outcome.coaching


@pytest.mark.parametrize(
    ("when", "message"),
    [("", "is empty"), ("2999-01-01", "in the future"), ("2000-01-01", "older than 7 days")],
)
def test_a_bad_typed_clearance_is_one_line_exit_2_nothing_recorded(when: str, message: str) -> None:
    replies = ["y" if item.id == "trauma" else "n" for item in ITEMS]
    done = subprocess.run(
        [knotmeter_script(), "screening"], input="\n".join([*replies, "y", "Dr Lee", when]) + "\n",
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert message in done.stderr
    assert not default_db_path().exists()


def test_an_emergency_is_not_lifted_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = ["y" if item.id == "saddle-numbness" else "n" for item in ITEMS]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(replies) + "\n"))
    assert main(["screening"]) == 0  # no clearance is asked: nothing lifts it
    assert "Seek care today" in capsys.readouterr().out
    with SessionStore(read_only=True) as store:
        stored = store.latest_screening()
    assert stored is not None
    assert not stored.outcome.coaching


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("n\nmaybe\n", "answer 'maybe' is not y or n"), ("n\nn\n", "input ended")],
)
def test_bad_or_missing_answers_are_one_line_exit_2_nothing_recorded(
    stdin: str, message: str
) -> None:
    done = subprocess.run(
        [knotmeter_script(), "screening"], input=stdin, capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert message in done.stderr
    assert "nothing recorded" in done.stderr
    assert not default_db_path().exists()
