"""HfHubModelRegistry: models as ``<name>.npz`` + ``<name>.json`` in a Hugging Face Hub model repository.

Downloads go through huggingface_hub's cache (``cache_dir``). Every read starts with one bounded request
(``timeout`` seconds, no retries): when it fails for a network reason and the files are cached, the cached
copy is served and a warning logged, instead of the client's own retry loop (about 20 seconds for an
uncached file). Cached blobs are named after their Hub ETag (sha256 for LFS files, git blob sha1 for
others), so a corrupt cached file is detected by hashing it before use.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from huggingface_hub import (
    CommitOperationAdd,
    HfApi,
    get_hf_file_metadata,
    get_session,
    hf_hub_download,
    hf_hub_url,
    hf_raise_for_status,
)
from huggingface_hub.hf_api import RepoFile
from huggingface_hub.utils._headers import build_hf_headers
from huggingface_hub.utils.sha import git_hash

from hippo.adapters.hf_hub_support import HubCache, HubFailureError, classify, guard
from hippo.adapters.hub_model_card import render_model_card
from hippo.adapters.local_registry import read_model_pair, sha256_of
from hippo.adapters.model_files import read_metadata
from hippo.domain.errors import (
    ModelFileError,
    ModelNotFoundError,
    ModelRegistryError,
    RegistryAccessError,
    RegistryUnavailableError,
)
from hippo.domain.model_catalog import (
    LoadedModel,
    ModelFiles,
    ModelSummary,
    PublishReceipt,
    StoredFile,
    Verification,
)
from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.model_names import is_valid_model_name, validate_model_name
from hippo.ports.model_registry import Progress

logger = logging.getLogger(__name__)
T = TypeVar("T")


def make_hf_api(endpoint: str | None, token: str | None) -> HfApi:
    """The client the container injects.

    `endpoint` None means huggingface.co; `token` None means the client's own lookup (HF_TOKEN, login).
    """
    return HfApi(endpoint=endpoint, token=token)


class HfHubModelRegistry:
    """A Hub model repository, read through a local cache and written in single commits."""

    def __init__(
        self, api: HfApi, repo_id: str, cache_dir: Path, *, timeout: float = 3.0, revision: str = "main"
    ) -> None:
        self.api = api
        self.repo_id = repo_id
        self.cache_dir = Path(cache_dir)
        self.timeout = timeout
        self.revision = revision
        self._cache = HubCache(self.cache_dir, repo_id, revision)

    @property
    def location(self) -> str:
        return f"hub:{self.repo_id}"

    @property
    def _endpoint(self) -> str:
        return str(self.api.endpoint).rstrip("/")

    @property
    def _token(self) -> str | bool | None:
        token: str | bool | None = self.api.token
        return token

    # ------------------------------------------------------------------ failures
    def _classify(self, exc: BaseException) -> HubFailureError:
        return classify(exc, self._endpoint, self.timeout, bool(self._token), self.revision)

    def _guard(self, call: Callable[[], T]) -> T:
        return guard(call, self._classify)

    def _error(self, failure: HubFailureError, what: str) -> ModelRegistryError:
        message = f"{what}: Hub repository {self.repo_id!r} at {self._endpoint}: {failure.cause}"
        if failure.kind == "network":
            return RegistryUnavailableError(message)
        return RegistryAccessError(message)

    # ------------------------------------------------------------------ bounded requests
    def _api(self, method: str, route: str, **kwargs: Any) -> Any:
        url = f"{self._endpoint}/api/models/{self.repo_id}/{route}/{self.revision}"
        headers = build_hf_headers(token=self._token)

        def call() -> Any:
            response = get_session().request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            hf_raise_for_status(response)
            return response.json()

        return self._guard(call)

    def _tree(self) -> dict[str, RepoFile]:
        """Files at the repository root (one bounded request)."""
        entries = self._api("GET", "tree", params={"recursive": False, "expand": False})
        return {entry["path"]: _repo_file(entry) for entry in entries if entry.get("type") == "file"}

    def _download(self, filename: str, force: bool = False, commit: str | None = None) -> Path:
        def call() -> str:
            return hf_hub_download(
                self.repo_id,
                filename,
                revision=commit or self.revision,
                cache_dir=self.cache_dir,
                endpoint=self._endpoint,
                token=self._token,
                etag_timeout=self.timeout,
                force_download=force,
            )

        return Path(self._guard(call))

    def _probe(self, filename: str) -> str | None:
        """One HEAD request, bounded and never retried: is the Hub there and does it have the file?

        Returns the commit `revision` points at. Downloading at that commit costs no further request
        when the snapshot is cached (the cache is keyed by commit).
        """
        url = hf_hub_url(self.repo_id, filename, revision=self.revision, endpoint=self._endpoint)
        meta = self._guard(lambda: get_hf_file_metadata(url, token=self._token, timeout=self.timeout))
        commit: str | None = meta.commit_hash
        return commit

    # ------------------------------------------------------------------ the port
    def fetch(self, name: str) -> LoadedModel:
        validate_model_name(name)
        filenames = [f"{name}.npz", f"{name}.json"]
        before = self._cache.find(filenames)
        try:
            commit = self._probe(filenames[0])
            paths = [self._download(f, commit=commit) for f in filenames]
            self._cache.remember(commit)
        except HubFailureError as failure:
            if failure.kind == "missing":
                raise ModelNotFoundError(
                    f"model {name!r} not found in Hub repository {self.repo_id!r} at {self._endpoint}"
                ) from failure
            return self._from_cache(name, filenames, failure)
        for i, path in enumerate(paths):
            if (damage := HubCache.damage(path)) is not None:
                logger.warning("%s; downloading %s again", damage, filenames[i])
                try:
                    paths[i] = self._download(filenames[i], force=True, commit=commit)
                except HubFailureError as failure:
                    raise ModelFileError(
                        f"{damage}; downloading it again failed: {failure.cause}"
                    ) from failure
                if (damage := HubCache.damage(paths[i])) is not None:
                    raise ModelFileError(f"{damage} (even after downloading it again)")
        hit = before is not None and [p.resolve() for p in before] == [p.resolve() for p in paths]
        logger.info(
            "model %s: %s the Hub cache %s",
            name,
            "up to date in" if hit else "downloaded into",
            self.cache_dir,
            extra={"cache": "hit" if hit else "miss"},
        )
        network, meta = read_model_pair(paths[0], paths[1], name)
        return LoadedModel(
            network, meta, source="hub", location=f"{self._endpoint}/{self.repo_id}/{filenames[0]}"
        )

    def _from_cache(self, name: str, filenames: list[str], failure: HubFailureError) -> LoadedModel:
        paths = self._cache.find(filenames)
        if paths is None:
            raise self._error(failure, f"cannot load model {name!r} (no cached copy in {self.cache_dir})")
        for path in paths:
            if (damage := HubCache.damage(path)) is not None:
                raise ModelFileError(
                    f"model {name!r}: {damage}; the Hub cannot be asked for a fresh copy ({failure.cause}). "
                    f"Delete {path.resolve()} and retry when the Hub is reachable."
                )
        network, meta = read_model_pair(paths[0], paths[1], name)
        logger.warning(
            "Hub repository %s unavailable (%s): serving model %s from the cache %s",
            self.repo_id,
            failure.cause,
            name,
            paths[0].parent,
        )
        return LoadedModel(network, meta, source="cache", location=str(paths[0]))

    def list_models(self) -> list[ModelSummary]:
        try:
            files = self._tree()
        except HubFailureError as failure:
            if failure.kind == "network" and self._cache.snapshots():
                logger.warning(
                    "Hub repository %s unavailable (%s): listing cached models", self.repo_id, failure.cause
                )
                return self._list_cached()
            raise self._error(failure, "cannot list models") from failure
        summaries = []
        for name in _model_names(files):
            try:
                meta = read_metadata(self._download(f"{name}.json"), name=name)
            except (ModelFileError, HubFailureError) as exc:
                logger.warning("skipping model %s in %s: %s", name, self.repo_id, exc)
                continue
            meta = dataclasses.replace(meta, name=name)
            summaries.append(ModelSummary.from_metadata(meta, files[f"{name}.npz"].size, "hub"))
        return summaries

    def _list_cached(self) -> list[ModelSummary]:
        found: dict[str, ModelSummary] = {}
        for snapshot in self._cache.snapshots():
            for metadata in sorted(snapshot.glob("*.json")):
                name, weights = metadata.stem, metadata.with_suffix(".npz")
                if name in found or not is_valid_model_name(name) or not weights.exists():
                    continue
                try:
                    meta = dataclasses.replace(read_metadata(metadata, name=name), name=name)
                except ModelFileError:
                    continue
                found[name] = ModelSummary.from_metadata(meta, weights.stat().st_size, "cache")
        return [found[name] for name in sorted(found)]

    def publish(self, files: ModelFiles, progress: Progress | None = None) -> PublishReceipt:
        say = progress or (lambda line: None)
        _, new_meta = read_model_pair(files.weights, files.metadata, files.name)  # never upload garbage
        if new_meta.test_accuracy is None and files.claimed_accuracy is not None:
            new_meta = dataclasses.replace(new_meta, test_accuracy=files.claimed_accuracy)
        try:
            say(f"reading the models already in {self.repo_id}")
            remote = self._tree()
            others = self._remote_metadata(remote, exclude=files.name)
            sizes = {name: remote[f"{name}.npz"].size for name in _model_names(remote)}
            sizes[files.name] = files.weights.stat().st_size
            curves = {n for n in [*sizes] if f"{n}.png" in remote} | ({files.name} if files.curves else set())
            card = render_model_card(self.repo_id, [*others, new_meta], sizes, curves)
            operations = [
                CommitOperationAdd(path_in_repo=files.remote_name(path), path_or_fileobj=str(path))
                for path in files.paths
            ]
            operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card.encode()))
            total = sum(path.stat().st_size for path in files.paths)
            say(f"uploading {len(operations)} files ({total / 1024:.0f} KiB) to {self.repo_id} in one commit")
            info = self._guard(
                lambda: self.api.create_commit(
                    self.repo_id,
                    operations=operations,
                    commit_message=f"Add model {files.name}",
                    revision=self.revision,
                )
            )
        except HubFailureError as failure:
            raise self._error(failure, f"cannot publish model {files.name!r}") from failure
        say(f"committed {info.oid[:12]} to {self.repo_id}")
        return PublishReceipt(
            name=files.name,
            location=f"{self._endpoint}/{self.repo_id}",
            revision=info.oid,
            files=tuple(op.path_in_repo for op in operations),
        )

    def _remote_metadata(self, remote: dict[str, RepoFile], exclude: str) -> list[ModelMetadata]:
        metas = []
        for name in _model_names(remote):
            if name == exclude:
                continue
            try:
                metas.append(
                    dataclasses.replace(read_metadata(self._download(f"{name}.json"), name=name), name=name)
                )
            except ModelFileError as exc:
                logger.warning("model card: skipping %s (%s)", name, exc)
        return metas

    def verify(self, files: ModelFiles) -> Verification:
        wanted = {files.remote_name(path): path for path in files.paths}
        try:
            entries = self._api("POST", "paths-info", data={"paths": list(wanted), "expand": False})
        except HubFailureError as failure:
            raise self._error(failure, f"cannot verify model {files.name!r}") from failure
        stored = {entry["path"]: _repo_file(entry) for entry in entries if entry.get("type") == "file"}
        checked: list[StoredFile] = []
        problems: list[str] = []
        for remote_name, local in wanted.items():
            info = stored.get(remote_name)
            if info is None:
                problems.append(f"{remote_name} is missing from {self.repo_id}")
                continue
            local_size = local.stat().st_size
            if info.lfs is not None:
                checked.append(StoredFile(remote_name, info.size, sha256=info.lfs.sha256))
                local_hash, remote_hash, kind = sha256_of(local), info.lfs.sha256, "LFS sha256"
            else:
                checked.append(StoredFile(remote_name, info.size, git_blob_sha1=info.blob_id))
                local_hash, remote_hash, kind = git_hash(local.read_bytes()), info.blob_id, "git blob sha1"
            if info.size != local_size:
                problems.append(f"{remote_name}: the Hub stores {info.size} bytes, {local} has {local_size}")
            elif remote_hash != local_hash:
                problems.append(
                    f"{remote_name}: {kind} on the Hub {remote_hash[:12]}... != local {local_hash[:12]}..."
                )
        return Verification(name=files.name, checked=tuple(checked), problems=tuple(problems))


def _repo_file(entry: dict[str, Any]) -> RepoFile:
    return RepoFile(**entry)  # type: ignore[no-untyped-call]


def _model_names(files: dict[str, Any]) -> list[str]:
    """Names that have both ``<name>.npz`` and ``<name>.json`` among `files`."""
    names = {path[: -len(".json")] for path in files if path.endswith(".json") and "/" not in path}
    return sorted(n for n in names if f"{n}.npz" in files and is_valid_model_name(n))


__all__ = ["HfHubModelRegistry", "make_hf_api"]
