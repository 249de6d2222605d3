"""Model load times at startup: Hub cold (empty cache), Hub warm, Hub down (cache), against a local file.

Starts the loopback Hub-compatible test server, uploads a trained model with `hippo upload`, then runs
`hippo models load NAME` in fresh processes, as the API does at startup:

- local     : HIPPO_MODEL_DIR holds the files, no Hub (the baseline)
- hub-cold  : HF_MODEL_REPO set, empty HF_CACHE_DIR (HEAD + 2 downloads)
- hub-warm  : same, cache filled (one bounded HEAD, then the cached files)
- hub-down  : server stopped, cache filled (connection refused -> cached copy + warning)

Reports medians over --repeats of the in-process load time (`fetch` through the registry, measured by
ModelService) and of the whole process wall time, and their ratios to the local baseline. A fresh
process's first load includes Python's and NumPy's imports (inference no longer imports Numba), so a
second table times `registry.fetch` in this process after a warm-up: the registry's own cost. The
loopback server has no network latency: on the real Hub, cold adds the download of the .npz.

    python benchmarks/model_load.py [--repeats 7] [--model path/to/model.npz]
"""

from __future__ import annotations

import argparse
import json
import logging
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
    in_process = time_in_process(hub, name, local, work, args.repeats * 5)
    hub.stop()
    for _ in range(args.repeats):
        record("hub-down", {**hub_env, "HF_CACHE_DIR": str(warm_cache)})
    in_process["hub-down"] = fetch_times(hub_registry(hub, work / "warm-in-process"), name, args.repeats * 5)

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
    print(f"\nregistry.fetch in one process after a warm-up, {args.repeats * 5} repeats, medians")
    base = statistics.median(in_process["local"])
    print(f"{'kind':<10} {'fetch ms':>9} {'x local':>8}")
    for kind, times in in_process.items():
        print(f"{kind:<10} {1000 * statistics.median(times):9.2f} {statistics.median(times) / base:8.2f}")
    shutil.rmtree(work, ignore_errors=True)


def hub_registry(hub: FakeHub, cache: Path):
    from huggingface_hub import HfApi

    from hippo.adapters.hf_hub_registry import HfHubModelRegistry

    return HfHubModelRegistry(HfApi(endpoint=hub.url, token=TOKEN), REPO, cache)


def fetch_times(registry, name: str, repeats: int, fresh_cache=None) -> list[float]:
    times = []
    for i in range(repeats):
        if fresh_cache is not None:
            registry = fresh_cache(i)
        started = time.perf_counter()
        registry.fetch(name)
        times.append(time.perf_counter() - started)
    return times


def time_in_process(hub: FakeHub, name: str, local: Path, work: Path, repeats: int) -> dict[str, list[float]]:
    import huggingface_hub.constants

    from hippo.adapters.local_registry import LocalModelRegistry

    huggingface_hub.constants.HF_HUB_DISABLE_XET = True
    logging.getLogger("hippo").setLevel(logging.ERROR)  # the hub-down runs would log a warning each
    local_registry = LocalModelRegistry(local)
    local_registry.fetch(name)  # first-use costs (imports, file cache), paid once per process
    warm = hub_registry(hub, work / "warm-in-process")
    warm.fetch(name)
    return {
        "local": fetch_times(local_registry, name, repeats),
        "hub-cold": fetch_times(
            warm, name, repeats, lambda i: hub_registry(hub, work / f"cold-in-process-{i}")
        ),
        "hub-warm": fetch_times(warm, name, repeats),
    }


if __name__ == "__main__":
    main()
