"""A private ``dbus-daemon`` for the simulated BlueZ.

The simulator must never touch the machine's real system bus, and bleak finds
BlueZ only through ``DBUS_SYSTEM_BUS_ADDRESS``: so tests and demos start a bus of
their own in a temporary directory and point that variable at it.
"""

from __future__ import annotations

import selectors
import shutil
import subprocess
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateBus(AbstractContextManager["PrivateBus"]):
    """A ``dbus-daemon`` child process listening on a socket in a temporary directory.

    Use as a context manager, or call :meth:`stop` yourself. ``address`` is the
    value to export as ``DBUS_SYSTEM_BUS_ADDRESS``.
    """

    def __init__(self, *, startup_timeout_s: float = 5.0) -> None:
        daemon = shutil.which("dbus-daemon")
        if daemon is None:
            raise FileNotFoundError(
                "dbus-daemon not found: install the dbus package (apt install dbus)"
            )
        self._directory = Path(tempfile.mkdtemp(prefix="knotmeter-bluez-"))
        config = self._directory / "bus.conf"
        config.write_text(_CONFIG.format(socket=self._directory / "bus.sock"), encoding="utf-8")
        self._log = self._directory / "dbus-daemon.log"
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [daemon, f"--config-file={config}", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )
        try:
            self.address = self._read_address(startup_timeout_s)
        except BaseException:
            self.stop()
            raise

    def _read_address(self, timeout_s: float) -> str:
        """The daemon prints its address once it listens: that line is the readiness signal."""
        stdout = self._process.stdout
        assert stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if not selector.select(timeout_s):
                raise TimeoutError(f"dbus-daemon did not start within {timeout_s:g} s")
        line = stdout.readline().decode("utf-8").strip()
        if not line:
            status = self._process.wait()
            why = self._log.read_text(encoding="utf-8", errors="replace").strip()
            raise RuntimeError(f"dbus-daemon exited with status {status}: {why}")
        return line.split(",")[0]

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        """Stop the daemon and remove its directory; safe to call twice."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def __exit__(self, *_exc: object) -> None:
        self.stop()
