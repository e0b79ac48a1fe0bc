"""``knotmeter history --chart``: the app's charts as text, legible without colour."""

from __future__ import annotations

import time

import pytest

from knotmeter.cli import main
from knotmeter.store import default_db_path
from tests.store.seeding import fortnight, seed_history


def test_charts_follow_each_points_table_in_plain_characters_when_piped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history", "--chart", "--region", "masseter", "--unit", "kgf"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out, "captured output is not a terminal: no colour codes"
    table_end = out.index("pain 7.0 on")
    for title in (
        "Masseter: seconds in band per hold (mean of the day)",
        "Masseter: mean and peak force (kgf) against the band",
        "Masseter: mean pain (1-10)",
    ):
        assert out.index(title) > table_end
    assert "oo mean" in out, "series told apart by marker, and named"
    assert "^^ peak" in out
    assert "in band/hold" in out


def test_without_chart_the_table_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    seed_history(default_db_path(), fortnight(point_s=20.0), now=time.time())
    assert main(["history", "--region", "masseter"]) == 0
    assert "seconds in band per hold" not in capsys.readouterr().out
