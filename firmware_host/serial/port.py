"""Opening a serial port, with the failures a person meets turned into one line each."""

from __future__ import annotations

import errno
import grp
import os
import stat

import serial

READ_TIMEOUT_S = 0.05
READ_CHUNK = 4096


class PortError(Exception):
    """The port could not be used; ``str()`` says which port, why and what to do."""


class NotAPort(PortError):
    """The path names something that is not a serial port: retrying will not help."""


def check_serial_port(path: str) -> None:
    """Raise :class:`NotAPort` when ``path`` is a file, a directory or a device that is not
    a terminal (``/dev/null``); a missing or forbidden path is left to :func:`open_port`.

    Serial ports, USB CDC/serial adapters and ptys are all terminals, so ``isatty`` on a
    briefly opened descriptor tells them from everything else.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISCHR(mode):
        raise NotAPort(f"{path}: not a serial port (it is {_kind(mode)}); {_NAME_A_PORT}")
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        terminal = os.isatty(fd)
    finally:
        os.close(fd)
    if not terminal:
        raise NotAPort(
            f"{path}: not a serial port (a device that is not a terminal); {_NAME_A_PORT}"
        )


_NAME_A_PORT = "name the tool's port, e.g. serial:/dev/ttyACM0 (`knotmeter devices` lists them)"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file; to replay a recording use file:PATH"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "neither a file nor a device"


def open_port(path: str, baud: int) -> serial.Serial:
    """Open ``path`` exclusively, raw, non-blocking underneath; ``read`` waits at most
    ``READ_TIMEOUT_S`` (for probes; a source reads with :func:`read_ready`)."""
    try:
        return serial.Serial(path, baud, timeout=READ_TIMEOUT_S, write_timeout=1.0, exclusive=True)
    except (serial.SerialException, OSError) as err:
        raise PortError(describe(path, err)) from None
    except ValueError as err:
        raise PortError(f"{path}: {err}") from None


def read_ready(port: serial.Serial) -> bytes:
    """The bytes waiting on a port its reader was told is readable; ``b""`` if none.

    One ``read`` of the descriptor (pyserial opens it non-blocking). An unplugged
    port is readable with nothing to read, which raises as pyserial does, so
    ``describe`` calls it unplugged.
    """
    try:
        data = os.read(port.fileno(), READ_CHUNK)
    except BlockingIOError:  # a spurious wake-up
        return b""
    if not data:
        raise serial.SerialException("device reports readiness to read but returned no data")
    return data


def describe(path: str, err: BaseException) -> str:
    """One line for a failure to open or use ``path``."""
    code = getattr(err, "errno", None)
    text = str(err)
    if code == errno.ENOENT or "No such file" in text:
        return f"{path}: no such port (is the tool plugged in? `knotmeter devices` lists ports)"
    if code == errno.EACCES or "Permission denied" in text:
        return f"{path}: permission denied; join the {_owner_group(path)} group and log in again"
    if code in (errno.EBUSY, errno.EAGAIN) or "lock" in text.lower() or "busy" in text.lower():
        return f"{path}: port busy (another program has it open; close it and retry)"
    if code == errno.EIO or "returned no data" in text or "disconnected" in text:
        return f"{path}: unplugged"
    return f"{path}: {text}"


def _owner_group(path: str) -> str:
    """The group that may open ``path`` (``dialout`` on Debian, ``uucp`` on Arch)."""
    try:
        return grp.getgrgid(os.stat(path).st_gid).gr_name
    except (OSError, KeyError):
        return "dialout"
