"""Wire schemas of `GET /v1/models` and `GET /v1/mnist/samples`."""

from __future__ import annotations

import msgspec


class ModelOut(msgspec.Struct):
    name: str
    sizes: list[int]
    """Layer sizes, input first (e.g. `[784, 100, 10]`)."""
    activation: str
    """Hidden activation: `sigmoid`, `relu` or `tanh`."""
    output: str
    """`softmax` or `classic` (the hidden activation applied to the output layer)."""
    accuracy: float | None
    """Test accuracy as a fraction in [0, 1], when recorded."""
    created: str | None
    size_bytes: int
    source: str
    """`local`, `package`, `hub` or `cache`."""
    default: bool
    """Whether `/v1/predict` uses this model when none is named."""
    loaded: bool
    """Whether it is in memory now (otherwise the first request naming it loads it)."""


class ModelsResponse(msgspec.Struct):
    models: list[ModelOut]
    default: str
    """Name of the default model."""


class SampleOut(msgspec.Struct):
    pixels: list[float]
    """784 values in [0, 1], row-major: send them to `/v1/predict` as they are."""
    label: int
    """The digit it shows."""
    index: int
    """Position in the MNIST split."""
    dataset: str


class SamplesResponse(msgspec.Struct):
    samples: list[SampleOut]
    dataset: str
    """`test` or `train`."""
    source: str
    """`local` (the full MNIST files) or `package` (the small sample shipped with Hippo)."""
