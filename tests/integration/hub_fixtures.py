"""Integration fixtures: the loopback Hub-compatible server and registries on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest
from huggingface_hub import HfApi

from hippo.adapters.hf_hub_registry import HfHubModelRegistry
from tests.hub_server import FakeHub

HUB_TOKEN = "hf_test_write_token"
REPO = "alice/mnist"


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A started FakeHub with the repository `alice/mnist`.

    The server speaks the LFS "basic" transfer, not Xet's storage protocol, so Xet is switched off for the
    client the way HF_HUB_DISABLE_XET=1 does (the client then uploads *.npz through the LFS batch API).
    """
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)
    hub = FakeHub(tokens=(HUB_TOKEN,)).start()
    hub.create_repo(REPO)
    yield hub
    hub.stop()


@pytest.fixture
def hub_registry(fake_hub: FakeHub, tmp_path: Path) -> Callable[..., HfHubModelRegistry]:
    """Build registries on the fake Hub: `hub_registry(token=..., repo=..., cache=..., timeout=...)`."""

    def build(
        token: str | bool = HUB_TOKEN, repo: str = REPO, cache: Path | None = None, timeout: float = 2.0
    ) -> HfHubModelRegistry:
        api = HfApi(endpoint=fake_hub.url, token=token)
        return HfHubModelRegistry(api, repo, cache or tmp_path / "hf_cache", timeout=timeout)

    return build
