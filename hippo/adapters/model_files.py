"""Model files: weights in ``<name>.npz``, metadata in ``<name>.json``.

The .npz layout is the earlier Hippo's, so existing files (and Hub repositories) keep working:

=================  ==========================================================================
key                content
=================  ==========================================================================
``sizes``          int64 (L,): layer sizes, input first
``activation``     unicode scalar: ``sigmoid``, ``relu`` or ``tanh``
``num_layers``     int64 scalar: L (the number of entries in ``sizes``)
``weight_{i}``     (sizes[i+1], sizes[i]) float32/float64, i = 0 .. L-2
``bias_{i}``       (sizes[i+1],) — the earlier Hippo wrote (sizes[i+1], 1); both are read
``output``         unicode scalar ``softmax`` or ``classic`` (Hippo; absent in earlier files = classic)
``dtype``          unicode scalar ``float32`` or ``float64`` (Hippo)
``format_version`` int64 scalar (Hippo; absent in earlier files = 0)
=================  ==========================================================================

Files are read with ``allow_pickle=False`` and validated (keys, shapes, dtypes, finite values) before
a network is built; anything wrong raises :class:`~hippo.domain.errors.ModelFileError` naming the file
and the problem. Writes go to a temporary file that is renamed into place, so a crash never leaves a
half-written model under the final name.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from hippo.domain.errors import InvalidArgumentError, ModelFileError
from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.network import Network

FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "mnist-relu-100"
"""The model shipped inside the package (``hippo/assets/models/mnist-relu-100.{npz,json}``)."""
ACTIVATIONS = ("sigmoid", "relu", "tanh")
OUTPUTS = ("softmax", "classic")
DTYPES = ("float32", "float64")
MAX_LAYER_SIZE = 1 << 20


class NetworkLike(Protocol):
    """What the codec needs from a network to write it (``hippo.domain.Network`` has all of it)."""

    @property
    def sizes(self) -> Sequence[int]: ...
    @property
    def activation(self) -> str: ...
    @property
    def output(self) -> str: ...
    @property
    def weights(self) -> Sequence[NDArray[Any]]: ...
    @property
    def biases(self) -> Sequence[NDArray[Any]]: ...


@dataclass(frozen=True, slots=True, eq=False)
class ModelParameters:
    """The validated content of a .npz: everything needed to build a network.

    Attributes:
        sizes: layer sizes, input first.
        activation: hidden activation.
        output: ``softmax`` or ``classic``.
        weights: (out, in) matrices, C-contiguous, one dtype.
        biases: (out,) vectors of the same dtype.
        format_version: 0 for files written by the earlier Hippo.
    """

    sizes: tuple[int, ...]
    activation: str
    output: str
    weights: tuple[NDArray[np.floating[Any]], ...]
    biases: tuple[NDArray[np.floating[Any]], ...]
    format_version: int

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.weights[0].dtype


# ------------------------------------------------------------------------------------------- writing


def encode_npz(network: NetworkLike) -> bytes:
    """The .npz bytes of a network (validated by a decode before they are returned)."""
    weights = [np.ascontiguousarray(w) for w in network.weights]
    biases = [np.ascontiguousarray(np.asarray(b).reshape(-1)) for b in network.biases]
    dtype = weights[0].dtype.name if weights else "float32"
    arrays: dict[str, NDArray[Any]] = {
        "sizes": np.asarray([int(s) for s in network.sizes], dtype=np.int64),
        "activation": np.asarray(str(network.activation)),
        "num_layers": np.asarray(len(network.sizes), dtype=np.int64),
        "output": np.asarray(str(network.output)),
        "dtype": np.asarray(dtype),
        "format_version": np.asarray(FORMAT_VERSION, dtype=np.int64),
    }
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        arrays[f"weight_{i}"] = w
        arrays[f"bias_{i}"] = b
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    data = buffer.getvalue()
    decode_npz(data, "<network being saved>")  # refuse to write what we could not read back
    return data


def encode_json(metadata: ModelMetadata) -> bytes:
    """The .json bytes of the metadata (UTF-8, indented, trailing newline)."""
    return (json.dumps(metadata.to_dict(), indent=2, allow_nan=False) + "\n").encode("utf-8")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save_model(directory: Path, network: NetworkLike, metadata: ModelMetadata) -> tuple[Path, Path]:
    """Write ``<directory>/<metadata.name>.npz`` and ``.json``; returns both paths.

    The .npz is written first and the .json last, each atomically, so a listing that requires both
    files never sees a model whose weights are incomplete.
    """
    if tuple(int(s) for s in network.sizes) != tuple(metadata.sizes):
        raise InvalidArgumentError(
            f"metadata sizes {metadata.sizes} differ from the network's {network.sizes}"
        )
    npz_path, json_path = model_paths(directory, metadata.name)
    npz = encode_npz(network)
    atomic_write(npz_path, npz)
    atomic_write(json_path, encode_json(metadata))
    return npz_path, json_path


def model_paths(directory: Path, name: str) -> tuple[Path, Path]:
    """``(<directory>/<name>.npz, <directory>/<name>.json)``; refuses names that are paths."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or name != name.strip():
        raise InvalidArgumentError(f"model name {name!r} must be a plain file stem (no path, no leading dot)")
    return Path(directory) / f"{name}.npz", Path(directory) / f"{name}.json"


