"""A scripted session with the firmware that CPython and MicroPython both run unchanged.

``test_firmware_on_micropython.py`` runs :func:`transcript` on both and requires the
same lines: proof that the firmware is MicroPython code sending the bytes the
CPython tests check. So this file keeps to what both have: no ``typing``, no
``from __future__``, no dataclasses.
"""

import json

import blelink
import knotproto
import tool


def vector_payload(kind: str, f: dict) -> bytes:  # type: ignore[type-arg]  # no Any here
    """What the firmware sends for a golden vector's fields, built with its own functions.

    (``typing.Any`` does not exist on MicroPython, hence the bare ``dict``.)
    """
    if kind == "sample":
        resolution_un = round(f["resolution_n"] * 1e6)
        args = (f["seq"], f["device_us"], f["period_us"], resolution_un, f["flags"], f["values"])
        payload: bytes = knotproto.sample_payload(*args)
    elif kind == "info":
        rate_mhz = round(f["rate_hz"] * 1000)
        texts = (f["firmware"], f["serial_number"], f["adc"])
        full_scale_mn = round((f.get("full_scale_n") or 0) * 1000)
        payload = knotproto.info_payload(
            rate_mhz, f["counts_per_n"], f["offset_counts"], *texts, full_scale_mn
        )
    elif kind == "status":
        payload = knotproto.status_payload(f["battery_mv"], f["low_battery"], f["charging"])
    elif kind == "ack":
        payload = knotproto.ack_payload(f["request_id"], getattr(knotproto, "OP_" + f["op"]))
    elif kind == "error":
        op = getattr(knotproto, "OP_" + f["op"])
        code = getattr(knotproto, "ERR_" + f["code"])
        payload = knotproto.error_payload(f["request_id"], op, code, f["message"])
    else:
        raise ValueError(f"the tool never sends {kind!r}")
    return payload


class ListAdc:
    """Conversions handed over by the script; both rates wired."""

    def __init__(self) -> None:
        self.rate_hz = 80
        self.pending: list[int] = []

    def ready(self) -> bool:
        return bool(self.pending)

    def read(self) -> int:
        return self.pending.pop(0)

    def set_rate(self, hz: int) -> bool:
        self.rate_hz = hz
        return True

    def power_down(self) -> None:
        self.pending = []

    def power_up(self) -> None:
        pass


class Wire:
    """The USB port as the serial link sees it, in memory: bytes in, payloads out."""

    def __init__(self) -> None:
        self.incoming = b""
        self.payloads: list[bytes] = []

    def read(self) -> bytes:
        data, self.incoming = self.incoming, b""
        return data

    def write(self, data: bytes) -> None:
        self.payloads.append(knotproto.cobs_decode(bytes(data)[1:-1]))


def serial_pass(
    firmware: tool.Tool, link: tool.SerialLink, now_us: int, received: bytes = b""
) -> list[bytes]:
    """One pass of the main loop with ``received`` on the line; the payloads it sent."""
    link.port.incoming = received
    tool.run_pass(firmware, [link], now_us)
    out: list[bytes] = link.port.payloads
    link.port.payloads = []
    return out


def command_payload(request_id: int, op: int, value: int) -> bytes:
    head = bytes((knotproto.VERSION, knotproto.COMMAND, request_id, op)) + value.to_bytes(
        4, "little"
    )
    payload: bytes = head + knotproto.crc16(head).to_bytes(2, "little")
    return payload


def command(request_id: int, op: int, value: int) -> bytes:
    frame: bytes = knotproto.frame(command_payload(request_id, op, value))
    return frame


