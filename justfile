# Hippo's commands. `just` lists them; every recipe creates and syncs .venv itself.
set positional-arguments
set dotenv-load

export PATH := justfile_directory() / ".venv/bin" + ":" + env_var("PATH")

# list the recipes
default:
    @{{just_executable()}} --list --unsorted

# create or update .venv from pyproject.toml + uv.lock (quick no-op when nothing changed)
sync:
    #!/usr/bin/env bash
    set -euo pipefail
    want=$(cat pyproject.toml uv.lock | sha256sum | cut -c1-32)
    stamp=.venv/.hippo-sync
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
    if command -v uv >/dev/null 2>&1 && [ "$(command -v uv)" != "$PWD/.venv/bin/uv" ]; then
        uv=uv
    else
        [ -x .venv/bin/python ] || python3 -m venv .venv
        [ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet uv
        uv=.venv/bin/uv
    fi
    echo "syncing .venv (first run downloads the dependencies)..." >&2
    UV_PROJECT_ENVIRONMENT=.venv "$uv" sync --locked --inexact --extra dev --python "$(command -v python3)" --quiet
    echo "$want" > "$stamp"

# run everything CI runs: lint, types, layer contracts, tests
test *args: sync
    ruff check .
    ruff format --check .
    mypy
    lint-imports
    pytest "$@"

# run only the tests (pytest arguments pass through)
pytest *args: sync
    pytest "$@"

# format the code
fmt: sync
    ruff format .
    ruff check --fix .

# start the API on the embedded defaults
serve *args: sync
    #!/usr/bin/env bash
    set -euo pipefail
    # First start on the embedded PostgreSQL: load the small sample dictionary once, so the API and the
    # playground have words to show (`just seed` does it any time; it is idempotent).
    marker="${HIPPO_DATA_DIR:-.hippo}/sample-vocabulary-loaded"
    if [ -z "${DATABASE_URL:-}" ] && [ ! -f "$marker" ]; then
        hippo vocab seed --quiet && touch "$marker"
    fi
    exec hippo serve "$@"

# train a network on MNIST; options pass through (`just train --preset best`, `just train --epochs 5`)
train *args: sync
    hippo train "$@"

# apply the dictionary's schema migrations (DATABASE_URL, else the embedded PostgreSQL)
upgrade: sync
    hippo db upgrade

# create a migration from the schema tables: just migrate "add word notes"
migrate message: sync
    hippo db revision "{{message}}"

# roll the dictionary's schema back one migration
downgrade: sync
    hippo db downgrade

# load the bundled sample vocabulary (idempotent)
seed: sync
    hippo vocab seed

# import Princeton WordNet (apt-get install wordnet-base puts it in /usr/share/wordnet)
import-wordnet dir="/usr/share/wordnet": sync
    hippo vocab import-wordnet "{{dir}}"

# publish a trained model: `just upload MODEL=models/<name>.npz ACC=97.9` or `just upload models/<name>.npz [--keep-local]`
upload *args: sync
    hippo upload "$@"

# list the models in the registry (HF_MODEL_REPO, else the local directory and the shipped models)
models *args: sync
    hippo models list "$@"

# check the configuration (.env / environment) end to end before deploying: database, migrations, Hub, model
doctor *args: sync
    hippo doctor "$@"
