"""Model names: the safe subset of characters a model may be called by.

A model name is the stem of its files (``<name>.npz``, ``<name>.json``) in a local directory and in a Hub
repository, and the value of ``DEFAULT_MODEL``. It must therefore never be a path: only ASCII letters,
digits, ``-``, ``_`` and ``.``; it starts with a letter or digit; no ``..``; at most 96 characters; and it
does not end in a model file suffix (``x.npz`` is a file name, its model name is ``x``).
"""

from __future__ import annotations

import re

from hippo.domain.errors import InvalidModelNameError

MAX_MODEL_NAME_LENGTH = 96
MODEL_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FILE_SUFFIXES = (".npz", ".json", ".png")


def validate_model_name(name: object) -> str:
    """Return `name` unchanged when it is a valid model name.

    Raises:
        InvalidModelNameError: the message quotes the name and says which rule it breaks.
    """
    if not isinstance(name, str):
        raise InvalidModelNameError(f"a model name must be text, got {type(name).__name__}")
    if not name:
        raise InvalidModelNameError("the model name is empty")
    if len(name) > MAX_MODEL_NAME_LENGTH:
        raise InvalidModelNameError(
            f"model name {name[:20]!r}... is longer than {MAX_MODEL_NAME_LENGTH} characters"
        )
    if "/" in name or "\\" in name or ".." in name:
        raise InvalidModelNameError(
            f"model name {name!r} looks like a path; use the bare name (e.g. 'mnist-relu-100')"
        )
    if not MODEL_NAME_PATTERN.fullmatch(name):
        raise InvalidModelNameError(
            f"model name {name!r} may only contain letters, digits, '-', '_' and '.', "
            "and must start with a letter or digit"
        )
    if name.lower().endswith(_FILE_SUFFIXES):
        stem = name.rsplit(".", 1)[0]
        raise InvalidModelNameError(f"{name!r} is a file name; the model is called {stem!r}")
    return name


def is_valid_model_name(name: object) -> bool:
    """True when :func:`validate_model_name` accepts `name`."""
    try:
        validate_model_name(name)
    except InvalidModelNameError:
        return False
    return True
