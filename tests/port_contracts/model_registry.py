"""Contract of `ModelRegistry`: subclass `ModelRegistryContract` and provide `registry` (empty, writable).

Model files for the tests are written with the real codec into `tmp_path / "work"`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from hippo.adapters.model_files import save_model
from hippo.domain.errors import InvalidModelNameError, ModelFileError, ModelNotFoundError
from hippo.domain.model_catalog import ModelFiles
from hippo.domain.model_metadata import EpochRecord, ModelMetadata
from hippo.domain.network import Network
from hippo.ports.model_registry import ModelRegistry


def make_model(
    name: str, sizes=(784, 16, 10), accuracy: float | None = 0.9512, seed: int = 0, activation: str = "relu"
) -> tuple[Network, ModelMetadata]:
    rng = np.random.default_rng(seed)
    weights = [(rng.standard_normal((o, i)) * 0.1).astype(np.float32) for i, o in itertools.pairwise(sizes)]
    biases = [(rng.standard_normal(o) * 0.1).astype(np.float32) for o in sizes[1:]]
    network = Network(sizes, activation, "softmax", weights, biases)
    metadata = ModelMetadata(
        name=name,
        sizes=tuple(sizes),
        activation=activation,
        output="softmax",
        dtype="float32",
        test_accuracy=accuracy,
        created=f"2026-11-29T10:{seed % 60:02d}:00Z",
        training={"epochs": 1, "learning_rate": 0.1},
        history=(EpochRecord(1, 0.5, accuracy or 0.5, 1.0),),
        seed=seed,
    )
    return network, metadata


def write_model(directory: Path, name: str, *, curves: bool = False, **kwargs) -> ModelFiles:
    network, metadata = make_model(name, **kwargs)
    weights, _ = save_model(directory, network, metadata)
    if curves:
        weights.with_suffix(".png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return ModelFiles.beside(weights)


def same_weights(a: Network, b: Network) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True)) and all(
        np.array_equal(x.reshape(-1), y.reshape(-1)) for x, y in zip(a.biases, b.biases, strict=True)
    )


class ModelRegistryContract:
    def test_published_model_is_listed_with_its_metadata(
        self, registry: ModelRegistry, tmp_path: Path
    ) -> None:
        files = write_model(tmp_path / "work", "mnist-relu-16", accuracy=0.9512)
        registry.publish(files)
        [summary] = [s for s in registry.list_models() if s.name == "mnist-relu-16"]
        assert summary.sizes == (784, 16, 10)
        assert summary.activation == "relu"
        assert summary.output == "softmax"
        assert summary.accuracy == pytest.approx(0.9512)
        assert summary.created == "2026-11-29T10:00:00Z"
        assert summary.size_bytes == files.weights.stat().st_size

    def test_published_model_fetches_back_with_the_same_weights(
        self, registry: ModelRegistry, tmp_path: Path
    ) -> None:
        files = write_model(tmp_path / "work", "m1", seed=3)
        network, metadata = make_model("m1", seed=3)
        registry.publish(files)
        loaded = registry.fetch("m1")
        assert loaded.name == "m1"
        assert loaded.metadata.sizes == metadata.sizes
        assert loaded.metadata.test_accuracy == pytest.approx(metadata.test_accuracy)
        assert loaded.network.sizes == network.sizes
        assert same_weights(loaded.network, network)

    def test_unknown_model_is_reported_by_name(self, registry: ModelRegistry) -> None:
        with pytest.raises(ModelNotFoundError, match="no-such-model"):
            registry.fetch("no-such-model")

    @pytest.mark.parametrize("name", ["../etc/passwd", "a/b", "", ".hidden", "x.npz", "a b", "m\\x", "-x"])
    def test_unsafe_names_are_refused(self, registry: ModelRegistry, name: str) -> None:
        with pytest.raises(InvalidModelNameError):
            registry.fetch(name)

    def test_listing_is_sorted_by_name(self, registry: ModelRegistry, tmp_path: Path) -> None:
        for name in ("b-model", "a-model", "c.model_2"):
            registry.publish(write_model(tmp_path / "work", name))
        names = [s.name for s in registry.list_models()]
        assert [n for n in names if n in {"a-model", "b-model", "c.model_2"}] == [
            "a-model",
            "b-model",
            "c.model_2",
        ]
        assert names == sorted(names)

    def test_verify_passes_after_publish_and_catches_a_changed_local_file(
        self, registry: ModelRegistry, tmp_path: Path
    ) -> None:
        files = write_model(tmp_path / "work", "checked", curves=True)
        registry.publish(files)
        verification = registry.verify(files)
        assert verification.ok, verification.problems
        assert {f.name for f in verification.checked} == {"checked.npz", "checked.json", "checked.png"}
        data = files.weights.read_bytes()
        files.weights.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
        assert not registry.verify(files).ok

    def test_verify_of_a_model_never_published_fails(self, registry: ModelRegistry, tmp_path: Path) -> None:
        verification = registry.verify(write_model(tmp_path / "work", "never-sent"))
        assert not verification.ok
        assert any("never-sent" in problem for problem in verification.problems)

    def test_republishing_a_name_replaces_the_model(self, registry: ModelRegistry, tmp_path: Path) -> None:
        registry.publish(write_model(tmp_path / "v1", "same", seed=1, accuracy=0.9))
        registry.publish(write_model(tmp_path / "v2", "same", seed=2, accuracy=0.95))
        loaded = registry.fetch("same")
        assert same_weights(loaded.network, make_model("same", seed=2)[0])
        assert loaded.metadata.test_accuracy == pytest.approx(0.95)

    def test_publish_refuses_files_that_do_not_load(self, registry: ModelRegistry, tmp_path: Path) -> None:
        files = write_model(tmp_path / "work", "broken")
        files.weights.write_bytes(files.weights.read_bytes()[:100])
        with pytest.raises(ModelFileError):
            registry.publish(files)
        assert "broken" not in [s.name for s in registry.list_models()]
