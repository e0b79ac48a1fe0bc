"""A moniker's ``time=``, ``frame=`` and ``range=`` out of bounds: one line, exit 2 (issue 20).

The options the alarm path now leans on (the frame size sets the silence allowance,
the time unit is checked against arrivals, the range caps the ceiling) are refused at
the door when they make no sense, by the real program.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("moniker", "says"),
    [
        ("sim:calm?frame=0", "frame '0': expected a whole number from 1 to 76"),
        ("sim:calm?frame=77", "frame '77': expected a whole number from 1 to 76"),
        ("sim:calm?frame=1e999", "frame '1e999'"),
        ("serial:/dev/null?format=text&time=ns", "time='ns' (use s, ms or us)"),
        ("serial:/dev/null?format=text&time=", "time='' (use s, ms or us)"),
        ("serial:/dev/null?format=text&range=0", "range '0': expected a number from 5"),
        ("serial:/dev/null?format=text&range=nan", "range 'nan'"),
        ("serial:/dev/null?format=text&range=1e9", "range '1e9'"),
    ],
)
def test_an_option_out_of_bounds_is_one_line_and_exit_2(moniker: str, says: str) -> None:
    done = subprocess.run(
        [KNOTMETER, "--source", moniker],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert says in line
    assert moniker in line
