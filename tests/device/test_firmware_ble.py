"""The firmware's BLE link (blelink.py) on CPython, against a stand-in for aioble.

``tool.run_pass`` drives the link as on the board; the aioble stand-in
(``aioble_standin.py``) plays the stack and a central. What the central hears is
decoded with the host's codec.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import blelink
import knotproto
import pytest
import tool
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_host.ble import uuids
from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    InfoFrame,
    Message,
    Op,
    SampleFrame,
    StatusFrame,
    decode_payload,
    encode_payload,
)
from tests.device.aioble_standin import Aioble, Central, DeviceConnection, bluetooth
from tests.device.fakes import FakeAdc, PressAdc

COUNTS_PER_N = 10_000.0
IDENTITY = ("knotmeter-mpy test", "KM-DIY-0042", "HX711")


def make_tool(adc: FakeAdc) -> Any:
    return tool.Tool(adc, IDENTITY, COUNTS_PER_N, 0, save=lambda *_: None, battery=lambda: 3900)


def command(op: Op, request_id: int, value: float = 0.0) -> bytes:
    return encode_payload(CommandFrame(op, request_id, value))


# -- the link's logic, no radio ------------------------------------------------------------


class Air:
    """The radio BleLink talks to: notifications and stored values, as the host decodes them."""

    def __init__(self) -> None:
        self.notified: list[tuple[str | int, bytes]] = []
        self.stored: dict[str | int, bytes] = {}

    def notify(self, uuid: str | int, value: bytes) -> None:
        self.notified.append((uuid, bytes(value)))

    def store(self, uuid: str | int, value: bytes) -> None:
        self.stored[uuid] = bytes(value)

    def data(self) -> list[Message]:
        return [decode_payload(v) for u, v in self.notified if u == blelink.DATA]

    def samples(self) -> list[SampleFrame]:
        return [m for m in self.data() if isinstance(m, SampleFrame)]

    def replies(self) -> list[Message]:
        return [m for m in self.data() if not isinstance(m, SampleFrame)]


@dataclass
class Board:
    """One tool, its BLE link and a clock the test moves."""

    adc: FakeAdc
    tool: Any
    air: Air
    link: Any
    now_us: int = 0

    @classmethod
    def make(cls, mtu: int = 247, encrypted: bool = False, idle_us: int = 10**9) -> Board:
        adc = FakeAdc()
        the_tool = make_tool(adc)
        air = Air()
        link = blelink.BleLink(the_tool, air, batch_ms=50, idle_us=idle_us)
        board = cls(adc, the_tool, air, link)
        link.connected(mtu, encrypted)
        return board

    def run(self, writes: tuple[bytes, ...] = (), conversions: int = 0, counts: int = 0) -> None:
        for data in writes:
            self.link.written(data)
        tool.run_pass(self.tool, [self.link], self.now_us)
        for _ in range(conversions):
            self.adc.pending.append(counts)
            self.now_us += 12_500
            tool.run_pass(self.tool, [self.link], self.now_us)


def test_silent_until_the_host_writes_then_samples_in_batches_that_fit_the_mtu() -> None:
    board = Board.make(mtu=247)
    board.run(conversions=10, counts=20_000)
    assert board.air.notified == []  # measured, numbered, never sent: nobody asked yet
    board.run((command(Op.START, 1),), conversions=12, counts=20_000)
    assert board.air.replies() == [AckFrame(1, Op.START)]
    frames = board.air.samples()
    assert [(f.seq, len(f.values)) for f in frames] == [(10, 4), (14, 4), (18, 4)]
    assert {f.values for f in frames} == {(2000,) * 4}
    assert board.air.notified[-1] == (blelink.FORCE, (2000).to_bytes(4, "little"))
    board.link.mtu_changed(23)
    before = len(board.air.notified)
    board.run(conversions=3, counts=20_000)
    assert [(f.seq, len(f.values)) for f in board.air.samples()[3:]] == [(22, 1), (23, 1), (24, 1)]
    assert max(len(v) for _, v in board.air.notified[before:]) <= 20


@pytest.mark.parametrize(
    ("mtu", "rate_hz", "batch_ms", "expected"),
    [
        (23, 80, 50, 1),
        (247, 80, 50, 4),
        (247, 10, 50, 1),
        (247, 80, 10_000, 76),
        (100, 80, 1000, 27),
    ],
)
def test_batch_size_fits_the_mtu_and_the_latency_cap(
    mtu: int, rate_hz: int, batch_ms: int, expected: int
) -> None:
    n = blelink.batch_size(mtu, rate_hz, batch_ms)
    assert n == expected
    payload = knotproto.sample_payload(0, 0, 12_500, 1000, 0, [0] * n)
    assert len(payload) <= mtu - blelink.ATT_HEADER


def test_a_stopped_tool_still_sends_the_samples_that_wait() -> None:
    board = Board.make(mtu=247)
    board.run((command(Op.START, 1),), conversions=2, counts=0)
    assert board.air.samples() == []
    board.run((command(Op.STOP, 2),))
    board.now_us += 50_000
    board.run()
    assert [(f.seq, len(f.values)) for f in board.air.samples()] == [(0, 2)]


def test_an_unpaired_host_reads_but_cannot_change_the_tool() -> None:
    board = Board.make(encrypted=False)
    board.run((command(Op.START, 1), command(Op.GET_INFO, 2)), conversions=8, counts=50_000)
    before = (board.tool.counts_per_n, board.tool.offset_counts, board.tool.rate_hz)
    board.run((command(Op.CALIBRATE, 3, 2000.0), command(Op.TARE, 4), command(Op.SET_RATE, 5, 10)))
    refusal = "pair with the tool first"
    assert board.air.replies()[2:] == [
        ErrorFrame(3, Op.CALIBRATE, ErrorCode.NOT_PAIRED, refusal),
        ErrorFrame(4, Op.TARE, ErrorCode.NOT_PAIRED, refusal),
        ErrorFrame(5, Op.SET_RATE, ErrorCode.NOT_PAIRED, refusal),
    ]
    assert (board.tool.counts_per_n, board.tool.offset_counts, board.tool.rate_hz) == before
    assert board.link.pairing_wanted
    assert isinstance(board.air.replies()[1], InfoFrame)
    board.link.encryption_changed(True)
    assert not board.link.pairing_wanted
    board.run((command(Op.TARE, 6),))
    assert board.air.replies()[-1] == AckFrame(6, Op.TARE)
    assert board.tool.offset_counts == 50_000
    assert decode_payload(board.air.stored[blelink.INFO]) == InfoFrame(
        *IDENTITY, 80.0, COUNTS_PER_N, 50_000
    )


def test_status_and_battery_level_every_five_seconds() -> None:
    board = Board.make()
    board.run((command(Op.GET_STATUS, 1),))
    board.now_us = tool.STATUS_PERIOD_US
    board.run()
    assert board.air.replies() == [StatusFrame(3900), StatusFrame(3900)]
    assert (blelink.BATTERY_LEVEL, bytes((71,))) in board.air.notified  # 3.9 V of 3.3-4.15 V


def test_no_central_for_the_idle_time_stops_the_tool_and_slows_advertising() -> None:
    board = Board.make(idle_us=1_000_000)
    board.link.disconnected()
    assert board.link.advertising_interval_us() == blelink.FAST_ADVERTISING_US
    board.run(conversions=79)
    assert not board.tool.asleep
    board.run(conversions=2)
    assert board.tool.asleep
    assert not board.tool.streaming
    assert not board.adc.powered
    assert board.link.advertising_interval_us() == blelink.SLOW_ADVERTISING_US
    board.link.connected(247, False)
    board.run((command(Op.START, 1),), conversions=4)
    assert board.tool.streaming
    assert not board.tool.asleep
    assert board.air.samples()[-1].seq == 80  # numbering goes on from where it fell asleep


def test_the_gatt_table_is_protocol_section_5s() -> None:
    spec = {
        uuids.KNOTMETER_SERVICE: [
            (uuids.KNOTMETER_DATA, "notify"),
            (uuids.KNOTMETER_COMMAND, "write"),
            (uuids.KNOTMETER_INFO, "read"),
            (uuids.FORCE, "read notify"),
        ],
        uuids.BATTERY_SERVICE: [(uuids.BATTERY_LEVEL, "read notify")],
        uuids.DEVICE_INFORMATION: [
            (u, "read")
            for u in (
                uuids.MANUFACTURER_NAME,
                uuids.MODEL_NUMBER,
                uuids.SERIAL_NUMBER,
                uuids.FIRMWARE_REVISION,
            )
        ],
    }

    def long(uuid: str | int) -> str:
        return uuids.sig_uuid(uuid) if isinstance(uuid, int) else uuid

    table = {long(s): [(long(c), f) for c, f in chars] for s, chars in blelink.GATT}
    assert table == spec
    assert blelink.advertised_name("KM-DIY-0042") == "knotmeter-0042"


# -- the fuzz: any write, from any central, never stops the sample loop -------------------

valid_command = st.builds(
    command,
    st.sampled_from([Op.TARE, Op.SET_RATE, Op.CALIBRATE, Op.GET_INFO, Op.GET_STATUS, Op.START]),
    st.integers(0, 255),
    st.sampled_from([0.0, 10.0, 80.0, 50.0, 2000.0]),
)
malformed = st.one_of(
    st.binary(max_size=300),
    valid_command.flatmap(
        lambda c: st.integers(0, len(c) - 1).map(
            lambda i: c[:i] + bytes((c[i] ^ 0x5A,)) + c[i + 1 :]
        )
    ),
    valid_command.map(lambda c: c + b"\x00"),
    valid_command.map(lambda c: c * 30),
)


@settings(max_examples=300, deadline=None)
@given(
    writes=st.lists(st.tuples(st.one_of(malformed, valid_command), st.integers(0, 3)), max_size=25),
    encrypted=st.booleans(),
)
def test_fuzz_any_write_is_answered_and_the_samples_flow_on(
    writes: list[tuple[bytes, int]], encrypted: bool
) -> None:
    board = Board.make(mtu=247, encrypted=encrypted)
    board.run((command(Op.START, 0),))
    calibration = (board.tool.counts_per_n, board.tool.offset_counts, board.tool.rate_hz)
    for data, conversions in writes:
        board.run((data,), conversions=conversions, counts=12_345)
    board.run(conversions=8, counts=12_345)
    replies = board.air.replies()
    assert len(replies) == len(writes) + 1, "every write answered once"
    for (data, _), reply in zip(writes, replies[1:], strict=True):
        try:
            request_id, op, _value = knotproto.decode_command(data)
        except ValueError:
            assert isinstance(reply, ErrorFrame)
            assert (reply.request_id, reply.op, reply.code) == (0, 0, ErrorCode.BAD_ARGUMENT)
            continue
        if not encrypted and op in tool.CHANGING_OPS:
            assert reply == ErrorFrame(
                request_id, op, ErrorCode.NOT_PAIRED, "pair with the tool first"
            )
    if not encrypted:
        assert (
            board.tool.counts_per_n,
            board.tool.offset_counts,
            board.tool.rate_hz,
        ) == calibration
    conversions = sum(n for _, n in writes) + 8
    seqs = [f.seq + i for f in board.air.samples() for i in range(len(f.values))]
    assert seqs == list(range(len(seqs))), "every sample sent, once, in order"
    assert seqs[-1] >= conversions - 4, "the loop still samples (at most a batch waits)"
    assert max(len(v) for _, v in board.air.notified) <= 244


# -- the aioble binding, against the stand-in -----------------------------------------------


@dataclass
class Radio:
    aioble: Aioble
    radio: Any
    link: Any
    tool: Any
    adc: PressAdc
    passed: asyncio.Event

    async def until(self, condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
        """Let the firmware run pass after pass until ``condition`` holds."""
        async with asyncio.timeout(timeout_s):
            while not condition():
                self.passed.clear()
                await self.passed.wait()


@contextlib.asynccontextmanager
async def on_the_air(idle_us: int = 10**9) -> AsyncIterator[Radio]:
    """The firmware's BLE half as main.py runs it: the radio's tasks and the main loop."""
    aioble = Aioble()
    loop = asyncio.get_running_loop()
    adc = PressAdc(loop.time, counts_per_n=COUNTS_PER_N, offset_counts=0, peak_n=3.0)
    the_tool = make_tool(adc)
    radio = blelink.AiobleRadio(aioble, bluetooth, "knotmeter-0042", spell_ms=50)
    link = blelink.BleLink(the_tool, radio, batch_ms=50, idle_us=idle_us)
    boot = loop.time()
    passed = asyncio.Event()

    async def main_loop() -> None:
        while True:
            now_us = round((loop.time() - boot) * 1e6) & tool.US_MASK
            tool.run_pass(the_tool, [link], now_us)
            passed.set()
            await asyncio.sleep(0.002)

    tasks = [loop.create_task(radio.run(link)), loop.create_task(main_loop())]
    try:
        yield Radio(aioble, radio, link, the_tool, adc, passed)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def heard(central: Central) -> list[Message]:
    return [decode_payload(v) for v in central.values(blelink.DATA)]


async def test_aioble_registers_the_table_and_advertises_name_and_service() -> None:
    async with on_the_air() as air:
        await air.until(lambda: len(air.aioble.advertised) >= 2)
        interval, name, services = air.aioble.advertised[0]
        assert (interval, name) == (blelink.FAST_ADVERTISING_US, "knotmeter-0042")
        assert [s.value for s in services] == [blelink.KNOTMETER_SERVICE]
        registered = [[c.uuid.value for c in s.characteristics] for s in air.aioble.services]
        assert registered == [[c for c, _ in chars] for _, chars in blelink.GATT]
        info = air.aioble.characteristic(blelink.INFO).value
        assert decode_payload(info) == InfoFrame(*IDENTITY, 80.0, COUNTS_PER_N, 0)
        assert air.aioble.characteristic(blelink.SERIAL).value == b"KM-DIY-0042"


async def test_aioble_batches_to_the_exchanged_mtu_and_refuses_then_asks_to_pair() -> None:
    async with on_the_air() as air:
        central = Central()
        connection: DeviceConnection = air.aioble.connect(central)
        await air.until(lambda: air.link.central)
        air.aioble.write(connection, blelink.COMMAND, command(Op.START, 1))

        def sizes() -> list[int]:
            return [len(m.values) for m in heard(central) if isinstance(m, SampleFrame)]

        await air.until(lambda: len(sizes()) >= 6)
        assert set(sizes()) == {1}
        assert max(len(v) for v in central.values(blelink.DATA)) <= 20
        connection.mtu = 247  # the central exchanged the MTU
        await air.until(lambda: air.link.mtu == 247)
        seen = len(sizes())
        await air.until(lambda: sizes()[seen:].count(4) >= 3)  # a late pass may split a batch
        assert set(sizes()[seen:]) <= {1, 2, 3, 4}

        air.aioble.write(connection, blelink.COMMAND, command(Op.CALIBRATE, 2, 2000.0))
        await air.until(lambda: connection.pair_requests == 1)
        assert ErrorFrame(2, Op.CALIBRATE, ErrorCode.NOT_PAIRED, "pair with the tool first") in (
            heard(central)
        )
        assert connection.encrypted  # the central accepted the tool's request
        air.aioble.write(connection, blelink.COMMAND, command(Op.TARE, 3))
        await air.until(lambda: AckFrame(3, Op.TARE) in heard(central))
        assert air.tool.offset_counts > 0

        head = bytes((knotproto.VERSION, knotproto.COMMAND)) + bytes(range(1, 255)) * 2
        oversized = head + knotproto.crc16(head).to_bytes(2, "little")
        air.aioble.write(connection, blelink.COMMAND, oversized)
        await air.until(lambda: isinstance(heard(central)[-1], ErrorFrame))
        # the stack's buffer keeps 244 of its 512 bytes: the CRC no longer matches
        assert heard(central)[-1] == ErrorFrame(0, 0, ErrorCode.BAD_ARGUMENT, "CRC mismatch")
        connection.disconnect()
        await air.until(lambda: not air.link.central)


async def test_aioble_keeps_refusing_when_pairing_fails_and_keeps_streaming() -> None:
    async with on_the_air() as air:
        central = Central(accepts_pairing=False)
        connection = air.aioble.connect(central)
        await air.until(lambda: air.link.central)
        air.aioble.write(connection, blelink.COMMAND, command(Op.START, 1))
        air.aioble.write(connection, blelink.COMMAND, command(Op.SET_RATE, 2, 10.0))
        await air.until(lambda: connection.pair_requests == 1)
        heard_before = len(heard(central))
        await air.until(lambda: len(heard(central)) > heard_before + 4)
        assert air.tool.rate_hz == 80
        assert not connection.encrypted


async def test_aioble_idle_advertises_slowly_and_wakes_on_a_central() -> None:
    async with on_the_air(idle_us=200_000) as air:
        await air.until(lambda: air.tool.asleep)
        await air.until(lambda: air.aioble.advertised[-1][0] == blelink.SLOW_ADVERTISING_US)
        assert not air.adc.powered
        connection = air.aioble.connect(Central())
        await air.until(lambda: not air.tool.asleep)
        assert air.adc.powered
        connection.disconnect()
