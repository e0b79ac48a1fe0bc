"""The pty server's stable port path survives unplug and replug."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import serial

from firmware_host.protocol.framing import StreamDecoder, encode_frame
from firmware_host.protocol.messages import CommandFrame, InfoFrame, Op
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer

pytestmark = pytest.mark.pty


def ask_info(path: Path) -> InfoFrame:
    with serial.Serial(str(path), timeout=2.0) as port:
        return info_on(port)


def info_on(port: serial.Serial) -> InfoFrame:
    port.write(encode_frame(CommandFrame(Op.GET_INFO, 1)))
    decoder = StreamDecoder()
    while True:
        chunk = port.read(1) + port.read(port.in_waiting)
        assert chunk, "the simulated tool did not answer"
        for msg in decoder.feed(chunk):
            if isinstance(msg, InfoFrame):
                return msg


def test_the_link_moves_to_a_new_pty_on_replug_and_vanishes_on_unplug(tmp_path: Path) -> None:
    link = tmp_path / "ttyKNOT"
    with PtyToolServer(build_tool("calm"), link_path=link) as server:
        assert ask_info(link).serial_number == "SIM-0001"
        server.unplug()
        assert not os.path.lexists(link)
        assert not server.plugged
        server.replug()
        assert os.readlink(link).startswith("/dev/pts/")
        assert ask_info(link).serial_number == "SIM-0001"
    assert not os.path.lexists(link)


def test_nothing_is_sent_until_the_host_speaks(tmp_path: Path) -> None:
    link = tmp_path / "ttyKNOT"
    with PtyToolServer(build_tool("calm"), link_path=link, keep_frames=True) as server:
        assert server.wait_for(lambda ledger: ledger.unheard >= 10)
        assert server.ledger.sent == []
        with serial.Serial(str(link), timeout=2.0) as port:
            assert info_on(port).rate_hz == 80.0
            assert server.wait_for(lambda ledger: len(ledger.sent) >= 5)
            heard_until = server.ledger.unheard
        assert server.wait_for(lambda ledger: ledger.unheard >= heard_until + 5), "closed: unheard"
