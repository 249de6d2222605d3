import json

import pytest

from hippo.domain.errors import InvalidArgumentError, ModelFileError, PublishVerificationError
from hippo.services.publish_service import PublishService
from tests.fakes import InMemoryModelRegistry
from tests.port_contracts.model_registry import write_model


def test_upload_verifies_then_deletes_the_local_files(tmp_path):
    registry = InMemoryModelRegistry()
    files = write_model(tmp_path, "fresh", curves=True)
    steps = []
    result = PublishService(registry).upload(files.weights, progress=steps.append)
    assert result.verification.ok
    assert set(result.deleted) == set(files.paths)
    assert not any(path.exists() for path in files.paths)
    assert registry.fetch("fresh").name == "fresh"
    assert any(step.startswith("verifying") for step in steps)


def test_keep_local_keeps_the_files(tmp_path):
    files = write_model(tmp_path, "kept")
    result = PublishService(InMemoryModelRegistry()).upload(files.weights, keep_local=True)
    assert result.deleted == ()
    assert all(path.exists() for path in files.paths)


def test_a_failed_verification_keeps_the_local_files(tmp_path):
    registry = InMemoryModelRegistry()
    registry.tamper = lambda name, data: data[:-1] if name.endswith(".npz") else data
    files = write_model(tmp_path, "mangled")
    with pytest.raises(PublishVerificationError, match=r"mangled\.npz") as error:
        PublishService(registry).upload(files.weights)
    assert "local files are kept" in str(error.value)
    assert all(path.exists() for path in files.paths)


def test_a_registry_failure_keeps_the_local_files(tmp_path):
    registry = InMemoryModelRegistry()
    registry.available = False
    files = write_model(tmp_path, "stranded")
    with pytest.raises(Exception, match="switched off"):
        PublishService(registry).upload(files.weights)
    assert all(path.exists() for path in files.paths)


def test_a_given_accuracy_that_disagrees_with_the_measured_one_draws_a_warning(tmp_path):
    files = write_model(tmp_path, "claimed", accuracy=0.9791)
    service = PublishService(InMemoryModelRegistry())
    _, warnings = service.prepare(files.weights, accuracy_percent=97.9)
    assert warnings == []
    _, warnings = service.prepare(files.weights, accuracy_percent=99.5)
    assert len(warnings) == 1
    assert "99.5" in warnings[0]
    assert "97.91" in warnings[0]


def test_accuracy_is_taken_from_the_json_when_not_given(tmp_path):
    files = write_model(tmp_path, "measured", accuracy=None)
    prepared, warnings = PublishService(InMemoryModelRegistry()).prepare(files.weights)
    assert prepared.claimed_accuracy is None
    assert "no test accuracy" in warnings[0]
    prepared, _ = PublishService(InMemoryModelRegistry()).prepare(files.weights, accuracy_percent=90.0)
    assert prepared.claimed_accuracy == pytest.approx(0.9)


@pytest.mark.parametrize("acc", [-1.0, 100.5])
def test_out_of_range_accuracy_is_refused(tmp_path, acc):
    files = write_model(tmp_path, "m")
    with pytest.raises(InvalidArgumentError, match="ACC"):
        PublishService(InMemoryModelRegistry()).prepare(files.weights, accuracy_percent=acc)


def test_bad_paths_are_refused_clearly(tmp_path):
    service = PublishService(InMemoryModelRegistry())
    with pytest.raises(InvalidArgumentError, match="no such file"):
        service.prepare(tmp_path / "missing.npz")
    with pytest.raises(InvalidArgumentError, match=r"\.npz"):
        service.prepare(tmp_path / "model.json")
    files = write_model(tmp_path, "no-json")
    files.metadata.unlink()
    with pytest.raises(ModelFileError, match=r"no-json\.json"):
        service.prepare(files.weights)
    files = write_model(tmp_path, "bad-json")
    files.metadata.write_text(json.dumps([1, 2]))
    with pytest.raises(ModelFileError, match=r"bad-json\.json"):
        service.prepare(files.weights)
