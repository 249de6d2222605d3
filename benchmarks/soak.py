"""Soak test: sustained mixed load against a `hippo serve` on 127.0.0.1, bounded in time and memory.

Runs `--concurrency` clients for `--duration` seconds, each looping over a mix of
`POST /v1/predict` (50 %), `GET /v1/dictionary/words/en/<word>` (25 %) and
`GET /v1/dictionary/words?search=<prefix>` (25 %) on a dictionary seeded with `--words` words.
The server's resident memory (its process and children, from /proc) is sampled every second;
growth is measured from the end of a warm-up to the end of the run and compared with `--rss-bound-mb`.
Exit code 0 only with zero errors and growth within the bound.

    python benchmarks/soak.py                       # starts its own server on the embedded setup
    python benchmarks/soak.py --url http://127.0.0.1:8000 --pid <server pid> --token <admin token>

Not part of `just test` (it takes a minute and loads the machine); run it before a release.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

KINDS = ("predict", "lookup", "search")
WEIGHTS = (2, 1, 1)


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants (bytes), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo.extend(children.get(current, []))
    return total


def start_server(port: int, token: str, home: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HF_MODEL_REPO", "DEFAULT_MODEL")}
    env.update(
        HIPPO_ADMIN_TOKEN=token,
        HIPPO_DATA_DIR=str(home / "data"),
        HIPPO_MODEL_DIR=str(home / "models"),
        LOG_LEVEL="WARNING",
    )
    log = (home / "server.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "hippo", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url, timeout=3) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/healthz")).json().get("status") == "healthy":
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit(f"server at {url} not healthy within {timeout:.0f} s")


async def seed(url: str, token: str, count: int) -> list[str]:
    words = [f"soak{i:05d}" for i in range(count)]
    body = [
        {
            "word_text": w,
            "language_code": "en",
            "definitions": [{"definition_text": f"soak word {w}", "part_of_speech": "noun"}],
        }
        for w in words
    ]
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        r = await client.post("/v1/dictionary/words", json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code not in (201, 409):
            raise SystemExit(f"seeding failed: {r.status_code} {r.text[:300]}")
    return words


async def client_loop(
    client: httpx.AsyncClient,
    words: list[str],
    until: float,
    latencies: dict[str, list[float]],
    errors: list[str],
) -> None:
    rng = random.Random()
    pixels = [0.0] * 784
    while time.monotonic() < until:
        kind = rng.choices(KINDS, WEIGHTS)[0]
        started = time.perf_counter()
        try:
            if kind == "predict":
                pixels[rng.randrange(784)] = rng.random()
                r = await client.post("/v1/predict", json={"pixels": pixels})
            elif kind == "lookup":
                r = await client.get(f"/v1/dictionary/words/en/{rng.choice(words)}")
            else:
                r = await client.get("/v1/dictionary/words", params={"search": rng.choice(words)[:7]})
            if r.status_code != 200:
                errors.append(f"{kind}: HTTP {r.status_code} {r.text[:120]}")
        except httpx.HTTPError as exc:
            errors.append(f"{kind}: {type(exc).__name__}: {exc}")
        latencies[kind].append(time.perf_counter() - started)


async def soak(args: argparse.Namespace, pid: int) -> dict:
    await wait_healthy(args.url, args.start_timeout)
    words = await seed(args.url, args.token, args.words)
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.url, timeout=30, limits=limits) as client:
        # warm-up: fills caches and pools; memory is measured from its end
        warm: dict[str, list[float]] = {k: [] for k in KINDS}
        warm_errors: list[str] = []
        until = time.monotonic() + args.warmup
        await asyncio.gather(
            *(client_loop(client, words, until, warm, warm_errors) for _ in range(args.concurrency))
        )
        latencies: dict[str, list[float]] = {k: [] for k in KINDS}
        errors: list[str] = []
        samples = [rss_bytes(pid)]
        started = time.monotonic()
        until = started + args.duration

        async def sampler() -> None:
            while time.monotonic() < until:
                await asyncio.sleep(1.0)
                samples.append(rss_bytes(pid))

        await asyncio.gather(
            sampler(),
            *(client_loop(client, words, until, latencies, errors) for _ in range(args.concurrency)),
        )
        elapsed = time.monotonic() - started
    requests = sum(len(v) for v in latencies.values())
    mb = 1024 * 1024
    return {
        "duration_s": round(elapsed, 1),
        "concurrency": args.concurrency,
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "errors": len(errors) + len(warm_errors),
        "first_errors": (warm_errors + errors)[:5],
        "latency_ms": {
            k: {
                "n": len(v),
                "p50": round(statistics.median(v) * 1000, 2) if v else None,
                "p99": round(sorted(v)[int(len(v) * 0.99)] * 1000, 2) if v else None,
            }
            for k, v in latencies.items()
        },
        "rss_mb": {
            "after_warmup": round(samples[0] / mb, 1),
            "end": round(samples[-1] / mb, 1),
            "max": round(max(samples) / mb, 1),
            "growth": round((samples[-1] - samples[0]) / mb, 1),
            "bound": args.rss_bound_mb,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default=None, help="a running server (default: start one on the embedded setup)"
    )
    parser.add_argument("--pid", type=int, default=None, help="the running server's pid (for --url)")
    parser.add_argument("--token", default=os.environ.get("HIPPO_ADMIN_TOKEN", "soak-admin-token"))
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of unmeasured load first (default 5)"
    )
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--words", type=int, default=300, help="words seeded into the dictionary")
    parser.add_argument("--rss-bound-mb", type=float, default=64.0, help="allowed RSS growth (default 64 MB)")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    args = parser.parse_args()

    process = None
    home = None
    if args.url is None:
        if not sys.platform.startswith("linux"):
            raise SystemExit("RSS is read from /proc: Linux only")
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        home = Path(tempfile.mkdtemp(prefix="hippo-soak-"))
        process = start_server(port, args.token, home)
        args.url, args.pid = f"http://127.0.0.1:{port}", process.pid
    if args.pid is None:
        raise SystemExit("--pid is needed with --url (to measure the server's memory)")
    try:
        result = asyncio.run(soak(args, args.pid))
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                result_code = process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                result_code = None
            print(f"server exit code after SIGTERM: {result_code}", file=sys.stderr)
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(result, indent=2))
    ok = result["errors"] == 0 and result["rss_mb"]["growth"] <= args.rss_bound_mb
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
