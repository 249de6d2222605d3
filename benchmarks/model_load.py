"""Model load times at startup: Hub cold (empty cache), Hub warm, Hub down (cache), against a local file.

Starts the loopback Hub-compatible test server, uploads a trained model with `hippo upload`, then runs
`hippo models load NAME` in fresh processes, as the API does at startup:

- local     : HIPPO_MODEL_DIR holds the files, no Hub (the baseline)
- hub-cold  : HF_MODEL_REPO set, empty HF_CACHE_DIR (HEAD + 2 downloads)
- hub-warm  : same, cache filled (one bounded HEAD, then the cached files)
- hub-down  : server stopped, cache filled (connection refused -> cached copy + warning)

Reports medians over --repeats of the in-process load time (`fetch` through the registry, measured by
ModelService) and of the whole process wall time, and their ratios to the local baseline. The loopback
server has no network latency: on the real Hub, cold adds the download of the .npz.

    python benchmarks/model_load.py [--repeats 7] [--model path/to/model.npz]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hub_server import FakeHub  # noqa: E402

TOKEN = "hf_bench_token"
REPO = "bench/mnist"


def default_model() -> Path:
    shipped = ROOT / "hippo" / "assets" / "models" / "mnist-relu-100.npz"
    return shipped if shipped.exists() else ROOT / "tests" / "data" / "orig-sigmoid-30.npz"


def base_env(work: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING", "DEFAULT_MODEL", "HIPPO_"))
    }
    env.update(HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1", HF_HOME=str(work / "hf_home"))
    env["HIPPO_MODEL_DIR"] = str(work / "empty-models")
    return env


def hippo(args: list[str], env: dict[str, str], cwd: Path) -> tuple[dict[str, object], float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "hippo", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hippo {' '.join(args)} failed:\n{done.stderr}")
    row = json.loads(done.stdout) if args[:2] == ["models", "load"] else {}
    return row, wall, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--model", type=Path, default=default_model())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hippo-bench-"))
    name = args.model.name.removesuffix(".npz")
    local = work / "models"
    local.mkdir()
    for suffix in (".npz", ".json"):
        shutil.copy(args.model.with_suffix(suffix), local / f"{name}{suffix}")

    hub = FakeHub(tokens=(TOKEN,)).start()
    hub.create_repo(REPO)
    hub_env = {
        **base_env(work),
        "HF_MODEL_REPO": REPO,
        "HF_ENDPOINT": hub.url,
        "HUGGINGFACE_TOKEN": TOKEN,
        "DEFAULT_MODEL": name,
    }
    hippo(["upload", str(local / f"{name}.npz"), "--keep-local"], hub_env, work)
    local_env = {**base_env(work), "HIPPO_MODEL_DIR": str(local), "DEFAULT_MODEL": name}

    results: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("local", "hub-cold", "hub-warm", "hub-down")
    }
    sources: dict[str, set[str]] = {k: set() for k in results}
    warm_cache = work / "warm-cache"

    def record(kind: str, env: dict[str, str]) -> None:
        row, wall, _ = hippo(["models", "load"], env, work)
        results[kind].append((float(row["load_seconds"]), wall))  # type: ignore[arg-type]
        sources[kind].add(str(row["source"]))

    hippo(["models", "load"], {**hub_env, "HF_CACHE_DIR": str(warm_cache)}, work)  # fill the warm cache
    for i in range(args.repeats):  # interleaved, so background load hits every kind alike
        record("local", local_env)
        record("hub-cold", {**hub_env, "HF_CACHE_DIR": str(work / f"cold-{i}")})
        record("hub-warm", {**hub_env, "HF_CACHE_DIR": str(warm_cache)})
    hub.stop()
    for _ in range(args.repeats):
        record("hub-down", {**hub_env, "HF_CACHE_DIR": str(warm_cache)})

    size = (local / f"{name}.npz").stat().st_size
    print(
        f"model {name} ({size / 1024:.0f} KiB .npz), {args.repeats} repeats, medians, {os.cpu_count()} cpus"
    )
    base_load = statistics.median(r[0] for r in results["local"])
    base_wall = statistics.median(r[1] for r in results["local"])
    print(f"{'kind':<10} {'source':<7} {'load ms':>9} {'x local':>8} {'process ms':>11} {'x local':>8}")
    for kind, rows in results.items():
        load = statistics.median(r[0] for r in rows)
        wall = statistics.median(r[1] for r in rows)
        print(
            f"{kind:<10} {','.join(sorted(sources[kind])):<7} {1000 * load:9.1f} {load / base_load:8.2f} "
            f"{1000 * wall:11.0f} {wall / base_wall:8.2f}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
