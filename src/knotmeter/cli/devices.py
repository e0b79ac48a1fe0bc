"""PLACEHOLDER: replaced by the helper who owns `devices`."""

from __future__ import annotations

import argparse

from knotmeter.errors import KnotmeterError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    raise KnotmeterError("devices is not built yet")
