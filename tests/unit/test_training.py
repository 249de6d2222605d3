"""Trainer and TrainingConfig: learning, reproducibility, stopping, validation of arguments."""

import numpy as np
import pytest

from hippo.domain import (
    EpochReport,
    InvalidArgumentError,
    Network,
    Trainer,
    TrainingConfig,
    TrainingDivergedError,
)

pytestmark = pytest.mark.usefixtures("warm_jit")


def toy_problem(n=600, features=10, classes=3, seed=0, dtype=np.float32):
    """A learnable problem: the label is the argmax of a fixed linear map of the input."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, features)).astype(dtype)
    labels = np.argmax(x @ rng.standard_normal((features, classes)), axis=1)
    return x, labels


@pytest.mark.parametrize(
    ("activation", "output", "config"),
    [
        ("relu", "softmax", TrainingConfig(epochs=8, batch_size=16, learning_rate=0.05)),
        ("tanh", "softmax", TrainingConfig(epochs=8, batch_size=7, learning_rate=0.05, lr_decay=0.9)),
        ("sigmoid", "classic", TrainingConfig(epochs=8, batch_size=10, learning_rate=3.0)),
    ],
)
def test_loss_decreases_and_accuracy_rises_on_a_learnable_problem(activation, output, config):
    x, labels = toy_problem()
    network = Network.create([10, 16, 3], activation, output, seed=1)
    before = network.evaluate(x[:200], labels[:200])
    reports = []
    result = Trainer(config).fit(
        network, x[200:], labels[200:], validation=(x[:200], labels[:200]), on_epoch=reports.append
    )
    assert reports == result.history
    assert [r.epoch for r in result.history] == list(range(1, 9))
    assert result.history[-1].train_loss < result.history[0].train_loss
    assert result.history[-1].validation_loss < before[0]
    assert result.history[-1].validation_accuracy > max(0.85, before[1])
    assert result.network.evaluate(x[:200], labels[:200]) == pytest.approx(
        (result.history[-1].validation_loss, result.history[-1].validation_accuracy)
    )
    assert result.history[1].learning_rate == pytest.approx(config.learning_rate * config.lr_decay)
    assert all(r.seconds >= 0 for r in result.history)
    assert not result.interrupted


def test_the_same_seed_gives_bit_identical_training_and_another_seed_does_not():
    x, labels = toy_problem(n=300)
    network = Network.create([10, 12, 8, 3], seed=5)

    def run(seed):
        return Trainer(TrainingConfig(epochs=3, batch_size=8, learning_rate=0.05, seed=seed)).fit(
            network, x, labels
        )

    a, b, c = run(1), run(1), run(2)
    np.testing.assert_array_equal(a.network.parameters, b.network.parameters)
    assert [r.train_loss for r in a.history] == [r.train_loss for r in b.history]
    assert not np.array_equal(a.network.parameters, c.network.parameters)


@pytest.mark.parametrize("threads", [1, 2])
def test_splitting_layers_across_threads_gives_bit_identical_results(threads):
    x, labels = toy_problem(n=300)
    network = Network.create([10, 17, 9, 3], seed=5)
    config = TrainingConfig(epochs=2, batch_size=7, learning_rate=0.05, weight_decay=1e-3)
    serial = Trainer(config, threads=1).fit(network, x, labels)
    split = Trainer(config, threads=threads, parallel_min_work=0).fit(network, x, labels)
    np.testing.assert_array_equal(split.network.parameters, serial.network.parameters)
    assert [r.train_loss for r in split.history] == [r.train_loss for r in serial.history]


def test_training_does_not_modify_the_input_network_or_data():
    x, labels = toy_problem(n=100)
    network = Network.create([10, 4, 3], seed=0)
    before = network.parameters.copy()
    x_before = x.copy()
    result = Trainer(TrainingConfig(epochs=1, batch_size=10)).fit(network, x, labels)
    np.testing.assert_array_equal(network.parameters, before)
    np.testing.assert_array_equal(x, x_before)
    assert result.network is not network
    assert not np.array_equal(result.network.parameters, before)


def test_float64_networks_train_in_float64_and_read_only_inputs_are_accepted():
    x, labels = toy_problem(n=100, dtype=np.float64)
    x.flags.writeable = False
    result = Trainer(TrainingConfig(epochs=1, batch_size=10)).fit(
        Network.create([10, 4, 3], dtype=np.float64), x, labels
    )
    assert result.network.dtype == np.float64


def test_should_stop_ends_the_run_between_batches():
    x, labels = toy_problem(n=20000)
    network = Network.create([10, 8, 3], seed=0)
    result = Trainer(TrainingConfig(epochs=3)).fit(network, x, labels, should_stop=lambda: True)
    assert result.interrupted
    assert result.history == []
    np.testing.assert_array_equal(result.network.parameters, network.parameters)

    calls = []

    def stop_in_second_epoch():
        calls.append(1)
        return len(calls) > 7  # 20,000 rows = 5 chunks per epoch: stop inside epoch 2

    progress = []
    result = Trainer(TrainingConfig(epochs=3)).fit(
        network,
        x,
        labels,
        should_stop=stop_in_second_epoch,
        on_progress=lambda done, n: progress.append(done),
        validation=(x[:500], labels[:500]),
    )
    assert result.interrupted
    assert len(result.history) == 1
    assert progress[:5] == [4096, 8192, 12288, 16384, 20000]
    assert result.network.accuracy(x[:500], labels[:500]) >= result.history[0].validation_accuracy


def test_a_learning_rate_that_explodes_is_reported():
    x, labels = toy_problem(n=200)
    x = x * 1000
    with pytest.raises(TrainingDivergedError, match="epoch 1"):
        Trainer(TrainingConfig(epochs=1, learning_rate=1e30)).fit(Network.create([10, 8, 3]), x, labels)


def test_momentum_defaults_depend_on_the_output_kind():
    config = TrainingConfig()
    assert config.momentum_for(Network.create([2, 2])) == 0.9
    assert config.momentum_for(Network.create([2, 2], "sigmoid", "classic")) == 0.0
    assert TrainingConfig(momentum=0.5).momentum_for(Network.create([2, 2])) == 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be an integer >= 1"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"batch_size": 2.0}, "batch_size"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"momentum": 1.0}, "momentum"),
        ({"momentum": -0.1}, "momentum"),
        ({"weight_decay": -1.0}, "weight_decay"),
        ({"lr_decay": 0.0}, "lr_decay"),
        ({"seed": -3}, "seed"),
        ({"shuffle": "yes"}, "shuffle"),
    ],
)
def test_config_rejects_bad_values(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        TrainingConfig(**kwargs)


def test_fit_rejects_bad_data():
    x, labels = toy_problem(n=50)
    trainer = Trainer(TrainingConfig(epochs=1))
    network = Network.create([10, 4, 3])
    bad_x = x.copy()
    bad_x[3, 3] = np.nan
    cases = [
        ((network, bad_x, labels), {}, "x_train contains NaN"),
        ((network, x[:, :9], labels), {}, r"x_train must have shape"),
        ((network, x[0], labels[:1]), {}, "x_train must be a batch"),
        ((network, x, labels[:-1]), {}, r"y_train must have shape \(50,\)"),
        ((network, x, labels + 1), {}, r"y_train must be in 0\.\.2, found 3"),
        ((network, x[:0], labels[:0]), {}, "x_train is empty"),
        ((network, x, labels), {"validation": x}, "validation must be a pair"),
        ((network, x, labels), {"validation": (x, labels - 1)}, "validation labels must be in"),
        (("net", x, labels), {}, "network must be a Network"),
    ]
    for args, kwargs, message in cases:
        with pytest.raises(InvalidArgumentError, match=message):
            trainer.fit(*args, **kwargs)
    with pytest.raises(InvalidArgumentError, match="TrainingConfig"):
        Trainer({"epochs": 1})
    with pytest.raises(InvalidArgumentError, match="threads"):
        Trainer(threads=0)


def test_epoch_reports_are_plain_values():
    report = EpochReport(1, 0.5, 0.9, None, None, 0.1, 0.02)
    assert report.validation_loss is None
    with pytest.raises(AttributeError):
        report.epoch = 2
