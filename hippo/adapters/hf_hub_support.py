"""Helpers of HfHubModelRegistry: classifying the client's failures, and reading its download cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import httpx2
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils.sha import git_hash

from hippo.adapters.local_registry import sha256_of

T = TypeVar("T")
NETWORK_ERRORS = (httpx2.TransportError, OfflineModeIsEnabled)
_HEX = frozenset("0123456789abcdef")


class HubFailureError(Exception):
    """A classified Hub failure: `kind` is ``network``, ``access`` or ``missing``; `cause` is for people."""

    def __init__(self, kind: str, cause: str) -> None:
        super().__init__(cause)
        self.kind = kind
        self.cause = cause


def classify(
    exc: BaseException, endpoint: str, timeout: float, has_token: bool, revision: str
) -> HubFailureError:
    """Turn an exception of huggingface_hub / httpx2 into a HubFailureError (re-raises anything else)."""
    if isinstance(exc, HubFailureError):
        return exc
    if isinstance(exc, OfflineModeIsEnabled):
        return HubFailureError("network", "offline mode is on (HF_HUB_OFFLINE)")
    if isinstance(exc, httpx2.TimeoutException):
        return HubFailureError("network", f"no answer from {endpoint} within {timeout:g} s")
    if isinstance(exc, httpx2.TransportError):
        return HubFailureError("network", f"cannot reach {endpoint} ({type(exc).__name__}: {exc})")
    if isinstance(exc, RemoteEntryNotFoundError):
        return HubFailureError("missing", "no such file in the repository")
    if isinstance(exc, RevisionNotFoundError):
        return HubFailureError("missing", f"the repository has no revision {revision!r} (is it empty?)")
    if isinstance(exc, (RepositoryNotFoundError, GatedRepoError)):
        who = (
            "the token has no access to it"
            if has_token
            else "no token was given (set HUGGINGFACE_TOKEN or HF_TOKEN)"
        )
        return HubFailureError("access", f"repository not found, or private/gated and {who}")
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        if status == 401:
            return HubFailureError("access", "the Hub rejected the token (HUGGINGFACE_TOKEN / HF_TOKEN)")
        if status == 403:
            return HubFailureError("access", "the token may not write to this repository")
        if status is not None and (status >= 500 or status == 429):
            return HubFailureError("network", f"the Hub answered HTTP {status}")
        first_line = str(exc).strip().splitlines()[0]
        return HubFailureError("access", f"the Hub answered HTTP {status}: {first_line}")
    raise exc


def guard(call: Callable[[], T], classify_error: Callable[[BaseException], HubFailureError]) -> T:
    """Run `call`; a network or HTTP failure of the client comes out as a HubFailureError."""
    try:
        return call()
    except (*NETWORK_ERRORS, HfHubHTTPError) as exc:
        raise classify_error(exc) from exc
    except RuntimeError as exc:  # the client wraps a failed LFS upload: classify what is underneath
        if isinstance(exc.__cause__, (*NETWORK_ERRORS, HfHubHTTPError)):
            raise classify_error(exc.__cause__) from exc
        raise


class HubCache:
    """Read-only view of huggingface_hub's cache for one repository (``models--<user>--<name>``)."""

    def __init__(self, cache_dir: Path, repo_id: str, revision: str) -> None:
        self.root = Path(cache_dir) / f"models--{repo_id.replace('/', '--')}"
        self.revision = revision

    def snapshots(self) -> list[Path]:
        """Cached snapshots: the one `revision` points at first, then newest first.

        Older snapshots matter: a model downloaded at an earlier commit stays in that commit's snapshot
        when `refs/main` later moves on.
        """
        snapshots = sorted(
            (p for p in (self.root / "snapshots").glob("*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        ref = self.root / "refs" / self.revision
        if ref.is_file():
            current = self.root / "snapshots" / ref.read_text().strip()
            snapshots = [current, *(s for s in snapshots if s != current)]
        return snapshots

    def remember(self, commit: str | None) -> None:
        """Point `revision` at `commit` (what huggingface_hub does when it downloads by branch name)."""
        if not commit:
            return
        ref = self.root / "refs" / self.revision
        try:
            ref.parent.mkdir(parents=True, exist_ok=True)
            if not ref.is_file() or ref.read_text().strip() != commit:
                ref.write_text(commit)
        except OSError:
            pass  # a read-only cache still serves; the lookup falls back to the newest snapshot

    def find(self, filenames: Iterable[str]) -> list[Path] | None:
        """The cached copies of all `filenames` from one snapshot, or None."""
        names = list(filenames)
        for snapshot in self.snapshots():
            paths = [snapshot / name for name in names]
            if all(p.exists() for p in paths):
                return paths
        return None

    @staticmethod
    def damage(path: Path) -> str | None:
        """None when a cached file matches the hash it is stored under, else what is wrong.

        Blobs are named after the Hub's ETag: the sha256 of LFS files, the git blob sha1 of others.
        """
        blob = path.resolve()
        etag = blob.name
        if len(etag) == 64 and set(etag) <= _HEX:
            actual = sha256_of(blob)
        elif len(etag) == 40 and set(etag) <= _HEX:
            actual = git_hash(blob.read_bytes())
        else:
            return None  # no symlinks (copied snapshot): the codec's validation is the remaining check
        if actual == etag:
            return None
        return f"cached copy {blob} is corrupt: its hash is {actual[:12]}..., the Hub's is {etag[:12]}..."
