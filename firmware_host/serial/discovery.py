"""Finding serial ports and asking each whether it is a knotmeter tool."""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass

from serial.tools import list_ports

from firmware_host.protocol.framing import StreamDecoder, encode_frame
from firmware_host.protocol.messages import CommandFrame, InfoFrame, Op
from firmware_host.serial.port import PortError, open_port
from firmware_host.serial.simlink import SIM_LINK_PREFIX, default_link_dir, is_live_simulator_link


@dataclass(slots=True, frozen=True)
class PortEntry:
    path: str
    description: str
    vid_pid: str | None = None


def list_serial_ports() -> list[PortEntry]:
    """USB/ACM ports the OS knows, plus the links of simulators running on this machine
    (proven live by their lock, never guessed from a name)."""
    entries = [
        PortEntry(
            path=p.device,
            description=p.description or "serial port",
            vid_pid=f"{p.vid:04x}:{p.pid:04x}" if p.vid is not None and p.pid is not None else None,
        )
        for p in sorted(list_ports.comports(), key=lambda p: p.device)
        if p.hwid != "n/a"  # legacy on-board UARTs with nothing behind them
    ]
    pattern = os.path.join(default_link_dir(), f"{SIM_LINK_PREFIX}*")
    for link in sorted(glob.glob(pattern)):
        if is_live_simulator_link(link):
            entries.append(PortEntry(path=link, description="a running simulator's pty"))
    return entries


def probe_info(path: str, *, baud: int = 115200, timeout_s: float = 1.0) -> InfoFrame | None:
    """Send GET_INFO and wait for an InfoFrame; ``None`` if the port is silent, busy or other."""
    try:
        port = open_port(path, baud)
    except PortError:
        return None
    decoder = StreamDecoder()
    deadline = time.monotonic() + timeout_s
    try:
        port.write(encode_frame(CommandFrame(Op.GET_INFO, request_id=1)))
        while time.monotonic() < deadline:
            data = port.read(max(1, port.in_waiting))
            for msg in decoder.feed(data):
                if isinstance(msg, InfoFrame):
                    return msg
    except OSError:
        return None
    finally:
        port.close()
    return None
