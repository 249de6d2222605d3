"""Where a prediction's time goes under `hippo serve`'s server: the floor, Hippo's steps, a hot loop.

Serves two probe apps (benchmarks/predict_probe.py) with granian exactly as `hippo serve` runs it (RSGI,
uvloop, the single-threaded runtime, one worker) and drives each with wrk (one thread) at concurrency
1, 8 and 64, alternating the apps, with a real MNIST test digit:

- ``fixed``: reads the body, answers a fixed prediction; the requests/s the server, the kernel and wrk
  allow on this machine when the answer costs nothing;
- ``hippo``: the prediction fast path's steps (read, check, convert, forward pass, encode) with the
  shipped model, each timed inside the server.

For both: requests/s, p50/p99, and the CPU time of the worker's Python thread per request (from
/proc). Then the same steps in a hot loop in this process. The gap between the ``fixed`` and ``hippo``
rows is what Hippo's answer costs inside the server; the step medians show which step grows there
against the hot loop, and at which concurrency. Usage::

    python benchmarks/predict_floor.py [--duration 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as `hippo serve`, for the hot loop in this process
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from predict_probe import STEPS, TimedAnswer  # noqa: E402
from serve import digit_body, free_port, wrk  # noqa: E402

CONCURRENCY = (1, 8, 64)


def thread_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the main thread of process `pid` (Linux)."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProbeServer:
    """granian serving one probe app, as `hippo serve` configures it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PROBE": kind,
            "PYTHONPATH": str(ROOT / "benchmarks"),
            "OPENBLAS_NUM_THREADS": "1",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [
            sys.executable, "-m", "granian", "--interface", "rsgi", "--factory", "--loop", "uvloop",
            "--runtime-mode", "st", "--workers", "1", "--host", "127.0.0.1", "--port", str(self.port),
            "--log-level", "warning", "predict_probe:create",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.steps()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"probe {kind} did not start")
        self.worker = int(
            Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()[0]
        )

    def steps(self) -> dict[str, float]:
        with urllib.request.urlopen(f"{self.base}/steps", timeout=2) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hot_loop(body: bytes, calls: int = 5000) -> dict[str, float]:
    timed = TimedAnswer()
    for _ in range(calls // 5):  # warm-up
        timed(body)
    timed.medians_us()
    for _ in range(calls):
        timed(body)
    return timed.medians_us()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    body = digit_body()
    scratch = Path(tempfile.mkdtemp(prefix="hippo-floor-"))
    (scratch / "digit.json").write_bytes(body)
    script = scratch / "predict.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'local f = io.open("{scratch / "digit.json"}", "r"); wrk.body = f:read("*a"); f:close()\n'
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    for _ in range(args.repeats):
        for kind in ("fixed", "hippo"):
            server = ProbeServer(kind)
            try:
                wrk(f"{server.base}/", 8, 1.0, script)  # warm-up
                server.steps()
                for c in CONCURRENCY:
                    before = thread_cpu_seconds(server.worker)
                    measured = wrk(f"{server.base}/", c, args.duration, script)
                    took = thread_cpu_seconds(server.worker) - before
                    measured["python_us"] = took / (measured["rps"] * args.duration) * 1e6
                    measured.update(server.steps())
                    runs.setdefault((kind, c), []).append(measured)
            finally:
                server.stop()
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print(
        "| app, concurrency | req/s | p50 ms | p99 ms | Python thread µs/request | "
        + " | ".join(STEPS)
        + " µs |"
    )
    print("|---" * (5 + len(STEPS)) + "|")
    for (kind, c), measured in runs.items():
        med = {key: statistics.median(m.get(key, float("nan")) for m in measured) for key in measured[0]}
        steps = " | ".join(f"{med[s]:.1f}" if s in med else "-" for s in STEPS)
        print(
            f"| {kind}, c={c} | {med['rps']:,.0f} | {med['p50_ms']:.2f} | {med['p99_ms']:.2f} | "
            f"{med['python_us']:.0f} | {steps} |"
        )
    hot = hot_loop(body)
    print(
        f"| hot loop (this process) | | | | {sum(hot.values()):.0f} | "
        + " | ".join(f"{hot[s]:.1f}" for s in STEPS)
        + " |"
    )
    print("\nreq/s ranges over the repeats:")
    for (kind, c), measured in runs.items():
        print(f"  {kind} c={c}: " + ", ".join(f"{m['rps']:,.0f}" for m in measured))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
