"""Shared test settings: deterministic hypothesis runs sized for CI."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from knotmeter.store import DATA_DIR_ENV
from tests.tmux_screen import Tmux

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may write to the real user data directory: health data stays private."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("knotmeter-data")))


END_TO_END = ("tmux", "dbus")
"""Markers of whole-stack runs (the real binary in tmux, bleak on the simulated BlueZ):
seconds each, so they are ``slow`` too; CI runs them, the quick loop does not."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in END_TO_END):
            item.add_marker(pytest.mark.slow)


WORKER_THREADS = frozenset({"pty tool", "knotmeter-store", "knotmeter-speaker"})
"""Threads the program starts and must stop: a simulated tool, the store's writer, the
speaker's feeder. Each stop joins its thread, so one alive after a test is a leak."""


@pytest.fixture(autouse=True)
def no_leaked_workers() -> Iterator[None]:
    """Fail the test that leaves a worker thread running (a session or tool not closed).

    A leaked simulated tool keeps making samples: besides the leak itself, its CPU
    makes every later Textual pilot wait out ``wait_for_idle``'s full second.
    """
    before = set(threading.enumerate())
    yield
    leaked = sorted(
        t.name for t in threading.enumerate() if t.name in WORKER_THREADS and t not in before
    )
    assert not leaked, f"left running: {', '.join(leaked)} (close what the test opened)"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed after the test; skips where tmux is missing."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it: apt-get install tmux)")
    server = Tmux(tmp_path / "tmux.sock")
    yield server
    server.kill()
