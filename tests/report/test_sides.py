"""Sides through the store and every listing: history, sessions, export, targets."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from knotmeter.cli import main
from knotmeter.core.events import HoldEnded, HoldStarted
from knotmeter.core.sides import Side, UnknownSide, parse_side
from knotmeter.store import SessionStore, SourceKind, default_db_path
from knotmeter.store.schema import MIGRATIONS

SIDES_MIGRATION = next(n for n, sql in enumerate(MIGRATIONS) if "ADD COLUMN side" in sql)


def out_lines(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.usefixtures("seeded")
def test_sessions_name_each_point_with_its_side(capsys: pytest.CaptureFixture[str]) -> None:
    found = [json.loads(line) for line in out_lines(capsys, "sessions", "--json")]
    assert found[0]["points"] == ["tensor-fasciae-latae left", "gluteus-medius left"]
    assert found[1]["points"] == ["tensor-fasciae-latae right", "gluteus-medius right"]
    text = "\n".join(out_lines(capsys, "sessions"))
    assert "tensor-fasciae-latae right, gluteus-medius right" in text


@pytest.mark.usefixtures("seeded")
def test_export_carries_the_side_of_holds_and_pain_ratings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_lines(capsys, "export", "-o", str(tmp_path / "out"))

    def column(table: str) -> set[str]:
        with (tmp_path / "out" / f"{table}.csv").open(newline="") as f:
            return {row["side"] for row in csv.DictReader(f)}

    for table in ("holds", "pain_ratings"):
        assert column(table) == {"left", "right"}, table
    readme = (tmp_path / "out" / "README.txt").read_text()
    assert len(re.findall(r"^ +side +left or right", readme, re.MULTILINE)) == 2


@pytest.mark.usefixtures("seeded")
def test_targets_lists_each_sides_band(capsys: pytest.CaptureFixture[str]) -> None:
    listed = [line.split()[:2] for line in out_lines(capsys, "targets")[1:]]
    assert listed == [
        ["gluteus-medius", "left"],
        ["tensor-fasciae-latae", "left"],
        ["tensor-fasciae-latae", "right"],
    ]


def test_the_live_writer_files_holds_under_their_side() -> None:
    with SessionStore(default_db_path()) as store:
        writer = store.begin_writer(source="ble:KM-1", kind=SourceKind.DEVICE, region="masseter")
        for side, start in ((Side.LEFT, 1.0), (Side.RIGHT, 5.0), (None, 9.0)):
            ended = HoldEnded(start + 3, start, 3.0, 0.0, 12.0, 10.0, False)
            writer.record(None, [HoldStarted(start), ended], region="masseter", side=side)
        assert writer.close().unsaved() is None
        holds = store.holds(kinds=tuple(SourceKind))
    assert [h.side for h in holds] == [Side.LEFT, Side.RIGHT, None]


def test_a_store_from_before_sides_is_read_with_no_side_and_not_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    with sqlite3.connect(path) as conn:
        for sql in MIGRATIONS[:SIDES_MIGRATION]:
            conn.executescript(sql)
        conn.execute(
            "INSERT INTO sessions (id, started_at, ended_at, source, kind, region)"
            " VALUES (1, ?, ?, 'ble:x', 'device', 'masseter')",
            (now - 600, now - 500),
        )
        conn.execute(
            "INSERT INTO holds (session_id, region, started_at, start_t, end_t, in_band_s,"
            " peak_n, mean_n, complete, pain) VALUES (1, 'masseter', ?, 1, 40, 30, 14, 12, 1, 3)",
            (now - 590,),
        )
        conn.execute(f"PRAGMA user_version = {SIDES_MIGRATION}")
    conn.close()
    before = path.read_bytes()
    (line,) = [json.loads(text) for text in out_lines(capsys, "history", "--json")]
    assert (line["region"], line["side"], line["holds"]) == ("masseter", None, 1)
    assert out_lines(capsys, "report", "-o", str(tmp_path / "r.html"))
    assert path.read_bytes() == before


@pytest.mark.parametrize(("text", "side"), [("left", Side.LEFT), (" RIGHT ", Side.RIGHT)])
def test_a_side_is_typed_in_any_case(text: str, side: Side) -> None:
    assert parse_side(text) is side


def test_anything_else_is_no_side_and_says_what_to_type() -> None:
    with pytest.raises(UnknownSide, match="a side is left or right, not 'middle'"):
        parse_side("middle")
