"""HTTP serving benchmark: predictions/s and latency, word lookups/s, cold start; bare-app baseline beside.

Starts `hippo serve` (one worker, loopback) and drives it with `wrk` (Debian: ``apt-get install -y wrk``;
a C load generator with one thread, so the client is not the bottleneck) and reports medians of repeats:

- ``POST /v1/predict`` with a real MNIST test digit at concurrency 1, 8 and 64: requests/s, p50, p99,
  and the server's CPU time per answer (user + system time of the server and its worker, all threads,
  from /proc, divided by the requests wrk completed: steadier than requests/s when the two cores are
  shared, and what a change to the per-request work moves);
- ``GET /v1/dictionary/words/en/{word}`` at concurrency 8 on a loaded dictionary (2,000 words, each with
  a definition and an example), rotating over the words;
- cold start: process start to the first ``/healthz`` that says ``healthy``, then how long the first
  prediction took (it must not wait for a compile). What runs beforehand, as in production (a Neon
  database that is up; an installed package, whose bytecode is compiled): a PostgreSQL server started
  by this script (the embedded one, reached through ``DATABASE_URL``), the model cached, Python's
  bytecode caches and Numba's cache warm (the first start of each server is discarded: it writes them).
  ``cold start, embedded PG`` is a different number: no ``DATABASE_URL``, so the server itself starts
  the embedded PostgreSQL (initialised by the discarded first start) and checks its migrations.

The baseline, ``bare`` (benchmarks/bare_app.py: Litestar + msgspec, no container, no model, a fixed
answer), runs in the same invocation, alternating with Hippo, so Hippo's figures can be read as a
fraction of what the framework and server reach on this machine at that moment. The load average is
printed before and after. Usage::

    python benchmarks/serve.py [--duration 5] [--repeats 3] [--servers granian,granian-asgi,bare]
                               [--json out.json]

``granian`` is `hippo serve` as shipped (granian's RSGI interface, `hippo.entrypoints.http.rsgi`);
``granian-asgi`` the same app through granian's ASGI interface (the ASGI fast path in front of Litestar).

The earlier service measured 1,711 / 1,872 / 2,048 predictions/s at concurrency 1 / 8 / 64 on these
machines (p99 1.1 / 7.3 / 51 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-token"
WORDS = 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    url: str, body: bytes | None = None, method: str = "GET", timeout: float = 5.0
) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` and its children (granian's worker), all threads (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


class Server:
    """`hippo serve` in a subprocess on a free loopback port."""

    def __init__(self, kind: str, data_dir: Path, database_url: str | None) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"{kind}.log"

    def start(self) -> float:
        """Start; return seconds until `/healthz` said healthy."""
        env = {
            **os.environ,
            "HIPPO_DATA_DIR": str(self.data_dir),
            "HIPPO_ADMIN_TOKEN": TOKEN,
            "LOG_LEVEL": "WARNING",
        }
        # PYTHONDONTWRITEBYTECODE would make every start compile every module from source.
        for name in ("DATABASE_URL", "HF_MODEL_REPO", "DEFAULT_MODEL", "ALLOWED_ORIGINS", "HIPPO_ENV"):
            env.pop(name, None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        if self.kind == "bare":
            command = [
                sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--loop", "uvloop",
                "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1", "--log-level", "warning",
                "--runtime-mode", "st",  # as `hippo serve`
                "bare_app:create",
            ]  # fmt: skip
            env["PYTHONPATH"] = str(ROOT / "benchmarks")
        else:
            # granian[-rsgi|-asgi][-st|-mt], uvicorn: the server, then granian's interface and runtime mode
            server, *options = self.kind.split("-")
            command = [sys.executable, "-m", "hippo", "serve", "--port", str(self.port), "--server", server]
            for option in options:
                flag = "--interface" if option in ("rsgi", "asgi") else "--runtime-mode"
                command += [flag, option]
        started = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode}; see {self.log}")
            try:
                status, body = request(f"{self.base}/healthz", timeout=1.0)
                if status == 200 and json.loads(body)["status"] == "healthy":
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{self.kind} did not become healthy; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def digit_body() -> bytes:
    from hippo.adapters.mnist_samples import PackagedMnistSamples

    image = PackagedMnistSamples().samples().images[0]
    return json.dumps({"pixels": [round(float(v), 6) for v in image]}).encode()


def load_dictionary(base: str) -> list[str]:
    texts = [f"word{i:05d}" for i in range(WORDS)]
    for start in range(0, WORDS, 500):
        batch = [
            {
                "word_text": text,
                "language_code": "en",
                "definitions": [
                    {
                        "definition_text": f"The meaning of {text}.",
                        "part_of_speech": "noun",
                        "examples": [{"example_text": f"A sentence with {text}."}],
                    }
                ],
            }
            for text in texts[start : start + 500]
        ]
        status, body = request(f"{base}/v1/dictionary/words", json.dumps(batch).encode(), "POST", timeout=60)
        if status not in (201, 409):
            raise RuntimeError(f"loading the dictionary failed: {status} {body[:200]!r}")
    return texts


def wrk(
    url: str, connections: int, duration: float, script: Path, server_pid: int | None = None
) -> dict[str, float]:
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else 0.0
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} error responses from {url}")

    def latency(pct: str) -> float:
        value, unit = re.search(rf"{pct}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    measured = {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99")}
    if server_pid:  # the server's CPU per answer: steadier than req/s when the machine is shared
        requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        measured["cpu_us"] = (tree_cpu_seconds(server_pid) - cpu_before) / max(requests, 1) * 1e6
    return measured


def first_prediction_ms(base: str, body: bytes) -> float:
    started = time.perf_counter()
    status, answer = request(f"{base}/v1/predict", body, "POST")
    if status != 200:
        raise RuntimeError(f"first prediction: {status} {answer[:200]!r}")
    return (time.perf_counter() - started) * 1000


def run_server(kind: str, server: Server, body: bytes, args: argparse.Namespace, lookup_lua: Path) -> dict:
    """One start of `server`: cold start, first prediction, then the wrk runs."""
    record: dict[str, float] = {"cold_start_s": server.start()}
    try:
        record["first_predict_ms"] = first_prediction_ms(server.base, body)
        wrk(f"{server.base}/v1/predict", 8, 1.0, args.predict_lua)  # connection warm-up
        pid = server.process.pid if server.process is not None else None
        for c in (1, 8, 64):
            m = wrk(f"{server.base}/v1/predict", c, args.duration, args.predict_lua, pid)
            for key, value in m.items():
                record[f"predict_c{c}_{key}"] = value
        if kind != "bare":
            url = f"{server.base}/v1/dictionary/words/en/word00000"
            for key, value in wrk(url, 8, args.duration, lookup_lua, pid).items():
                record[f"lookup_c8_{key}"] = value
    finally:
        server.stop()
    return record


def embedded_cold_start(data_dir: Path) -> float:
    """`hippo serve` without DATABASE_URL: it starts the embedded PostgreSQL itself (already initialised)."""
    server = Server("granian", data_dir, None)
    try:
        return server.start()
    finally:
        server.stop()


ROWS = [
    ("predict c=1 req/s", "predict_c1_rps"),
    ("predict c=1 p50 ms", "predict_c1_p50_ms"),
    ("predict c=1 p99 ms", "predict_c1_p99_ms"),
    ("predict c=1 server CPU µs/answer", "predict_c1_cpu_us"),
    ("predict c=8 req/s", "predict_c8_rps"),
    ("predict c=8 p50 ms", "predict_c8_p50_ms"),
    ("predict c=8 p99 ms", "predict_c8_p99_ms"),
    ("predict c=8 server CPU µs/answer", "predict_c8_cpu_us"),
    ("predict c=64 req/s", "predict_c64_rps"),
    ("predict c=64 p50 ms", "predict_c64_p50_ms"),
    ("predict c=64 p99 ms", "predict_c64_p99_ms"),
    ("predict c=64 server CPU µs/answer", "predict_c64_cpu_us"),
    ("lookup c=8 req/s", "lookup_c8_rps"),
    ("lookup c=8 p50 ms", "lookup_c8_p50_ms"),
    ("lookup c=8 p99 ms", "lookup_c8_p99_ms"),
    ("lookup c=8 server CPU µs/answer", "lookup_c8_cpu_us"),
    ("cold start s (PostgreSQL already up)", "cold_start_s"),
    ("first prediction ms", "first_predict_ms"),
    ("cold start s (embedded PG started by it)", "embedded_cold_start_s"),
]


def table(kinds: list[str], medians: dict[str, dict[str, float]]) -> list[str]:
    ratio = "granian" in kinds and "uvicorn" in kinds
    lines = ["| metric | " + " | ".join(kinds) + (" | granian/uvicorn |" if ratio else " |")]
    lines.append("|---" * (len(kinds) + 1 + ratio) + "|")
    for label, key in ROWS:
        values = [medians[k].get(key, float("nan")) for k in kinds]
        cells = " | ".join("-" if v != v else f"{v:,.2f}" if v < 100 else f"{v:,.0f}" for v in values)
        extra = ""
        if ratio:
            g, u = medians["granian"].get(key, float("nan")), medians["uvicorn"].get(key, float("nan"))
            extra = f" | {g / u:.2f}" if u == u and u else " | -"
        lines.append(f"| {label} | {cells}{extra} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--servers",
        default="granian,granian-asgi,bare",
        help="hippo serve with granian (-rsgi/-asgi: its interface, -st/-mt: its runtime mode) or uvicorn; "
        "bare = the baseline",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--cold-start-only",
        action="store_true",
        help="only the cold start (PostgreSQL already up), the servers started in turn --repeats times",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.cold_start_only:
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from hippo.adapters.alembic_migrations import AlembicMigrator
    from hippo.adapters.embedded_postgres import EmbeddedPostgres

    load_before = os.getloadavg()
    kinds = args.servers.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="hippo-bench-"))
    scripts = scratch / "scripts"
    scripts.mkdir()
    body = digit_body()
    (scratch / "digit.json").write_bytes(body)
    args.predict_lua = scripts / "predict.lua"
    args.predict_lua.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'local f = io.open("{scratch / "digit.json"}", "r"); wrk.body = f:read("*a"); f:close()\n'
    )
    results: dict[str, dict[str, list[float]]] = {k: {} for k in kinds}
    postgres = EmbeddedPostgres(scratch / "pgdata", delete_on_stop=True)
    try:
        database_url = postgres.start()  # "Neon": a PostgreSQL that is up before the server starts
        AlembicMigrator(database_url, ROOT / "migrations").upgrade()
        data_dir = scratch / "data"
        data_dir.mkdir()
        # First start of each server: writes the bytecode and Numba caches (discarded).
        texts: list[str] = []
        for kind in kinds:
            server = Server(kind, data_dir, database_url)
            server.start()
            if kind != "bare" and not texts and not args.cold_start_only:  # the shared database
                texts = load_dictionary(server.base)
            server.stop()
        if kinds[0] != "bare" and not args.cold_start_only:
            embedded_cold_start(data_dir)  # initialises the embedded cluster under data_dir (discarded)
        lookup_lua = scripts / "lookup.lua"
        lookup_lua.write_text(
            "local words = {" + ",".join(f'"{t}"' for t in texts) + "}\nlocal i = 0\n"
            "request = function()\n  i = i % #words + 1\n"
            '  return wrk.format("GET", "/v1/dictionary/words/en/" .. words[i])\nend\n'
        )
        for repeat in range(args.repeats):
            for kind in kinds:
                if args.cold_start_only:
                    server = Server(kind, data_dir, database_url)
                    try:
                        results[kind].setdefault("cold_start_s", []).append(server.start())
                    finally:
                        server.stop()
                    continue
                record = run_server(kind, Server(kind, data_dir, database_url), body, args, lookup_lua)
                if kind == kinds[0] and kind != "bare":
                    record["embedded_cold_start_s"] = embedded_cold_start(data_dir)
                for key, value in record.items():
                    results[kind].setdefault(key, []).append(value)
                print(f"repeat {repeat + 1}/{args.repeats} {kind}: done", file=sys.stderr)
            if args.cold_start_only:
                print(f"repeat {repeat + 1}/{args.repeats} done", file=sys.stderr)
    finally:
        postgres.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    load_after = os.getloadavg()
    medians = {k: {m: statistics.median(v) for m, v in r.items()} for k, r in results.items()}
    if args.cold_start_only:
        for kind in kinds:
            runs = ", ".join(f"{v:.3f}" for v in sorted(results[kind]["cold_start_s"]))
            print(f"cold start {kind}: median {medians[kind]['cold_start_s']:.3f} s ({runs})")
    else:
        print("\n".join(table(kinds, medians)))
    print(
        f"(medians of {args.repeats} repeats, {args.duration:g} s per run, wrk -t1, one server worker; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after)"
    )
    if args.json:
        args.json.write_text(json.dumps({"medians": medians, "runs": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
