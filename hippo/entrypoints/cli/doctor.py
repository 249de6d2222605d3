"""`hippo doctor`: check the configuration in the environment (and `.env`) end to end before deploying."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from hippo.services.doctor import CheckResult

_MARK = {"OK": "OK  ", "WARN": "WARN", "FAIL": "FAIL"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check database, migrations, Hub, default model, CORS and admin token"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds each service may take to answer (default: 30)"
    )
    parser.set_defaults(handler=run)


def report(results: list[CheckResult], out: TextIO) -> int:
    """Print one line per check (and the fix under each problem); return the exit code."""
    from hippo.services.doctor import FAIL

    for result in results:
        print(f"{_MARK[result.status]}  {result.name}: {result.message}", file=out)
        if result.fix and result.status != "OK":
            print(f"      fix: {result.fix}", file=out)
    failed = sum(r.status == FAIL for r in results)
    if failed:
        print(f"{failed} check(s) failed: fix them before deploying.", file=out)
        return 1
    print("all checks passed.", file=out)
    return 0


def run(args: argparse.Namespace) -> int:
    from hippo.container import Container

    container = Container()
    try:
        doctor = container.doctor(timeout=args.timeout)
        return report(doctor.run(), sys.stdout)
    finally:
        container.shutdown_resources()
