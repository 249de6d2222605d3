import json

import pytest

from hippo.adapters.model_files import load_model
from hippo.container import Container
from hippo.entrypoints.cli import main
from tests.cli_driver import use_test_data, write_sample_digits


@pytest.fixture
def sample_mnist(tmp_path):
    use_test_data(write_sample_digits(tmp_path / "mnist"))
    yield tmp_path / "mnist"
    Container.mnist_source.reset_override()


def test_hippo_train_writes_a_loadable_model_with_plot(sample_mnist, tmp_path, capsys):
    out = tmp_path / "models"
    code = main(
        ["train", "--sizes", "784", "16", "10", "--epochs", "2", "--batch-size", "16",
         "--learning-rate", "0.1", "--seed", "1", "--output-dir", str(out), "--name", "tiny", "--plot"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sorted(p.name for p in out.iterdir()) == ["tiny.json", "tiny.npz", "tiny.png"]
    assert "epoch 2/2" in captured.err
    assert "test accuracy" in captured.err  # the progress bar's postfix
    summary = captured.out.strip().splitlines()[-1]
    assert summary.startswith("test accuracy ")
    assert "saved " in summary
    network, meta = load_model(out / "tiny.npz")
    assert network.sizes == (784, 16, 10)
    assert f"test accuracy {meta.test_accuracy_percent:.2f} %" in summary
    assert meta.training["batch_size"] == 16
    assert meta.seed == 1
    assert (out / "tiny.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_classic_recipe_options(sample_mnist, tmp_path, capsys):
    out = tmp_path / "models"
    code = main(
        ["train", "--activation", "sigmoid", "--output", "classic", "--sizes", "784", "30", "10",
         "--learning-rate", "3.0", "--batch-size", "10", "--epochs", "1", "--output-dir", str(out), "--quiet"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    (json_path,) = out.glob("mnist-sigmoid-30-classic-*.json")
    data = json.loads(json_path.read_text())
    assert data["output"] == "classic"
    assert data["training_config"]["momentum"] == 0.0
    assert data["training_config"]["learning_rate"] == 3.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "epochs must be >= 1"),
        (["--sizes", "784", "10", "9"], "sizes 784 ... 10"),
        (["--learning-rate", "-1"], "learning rate must be > 0"),
    ],
)
def test_bad_options_are_refused_before_loading_anything(args, message, capsys):
    assert main(["train", *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_data_directory_is_reported(tmp_path, capsys):
    assert main(["train", "--data-dir", str(tmp_path), "--output-dir", str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err
    assert "--data-dir / HIPPO_MNIST_DIR lacks train-images-idx3-ubyte(.gz)" in err
    assert not (tmp_path / "m").exists()
