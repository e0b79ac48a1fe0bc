"""Every bad input in ``tests/README.md``'s table, run through the real CLI.

Each row must exit as the table says with its one-line message, no traceback, and
the table must list exactly the rows of ``bad_inputs.ROWS``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inputs.bad_inputs import BEGIN, END, README, ROWS, make_files, run, table_row


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bad-inputs")
    make_files(directory)
    return directory


def _table() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return text[text.index(BEGIN) : text.index(END)].splitlines()[3:]


def test_the_table_lists_every_row_and_at_least_forty() -> None:
    rows = _table()
    assert len(ROWS) >= 40
    assert [line.split("`")[1].removeprefix("knotmeter ") for line in rows] == ROWS


@pytest.mark.slow  # 72 runs of the real command, ~0.5 s each to start Python and knotmeter
@pytest.mark.parametrize("row", ROWS)
def test_a_bad_input_is_one_line_and_exit_2(row: str, workdir: Path) -> None:
    code, err, out = run(row, workdir)
    assert "Traceback" not in err + out
    assert code == 2, err
    assert err.startswith("knotmeter: ")
    assert err.count("\n") == 1, "one line"
    assert table_row(row, code, err) in _table(), "tests/README.md is stale: regenerate it"
    assert not (workdir / "out.csv").exists(), "a refused record leaves no file behind"
