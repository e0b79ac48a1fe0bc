"""``knotmeter sessions`` and ``knotmeter export`` on a real store seeded with a fortnight."""

from __future__ import annotations

import csv
import json
import re
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knotmeter.cli import main
from knotmeter.core.clearance import Clearance
from knotmeter.errors import KnotmeterError
from knotmeter.export import TABLES, _Staging
from knotmeter.store import ScreeningRecord, SessionStore, SourceKind, default_db_path
from knotmeter.store.reads import open_reader, reading, sessions
from tests.screened import none_apply
from tests.store.seeding import DAY_S, Sitting, fortnight, seed_history

LONG_FLOAT = re.compile(r"\d\.\d{7,}")
"""More decimals than a microsecond or a millinewton: float noise that must not leak out."""


@pytest.fixture
def seeded() -> list[int]:
    """Two weeks of sittings ending now (14 on a real tool, the 15th simulated)."""
    return seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_sessions_lists_real_tools_only_unless_all_and_labels_the_rest(
    seeded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 + 14
    assert "upper-trapezius, suboccipitals" in out[1]
    assert not any("sim:" in line for line in out)
    assert main(["sessions", "--all", "--days", "3"]) == 0
    labelled = [line for line in capsys.readouterr().out.splitlines() if "sim:calm" in line]
    assert len(labelled) == 1
    assert labelled[0].endswith("[SIMULATED]")


def test_sessions_json_is_one_object_per_session(
    seeded: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions", "--json", "--all"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 15
    assert {line["kind"] for line in lines} == {"device", "simulated"}
    first = lines[0]
    assert first["points"] == ["upper-trapezius", "suboccipitals"]
    assert first["samples"] > 0
    assert (first["holds"], first["complete_holds"]) == (2, 0)


def test_csv_export_is_a_private_folder_of_documented_tables(
    seeded: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fortnight"
    assert main(["export", "--days", "14", "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    readme = (out / "README.txt").read_text()
    for table in TABLES:
        path = out / f"{table.name}.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        header = path.read_text().splitlines()[0]
        assert header == ",".join(column.name for column in table.columns)
        assert all(column.name in readme for column in table.columns)
        assert not LONG_FLOAT.search(path.read_text()), f"{path.name} has unrounded numbers"
    sessions_rows = rows(out / "sessions.csv")
    assert len(sessions_rows) == 14
    assert {row["kind"] for row in sessions_rows} == {"device"}
    samples = rows(out / "samples.csv")
    assert sum(int(row["samples"]) for row in sessions_rows) == len(samples)
    assert all(float(row["force_n"]) >= 0 for row in samples)
    holds = rows(out / "holds.csv")
    pain = rows(out / "pain_ratings.csv")
    assert len(holds) == 28
    assert [row["pain_0_10"] for row in pain] == [row["pain_0_10"] for row in holds]
    alarms = rows(out / "alarms.csv")
    assert {row["kind"] for row in alarms} >= {"over_ceiling"}, "the day it overshot"


def test_json_export_has_the_same_tables_one_object_per_line(
    seeded: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "one.jsonl"
    simulated = seeded[-1]
    assert main(["export", "--session", str(simulated), "--format", "json", "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    assert not LONG_FLOAT.search(text)
    lines = [json.loads(line) for line in text.splitlines()]
    by_table: dict[str, list[dict[str, object]]] = {}
    for line in lines:
        by_table.setdefault(str(line.pop("table")), []).append(line)
    assert list(by_table)[:3] == ["sessions", "samples", "holds"]
    assert list(by_table)[-2:] == ["pain_ratings", "outcomes"]
    assert by_table["sessions"][0]["kind"] == "simulated", "asked for by id: exported, labelled"
    assert set(by_table["samples"][0]) == {"t_s", "force_n", "session_id", "saturated"}
    assert by_table["holds"][0]["pain_0_10"] == 9
    assert [(o["moment"], o["pain_0_10"], o["retest"]) for o in by_table["outcomes"]] == [
        ("start", 10, None),
        ("retest", 9, "better"),
    ], "asked for by id: a simulated session's ratings too"


def test_outcomes_are_exported_with_their_session_plan_and_moment(
    seeded: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "fortnight"
    assert main(["export", "--days", "14", "-o", str(out)]) == 0
    outcomes = rows(out / "outcomes.csv")
    assert len(outcomes) == 2 * 14, "rated at the start and at the retest of each sitting"
    assert [row["moment"] for row in outcomes[:2]] == ["start", "retest"]
    first_start, first_retest = outcomes[:2]
    assert first_start["session_id"] == first_retest["session_id"] == str(seeded[0])
    assert first_start["plan"] == "tension-headache"
    assert (first_start["pain_0_10"], first_start["function_0_10"]) == ("8", "3")
    assert first_start["retest"] == "", "no retest at the start"
    assert first_retest["retest"] == "same"
    assert first_start["recorded_at_utc"] < first_retest["recorded_at_utc"]
    assert datetime.fromisoformat(first_start["recorded_at_utc"]).utcoffset() == timedelta(0)
    retests = [row["retest"] for row in outcomes if row["moment"] == "retest"]
    assert set(retests) == {"better", "same", "worse"}
    assert {row["plan"] for row in outcomes} == {"tension-headache", "plantar-heel", "jaw"}


def seed_screened() -> list[int]:
    """Three sittings: before any screening, after a standard one (cleared by a clinician),
    and one whose go-lighter screening was answered after it opened, as the app does."""
    now = time.time()
    ids = seed_history(
        default_db_path(),
        [Sitting(days_ago, "jaw", 20.0, 3) for days_ago in (5.0, 3.0, 1.0)],
        now=now,
    )
    cleared = Clearance("Dr Lee", at(now, 4.0).date())
    standard = ScreeningRecord(at(now, 4.0), none_apply().answers, True, cleared)
    lighter = ScreeningRecord(at(now, 1.0, 5.0), {**none_apply().answers, "pregnancy": True}, False)
    with SessionStore(default_db_path()) as store:
        store.save_screening(standard)
        store.save_screening(lighter)
    return ids


def at(now: float, days_ago: float, plus_s: float = 0.0) -> datetime:
    return datetime.fromtimestamp(now - days_ago * DAY_S + plus_s, UTC)


def test_sessions_carry_the_light_profile_they_were_pressed_under_in_csv_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed_screened()
    expected = {  # id: (light_profile, cleared_by_clinician)
        ids[0]: (None, None),
        ids[1]: (0, 1),
        ids[2]: (1, 0),
    }
    assert main(["export", "-o", str(tmp_path / "csv")]) == 0
    as_csv = {
        int(row["session_id"]): (row["light_profile"], row["cleared_by_clinician"])
        for row in rows(tmp_path / "csv" / "sessions.csv")
    }
    assert as_csv == {
        sid: tuple("" if flag is None else str(flag) for flag in flags)
        for sid, flags in expected.items()
    }
    assert main(["export", "--format", "json", "-o", str(tmp_path / "all.jsonl")]) == 0
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    as_json = {
        line["session_id"]: (line["light_profile"], line["cleared_by_clinician"])
        for line in lines
        if line["table"] == "sessions"
    }
    assert as_json == expected
    capsys.readouterr()
    assert main(["sessions", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {s["id"]: (s["light_profile"], s["cleared_by_clinician"]) for s in listed} == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--session", "999"], "--session: no session 999"),
        (["--session", "abc"], "--session: 'abc' is not a session id"),
        (["--session", "0"], "--session: 0 is not a session id"),
        (["--days", "-1"], "--days: must be more than 0"),
        (["--days", "nan"], "--days: must be more than 0"),
    ],
)
def test_bad_choices_are_one_line_and_exit_2(
    seeded: list[int],
    tmp_path: Path,
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    assert main(["export", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert message in err
    assert not out.exists()


def test_an_existing_or_unwritable_output_is_refused_and_left_alone(
    seeded: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.csv"
    existing.write_text("keep me\n")
    cases = [
        (existing, "already exists"),
        (tmp_path / "missing" / "out", "no folder"),
        (Path("/proc/knotmeter-export"), "cannot write there"),
    ]
    for target, message in cases:
        assert main(["export", "-o", str(target)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0
        assert message in err, err
    assert existing.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv"]


def test_an_interrupted_export_leaves_nothing_under_the_name(tmp_path: Path) -> None:
    target = tmp_path / "export"

    def interrupted() -> None:
        with _Staging(target, folder=True) as staging:
            (staging.path / "samples.csv").write_text("t_s,force_n\n")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert list(tmp_path.iterdir()) == []


def test_export_and_sessions_before_any_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions"]) == 0
    assert "no sessions yet" in capsys.readouterr().out
    assert main(["export", "-o", str(tmp_path / "x")]) == 1
    assert "no session store" in capsys.readouterr().err
    assert not default_db_path().exists()


def test_nothing_in_the_window_is_not_an_empty_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(
        default_db_path(), [Sitting(1.0, "jaw", 20.0, 3, SourceKind.SIMULATED)], now=time.time()
    )
    assert main(["export", "-o", str(tmp_path / "x")]) == 1
    assert "--all adds simulated" in capsys.readouterr().err
    assert main(["export", "--all", "-o", str(tmp_path / "x")]) == 0


def test_a_reader_sees_a_session_being_written_and_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with pytest.raises(KnotmeterError, match="no session store"):
        open_reader(path)
    assert not path.exists()
    with SessionStore(path) as store:
        store.begin_session(source="ble:KM-1", kind=SourceKind.DEVICE, region="masseter")
        with reading(path) as conn:
            (found,) = sessions(conn, since=0.0)
            assert (found.source, found.samples, found.points) == ("ble:KM-1", 0, ("masseter",))
            with pytest.raises(Exception, match="readonly"):
                conn.execute("DELETE FROM sessions")
    path.write_bytes(b"not a database at all, just some text" * 100)
    with pytest.raises(KnotmeterError, match=r"session store .* is damaged"):
        open_reader(path)


def test_days_beyond_a_century_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "--days", "1e300"]) == 2
    assert "--days: must be more than 0 and at most 36500" in capsys.readouterr().err
