"""`hippo serve`: start the HTTP API (granian by default; uvicorn on request).

On the embedded defaults (no `DATABASE_URL`, no `HF_MODEL_REPO`) this serves the model shipped in the
package and a dictionary in an embedded PostgreSQL under `HIPPO_DATA_DIR`, migrated on startup.
Granian was measured faster than uvicorn here (benchmarks/serve.py): it is the default server.
"""

from __future__ import annotations

import argparse
import os
import sys

APP_FACTORY = "hippo.entrypoints.http.asgi:create"
RSGI_FACTORY = "hippo.entrypoints.http.asgi:create_rsgi"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="start the HTTP API")
    parser.add_argument("--host", default=None, help="interface to bind (default: $HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: $PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    parser.add_argument(
        "--server", choices=("granian", "uvicorn"), default="granian", help="ASGI server (default: granian)"
    )
    parser.add_argument(
        "--runtime-mode",
        choices=("st", "mt"),
        default="st",
        help="granian's I/O runtime per worker: one thread (st, default) or several (mt)",
    )
    parser.add_argument(
        "--interface",
        choices=("rsgi", "asgi"),
        default="rsgi",
        help="granian's interface to the app: RSGI (default; measured faster) or ASGI (uvicorn: always ASGI)",
    )
    parser.set_defaults(handler=run)


def limit_blas_threads() -> int:
    """One BLAS thread per server process (unless `OPENBLAS_NUM_THREADS` says otherwise); returns the count.

    A worker answers one request at a time, so OpenBLAS's extra threads only contend with the server's own
    threads for the cores: with them, a batch of 256 images took 3.5 ms instead of 0.9 ms on a busy 2-core
    machine, and predictions/s at concurrency 8 and 64 rose 15-20 % with one thread (benchmarks/serve.py).
    The count goes into the environment, where OpenBLAS reads it when NumPy loads it (`hippo serve` calls
    this before anything imports NumPy; forked and spawned workers inherit it). Only when NumPy is already
    loaded (a caller that imported it first) is the limit applied through threadpoolctl instead, which
    costs about 50 ms of a start (its import and its scan of the loaded libraries).
    """
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "1")
    count = int(threads) if threads.isdigit() and int(threads) > 0 else 1
    os.environ["OPENBLAS_NUM_THREADS"] = str(count)
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(count, user_api="blas")
    return count


def run(args: argparse.Namespace) -> int:
    from hippo.config import Settings
    from hippo.entrypoints.http.startup import StartupRefusedError, check_startup

    settings = Settings.from_env()
    try:
        check_startup(settings)
    except StartupRefusedError as exc:
        print(f"hippo serve: refusing to start: {exc}", file=sys.stderr)
        return 2
    limit_blas_threads()
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    level = settings.log_level.lower()
    how = f"granian ({args.interface})" if args.server == "granian" else args.server
    print(f"hippo serve: http://{host}:{port} (docs at /docs) with {how}", file=sys.stderr)
    if args.server == "uvicorn":
        import uvicorn

        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=args.workers,
            log_level=level,
            access_log=False,
            loop="uvloop",
            http="httptools",
        )
        return 0
    import multiprocessing

    from hippo.entrypoints.gc_pause import paused_gc

    # Granian runs the app in worker processes. Import the app's modules here, before they start: a
    # forked worker then has them already and only builds the app (cold start); with spawn it would
    # import everything again. Fork only while this process has not loaded Numba: a forked worker
    # compiling Numba kernels was seen deadlocking inside LLVM, so then workers are spawned.
    # No collections while importing (about 0.1 s of the cold start), and the imported objects are then
    # frozen, so the worker's collections never walk them (nor copy their pages after the fork).
    with paused_gc(freeze=True):
        from granian import Granian
        from granian.constants import Interfaces, Loops, RuntimeModes
        from granian.log import LogLevels

        from hippo.entrypoints.http.asgi import preload

        preload()
    multiprocessing.set_start_method("spawn" if "numba" in sys.modules else "fork", force=True)

    rsgi = args.interface == "rsgi"
    Granian(
        RSGI_FACTORY if rsgi else APP_FACTORY,
        factory=True,
        interface=Interfaces.RSGI if rsgi else Interfaces.ASGI,
        address=host,
        port=port,
        workers=args.workers,
        loop=Loops.uvloop,
        runtime_mode=RuntimeModes(args.runtime_mode),
        log_level=LogLevels(level if level in {"debug", "info", "warning", "error", "critical"} else "info"),
        log_access=False,
    ).serve()
    return 0
