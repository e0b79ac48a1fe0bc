"""``knotmeter devices``: list serial ports (and BLE tools), marking knotmeter tools."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict

from knotmeter.bounds import bounded
from knotmeter.sources import discover_tools

TIMEOUT_RANGE = (0.1, 60.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON array on stdout")
    parser.add_argument(
        "--timeout", default="2", metavar="S", help="seconds to wait for answers (default 2)"
    )


def run(args: argparse.Namespace) -> int:
    timeout_s = bounded("--timeout", args.timeout, *TIMEOUT_RANGE, "seconds")
    tools = asyncio.run(discover_tools(timeout_s))
    if args.json:
        print(json.dumps([asdict(tool) for tool in tools], indent=2))
        return 0
    if not tools:
        print("no serial ports or tools found (is the tool plugged in and switched on?)")
        return 0
    for tool in tools:
        mark = "*" if tool.is_knotmeter else " "
        rssi = f"  {tool.rssi} dBm" if tool.rssi is not None else ""
        print(f"{mark} {tool.moniker:<40} {tool.label}{rssi}")
    if any(tool.is_knotmeter for tool in tools):
        print("* = answers as a knotmeter tool")
    return 0
