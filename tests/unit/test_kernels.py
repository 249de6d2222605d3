"""The compiled kernels against the NumPy oracle, finite differences, and the kernels run as Python."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hippo.domain import Network, Trainer, TrainingConfig, kernels
from hippo.domain.network import layout
from tests import reference_mlp as ref
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.usefixtures("warm_jit")

TOL = {np.float32: {"rtol": 2e-4, "atol": 2e-5}, np.float64: {"rtol": 1e-9, "atol": 1e-11}}


@st.composite
def problems(draw, max_layers=4, max_width=12, max_rows=9):
    """A random small network (any activation, output and dtype) and a batch with labels."""
    depth = draw(st.integers(2, max_layers))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=depth, max_size=depth))
    sizes[-1] = max(sizes[-1], 2)
    activation = draw(st.sampled_from(["sigmoid", "relu", "tanh"]))
    output = draw(st.sampled_from(["softmax", "classic"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    n = draw(st.integers(1, max_rows))
    rng = np.random.default_rng(seed)
    network = Network.create(sizes, activation, output, init="xavier", seed=seed, dtype=dtype)
    x = rng.uniform(-2, 2, (n, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], n)
    return network, x, labels


def _lists(network):
    return [w.copy() for w in network.weights], [b.copy() for b in network.biases]


@given(problems())
def test_forward_and_activations_equal_the_reference(problem):
    network, x, _ = problem
    layers, z = ref.forward(*_lists(network), network.activation, network.output, x)
    got = network.activations(x)
    assert len(got) == len(layers)
    for mine, theirs in zip(got, layers, strict=True):
        assert mine.dtype == network.dtype
        np.testing.assert_allclose(mine, theirs, **TOL[network.dtype.type])
    np.testing.assert_allclose(network.forward(x), layers[-1], **TOL[network.dtype.type])
    np.testing.assert_allclose(network.probabilities(x), ref.softmax(z), **TOL[network.dtype.type])


@given(problems())
def test_probabilities_are_distributions_and_agree_with_forward(problem):
    network, x, _ = problem
    p = network.probabilities(x)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5 if network.dtype == np.float32 else 1e-12)
    if network.output == "softmax":
        np.testing.assert_array_equal(p, network.forward(x))


@given(problems())
def test_numpy_inference_agrees_with_the_compiled_forward_pass_of_the_training_kernels(problem):
    network, x, _ = problem
    sizes = np.array(network.sizes)
    act = kernels.ACTIVATION_CODES[network.activation]
    mode = kernels.OUT_SOFTMAX if network.output == "softmax" else kernels.OUT_ACTIVATION
    compiled = kernels.feed_forward(network.parameters, sizes, act, mode, x)
    np.testing.assert_allclose(
        np.concatenate(network.activations(x)[1:], axis=1), compiled, **TOL[network.dtype.type]
    )
    np.testing.assert_array_equal(layout(network.sizes), kernels.layout(network.sizes))


@given(problems(), st.integers(1, 4), st.sampled_from([0.0, 0.5, 0.9]), st.sampled_from([0.0, 1e-2]))
def test_an_epoch_of_sgd_equals_the_reference(problem, batch_size, momentum, decay):
    network, x, labels = problem
    config = TrainingConfig(
        epochs=1, batch_size=batch_size, learning_rate=0.1, momentum=momentum, weight_decay=decay, seed=3
    )
    trained = Trainer(config).fit(network, x, labels).network
    weights, biases = _lists(network)
    vel_w = [np.zeros_like(w) for w in weights]
    vel_b = [np.zeros_like(b) for b in biases]
    order = np.random.default_rng(3).permutation(x.shape[0])
    ref.sgd_epoch(
        weights,
        biases,
        vel_w,
        vel_b,
        network.activation,
        network.output,
        x,
        labels,
        order,
        batch_size,
        0.1,
        momentum,
        decay,
    )
    tol = {"rtol": 2e-3, "atol": 2e-4} if network.dtype == np.float32 else TOL[np.float64]
    for mine, theirs in zip(trained.weights + trained.biases, weights + biases, strict=True):
        np.testing.assert_allclose(mine, theirs, **tol)


def _kernel_gradient(network, x, labels):
    """The kernel's batch gradient, read off one plain SGD step with learning rate 1."""
    theta = network.parameters.copy()
    kernels.train_batches(
        theta,
        np.zeros_like(theta),
        np.array(network.sizes),
        kernels.ACTIVATION_CODES[network.activation],
        network.output == "classic",
        x,
        labels,
        np.arange(x.shape[0]),
        x.shape[0],
        0,
        1,
        1.0,
        0.0,
        0.0,
        1,
        0,
    )
    return network.parameters - theta


