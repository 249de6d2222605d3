"""`hippo serve`: start the HTTP API."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="start the HTTP API")
    parser.add_argument("--host", default=None, help="interface to bind (default: $HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: $PORT or 8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    print("hippo serve: the HTTP API is not built yet (see the HTTP API issue).", file=sys.stderr)
    return 2
