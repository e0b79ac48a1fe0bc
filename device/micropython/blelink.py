"""The tool over Bluetooth LE (PROTOCOL §5): the knotmeter GATT service, served with aioble.

Two halves. :class:`BleLink` is the link's logic in plain Python, no radio: what to
notify, how many samples fit a notification, who may change the tool, when the link
counts as idle. ``tool.run_pass`` drives it exactly as it drives the USB serial
link, so the tool's behaviour stays in ``tool.py``. :class:`AiobleRadio` binds it to
MicroPython's ``aioble`` on the board (Pico W, ESP32). The simulated BlueZ serves
the same :class:`BleLink` and :data:`GATT` table (``hardware_sims/bluez/diy.py``).
"""

import struct

import knotproto
import tool

try:
    import asyncio
except ImportError:  # MicroPython before 1.21
    import uasyncio as asyncio

KNOTMETER_SERVICE = "4b4e0001-7e51-4d2a-9c4b-6b6e6f746d74"
DATA = "4b4e0002-7e51-4d2a-9c4b-6b6e6f746d74"
COMMAND = "4b4e0003-7e51-4d2a-9c4b-6b6e6f746d74"
INFO = "4b4e0004-7e51-4d2a-9c4b-6b6e6f746d74"
FORCE = 0x2C07
BATTERY_SERVICE = 0x180F
BATTERY_LEVEL = 0x2A19
DEVICE_INFORMATION = 0x180A
MANUFACTURER = 0x2A29
MODEL = 0x2A24
SERIAL = 0x2A25
FIRMWARE = 0x2A26

GATT = (
    (
        KNOTMETER_SERVICE,
        ((DATA, "notify"), (COMMAND, "write"), (INFO, "read"), (FORCE, "read notify")),
    ),
    (BATTERY_SERVICE, ((BATTERY_LEVEL, "read notify"),)),
    (
        DEVICE_INFORMATION,
        ((MANUFACTURER, "read"), (MODEL, "read"), (SERIAL, "read"), (FIRMWARE, "read")),
    ),
)
"""Services and characteristics with their properties, as PROTOCOL §5's table has them."""

MANUFACTURER_NAME = "knotmeter project"
MODEL_NAME = "knotmeter DIY"
MIN_MTU = 23
ATT_HEADER = 3
SAMPLE_OVERHEAD = 16
"""Bytes of a SAMPLE payload besides its 3-byte values: version, type, header, CRC."""
MAX_SAMPLES = 76
COMMAND_BUFFER = 244
"""Bytes the stack keeps of one command write (aioble's default, 20, would cut longer
writes short): a write longer than any command still arrives whole and is refused."""
QUEUED_WRITES = 8
FORCE_UNKNOWN = 0x7FFFFFFF
IDLE_US = 300_000_000
"""No central for 5 minutes: the tool stops measuring and advertises slowly."""
FAST_ADVERTISING_US = 100_000
SLOW_ADVERTISING_US = 1_000_000
"""Advertising every 100 ms finds the tool within a scan; every 1 s when idle costs a
tenth of the radio's time and still answers a 4 s scan."""
FORCE_EVERY_US = 100_000
"""The SIG Force characteristic is for generic apps' gauges: 10 Hz is plenty, and MicroPython
notifies whether or not the central subscribed, so every Force notification costs air."""
ADVERTISE_SPELL_MS = 5_000
"""Advertising restarts this often, at the interval the link wants then."""
PAIR_TIMEOUT_MS = 20_000


