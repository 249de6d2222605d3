import io
import itertools
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from hippo.adapters.model_files import (
    current_umask,
    decode_npz,
    encode_npz,
    model_paths,
    read_metadata,
    read_parameters,
    save_model,
)
from hippo.domain.errors import InvalidArgumentError, ModelFileError
from hippo.domain.model_metadata import EpochRecord, ModelMetadata

DATA = Path(__file__).resolve().parent.parent / "data"
LEGACY_NPZ = DATA / "orig-sigmoid-30.npz"


@dataclass
class Params:
    sizes: tuple[int, ...]
    activation: str
    output: str
    weights: list[np.ndarray]
    biases: list[np.ndarray]


def make_params(sizes=(784, 16, 10), dtype=np.float32, activation="relu", output="softmax", seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((o, i)).astype(dtype) for i, o in itertools.pairwise(sizes)]
    biases = [rng.standard_normal(o).astype(dtype) for o in sizes[1:]]
    return Params(tuple(sizes), activation, output, weights, biases)


def metadata_for(params, name="m"):
    return ModelMetadata(
        name=name,
        sizes=params.sizes,
        activation=params.activation,
        output=params.output,
        dtype=params.weights[0].dtype.name,
        test_accuracy=0.9791,
        created="2026-11-29T10:15:00Z",
        training={"epochs": 2, "learning_rate": 0.05},
        history=(EpochRecord(1, 0.3, 0.95, 1.5, 0.2), EpochRecord(2, 0.2, 0.9791, 1.4)),
        seed=7,
        data_digests={"t10k-images-idx3-ubyte": "0f"},
        hippo_version="0.1.0",
        wall_time_seconds=3.25,
        command="hippo train --epochs 2",
        interrupted=True,
    )


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_keeps_every_parameter_bit_for_bit(tmp_path, dtype):
    params = make_params(dtype=dtype)
    npz, js = save_model(tmp_path, params, metadata_for(params))
    assert (npz.name, js.name) == ("m.npz", "m.json")
    loaded = read_parameters(npz)
    assert loaded.sizes == params.sizes
    assert (loaded.activation, loaded.output, loaded.dtype, loaded.format_version) == (
        "relu",
        "softmax",
        dtype,
        1,
    )
    for a, b in zip(loaded.weights + loaded.biases, params.weights + params.biases, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert read_metadata(js) == metadata_for(params)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz"]  # no temp files left


def test_written_layout_is_the_earlier_services_plus_hippos_keys(tmp_path):
    params = make_params(sizes=(784, 20, 12, 10), activation="tanh")
    with np.load(io.BytesIO(encode_npz(params)), allow_pickle=False) as z:
        assert sorted(z.files) == sorted(
            ["sizes", "activation", "num_layers", "output", "dtype", "format_version"]
            + [f"{k}_{i}" for i in range(3) for k in ("weight", "bias")]
        )
        assert z["sizes"].dtype == np.int64
        assert z["sizes"].tolist() == [784, 20, 12, 10]
        assert z["activation"].dtype.kind == "U"
        assert z["activation"].shape == ()
        assert str(z["activation"]) == "tanh"
        assert int(z["num_layers"]) == 4
        assert z["num_layers"].dtype == np.int64
        assert z["weight_1"].shape == (12, 20)
        assert z["bias_1"].shape == (12,)


def test_json_is_readable_by_old_tools_too(tmp_path):
    params = make_params()
    _, js = save_model(tmp_path, params, metadata_for(params))
    data = json.loads(js.read_text())
    assert data["final_accuracy"] == 97.91
    assert data["training_config"] == {"epochs": 2, "learning_rate": 0.05}
    assert data["interrupted"] is True
    assert data["command"] == "hippo train --epochs 2"


def test_legacy_file_reads_as_a_classic_float64_network():
    params = read_parameters(LEGACY_NPZ)
    assert params.sizes == (784, 30, 10)
    assert (params.activation, params.output, params.dtype, params.format_version) == (
        "sigmoid", "classic", np.float64, 0,
    )  # fmt: skip
    with np.load(LEGACY_NPZ, allow_pickle=False) as raw:
        np.testing.assert_array_equal(params.weights[0], raw["weight_0"])
        np.testing.assert_array_equal(params.biases[1], raw["bias_1"][:, 0])
        assert raw["bias_1"].shape == (10, 1)


def test_legacy_metadata():
    meta = read_metadata(DATA / "orig-sigmoid-30.json")
    assert meta.name == "orig-sigmoid-30"
    assert meta.sizes == (784, 30, 10)
    assert (meta.activation, meta.output, meta.seed) == ("sigmoid", "classic", 7)
    assert meta.test_accuracy_percent == 92.91
    assert meta.training["mini_batch_size"] == 10


def good_arrays(**changes):
    params = make_params(sizes=(784, 4, 10))
    arrays = {
        "sizes": np.array([784, 4, 10]),
        "activation": np.array("relu"),
        "num_layers": np.array(3),
        "weight_0": params.weights[0],
        "bias_0": params.biases[0],
        "weight_1": params.weights[1],
        "bias_1": params.biases[1],
    }
    arrays.update(changes)
    return {k: v for k, v in arrays.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sizes": None}, "'sizes' is missing"),
        ({"sizes": np.array([784.0, 4, 10])}, "1-D integer array"),
        ({"sizes": np.array([784, 0, 10])}, "every layer size"),
        ({"num_layers": np.array(2)}, "'num_layers' is"),
        ({"activation": None}, "'activation' is missing"),
        ({"activation": np.array("gelu")}, "unknown activation 'gelu'"),
        ({"activation": np.array(["relu"])}, "must be a text scalar"),
        ({"output": np.array("linear")}, "unknown output 'linear'"),
        ({"weight_1": None}, "'weight_1' is missing"),
        ({"weight_0": np.zeros((4, 783), np.float32)}, r"weight_0 has shape \(4, 783\), expected \(4, 784\)"),
        ({"weight_0": np.zeros((4, 784), np.int32)}, "weight_0 has dtype int32"),
        ({"bias_0": np.zeros(5, np.float32)}, r"bias_0 has shape \(5,\)"),
        ({"bias_0": np.zeros(4, np.float64)}, "bias_0 has dtype float64 but weight_0 has float32"),
        ({"bias_1": np.full(10, np.nan, np.float32)}, "layer 1 holds NaN or infinite"),
        ({"weight_1": np.full((10, 4), np.inf, np.float64), "bias_1": np.zeros(10)}, "layers mix dtypes|NaN"),
        ({"weight_2": np.zeros((1, 1), np.float32)}, r"keys \['weight_2'\] do not belong"),
        ({"dtype": np.array("float64")}, "'dtype' says float64"),
        ({"format_version": np.array(99)}, "format 99, this Hippo reads up to 1"),
    ],
)
def test_inconsistent_content_is_refused_with_a_clear_message(changes, message):
    with pytest.raises(ModelFileError, match=message):
        decode_npz(npz_bytes(**good_arrays(**changes)), "f.npz")


