"""PLACEHOLDER: replaced by the helper who owns `replay`."""

from __future__ import annotations

import argparse

from knotmeter.errors import KnotmeterError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    raise KnotmeterError("replay is not built yet")
