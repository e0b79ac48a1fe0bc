"""Trace CSV files: exact round trip, owner-only files, line-precise errors."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from knotmeter.core import SampleBatch
from knotmeter.errors import BadInput
from knotmeter.traces import TraceWriter, read_trace


def test_a_written_trace_reads_back_the_exact_floats(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    t = np.cumsum(rng.uniform(0.001, 0.02, 500))
    force = rng.normal(50.0, 20.0, 500)
    path = tmp_path / "trace.csv"
    with TraceWriter(path) as writer:
        writer.write(SampleBatch(t[:123], force[:123]))
        assert read_trace(path).t.size == 123  # flushed per batch, readable mid-recording
        writer.write(SampleBatch(t[123:], force[123:]))
    assert writer.samples == 500
    back = read_trace(path)
    assert np.array_equal(back.t, t)
    assert np.array_equal(back.force_n, force)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_extra_columns_blank_lines_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "annotated.csv"
    path.write_text("\ufeffnote, force_n ,t_s\nstart,1.5,0.0\n\n,2.5,0.1\n", encoding="utf-8")
    batch = read_trace(path)
    assert batch.t.tolist() == [0.0, 0.1]
    assert batch.force_n.tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("time,force\n0,1\n", "line 1: no header with t_s and force_n"),
        ("t_s,force_n\n", "no samples after the header"),
        ("t_s,force_n\n0.0,1\n0.1,heavy\n", "line 3: force_n 'heavy' is not a number"),
        ("t_s,force_n\n0.0,1\n0.1,nan\n", "line 3: force_n is 'nan'; it must be a finite number"),
        ("t_s,force_n\n0.0,1\n0.1,inf\n", "line 3: force_n is 'inf'"),
        ("t_s,force_n\n0.0,1\n0.0,2\n", r"line 3: t_s 0.0 does not increase \(previous row 0.0\)"),
        ("t_s,force_n\n0.5,1\n\n0.2,2\n", "line 4: t_s 0.2 does not increase"),
        ("t_s,force_n\n0.0\n", "line 2: missing the force_n cell"),
    ],
)
def test_bad_traces_name_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput, match=f"^{path}.*{message}"):
        read_trace(path)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"nope\.csv: no such file"):
        read_trace(tmp_path / "nope.csv")
    with pytest.raises(BadInput, match="cannot read: Is a directory"):
        read_trace(tmp_path)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(BadInput, match="not a UTF-8 text file"):
        read_trace(binary)