def test_good_arrays_are_accepted():
    assert decode_npz(npz_bytes(**good_arrays()), "f.npz").sizes == (784, 4, 10)


def test_pickled_objects_are_never_loaded():
    with pytest.raises(ModelFileError, match=r"f\.npz: not a readable \.npz"):
        decode_npz(npz_bytes(**good_arrays(activation=np.array({"x": 1}, dtype=object))), "f.npz")


def test_truncated_and_garbage_files(tmp_path):
    data = encode_npz(make_params())
    for cut in (10, len(data) // 2, len(data) - 30):
        (tmp_path / "t.npz").write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=r"t\.npz: not a readable \.npz archive"):
            read_parameters(tmp_path / "t.npz")
    (tmp_path / "g.npz").write_bytes(b"hello")
    with pytest.raises(ModelFileError, match=r"g\.npz: not a readable"):
        read_parameters(tmp_path / "g.npz")
    with pytest.raises(ModelFileError, match="cannot read the model file"):
        read_parameters(tmp_path / "missing.npz")


def test_corrupted_member_is_detected(tmp_path):
    data = bytearray(npz_bytes(**good_arrays()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("weight_0.npy")
    start = info.header_offset + 30 + len(info.filename) + 200
    data[start : start + 16] = b"\x00" * 16
    with pytest.raises(ModelFileError, match="not a readable"):
        decode_npz(bytes(data), "c.npz")


def test_bad_metadata_files(tmp_path):
    (tmp_path / "a.json").write_text('{"name": "a", "sizes": [784, 10')
    with pytest.raises(ModelFileError, match=r"a\.json: not valid JSON"):
        read_metadata(tmp_path / "a.json")
    (tmp_path / "b.json").write_text('{"name": "b", "sizes": [784], "activation": "relu"}')
    with pytest.raises(ModelFileError, match=r"b\.json: sizes must list at least 2 layers"):
        read_metadata(tmp_path / "b.json")
    (tmp_path / "c.json").write_text("[1, 2]")
    with pytest.raises(ModelFileError, match="must be a JSON object"):
        read_metadata(tmp_path / "c.json")
    with pytest.raises(ModelFileError, match="cannot read the metadata"):
        read_metadata(tmp_path / "none.json")


def test_names_must_be_plain_file_stems(tmp_path):
    for bad in ("", "../x", "a/b", ".hidden", " x"):
        with pytest.raises(InvalidArgumentError, match="plain file stem"):
            model_paths(tmp_path, bad)
    params = make_params()
    with pytest.raises(InvalidArgumentError, match="metadata sizes"):
        save_model(tmp_path, params, ModelMetadata(name="x", sizes=(784, 10), activation="relu"))


def test_a_failed_write_leaves_the_previous_model_intact(tmp_path, monkeypatch):
    params = make_params()
    save_model(tmp_path, params, metadata_for(params))
    before = (tmp_path / "m.npz").read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_model(tmp_path, make_params(seed=1), metadata_for(params))
    assert (tmp_path / "m.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz"]


def test_metadata_non_finite_history_is_written_as_null(tmp_path):
    meta = ModelMetadata(
        name="n", sizes=(2, 2), activation="relu", history=(EpochRecord(1, float("nan"), 0.1, 1.0),)
    )
    assert meta.to_dict()["history"][0]["train_loss"] is None
    with pytest.raises(InvalidArgumentError, match="test_accuracy"):
        ModelMetadata(name="n", sizes=(2, 2), activation="relu", test_accuracy=97.0)
    back = ModelMetadata.from_dict(meta.to_dict())
    assert np.isnan(back.history[0].train_loss)


def earlier_service_forward(npz_path, x):
    """What the earlier Hippo computed: a = sigmoid(W a + b) layer by layer, column vectors, float64."""
    with np.load(npz_path, allow_pickle=False) as raw:
        a = np.asarray(x, dtype=np.float64).T
        for i in range(int(raw["num_layers"]) - 1):
            a = 1.0 / (1.0 + np.exp(-(raw[f"weight_{i}"] @ a + raw[f"bias_{i}"])))
    return a.T


def test_legacy_file_computes_exactly_what_the_earlier_service_did():
    from hippo.adapters.mnist_samples import PackagedMnistSamples
    from hippo.adapters.model_files import load_network

    network = load_network(LEGACY_NPZ)
    assert (network.output, network.activation, network.dtype) == ("classic", "sigmoid", np.float64)
    x = PackagedMnistSamples().samples().images
    expected = earlier_service_forward(LEGACY_NPZ, x)
    np.testing.assert_allclose(network.forward(x), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(network.predict(x), expected.argmax(axis=1))


def test_saved_files_get_the_usual_permissions(tmp_path):
    params = make_params()
    npz, js = save_model(tmp_path, params, metadata_for(params))
    expected = 0o666 & ~current_umask()
    assert npz.stat().st_mode & 0o777 == expected
    assert js.stat().st_mode & 0o777 == expected
