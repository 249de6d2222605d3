"""`DatabaseInspector` over psycopg: connect with a timeout, read the server version and schema revision."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from hippo.adapters.alembic_migrations import AlembicMigrator
from hippo.adapters.postgres import is_pooled, psycopg_url
from hippo.ports.diagnostics import DatabaseState


def redacted(url: str) -> str:
    """`url` without its password (``postgresql://alex:***@host/db?...``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresInspector:
    """Inspects the database at `url` (any form `DATABASE_URL` accepts) against `script_location`'s head.

    Args:
        url: the database URL; the pooled host is used as given (that is what the app connects to).
        script_location: the alembic scripts directory (`migrations/`).
        connect_timeout: seconds before a connection attempt is abandoned (libpq ``connect_timeout``).
    """

    def __init__(self, url: str, script_location: Path, *, connect_timeout: int = 10) -> None:
        self.url = url
        self.script_location = Path(script_location)
        self.connect_timeout = connect_timeout

    def inspect(self) -> DatabaseState:
        conninfo = psycopg_url(self.url, direct=False).replace("postgresql+psycopg://", "postgresql://", 1)
        head = AlembicMigrator(self.url, self.script_location).head()
        with psycopg.connect(conninfo, connect_timeout=self.connect_timeout, autocommit=True) as con:
            version = str(con.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
            exists = con.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
            current = None
            if exists and exists[0]:
                row = con.execute("SELECT version_num FROM alembic_version LIMIT 1").fetchone()
                current = str(row[0]) if row else None
        return DatabaseState(
            location=redacted(self.url),
            server_version=version.split()[0],
            current_revision=current,
            head_revision=head,
            pooled=is_pooled(self.url),
        )
