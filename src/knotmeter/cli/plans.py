"""``knotmeter plans``: the routines the coach can walk through, or one of them in full.

Each plan shows how often and how long a session is (sessions a week, minutes), its
points, and the follow-up moves done once after the last point.

The listing is the packaged ``plans.toml`` after validation, so what it prints is
exactly what the live coach will ask for. ``--json`` gives one line per plan.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from knotmeter.core.plans import Plan, PlanPoint, get_plan, load_plans


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", metavar="ID", help="show this plan in full")
    parser.add_argument("--json", action="store_true", help="one JSON line per plan")


def plan_record(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready dict: ids, texts, schedule, points and follow-up moves."""
    return {
        "id": plan.id,
        "name": plan.name,
        "purpose": plan.purpose,
        "warm_up": plan.warm_up,
        "retest": plan.retest,
        "per_week": list(plan.per_week),
        "session_min": list(plan.session_min),
        "points": [
            {
                "region": point.region.id,
                "name": point.region.name,
                "holds": point.holds,
                "hold_s": [point.hold_min_s, point.hold_max_s],
                "cue": point.cue,
            }
            for point in plan.points
        ],
        "moves": [
            {"what": move.what, "reps": move.reps, "seconds": move.seconds} for move in plan.moves
        ],
    }


def _holds(point: PlanPoint) -> str:
    return f"{point.holds} x {point.hold_label}"


def _moves(plan: Plan) -> str:
    return "; ".join(move.label for move in plan.moves)


def _print_summary(plans: list[Plan]) -> None:
    for plan in plans:
        print(f"{plan.id:<18} {plan.name}  ({plan.schedule_label})")
        for number, point in enumerate(plan.points, start=1):
            print(f"  {number}. {point.region.name:<24} {_holds(point)}")
        print(f"  then {_moves(plan)}")
    print("\n`knotmeter plans ID` shows a plan in full")


def _print_plan(plan: Plan) -> None:
    print(f"{plan.id}: {plan.name}\n{plan.purpose}")
    print(f"Sessions: {plan.schedule_label}")
    print(f"\nWarm up: {plan.warm_up}")
    for number, point in enumerate(plan.points, start=1):
        print(f"\n{number}. {point.region.name} ({point.region.id}): {_holds(point)}")
        print(f"   where: {point.cue}")
    print(f"\nThen: {_moves(plan)}")
    print(f"\nRetest: {plan.retest}")


def run(args: argparse.Namespace) -> int:
    plans = [get_plan(args.plan)] if args.plan is not None else list(load_plans().values())
    if args.json:
        for plan in plans:
            print(json.dumps(plan_record(plan)))
    elif args.plan is not None:
        _print_plan(plans[0])
    else:
        _print_summary(plans)
    return 0
