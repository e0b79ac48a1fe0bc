"""``knotmeter serve`` and ``knotmeter --serve`` as a person runs them: the real command."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knotmeter.core.screening import ITEMS
from knotmeter.store import DATA_DIR_ENV, ScreeningRecord, SessionStore
from knotmeter.store.paths import DB_NAME
from tests.screened import screen_data_dir
from tests.tmux_screen import Tmux

KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))


def knotmeter(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KNOTMETER, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--source", "sim:calm", "--listen", "nowhere"], "--listen 'nowhere': expected"),
        (["serve", "--source", "sim:calm", "--listen", "127.0.0.1:99999"], "the port must be"),
        (["--sim", "--serve", "localhost:x"], "--serve 'localhost:x': the port must be"),
        (["serve", "--source", "sim:calm"], "serve: no current screening answers"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], says: str) -> None:
    result = knotmeter(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_point_the_light_profile_rules_out_is_refused_before_the_url() -> None:
    with SessionStore(Path(os.environ[DATA_DIR_ENV]) / DB_NAME) as store:
        answers = {item.id: item.id == "osteoporosis" for item in ITEMS}  # go lighter
        store.save_screening(ScreeningRecord(datetime.now(UTC), answers, False))
    result = knotmeter("serve", "--source", "sim:calm", "--region", "suboccipitals")
    assert result.returncode == 2
    assert "a neck or face point" in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["serve", "--source", "sim:calm"], ["--sim"]])
def test_explicit_busy_port_is_named(command: list[str]) -> None:
    screen_data_dir(Path(os.environ[DATA_DIR_ENV]))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        option = "--listen" if command[0] == "serve" else "--serve"
        result = knotmeter(*command, option, f"127.0.0.1:{port}")
    assert result.returncode == 2
    assert result.stderr == (
        f"knotmeter: {option} 127.0.0.1:{port}: the port is busy; choose another port, "
        f"or leave {option}'s address out to take the next free one\n"
    )


@pytest.mark.slow
def test_serve_prints_url_and_qr_serves_the_page_and_stops_on_ctrl_c() -> None:
    screen_data_dir(Path(os.environ[DATA_DIR_ENV]))
    process = subprocess.Popen(
        [KNOTMETER, "serve", "--source", "sim:calm"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("live page: http://127.0.0.1:")
        url = first.removeprefix("live page: ").strip()
        qr = [process.stdout.readline() for _ in range(3)]
        assert all("█" in line for line in qr)
        with urllib.request.urlopen(url, timeout=10) as page:  # loopback only
            assert page.status == 200
            assert page.headers["Cache-Control"] == "no-store"
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in err


@pytest.mark.tmux
def test_dashboard_serves_its_own_session_beside_the_screen(tmux: Tmux, tmp_path: Path) -> None:
    """``knotmeter --sim --serve``: the page is served from the dashboard's process while
    the terminal shows the session; the screen says the URL; q ends both, and the URL and
    QR code printed before the screen opened are on the terminal again."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # free now; the dashboard takes it below
    exit_file = tmp_path / "exit-status"
    tmux.start(
        shlex.join([KNOTMETER, "--sim", "--sound", "off", "--serve", f"127.0.0.1:{port}"]),
        env={DATA_DIR_ENV: str(tmp_path / "data")},
        exit_file=exit_file,
    )
    tmux.wait_for(lambda: "SIMULATED" in tmux.screen(), "first frame", timeout_s=15)
    shown = f"http://127.0.0.1:{port}/s/"  # in a toast, so possibly wrapped after it
    tmux.wait_for(lambda: "Live page:" in tmux.screen() and shown in tmux.screen(), "URL", 10)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)  # no token
    refused.value.close()
    assert refused.value.code == 401
    tmux.keys("q")
    tmux.wait_for(exit_file.exists, "exit after q", timeout_s=15)
    assert exit_file.read_text().strip() == "0", tmux.screen()
    screen = tmux.screen()
    assert f"live page: http://127.0.0.1:{port}/s/" in screen
    assert "█" in screen


@pytest.mark.slow
def test_listening_beyond_this_machine_says_who_can_watch() -> None:
    """``--listen 0.0.0.0:PORT``: the note after the QR code. The page is fetched through
    loopback only (the printed host is this machine's network address)."""
    screen_data_dir(Path(os.environ[DATA_DIR_ENV]))
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [KNOTMETER, "serve", "--source", "sim:calm", "--listen", f"0.0.0.0:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().removeprefix("live page: ").strip()
        for _ in range(40):  # the QR code's lines, then the note
            line = process.stdout.readline()
            if not line or line.startswith("note:"):
                break
        assert "anyone on the network who has this URL" in line
        path = url.split(f":{port}", 1)[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as page:
            assert page.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0
