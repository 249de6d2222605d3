"""Inference speed: NumPy `Network.probabilities` (what the API serves) against the compiled Numba path.

Times, for a 784-100-10 relu/softmax float32 network (or --sizes):

- single: one image, `probabilities(x)` with x of shape (784,), the API's `/predict` call;
- batch:  --batch images at once (the API's batch endpoint);
- the compiled alternative `kernels.feed_forward` (the Numba forward pass that served until the
  network moved to NumPy) on the same inputs, after the same input checks (`as_inputs`);
- a fresh process: `import hippo.domain`, load the shipped model, one prediction, with and without
  also importing the kernels and making one compiled call (Numba's start-up, cached functions).

Prints medians of --repeats timings and the ratio NumPy/compiled. NumPy's batches use OpenBLAS, which
starts 2 threads by default: on a busy machine they wait for each other and a batch of 256 took 3-4x
longer than with `OPENBLAS_NUM_THREADS=1` (set before NumPy is imported; a server handling requests in
parallel wants one BLAS thread per request anyway). Run it both ways.

    python benchmarks/inference_speed.py [--repeats 9] [--batch 256] [--sizes 784 100 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hippo.domain import Network, kernels  # noqa: E402
from hippo.domain.dataset import as_inputs  # noqa: E402

FRESH = """
import time
started = time.perf_counter()
import numpy as np
import hippo.domain
from hippo.adapters.model_files import load_model
network, _ = load_model(__import__("pathlib").Path({model!r}))
x = np.zeros(network.sizes[0], dtype=np.float32)
network.probabilities(x)
if {compiled}:
    from hippo.domain import kernels
    a = x.reshape(1, -1)
    sizes = np.array(network.sizes)
    kernels.feed_forward(network.parameters, sizes, kernels.RELU, kernels.OUT_SOFTMAX, a)
print(time.perf_counter() - started)
"""


def per_call(fn: Callable[[], object], repeats: int, budget: float = 0.2) -> float:
    """Median seconds per call over `repeats` timings of a loop lasting about `budget` seconds."""
    fn()
    started = time.perf_counter()
    loops = 0
    while time.perf_counter() - started < budget / 4:
        fn()
        loops += 1
    loops = max(1, loops * 4)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(loops):
            fn()
        times.append((time.perf_counter() - started) / loops)
    return statistics.median(times)


def fresh_process(model: Path, compiled: bool, repeats: int) -> float:
    code = FRESH.format(model=str(model), compiled=compiled)
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--sizes", type=int, nargs="+", default=[784, 100, 10])
    args = parser.parse_args()

    network = Network.create(args.sizes, seed=0)
    sizes = np.array(network.sizes, dtype=np.int64)
    rng = np.random.default_rng(0)
    one = rng.random(args.sizes[0]).astype(np.float32)
    many = rng.random((args.batch, args.sizes[0])).astype(np.float32)

    def compiled(x: np.ndarray) -> np.ndarray:
        a, _ = as_inputs(x, network.sizes[0], network.dtype)
        return kernels.feed_forward(network.parameters, sizes, kernels.RELU, kernels.OUT_SOFTMAX, a)

    assert np.allclose(compiled(many)[:, -args.sizes[-1] :], network.probabilities(many), atol=1e-5)
    print(
        f"{'-'.join(map(str, args.sizes))} relu/softmax float32, medians of {args.repeats}, "
        f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    print(f"{'case':<22} {'numpy':>12} {'compiled':>12} {'numpy/compiled':>15}")
    for label, x, unit, scale in (
        ("single image", one, "us", 1e6),
        (f"batch of {args.batch}", many, "us", 1e6),
    ):
        mine = per_call(lambda x=x: network.probabilities(x), args.repeats)
        theirs = per_call(lambda x=x: compiled(x), args.repeats)
        print(f"{label:<22} {mine * scale:9.1f} {unit} {theirs * scale:9.1f} {unit} {mine / theirs:15.2f}")
    model = ROOT / "hippo" / "assets" / "models" / "mnist-relu-100.npz"
    if model.exists():
        runs = max(3, args.repeats // 2)
        mine = fresh_process(model, False, runs)
        theirs = fresh_process(model, True, runs)
        print(
            f"{'fresh process':<22} {mine * 1e3:9.0f} ms {theirs * 1e3:9.0f} ms {mine / theirs:15.2f}"
            f"   (import hippo.domain + load {model.name} + first prediction; {runs} runs)"
        )


if __name__ == "__main__":
    main()
