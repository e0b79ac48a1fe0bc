"""The command line's rough edges, on the real binary: a closed pipe, --version, an
option given to the wrong command, the ASCII spelling of kg/cm²."""

from __future__ import annotations

import subprocess

import pytest

from knotmeter.cli import main
from tests.tmux_screen import knotmeter_script


def test_plans_into_head_exits_without_a_traceback() -> None:
    done = subprocess.run(
        f"{knotmeter_script()} plans --json | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.stdout.startswith('{"id"')
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("command", [["plans", "--json"], ["plans", "jaw"], ["--help"]])
def test_a_pipe_closed_before_any_output_is_quiet(command: list[str]) -> None:
    """The reader is gone before the first write: the write fails, nothing is said."""
    with subprocess.Popen(
        [knotmeter_script(), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.close()
        errors = child.stderr.read()
        child.wait(timeout=30)
    assert "Traceback" not in errors
    assert "BrokenPipe" not in errors


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("knotmeter 0.")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--speed", "2"], "--speed is an option of `knotmeter replay`"),
        (["--speed=2"], "--speed is an option of `knotmeter replay`"),
        (["replay", "t.csv", "--sim"], "--sim is an option of the dashboard"),
        (["--tool", "spoon"], "knotmeter: --tool: 'spoon' is not one of ball, hook, thumb"),
        (["history", "--unit", "stone"], "knotmeter: --unit: 'stone' is not one of N, kgf, lbf"),
        (["sim", "serial", "--rate"], "knotmeter: --rate: expected one argument"),
        (["frob"], "knotmeter: COMMAND: 'frob' is not one of analyze, record,"),
    ],
)
def test_an_argparse_error_is_one_line_naming_the_option(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option of another command, a bad choice, a missing value: one line, exit 2."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.startswith("knotmeter: ")
    assert err.count("\n") == 1
    assert "usage:" not in err


def test_kg_per_cm2_in_ascii_is_the_pressure_unit(capsys: pytest.CaptureFixture[str]) -> None:
    """Accepted as kg/cm², so the next check (a pressure needs an area) is what speaks."""
    assert main(["--sim", "--unit", "kg/cm2"]) == 2
    assert "--unit kg/cm² is a pressure" in capsys.readouterr().err


def test_options_of_a_sub_command_are_its_own() -> None:
    """``sim serial --link`` and ``sim ble --device`` are options of ``sim``'s commands."""
    from knotmeter.cli import build_parser, misplaced_option

    parser = build_parser()
    assert misplaced_option(parser, ["sim", "serial", "--link", "/tmp/x", "--rate", "80"]) is None
    assert misplaced_option(parser, ["sim", "ble", "--device", "progressor"]) is None
    assert misplaced_option(parser, ["--link", "/tmp/x"]) is not None


def test_every_command_parser_errors_in_one_line_with_exit_2() -> None:
    """The shared mechanism: every sub-command's parser (and theirs: ``sim serial``) is of
    the one-line class, so a command added later gets it without asking."""
    import argparse

    from knotmeter.cli import OneLineParser, build_parser

    def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [parser]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    found += parsers(child)
        return found

    every = parsers(build_parser())
    assert len(every) > 12
    assert all(isinstance(parser, OneLineParser) for parser in every)


def test_a_value_starting_with_a_dash_is_a_value_an_option_stays_an_option() -> None:
    from knotmeter.cli import build_parser, values_kept

    parser = build_parser()
    assert values_kept(parser, ["analyze", "t.csv", "--band", "-1:60"]) == [
        "analyze", "t.csv", "--band=-1:60"
    ]  # fmt: skip
    assert values_kept(parser, ["analyze", "t.csv", "--band", "--json"]) == [
        "analyze", "t.csv", "--band", "--json"
    ]  # fmt: skip
    assert values_kept(parser, ["--json", "-5"]) == ["--json", "-5"], "a flag takes no value"


def test_source_sim_names_no_command_and_every_scheme_has_its_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from knotmeter.sources import _EXAMPLES, _OPENERS

    assert set(_EXAMPLES) == set(_OPENERS)
    assert main(["--source", "sim"]) == 2
    assert "for the simulated tool use --sim, or --source sim:PROFILE" in capsys.readouterr().err
