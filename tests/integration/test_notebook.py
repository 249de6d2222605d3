"""examples/train_and_inspect.ipynb executed headless (nbclient) on a small subset, so it never rots."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.cli_driver import write_sample_digits
from tests.realdata import REPO_ROOT, real_mnist_dir, report_not_run

NOTEBOOK = REPO_ROOT / "examples" / "train_and_inspect.ipynb"


def test_notebook_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (parameters,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    real = real_mnist_dir()
    if real is None:
        report_not_run("examples/train_and_inspect.ipynb on real MNIST (ran on the packaged digits instead)")
        parameters.source = (
            f"DATA_DIR = {str(write_sample_digits(tmp_path / 'mnist'))!r}\n"
            "TRAIN_IMAGES = 160\nVALIDATION_IMAGES = 40\nEPOCHS = 2\nCHECK_DIGESTS = False\n"
        )
    else:
        parameters.source = (
            f"DATA_DIR = {str(real)!r}\nTRAIN_IMAGES = 3000\nVALIDATION_IMAGES = 1000\nEPOCHS = 2\n"
            "CHECK_DIGESTS = True\n"
        )
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "epoch 2: loss" in text
    accuracy = float(text.split("test accuracy: ")[1].split(" %")[0])
    assert accuracy > (85.0 if real else 50.0)  # 3,000 real images for 2 epochs reach ~90 %
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 3  # learning curves, digits with probabilities, first-layer weights
