"""What `hippo doctor` asks the infrastructure: schema revisions, Hub account and repository access.

Adapters answer with the small value types below or raise; the doctor turns any exception into a
failed check that quotes it, so these ports do not prescribe error types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """A reachable database: where it is (password hidden), its server version and schema revisions."""

    location: str
    server_version: str
    current_revision: str | None
    head_revision: str | None
    pooled: bool


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """Who a Hub token belongs to and what it may do (`role`: ``read``, ``write`` or ``fineGrained``)."""

    user: str
    role: str | None
    can_write_repo: bool | None
    """Whether the token may write the configured repository (None when the Hub does not say)."""


@dataclass(frozen=True, slots=True)
class RepositoryInfo:
    """A model repository the token can read: its id, visibility and number of files."""

    repo_id: str
    private: bool | None
    files: int


class DatabaseInspector(Protocol):
    def inspect(self) -> DatabaseState:
        """Connect (bounded by a timeout), read the server version and the schema revision."""
        ...


class HubInspector(Protocol):
    @property
    def endpoint(self) -> str:
        """The Hub's base URL."""
        ...

    def whoami(self) -> TokenInfo | None:
        """The token's owner and role (None when no token is configured)."""
        ...

    def repository(self) -> RepositoryInfo:
        """Read the configured repository's metadata and file list."""
        ...
