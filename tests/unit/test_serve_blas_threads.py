"""`hippo serve` runs NumPy's BLAS with one thread per worker unless OPENBLAS_NUM_THREADS says otherwise."""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, os
import numpy
from threadpoolctl import threadpool_info
from hippo.entrypoints.cli.serve import limit_blas_threads
count = limit_blas_threads()
blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"count": count, "env": os.environ["OPENBLAS_NUM_THREADS"], "blas": blas}))
"""


def _run(env_value: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env_value
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_server_limits_blas_to_one_thread_by_default():
    result = _run(None)
    assert result["count"] == 1
    assert result["env"] == "1"  # spawned workers read it when they import NumPy
    assert result["blas"]  # NumPy's OpenBLAS was found
    assert set(result["blas"]) == {1}


@pytest.mark.parametrize(("given", "expected"), [("2", 2), ("nonsense", 1)])
def test_an_explicit_setting_is_honoured_and_a_bad_one_falls_back_to_one(given, expected):
    result = _run(given)
    assert result["count"] == expected
    assert set(result["blas"]) == {expected}


BEFORE_NUMPY = """
import json, os, sys
import hippo.entrypoints.cli  # every command module, as `hippo serve` imports them
from hippo.entrypoints.cli.serve import limit_blas_threads
loaded_early = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "threadpoolctl"))
count = limit_blas_threads()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "threadpoolctl"))
import numpy
from threadpoolctl import threadpool_info
blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"count": count, "early": loaded_early, "loaded": loaded, "blas": blas}))
"""


@pytest.mark.parametrize(("given", "expected"), [(None, 1), ("2", 2), ("nonsense", 1)])
def test_before_numpy_loads_the_limit_is_set_through_the_environment_alone(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run(
        [sys.executable, "-c", BEFORE_NUMPY], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["early"] == []  # the CLI's modules import neither NumPy nor threadpoolctl
    assert result["loaded"] == []  # nor does the limit itself: OpenBLAS reads the variable when it loads
    assert result["count"] == expected
    assert set(result["blas"]) == {expected}