# ------------------------------------------------------------------------------------------- reading


def read_parameters(path: Path) -> ModelParameters:
    """Read and validate a .npz model file.

    Raises:
        ModelFileError: the file is missing, not an .npz archive, truncated, or its content is inconsistent.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the model file ({exc.strerror or exc})") from exc
    return decode_npz(data, str(path))


def decode_npz(data: bytes, source: str) -> ModelParameters:
    """Validate .npz bytes and return their parameters (see the module docstring for the layout)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise ModelFileError(f"{source}: not a readable .npz archive (truncated or corrupt?): {exc}") from exc
    return _validate(arrays, source)


def _scalar_str(arrays: Mapping[str, NDArray[Any]], key: str, source: str, default: str | None) -> str:
    if key not in arrays:
        if default is None:
            raise ModelFileError(f"{source}: the key {key!r} is missing")
        return default
    value = arrays[key]
    if value.dtype.kind != "U" or value.ndim != 0:
        raise ModelFileError(f"{source}: {key!r} must be a text scalar, got {value.dtype} {value.shape}")
    return str(value[()])


def _validate(arrays: Mapping[str, NDArray[Any]], source: str) -> ModelParameters:
    if "sizes" not in arrays:
        raise ModelFileError(f"{source}: the key 'sizes' is missing (keys: {sorted(arrays)})")
    sizes_array = arrays["sizes"]
    if sizes_array.ndim != 1 or sizes_array.dtype.kind not in "iu" or sizes_array.shape[0] < 2:
        raise ModelFileError(
            f"{source}: 'sizes' must be a 1-D integer array of >= 2 layers, got {sizes_array!r}"
        )
    sizes = tuple(int(s) for s in sizes_array)
    if any(s < 1 or s > MAX_LAYER_SIZE for s in sizes):
        raise ModelFileError(f"{source}: every layer size must be in 1..{MAX_LAYER_SIZE}, got {sizes}")
    if "num_layers" in arrays:
        num_layers = arrays["num_layers"]
        if num_layers.shape != () or num_layers.dtype.kind not in "iu" or int(num_layers) != len(sizes):
            raise ModelFileError(
                f"{source}: 'num_layers' is {num_layers!r} but 'sizes' lists {len(sizes)} layers"
            )
    activation = _scalar_str(arrays, "activation", source, None)
    if activation not in ACTIVATIONS:
        raise ModelFileError(f"{source}: unknown activation {activation!r} (expected one of {ACTIVATIONS})")
    output = _scalar_str(arrays, "output", source, "classic")
    if output not in OUTPUTS:
        raise ModelFileError(f"{source}: unknown output {output!r} (expected one of {OUTPUTS})")
    version = 0
    if "format_version" in arrays:
        raw = arrays["format_version"]
        if raw.shape != () or raw.dtype.kind not in "iu":
            raise ModelFileError(f"{source}: 'format_version' must be an integer scalar")
        version = int(raw)
        if version > FORMAT_VERSION:
            raise ModelFileError(
                f"{source}: written in format {version}, this Hippo reads up to {FORMAT_VERSION}; "
                "upgrade Hippo"
            )
    weights: list[NDArray[np.floating[Any]]] = []
    biases: list[NDArray[np.floating[Any]]] = []
    for i in range(len(sizes) - 1):
        n_in, n_out = sizes[i], sizes[i + 1]
        for key in (f"weight_{i}", f"bias_{i}"):
            if key not in arrays:
                raise ModelFileError(f"{source}: the key {key!r} is missing for a {len(sizes)}-layer network")
        w, b = arrays[f"weight_{i}"], arrays[f"bias_{i}"]
        if w.dtype.name not in DTYPES:
            raise ModelFileError(f"{source}: weight_{i} has dtype {w.dtype}, expected float32 or float64")
        if w.shape != (n_out, n_in):
            raise ModelFileError(f"{source}: weight_{i} has shape {w.shape}, expected ({n_out}, {n_in})")
        if b.dtype != w.dtype:
            raise ModelFileError(f"{source}: bias_{i} has dtype {b.dtype} but weight_{i} has {w.dtype}")
        if b.shape not in ((n_out,), (n_out, 1)):
            raise ModelFileError(
                f"{source}: bias_{i} has shape {b.shape}, expected ({n_out},) or ({n_out}, 1)"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ModelFileError(f"{source}: layer {i} holds NaN or infinite values")
        if weights and w.dtype != weights[0].dtype:
            raise ModelFileError(f"{source}: layers mix dtypes ({weights[0].dtype} and {w.dtype})")
        weights.append(np.ascontiguousarray(w))
        biases.append(np.ascontiguousarray(b.reshape(n_out)))
    extra = sorted(
        k for k in arrays if k.startswith(("weight_", "bias_")) and k not in _layer_keys(len(sizes))
    )
    if extra:
        raise ModelFileError(f"{source}: keys {extra} do not belong to a network of sizes {sizes}")
    dtype_name = _scalar_str(arrays, "dtype", source, weights[0].dtype.name)
    if dtype_name != weights[0].dtype.name:
        raise ModelFileError(f"{source}: 'dtype' says {dtype_name} but the weights are {weights[0].dtype}")
    return ModelParameters(sizes, activation, output, tuple(weights), tuple(biases), version)


def _layer_keys(num_layers: int) -> set[str]:
    return {f"{kind}_{i}" for i in range(num_layers - 1) for kind in ("weight", "bias")}


def read_metadata(path: Path, *, name: str | None = None) -> ModelMetadata:
    """Read a model's .json (Hippo's layout or the earlier ``{training_config, final_accuracy}``).

    Raises:
        ModelFileError: the file is missing, not JSON, or lacks what a model's metadata must hold.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the metadata file ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: not valid JSON (truncated?): {exc}") from exc
    try:
        return ModelMetadata.from_dict(data, name=name or path.stem)
    except InvalidArgumentError as exc:
        raise ModelFileError(f"{path}: {exc}") from exc


# ------------------------------------------------------------------------------------------- networks


def to_network(parameters: ModelParameters) -> Network:
    """The `Network` the parameters describe (an earlier-layout file gives a classic float64 network)."""
    return Network(
        parameters.sizes, parameters.activation, parameters.output, parameters.weights, parameters.biases
    )


def load_network(npz_path: Path) -> Network:
    """Read, validate and build the network stored in a .npz file."""
    return to_network(read_parameters(npz_path))


def load_model(npz_path: Path) -> tuple[Network, ModelMetadata]:
    """The network in `npz_path` and the metadata in the .json beside it.

    Without a .json (a bare weights file) the metadata is derived from the weights. A .json that
    disagrees with the weights about the architecture is refused.
    """
    npz_path = Path(npz_path)
    network = load_network(npz_path)
    json_path = npz_path.with_suffix(".json")
    if not json_path.exists():
        metadata = ModelMetadata(
            name=npz_path.stem,
            sizes=network.sizes,
            activation=network.activation,
            output=network.output,
            dtype=network.dtype.name,
        )
        return network, metadata
    metadata = read_metadata(json_path, name=npz_path.stem)
    if tuple(metadata.sizes) != tuple(network.sizes) or metadata.activation != network.activation:
        raise ModelFileError(
            f"{json_path}: describes {'-'.join(map(str, metadata.sizes))} {metadata.activation} but "
            f"{npz_path.name} holds {'-'.join(map(str, network.sizes))} {network.activation}"
        )
    if metadata.output != network.output or metadata.dtype != network.dtype.name:
        # the weights file is authoritative for how the network computes
        metadata = replace(metadata, output=network.output, dtype=network.dtype.name)
    return network, metadata


class NpzModelFiles:
    """`ModelFiles` over ``<name>.npz`` + ``<name>.json`` (see the module docstring)."""

    def save(self, directory: Path, network: Network, metadata: ModelMetadata) -> tuple[Path, Path]:
        return save_model(directory, network, metadata)

    def load(self, npz_path: Path) -> tuple[Network, ModelMetadata]:
        return load_model(npz_path)


def packaged_models_dir() -> Path:
    """The directory of the models shipped inside the package (``hippo/assets/models``)."""
    return Path(str(resources.files("hippo").joinpath("assets", "models")))
