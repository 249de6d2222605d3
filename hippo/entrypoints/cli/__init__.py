"""The `hippo` command line: one module per command group, registered in `COMMANDS`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from hippo import __version__
from hippo.entrypoints.gc_pause import paused_gc

# The command modules are light: each imports the container (NumPy, the adapters) when it runs, so `hippo
# serve` can limit OpenBLAS's threads before NumPy loads, and no command imports what another one needs.
# What they import (asyncio, argparse, logging: ~0.1 s) is kept out of the collector's way (see gc_pause).
with paused_gc(freeze=True):
    from hippo.entrypoints.cli import db, doctor, models, serve, train, vocab

# Each command module exposes `register(subparsers)`; it sets `handler` on its parser.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    serve.register,
    train.register,
    vocab.register,
    db.register,
    models.register,
    doctor.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hippo", description=__doc__)
    parser.add_argument("--version", action="version", version=f"hippo {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `hippo` command; returns the process exit code."""
    from dotenv import load_dotenv

    from hippo.config import Settings
    from hippo.entrypoints.logging_setup import configure_from_settings

    load_dotenv(override=False)
    args = build_parser().parse_args(argv)
    try:
        configure_from_settings(Settings.from_env())
    except ValueError as exc:
        print(f"hippo: {exc}", file=sys.stderr)
        return 2
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
