"""Drill: graceful shutdown on the embedded setup. SIGTERM while 16 clients keep sending requests:
every answer is a 200 (no request is failed half-done), the process exits 0 and the embedded PostgreSQL
is stopped; the startup log carries the timing of each phase."""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
import threading
from pathlib import Path

import httpx

from tests.integration.drill_support import BLANK, HippoServer, base_env, eventually

CLIENTS = 16


def test_sigterm_lets_in_flight_requests_finish_and_stops_the_embedded_postgres(tmp_path):
    data = Path(tempfile.mkdtemp(prefix="hippo-drill-shutdown-"))  # the server runs PG as another user
    env = base_env(tmp_path, HIPPO_DATA_DIR=str(data))
    server = HippoServer(env, tmp_path / "server.log").start(start_timeout=180)
    pidfile = data / "pgdata" / "postmaster.pid"
    try:
        assert pidfile.exists(), "the embedded PostgreSQL should be running"
        outcomes: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def client_loop(i: int) -> None:
            # A fresh connection per request: an idle keep-alive connection closed by the server while a
            # request crosses it on the wire is a client-side retry case, not an in-flight request.
            fresh = httpx.Limits(max_keepalive_connections=0)
            with httpx.Client(base_url=server.url, timeout=30.0, limits=fresh) as client:
                while not stop.is_set():
                    try:
                        if i % 2:
                            r = client.post("/v1/predict", json={"pixels": BLANK})
                        else:
                            r = client.get("/v1/dictionary/words", params={"search": "a"})
                        outcome = str(r.status_code)
                    except httpx.ConnectError:
                        outcome = "refused"  # after the listener closed: never reached the server
                        stop.wait(0.05)
                    except httpx.HTTPError as exc:
                        outcome = f"broken: {type(exc).__name__}"
                    with lock:
                        outcomes.append(outcome)

        threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        eventually(lambda: len(outcomes) > 200, timeout=60, interval=0.05)
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(60)
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        server.stop()

    assert code == 0, server.log()
    answered = [o for o in outcomes if o.isdigit()]
    assert set(answered) == {"200"}, sorted(set(outcomes))
    # A request still in the kernel's accept queue when the listener closes was never read by the server;
    # its client sees the connection drop. That can hit at most one request per client, at the very end
    # (a platform drains traffic before SIGTERM for this reason); anything more means work was cut off.
    broken = [o for o in outcomes if o.startswith("broken")]
    assert len(broken) <= CLIENTS, f"{len(broken)} requests were cut off: {sorted(set(broken))}"
    assert len(answered) > 200
    assert not pidfile.exists(), "the embedded PostgreSQL is still running after shutdown"
    log = server.log()
    assert "Traceback" not in log
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert {"model", "database"} <= {r.get("phase") for r in records}  # startup timing, per phase
    finished = next(r for r in records if r["message"].startswith("startup finished"))
    assert {"imports", "app", "model", "lifespan"} <= set(finished["startup"])
    shutil.rmtree(data, ignore_errors=True)
