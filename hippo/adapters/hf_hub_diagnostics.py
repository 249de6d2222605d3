"""`HubInspector` over huggingface_hub: who the token belongs to, and whether the repository is readable."""

from __future__ import annotations

from typing import Any

import httpx2
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from hippo.ports.diagnostics import RepositoryInfo, TokenInfo


class HubCheckError(Exception):
    """A Hub call failed; the message says why in an operator's words."""


class HfHubInspector:
    """Inspects `repo_id` on the Hub at `endpoint` with `token` (None: anonymous)."""

    def __init__(
        self, repo_id: str, *, endpoint: str | None, token: str | None, timeout: float = 10.0
    ) -> None:
        self.repo_id = repo_id
        self.token = token
        self.api = HfApi(endpoint=endpoint, token=token or False)
        self.timeout = timeout

    @property
    def endpoint(self) -> str:
        return str(self.api.endpoint)

    def _call(self, what: str, call: Any) -> Any:
        try:
            return call()
        except RepositoryNotFoundError as exc:
            who = "the token has no access to it" if self.token else "no token is set (HUGGINGFACE_TOKEN)"
            raise HubCheckError(f"{what}: repository {self.repo_id} not found, or private and {who}") from exc
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status == 401:
                raise HubCheckError(f"{what}: the Hub rejected the token (HTTP 401)") from exc
            raise HubCheckError(f"{what}: the Hub answered HTTP {status}") from exc
        except httpx2.TransportError as exc:
            raise HubCheckError(
                f"{what}: cannot reach {self.endpoint} ({type(exc).__name__}: {exc})"
            ) from exc

    def whoami(self) -> TokenInfo | None:
        if not self.token:
            return None
        info: dict[str, Any] = self._call("token", lambda: self.api.whoami(token=self.token))
        access = (info.get("auth") or {}).get("accessToken") or {}
        role = access.get("role")
        return TokenInfo(
            user=str(info.get("name", "?")), role=role, can_write_repo=self._can_write(info, role)
        )

    def _can_write(self, info: dict[str, Any], role: str | None) -> bool | None:
        if role in ("write", "admin"):
            return True
        if role == "read":
            return False
        scoped = ((info.get("auth") or {}).get("accessToken") or {}).get("fineGrained", {}).get("scoped", [])
        owner = self.repo_id.split("/", 1)[0]
        for scope in scoped:
            entity = scope.get("entity", {})
            name = entity.get("name")
            if name in (self.repo_id, owner):
                return "repo.write" in scope.get("permissions", [])
        return None

    def repository(self) -> RepositoryInfo:
        info = self._call("repository", lambda: self.api.model_info(self.repo_id, timeout=self.timeout))
        return RepositoryInfo(
            repo_id=self.repo_id, private=getattr(info, "private", None), files=len(info.siblings or [])
        )
