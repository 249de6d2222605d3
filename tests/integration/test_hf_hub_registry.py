"""HfHubModelRegistry with the real huggingface_hub client against the loopback Hub-compatible server."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from huggingface_hub import ModelCard

from hippo.domain.errors import (
    ModelFileError,
    ModelNotFoundError,
    RegistryAccessError,
    RegistryUnavailableError,
)
from tests.hub_server import FakeHub
from tests.integration.hub_fixtures import REPO
from tests.port_contracts.model_registry import ModelRegistryContract, make_model, same_weights, write_model

# huggingface_hub's own LFS upload passes bytes as `data=` to httpx2
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


class TestHfHubModelRegistry(ModelRegistryContract):
    @pytest.fixture
    def registry(self, hub_registry):
        return hub_registry()


def commits(hub: FakeHub) -> list[str]:
    return [r for r in hub.requests if r.startswith("POST /api/models/") and "/commit/" in r]


def test_publish_is_one_commit_with_the_files_and_a_regenerated_card(fake_hub, hub_registry, tmp_path):
    registry = hub_registry()
    registry.publish(write_model(tmp_path / "a", "older-model", seed=1, accuracy=0.9123))
    before = len(commits(fake_hub))
    receipt = registry.publish(
        write_model(tmp_path / "b", "newer-model", seed=2, accuracy=0.9791, curves=True)
    )

    assert len(commits(fake_hub)) == before + 1
    stored = fake_hub.files(REPO)
    assert set(receipt.files) == {"newer-model.npz", "newer-model.json", "newer-model.png", "README.md"}
    assert set(stored) >= {"older-model.npz", "older-model.json", "newer-model.npz", "README.md"}
    assert receipt.revision == fake_hub.repos[REPO].commits[-1][0]

    text = stored["README.md"].decode()
    card = ModelCard(text)  # huggingface_hub accepts it
    data = yaml.safe_load(text.split("---")[1])
    assert data["library_name"] == "hippo"
    assert data["datasets"] == ["mnist"]
    assert data["metrics"] == ["accuracy"]
    assert "mnist" in data["tags"]
    accuracies = {entry["name"]: entry["results"][0]["metrics"][0]["value"] for entry in data["model-index"]}
    assert accuracies == {"older-model": pytest.approx(0.9123), "newer-model": pytest.approx(0.9791)}
    assert "| `newer-model` | 784-16-10 | relu | softmax | 97.91 % |" in card.text
    assert "| `older-model` | 784-16-10 | relu | softmax | 91.23 % |" in card.text
    assert "![training curves of newer-model](newer-model.png)" in card.text
    assert f"HF_MODEL_REPO={REPO} DEFAULT_MODEL=" in card.text


def test_npz_goes_through_lfs_and_is_verified_by_sha256_json_by_git_blob(fake_hub, hub_registry, tmp_path):
    registry = hub_registry()
    files = write_model(tmp_path, "lfs-check")
    registry.publish(files)
    assert any(r.endswith(".git/info/lfs/objects/batch") for r in fake_hub.requests)
    verification = registry.verify(files)
    assert verification.ok
    by_name = {f.name: f for f in verification.checked}
    assert by_name["lfs-check.npz"].sha256 is not None
    assert by_name["lfs-check.json"].git_blob_sha1 is not None


def test_a_hub_that_stores_something_else_fails_verification(fake_hub, hub_registry, tmp_path):
    registry = hub_registry()
    files = write_model(tmp_path, "tampered")
    fake_hub.tamper = lambda path, data: data + b"junk" if path.endswith(".json") else data
    registry.publish(files)
    verification = registry.verify(files)
    assert not verification.ok
    assert any("tampered.json" in problem for problem in verification.problems)


def test_down_hub_with_cached_model_serves_the_cache_and_warns(fake_hub, hub_registry, tmp_path, caplog):
    hub_registry().publish(write_model(tmp_path / "work", "cached-one", seed=4))
    hub_registry().fetch("cached-one")  # fills the cache
    fake_hub.stop()
    caplog.set_level(logging.WARNING)
    loaded = hub_registry().fetch("cached-one")
    assert loaded.source == "cache"
    assert same_weights(loaded.network, make_model("x", seed=4)[0])
    assert any("serving model cached-one from the cache" in r.getMessage() for r in caplog.records)
    assert [s.name for s in hub_registry().list_models()] == ["cached-one"]


def test_slow_hub_with_cached_model_gives_up_after_one_bounded_request(fake_hub, hub_registry, tmp_path):
    hub_registry().publish(write_model(tmp_path / "work", "slow-one"))
    hub_registry().fetch("slow-one")
    seen = len(fake_hub.requests)
    fake_hub.delay = 3.0  # the registry waits 0.2 s, once, with no retry
    loaded = hub_registry(timeout=0.2).fetch("slow-one")
    assert loaded.source == "cache"
    assert fake_hub.requests[seen:] == [f"HEAD /{REPO}/resolve/main/slow-one.npz"]


def test_down_hub_without_cache_names_repo_model_and_cause(fake_hub, hub_registry):
    fake_hub.stop()
    with pytest.raises(RegistryUnavailableError) as error:
        hub_registry().fetch("never-cached")
    message = str(error.value)
    assert "never-cached" in message
    assert REPO in message
    assert "cannot reach" in message
    assert "no cached copy" in message


def test_private_repo_without_token_is_an_access_error_not_a_missing_model(fake_hub, hub_registry, tmp_path):
    fake_hub.create_repo("alice/secret", private=True)
    hub_registry(repo="alice/secret").publish(write_model(tmp_path, "hidden"))
    with pytest.raises(RegistryAccessError) as error:
        hub_registry(repo="alice/secret", token=False, cache=tmp_path / "other-cache").fetch("hidden")
    assert "alice/secret" in str(error.value)
    assert "private" in str(error.value)
    assert "no token" in str(error.value)
    assert hub_registry(repo="alice/secret", cache=tmp_path / "other-cache").fetch("hidden").name == "hidden"


def test_a_rejected_token_is_reported_as_such(fake_hub, hub_registry, tmp_path):
    with pytest.raises(RegistryAccessError, match="rejected the token"):
        hub_registry(token="hf_wrong").fetch("anything")


def test_corrupt_cached_file_is_downloaded_again_when_the_hub_is_up(fake_hub, hub_registry, tmp_path):
    hub_registry().publish(write_model(tmp_path / "work", "flaky", seed=6))
    path = Path(hub_registry().fetch("flaky").location)  # hub URL: find the blob in the cache instead
    blob = next((tmp_path / "hf_cache").glob("models--alice--mnist/snapshots/*/flaky.npz")).resolve()
    blob.write_bytes(blob.read_bytes()[:-10])
    loaded = hub_registry().fetch("flaky")
    assert loaded.source == "hub"
    assert same_weights(loaded.network, make_model("x", seed=6)[0])
    assert path.name == "flaky.npz"


def test_corrupt_cached_file_with_the_hub_down_is_a_clear_error(fake_hub, hub_registry, tmp_path):
    hub_registry().publish(write_model(tmp_path / "work", "rotten"))
    hub_registry().fetch("rotten")
    blob = next((tmp_path / "hf_cache").glob("models--alice--mnist/snapshots/*/rotten.json")).resolve()
    blob.write_text('{"name": "rotten", "sizes": [784, 16, 10], "activation": "relu", "test_accuracy": 1.0}')
    fake_hub.stop()
    with pytest.raises(ModelFileError, match="corrupt") as error:
        hub_registry().fetch("rotten")
    assert "rotten" in str(error.value)


def test_publish_to_an_unknown_repository_says_so_and_writes_nothing(fake_hub, hub_registry, tmp_path):
    files = write_model(tmp_path, "orphan")
    with pytest.raises(RegistryAccessError, match="alice/nope"):
        hub_registry(repo="alice/nope").publish(files)
    assert not commits(fake_hub)
    assert all(path.exists() for path in files.paths)


def test_publish_without_a_token_is_refused(fake_hub, hub_registry, tmp_path):
    with pytest.raises(RegistryAccessError, match="no token"):
        hub_registry(token=False).publish(write_model(tmp_path, "anonymous"))
    assert "anonymous.npz" not in fake_hub.files(REPO)


def test_publish_with_the_hub_down_is_a_network_error(fake_hub, hub_registry, tmp_path):
    fake_hub.stop()
    with pytest.raises(RegistryUnavailableError, match="cannot reach"):
        hub_registry().publish(write_model(tmp_path, "offline"))


def test_a_model_missing_from_the_repo_is_not_found_even_with_other_models_cached(
    fake_hub, hub_registry, tmp_path
):
    hub_registry().publish(write_model(tmp_path, "present"))
    hub_registry().fetch("present")
    with pytest.raises(ModelNotFoundError, match=REPO):
        hub_registry().fetch("absent")


def test_publishing_identical_files_again_makes_no_new_commit_and_still_verifies(
    fake_hub, hub_registry, tmp_path
):
    registry = hub_registry()
    files = write_model(tmp_path, "stable")
    first = registry.publish(files)
    commits_before = len(fake_hub.repos[REPO].commits)
    again = registry.publish(files)
    assert len(fake_hub.repos[REPO].commits) == commits_before
    assert again.revision == first.revision
    assert registry.verify(files).ok


def test_warm_fetch_costs_one_request_and_offline_serves_the_latest(fake_hub, hub_registry, tmp_path):
    registry = hub_registry()
    registry.publish(write_model(tmp_path / "v1", "evolving", seed=1))
    registry.fetch("evolving")
    seen = len(fake_hub.requests)
    registry.fetch("evolving")
    assert fake_hub.requests[seen:] == [f"HEAD /{REPO}/resolve/main/evolving.npz"]
    registry.publish(write_model(tmp_path / "v2", "evolving", seed=2))
    registry.publish(write_model(tmp_path / "v3", "unrelated", seed=3))
    assert same_weights(registry.fetch("evolving").network, make_model("x", seed=2)[0])
    fake_hub.stop()
    offline = hub_registry().fetch("evolving")
    assert offline.source == "cache"
    assert same_weights(offline.network, make_model("x", seed=2)[0])
