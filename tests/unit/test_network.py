"""Network: construction, initialisation, inference API and its validation."""

import numpy as np
import pytest

from hippo.domain import InvalidArgumentError, Network

pytestmark = pytest.mark.usefixtures("warm_jit")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_create_gives_the_documented_shapes_and_dtype():
    network = Network.create([784, 100, 10])
    assert network.sizes == (784, 100, 10)
    assert (network.activation, network.output, network.dtype) == ("relu", "softmax", np.float32)
    assert [w.shape for w in network.weights] == [(100, 784), (10, 100)]
    assert [b.shape for b in network.biases] == [(100,), (10,)]
    assert network.parameter_count == 784 * 100 + 100 + 100 * 10 + 10
    assert "784, 100, 10" in repr(network)


def test_the_same_seed_gives_identical_weights_and_another_seed_different_ones():
    a, b, c = (Network.create([30, 20, 5], seed=s) for s in (4, 4, 5))
    for wa, wb, wc in zip(a.weights, b.weights, c.weights, strict=True):
        np.testing.assert_array_equal(wa, wb)
        assert not np.array_equal(wa, wc)


def test_initialisations_have_the_documented_scales():
    he = Network.create([400, 300, 10], "relu", seed=0, dtype=np.float64)
    assert he.weights[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not he.biases[0].any()
    xavier = Network.create([400, 300, 10], "tanh", seed=0, dtype=np.float64)
    bound = np.sqrt(6 / 700)
    assert np.abs(xavier.weights[0]).max() <= bound
    assert xavier.weights[0].std() == pytest.approx(bound / np.sqrt(3), rel=0.02)
    classic = Network.create([400, 300, 10], "sigmoid", "classic", init="classic", seed=0)
    assert classic.weights[0].std() == pytest.approx(1.0, rel=0.02)
    assert classic.biases[0].std() == pytest.approx(1.0, rel=0.2)


def test_parameters_are_read_only_and_constructor_copies():
    weights = [np.ones((3, 2)), np.ones((2, 3))]
    network = Network([2, 3, 2], "relu", "softmax", weights, [np.zeros(3), np.zeros(2)])
    weights[0][0, 0] = 7.0
    assert network.weights[0][0, 0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        network.weights[0][0, 0] = 2.0


def test_a_classic_float64_network_computes_sigmoid_on_every_layer_like_the_earlier_service():
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal((30, 784)), rng.standard_normal((10, 30))]
    biases = [rng.standard_normal(30), rng.standard_normal(10)]
    network = Network([784, 30, 10], "sigmoid", "classic", weights, biases)
    assert network.dtype == np.float64
    x = rng.random((5, 784))
    expected = x.T
    for w, b in zip(weights, biases, strict=True):
        expected = _sigmoid(w @ expected + b[:, None])
    np.testing.assert_allclose(network.forward(x), expected.T, rtol=1e-12)
    np.testing.assert_array_equal(network.predict(x), np.argmax(expected, axis=0))
    assert np.array_equal(np.argmax(network.probabilities(x), axis=1), network.predict(x))


def test_single_inputs_and_batches_agree():
    network = Network.create([6, 5, 3], "tanh", seed=1)
    x = np.random.default_rng(1).random((4, 6))
    batch = network.forward(x)
    assert network.forward(x[2]).shape == (3,)
    np.testing.assert_allclose(network.forward(x[2]), batch[2], rtol=1e-5)
    assert isinstance(network.predict(x[2]), int)
    assert network.predict(x).dtype == np.int64
    layers = network.activations(x[0])
    assert [a.shape for a in layers] == [(6,), (5,), (3,)]
    np.testing.assert_allclose(layers[-1], batch[0], rtol=1e-5)
    assert network.forward(np.zeros((0, 6))).shape == (0, 3)


def test_accuracy_and_evaluate():
    network = Network.create([4, 3], seed=0, dtype=np.float64)
    x = np.random.default_rng(2).random((20, 4))
    predicted = network.predict(x)
    assert network.accuracy(x, predicted) == 1.0
    assert network.accuracy(x, (predicted + 1) % 3) == 0.0
    loss, accuracy = network.evaluate(x, predicted)
    p = network.forward(x)
    assert loss == pytest.approx(-np.log(p[np.arange(20), predicted]).mean())
    assert accuracy == 1.0


def test_astype_converts_and_keeps_outputs_close():
    network = Network.create([8, 4, 2], "sigmoid", seed=3)
    wide = network.astype(np.float64)
    assert wide.dtype == np.float64
    x = np.random.default_rng(3).random((3, 8))
    np.testing.assert_allclose(wide.forward(x), network.forward(x), rtol=1e-5)
    with pytest.raises(InvalidArgumentError, match="float32 or float64"):
        network.astype(np.int32)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [784]}, "at least 2 layers"),
        ({"sizes": [784, 0, 10]}, "integer >= 1"),
        ({"sizes": [784, 2.5, 10]}, "integer >= 1"),
        ({"sizes": 5}, "sequence"),
        ({"activation": "softplus"}, "unknown activation 'softplus'"),
        ({"output": "linear"}, "unknown output 'linear'"),
        ({"init": "zeros"}, "unknown init"),
        ({"dtype": np.float16}, "float32 or float64"),
        ({"seed": -1}, "seed"),
    ],
)
def test_create_rejects_bad_arguments(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        Network.create(**{"sizes": [784, 10], **kwargs})


def _params():
    return [np.zeros((3, 2)), np.zeros((2, 3))], [np.zeros(3), np.zeros(2)]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda w, b: w.pop(), "need 2 weight matrices"),
        (lambda w, b: w.__setitem__(0, np.zeros((2, 3))), r"weights\[0\] must have shape \(3, 2\)"),
        (lambda w, b: b.__setitem__(1, np.zeros((2, 1))), r"biases\[1\] must have shape \(2,\)"),
        (lambda w, b: w[1].__setitem__((0, 0), np.nan), r"weights\[1\] contains NaN"),
        (lambda w, b: b.__setitem__(0, np.full(3, np.inf)), r"biases\[0\] contains NaN or infinite"),
        (lambda w, b: w.__setitem__(0, np.zeros((3, 2), np.float32)), "share one dtype"),
        (
            lambda w, b: (
                w.__setitem__(slice(None), [np.zeros((3, 2), int), np.zeros((2, 3), int)]),
                b.__setitem__(slice(None), [np.zeros(3, int), np.zeros(2, int)]),
            ),
            "float32 or float64",
        ),
    ],
)
def test_constructor_validates_parameters(mutate, message):
    weights, biases = _params()
    mutate(weights, biases)
    with pytest.raises(InvalidArgumentError, match=message):
        Network([2, 3, 2], "relu", "softmax", weights, biases)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros(5), r"shape \(4,\) or \(n, 4\)"),
        (np.zeros((2, 3)), r"got \(2, 3\)"),
        (np.zeros((1, 2, 4)), "shape"),
        (np.array([1.0, np.nan, 0.0, 0.0]), "NaN or infinite"),
        (np.array([[1.0, np.inf, 0.0, 0.0]]), "NaN or infinite"),
        (np.array(["a", "b", "c", "d"]), "real numbers"),
    ],
)
def test_inference_rejects_bad_inputs(x, message):
    network = Network.create([4, 3, 2])
    for method in (network.forward, network.probabilities, network.activations, network.predict):
        with pytest.raises(InvalidArgumentError, match=message):
            method(x)


def test_integer_pixels_are_accepted_and_labels_are_validated():
    network = Network.create([4, 2])
    np.testing.assert_allclose(
        network.forward(np.array([0, 255, 3, 1], dtype=np.uint8)),
        network.forward(np.array([0.0, 255.0, 3.0, 1.0])),
        rtol=1e-6,
    )
    x = np.zeros((2, 4))
    with pytest.raises(InvalidArgumentError, match=r"must be in 0\.\.1, found 2"):
        network.accuracy(x, [0, 2])
    with pytest.raises(InvalidArgumentError, match=r"shape \(2,\)"):
        network.accuracy(x, [0, 1, 1])
    with pytest.raises(InvalidArgumentError, match="whole numbers"):
        network.accuracy(x, [0.5, 1])
