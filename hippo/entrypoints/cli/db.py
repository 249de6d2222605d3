"""`hippo db upgrade|downgrade|revision|current`: the dictionary's schema migrations (alembic).

Uses `DATABASE_URL` (a Neon pooled URL is migrated through its direct host), else the embedded
PostgreSQL under `HIPPO_DATA_DIR`.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="apply, roll back or create schema migrations")
    commands = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = commands.add_parser("upgrade", help="apply migrations (default: up to head)")
    up.add_argument("revision", nargs="?", default="head")
    down = commands.add_parser("downgrade", help="roll back (default: one revision)")
    down.add_argument("revision", nargs="?", default="-1")
    new = commands.add_parser("revision", help="autogenerate a revision from the schema tables")
    new.add_argument("message", help="what the revision does, e.g. 'add word notes'")
    new.add_argument("--empty", action="store_true", help="write an empty revision instead of autogenerating")
    commands.add_parser("current", help="print the database's revision")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from hippo.container import Container  # NumPy and the adapters: only when the command runs

    container = Container()
    try:
        migrator = container.migrator()
        if args.db_command == "upgrade":
            migrator.upgrade(args.revision)
            print(f"database at revision {migrator.current()}")
        elif args.db_command == "downgrade":
            migrator.downgrade(args.revision)
            print(f"database at revision {migrator.current()}")
        elif args.db_command == "revision":
            if not args.empty:
                migrator.upgrade()  # autogenerate compares the code with a database at head
            print(f"wrote {migrator.revision(args.message, autogenerate=not args.empty)}")
        else:
            print(migrator.current() or "(empty database)")
    except Exception as error:  # reported, not a traceback: alembic and driver errors say what is wrong
        print(f"hippo db {args.db_command}: {error}", file=sys.stderr)
        return 1
    finally:
        container.shutdown_resources()
    return 0
