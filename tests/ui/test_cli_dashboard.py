"""Bad options to ``knotmeter`` and ``knotmeter replay``: one line, exit 2, no screen opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from knotmeter.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--unit", "kPa"], "--unit kPa is a pressure: give the tool's contact area with --area"),
        (["--area", "0"], "--area '0': expected a number from 0.05 to 100 cm²"),
        (["--target", "-5"], "--target '-5': expected a number from 1 to 3,600 s"),
        (["--region", "elbow"], "unknown region 'elbow'; choose one of: upper-trapezius"),
        (["--profile", "calm"], "--profile chooses the simulated tool's press profile"),
        (["--sim", "--profile", "no-such-profile"], "no-such-profile"),
        (["--source", "carrier-pigeon:7"], "unknown scheme 'carrier-pigeon'"),
        (["--sim", "--plan", "neck"], "unknown plan 'neck'; choose one of: tension-headache"),
        (["replay", "missing.csv"], "missing.csv"),
        (["replay", "missing.csv", "--region", "elbow"], "unknown region 'elbow'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("knotmeter: ")
    assert message in err
    assert err.count("\n") == 1


def test_replay_refuses_a_zero_speed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "trace.csv"
    trace.write_text("t_s,force_n\n0.0,1.0\n0.0125,1.5\n")
    assert main(["replay", str(trace), "--speed", "0"]) == 2
    assert "--speed '0': expected a number from 0.01 to 100" in capsys.readouterr().err


def test_a_plan_sets_the_points_so_region_is_refused_with_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--sim", "--plan", "tension-headache", "--region", "masseter"])
    assert exit_info.value.code == 2
    assert "--region: not allowed with argument --plan" in capsys.readouterr().err


def test_flare_is_a_dashboard_mode() -> None:
    from knotmeter.cli import build_parser
    from knotmeter.cli.dashboard import ViewOptions
    from knotmeter.core.modes import Mode

    parser = build_parser()
    assert ViewOptions.from_args(parser.parse_args(["--sim", "--flare"])).mode is Mode.FLARE
    assert ViewOptions.from_args(parser.parse_args(["--sim"])).mode is Mode.NORMAL