@given(problems(max_layers=3, max_width=6, max_rows=5))
def test_backprop_gradient_matches_central_finite_differences(problem):
    network, x, labels = problem
    network = network.astype(np.float64)
    x = x.astype(np.float64)
    # keep relu away from its kink: a hidden pre-activation z = W a + b within reach of the finite-difference
    # step (including z == 0 exactly, e.g. zero weights) has no derivative for the two sides to agree on
    # (a classic output layer applies relu too)
    if network.activation == "relu":
        a = x
        layers = len(network.weights) if network.output == "classic" else len(network.weights) - 1
        for w, b in zip(network.weights[:layers], network.biases[:layers], strict=True):
            z = a @ w.T + b
            assume(np.min(np.abs(z)) > 1e-3)
            a = np.maximum(z, 0.0)
    grad = _kernel_gradient(network, x, labels)
    theta = network.parameters
    eps = 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.shape[0]):
        plus, minus = theta.copy(), theta.copy()
        plus[k] += eps
        minus[k] -= eps
        loss_plus = Network._from_flat(network.sizes, network.activation, network.output, plus).evaluate(
            x, labels
        )[0]
        loss_minus = Network._from_flat(network.sizes, network.activation, network.output, minus).evaluate(
            x, labels
        )[0]
        numeric[k] = (loss_plus - loss_minus) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-7)


def test_the_kernel_gradient_matches_the_reference_gradient():
    network = Network.create([5, 4, 3], "tanh", "softmax", seed=2, dtype=np.float64)
    x = np.random.default_rng(0).uniform(-1, 1, (6, 5))
    labels = np.array([0, 1, 2, 2, 1, 0])
    _, gw, gb = ref.loss_and_gradients(*_lists(network), "tanh", "softmax", x, labels)
    grad = Network._from_flat(network.sizes, "tanh", "softmax", _kernel_gradient(network, x, labels))
    for mine, theirs in zip(grad.weights + grad.biases, gw + gb, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


SCRIPT = """
import json, numpy as np
from hippo.domain import Network, Trainer, TrainingConfig
rng = np.random.default_rng(0)
x = rng.random((12, 6)); y = rng.integers(0, 3, 12)
out = {}
for output in ("softmax", "classic"):
    net = Network.create([6, 5, 4, 3], "relu" if output == "softmax" else "sigmoid", output, seed=1,
                         dtype=np.float64)
    res = Trainer(TrainingConfig(epochs=2, batch_size=5, learning_rate=0.1, weight_decay=0.01),
                  threads=2, parallel_min_work=0).fit(net, x, y, validation=(x, y))
    out[output] = {"probabilities": net.probabilities(x).tolist(),
                   "trained": res.network.parameters.tolist(),
                   "loss": [r.train_loss for r in res.history]}
print(json.dumps(out))
"""


def test_kernels_run_as_plain_python_with_numba_disabled_and_agree_with_the_compiled_ones():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    python = json.loads(run.stdout)
    compiled = {}
    exec(SCRIPT.replace("print(json.dumps(out))", ""), compiled)
    for output in ("softmax", "classic"):
        for key in ("probabilities", "trained", "loss"):
            np.testing.assert_allclose(
                python[output][key], compiled["out"][output][key], rtol=1e-9, atol=1e-12
            )