class AirLog:
    """A radio that writes down what the BLE link notifies and stores, as text lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.stored: dict = {}  # type: ignore[type-arg]  # str or int UUIDs

    def notify(self, uuid: object, value: bytes) -> None:
        self.lines.append(f"notify {uuid} {value.hex()}")

    def store(self, uuid: object, value: bytes) -> None:
        self.stored[uuid] = value


def ble_transcript() -> list[str]:
    """A BLE session: refused and malformed writes, samples batched to the MTU."""
    adc = ListAdc()
    firmware = tool.Tool(adc, ("knotmeter-mpy", "KM-SESSION-2", "HX711"), 25000.0, 1000)
    air = AirLog()
    link = blelink.BleLink(firmware, air, batch_ms=50, idle_us=1_000_000)
    now_us = [0]

    def run(what: str, conversions: list[int]) -> None:
        tool.run_pass(firmware, [link], now_us[0])
        for counts in conversions:
            adc.pending.append(counts)
            now_us[0] += 12_500
            tool.run_pass(firmware, [link], now_us[0])
        air.lines.append(f"pass {what}: pairing {link.pairing_wanted} asleep {firmware.asleep}")

    link.connected(247, False)
    run("connect", [])
    link.written(command_payload(1, knotproto.OP_START, 0))
    run("write", [])
    run("convert", [1000 + 25 * i for i in range(6)])
    link.written(command_payload(2, knotproto.OP_CALIBRATE, 2_000_000))
    run("write", [])
    link.written(b"\x01\x10\x03")
    run("write", [])
    link.written(command_payload(3, knotproto.OP_TARE, 0)[:-1] + b"\x00")
    run("write", [])
    link.encryption_changed(True)
    run("encrypt", [])
    link.written(command_payload(4, knotproto.OP_TARE, 0))
    run("write", [])
    run("convert", [1100, 1100])
    link.mtu_changed(23)
    run("mtu", [])
    run("convert", [1200, 1300])
    link.disconnected()
    run("disconnect", [])
    run("convert", [1000] * 90)
    air.lines.append(f"refused {link.refused_writes} streaming {firmware.streaming}")
    air.lines.append(f"info {air.stored[blelink.INFO].hex()}")
    return air.lines


def transcript(vectors_json: str) -> list[str]:
    """Golden-vector checks, then every reply and sample of a scripted session, as hex."""
    vectors = json.loads(vectors_json)
    lines = []
    for vector in vectors["valid"]:
        if vector["type"] == "command":
            got = knotproto.CommandSplitter().feed(bytes.fromhex(vector["frame_hex"]))
            lines.append(f"decoded {vector['name']}: {[list(c) for c in got]}")
        else:
            payload = vector_payload(vector["type"], vector["fields"])
            same = knotproto.frame(payload).hex() == vector["frame_hex"]
            lines.append(f"{'same' if same else 'DIFFERENT'} {vector['name']}")

    adc = ListAdc()
    link = tool.SerialLink(Wire())
    saved = []
    firmware = tool.Tool(
        adc,
        ("knotmeter-mpy", "KM-SESSION-1", "HX711"),
        25000.0,
        1000,
        save=lambda cpn, offset: saved.append((cpn, offset)),
        battery=lambda: 3450,
    )
    steps = [
        (b"", [1000, 1200]),  # measured before the host speaks: never sent
        (command(1, knotproto.OP_GET_INFO, 0), [1000 + 250 * i for i in range(8)]),
        (command(2, knotproto.OP_TARE, 0), [2875, (1 << 23) - 1]),
        (command(3, knotproto.OP_SET_RATE, 10_000), [2875 + 490_333]),
        (command(4, knotproto.OP_CALIBRATE, 2_000_000), [2875 + 490_333, 2875]),
        (command(5, knotproto.OP_SET_RATE, 50_000), []),
        (command(6, knotproto.OP_GET_STATUS, 0) + b"\x00\x05noise\x00", []),
        (command(7, knotproto.OP_STOP, 0), []),
        (command(8, knotproto.OP_CALIBRATE, 1_000), []),
        (command(9, 42, 0), []),
    ]
    now_us = (1 << 32) - 50_000  # the clock wraps during the session
    for received, conversions in steps:
        for i, payload in enumerate(serial_pass(firmware, link, now_us, received)):
            lines.append(f"{i} {payload.hex()}")
        for counts in conversions:
            adc.pending.append(counts)
            now_us = (now_us + 12_500) & 0xFFFFFFFF
            lines.extend(p.hex() for p in serial_pass(firmware, link, now_us))
    now_us = (now_us + tool.STATUS_PERIOD_US) & 0xFFFFFFFF
    lines.extend(p.hex() for p in serial_pass(firmware, link, now_us))
    for counts_per_n, offset in saved:  # floats print differently on the two interpreters
        lines.append(f"saved {round(counts_per_n * 1000)} {offset}")
    lines.append(f"bad frames {link.splitter.bad_frames}")
    return lines + ble_transcript()