def samples_that_fit(mtu: int) -> int:
    """Samples in one notification at ATT MTU ``mtu``: ``16 + 3n`` bytes fit ``mtu - 3``."""
    return max(1, min(MAX_SAMPLES, (mtu - ATT_HEADER - SAMPLE_OVERHEAD) // 3))


def batch_size(mtu: int, rate_hz: int, batch_ms: int) -> int:
    """Samples per notification: as many as fit, but none waits more than ``batch_ms``."""
    return max(1, min(samples_that_fit(mtu), rate_hz * batch_ms // 1000))


def battery_percent(millivolts: int, empty_mv: int = 3300, full_mv: int = 4150) -> int:
    """A linear Li-ion estimate for Battery Level (0-100 %); 0 mV (not measured) reads 0."""
    fraction = (millivolts - empty_mv) / (full_mv - empty_mv)
    return max(0, min(100, round(fraction * 100)))


def advertised_name(serial_number: str) -> str:
    """``knotmeter-`` and the serial number's last part: ``KM-DIY-0042`` -> ``knotmeter-0042``."""
    return "knotmeter-" + serial_number.split("-")[-1]


def force_value(millinewtons) -> bytes:
    """SIG Force (0x2C07): int32 mN, ``0x7FFFFFFF`` unknown."""
    return struct.pack("<i", FORCE_UNKNOWN if millinewtons is None else millinewtons)


class BleLink:
    """The BLE link's logic, radio-free; ``radio`` has ``notify(uuid, value)`` (send to the
    central) and ``store(uuid, value)`` (the value a read returns).

    Like the serial link it carries the tool's samples only after its host's first
    command on this connection (hosts subscribe first, then write START). Unlike a
    cable it trusts its host only over an encrypted (bonded) link: anyone may read
    the force, only a paired host may change the tool; a refused command sets
    ``pairing_wanted`` so the radio asks the central to pair.
    """

    def __init__(self, the_tool, radio, batch_ms: int = 50, idle_us: int = IDLE_US):
        self.tool = the_tool
        self.radio = radio
        self.batch_ms = batch_ms
        self.mtu = MIN_MTU
        self.central = False
        self.encrypted = False
        self.heard = False
        self.pairing_wanted = False
        self.quiet = False
        self.refused_writes = 0
        self._writes = []
        self._batcher = tool.Batcher(1)
        self._idle = tool.Idle(idle_us)
        self._force_mn = None
        self._force_us = None
        self._answering = False
        for _, characteristics in GATT:
            for uuid, flags in characteristics:
                if "read" in flags:
                    radio.store(uuid, self.read(uuid))

    # -- what the radio reports ---------------------------------------------------------

    def connected(self, mtu: int = MIN_MTU, encrypted: bool = False) -> None:
        self.central = True
        self.heard = False
        self.encrypted = encrypted
        self._writes = []
        self._batcher = tool.Batcher(1)
        self._force_us = None
        self.mtu_changed(mtu)

    def disconnected(self) -> None:
        """Samples waiting for the notification are lost with the link, as on air."""
        self.central = False
        self.heard = False
        self.encrypted = False
        self.pairing_wanted = False
        self._writes = []
        self._batcher = tool.Batcher(1)
        self.mtu = MIN_MTU

    def mtu_changed(self, mtu: int) -> None:
        self.mtu = max(MIN_MTU, mtu)

    def encryption_changed(self, encrypted: bool) -> None:
        self.encrypted = encrypted
        if encrypted:
            self.pairing_wanted = False

    def written(self, data: bytes) -> None:
        """A write on the command characteristic; answered at the next pass."""
        if not self.central:
            return
        if len(self._writes) >= QUEUED_WRITES:
            self.refused_writes += 1
            self.send(knotproto.error_payload(0, 0, knotproto.ERR_BUSY, "too many writes"))
            return
        self._writes.append(bytes(data))

    # -- what tool.run_pass asks of every link --------------------------------------------

    @property
    def trusted(self) -> bool:
        return self.encrypted

    def commands(self) -> list:
        """The commands written since the last pass. A write that is no command is refused
        with ERROR 2 (request 0, op 0): the stack has already acknowledged it."""
        writes, self._writes = self._writes, []
        out = []
        for data in writes:
            try:
                command = knotproto.decode_command(data)
            except ValueError as err:
                self.refused_writes += 1
                message = str(err)[: knotproto.MAX_TEXT]
                self.send(knotproto.error_payload(0, 0, knotproto.ERR_BAD_ARGUMENT, message))
                continue
            self.heard = True
            if not self.encrypted and command[1] in tool.CHANGING_OPS:
                self.refused_writes += 1
                self.pairing_wanted = True
            out.append(command)
        self._answering = bool(out)
        return out

    def send(self, payload: bytes) -> None:
        if self.central:
            self.radio.notify(DATA, payload)

    def carry(self, now_us: int, sample, status) -> None:
        if self._answering:  # the commands of this pass are carried out: INFO may differ
            self._answering = False
            self.radio.store(INFO, self.tool.info())
        if sample is not None:
            self._force_mn = sample[3] * tool.RESOLUTION_UN // 1000
        if not (self.central and self.heard):
            return
        self._batcher.size = batch_size(self.mtu, self.tool.rate_hz, self.batch_ms)
        sent = self._batcher.add(sample) if sample is not None else self._stale(now_us)
        for payload in sent:
            self.send(payload)
        if sent:
            value = force_value(self._force_mn)
            self.radio.store(FORCE, value)
            last = self._force_us
            if last is None or ((now_us - last) & tool.US_MASK) >= FORCE_EVERY_US:
                self._force_us = now_us
                self.radio.notify(FORCE, value)
        if status is not None:
            level = bytes((battery_percent(self.tool.battery_mv()),))
            self.radio.store(BATTERY_LEVEL, level)
            self.radio.notify(BATTERY_LEVEL, level)
            self.send(status)

    def idle(self, now_us: int) -> bool:
        self.quiet = self._idle(now_us, self.central)
        return self.quiet

    # -- reads and advertising -------------------------------------------------------------

    def read(self, uuid) -> bytes:
        firmware, serial_number, _ = self.tool.identity
        texts = {
            MANUFACTURER: MANUFACTURER_NAME,
            MODEL: MODEL_NAME,
            SERIAL: serial_number,
            FIRMWARE: firmware,
        }
        if uuid in texts:
            return texts[uuid].encode()
        if uuid == INFO:
            return self.tool.info()
        if uuid == FORCE:
            return force_value(self._force_mn)
        if uuid == BATTERY_LEVEL:
            return bytes((battery_percent(self.tool.battery_mv()),))
        raise ValueError("characteristic %s is not readable" % uuid)

    def advertising_interval_us(self) -> int:
        return SLOW_ADVERTISING_US if self.quiet else FAST_ADVERTISING_US

    def _stale(self, now_us: int) -> list:
        """The waiting samples, once the oldest has waited ``batch_ms`` (the tool stopped)."""
        since = self._batcher.waiting_since()
        if since is None or ((now_us - since) & tool.US_MASK) < self.batch_ms * 1000:
            return []
        return self._batcher.flush()


def led_lit(link: BleLink, now_ms: int) -> bool:
    """What the LED says: steady with a central connected, a blink a second while
    advertising, a short flash every 5 s while idle (the tool is not measuring)."""
    if link.central:
        return True
    if link.quiet:
        return now_ms % 5000 < 50
    return now_ms % 1000 < 100


_sleep_ms = getattr(asyncio, "sleep_ms", None) or (lambda ms: asyncio.sleep(ms / 1000))


class AiobleRadio:
    """:class:`BleLink` on MicroPython's ``aioble``: registers :data:`GATT`, advertises the
    tool's name and service, serves one central at a time and hands its writes, MTU
    and encryption to the link. ``aioble`` and ``bluetooth`` are passed in (the tests
    pass stand-ins)."""

    def __init__(self, aioble, bluetooth, name: str, spell_ms: int = ADVERTISE_SPELL_MS):
        self.aioble = aioble
        self.name = name
        self.spell_ms = spell_ms
        self.connection = None
        self.link = None
        self._uuid = bluetooth.UUID
        self._chars = {}
        services = []
        for service_uuid, characteristics in GATT:
            service = aioble.Service(bluetooth.UUID(service_uuid))
            for uuid, flags in characteristics:
                if "write" in flags:
                    char = aioble.BufferedCharacteristic(
                        service,
                        bluetooth.UUID(uuid),
                        write=True,
                        capture=True,
                        max_len=COMMAND_BUFFER,
                    )
                else:
                    char = aioble.Characteristic(
                        service,
                        bluetooth.UUID(uuid),
                        read="read" in flags,
                        notify="notify" in flags,
                    )
                self._chars[uuid] = char
            services.append(service)
        aioble.register_services(*services)

    def store(self, uuid, value: bytes) -> None:
        self._chars[uuid].write(value)

    def notify(self, uuid, value: bytes) -> None:
        connection = self.connection
        if connection is None:
            return
        try:
            self._chars[uuid].notify(connection, value)
        except (OSError, ValueError):
            pass  # the link just dropped: the radio's task hears of it next

    async def run(self, link: BleLink) -> None:
        """Advertise, serve a central until it leaves, again, forever."""
        self.link = link
        asyncio.create_task(self._commands())
        while True:
            try:
                connection = await self.aioble.advertise(
                    link.advertising_interval_us(),
                    name=self.name,
                    services=[self._uuid(KNOTMETER_SERVICE)],
                    timeout_ms=self.spell_ms,
                )
            except asyncio.TimeoutError:
                continue  # advertise again, at the interval the link wants now
            self.connection = connection
            link.connected(connection.mtu or MIN_MTU, connection.encrypted)
            try:
                await self._watch(connection)
            finally:
                self.connection = None
                link.disconnected()

    async def _watch(self, connection) -> None:
        """Follow the MTU exchange and encryption; ask to pair when the link wants it."""
        link = self.link
        while connection.is_connected():
            link.mtu_changed(connection.mtu or MIN_MTU)
            link.encryption_changed(connection.encrypted)
            if link.pairing_wanted and not connection.encrypted:
                link.pairing_wanted = False
                try:
                    await connection.pair(bond=True, timeout_ms=PAIR_TIMEOUT_MS)
                except Exception:  # refused or timed out: the link stays, read-only
                    pass
            await _sleep_ms(100)

    async def _commands(self) -> None:
        """Every write on the command characteristic, in order (aioble's capture queue)."""
        char = self._chars[COMMAND]
        while True:
            connection, data = await char.written()
            if connection is not None and connection is self.connection:
                self.link.encryption_changed(connection.encrypted)
                self.link.written(data)
