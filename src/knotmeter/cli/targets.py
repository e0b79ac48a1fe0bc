"""``knotmeter targets``: the bands measured from your pain threshold, and forgetting them.

The coach presses by a measured band in place of the region's default from the day
it was measured (``c`` on the live screen). Listing shows the one in use per region
and tool, with the presses it came from; ``--reset REGION`` or ``--all`` forgets the
measurements, so the defaults apply again (a band measured before an injury healed,
or with the tool held wrong, should not go on deciding what is too hard).
"""

from __future__ import annotations

import argparse

from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.regions import UnknownRegion, get_region, load_regions
from knotmeter.core.sides import side_label
from knotmeter.errors import BadInput

HEADER = (
    f"{'region':<22}  {'side':<5}  {'tool':<5}  {'measured':<10}  {'presses (N)':<18}  "
    f"{'band (N)':<11}  ceiling (N)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--reset", metavar="REGION", help="forget the bands measured on REGION (every tool)"
    )
    which.add_argument("--all", action="store_true", help="forget every measured band")


def target_line(targets: PersonalTargets) -> str:
    """One stored band as a line of the list."""
    measured = "-" if targets.measured_on is None else targets.measured_on.isoformat()
    presses = ", ".join(f"{force:.0f}" for force in targets.trials) or "-"
    band = f"{targets.band_low_n:.1f}-{targets.band_high_n:.1f}"
    return (
        f"{targets.region_id:<22}  {side_label(targets.side):<5}  {targets.tool:<5}  "
        f"{measured:<10}  {presses:<18}  {band:<11}  {targets.ceiling_n:.1f}"
    )


def reset_region(region_id: str) -> str:
    """The region id to forget, checked against the region list.

    Raises:
        BadInput: an unknown region, naming the known ones.
    """
    try:
        return get_region(region_id).id
    except UnknownRegion:
        raise BadInput(
            f"--reset: unknown region {region_id!r}; choose one of: {', '.join(load_regions())}"
        ) from None


def run(args: argparse.Namespace) -> int:
    from knotmeter.store import SessionStore, default_db_path

    region = None if args.reset is None else reset_region(args.reset)
    path = default_db_path()
    if not path.exists():
        print("no measured bands: every point uses its default (measure one with c)")
        return 0
    if region is not None or args.all:
        with SessionStore(path) as store:
            forgotten = store.forget_targets(region)
        where = "any point" if region is None else region
        print(f"forgot {forgotten} measurement(s) of {where}: the default bands apply there")
        return 0
    with SessionStore(path, read_only=True) as store:
        stored = store.all_targets()
    if not stored:
        print("no measured bands: every point uses its default (measure one with c)")
        return 0
    print(HEADER)
    for targets in stored:
        print(target_line(targets))
    return 0
