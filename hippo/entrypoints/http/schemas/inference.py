"""Wire schemas of the inference endpoints (`/v1/predict`, `/v1/predict/batch`, `/v1/activations`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

PIXELS = 784
"""Pixels in one image: a flattened 28×28 grid, row-major."""
MAX_BATCH = 128
"""Most images accepted by one `POST /v1/predict/batch`."""

Pixel = Annotated[float, Meta(ge=0.0, le=1.0, description="Intensity in [0, 1]: 0 = background, 1 = ink.")]
Pixels = Annotated[
    list[Pixel],
    Meta(
        min_length=PIXELS,
        max_length=PIXELS,
        description="784 finite numbers in [0, 1]: a 28×28 image flattened row by row.",
    ),
]
ModelName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="A model from `GET /v1/models`; omitted = the default model.",
    ),
]
Preprocess = Annotated[
    Literal["mnist"],
    Meta(
        description=(
            "`mnist`: frame a hand-drawn digit as MNIST digits were framed (scaled into a 20×20 box, "
            "centred by its centre of mass) before running the network."
        )
    ),
]

_EXAMPLE_PIXELS = [0.0] * PIXELS


class PredictRequest(msgspec.Struct, forbid_unknown_fields=True):
    pixels: Pixels
    model: ModelName | None = None
    preprocess: Preprocess | None = None


class PredictResponse(msgspec.Struct):
    predicted_digit: int
    """Index of the largest probability (0-9)."""
    confidence: float
    """`probabilities[predicted_digit]`, in [0, 1]."""
    probabilities: list[float]
    """Softmax over the output layer's pre-activations: 10 values summing to 1."""
    model: str
    """The model that answered."""

    @classmethod
    def of(cls, probabilities: Any, model: str) -> PredictResponse:
        """The answer for one image's probability vector (shape (10,)), from `model`."""
        values: list[float] = probabilities.tolist()
        digit = values.index(max(values))  # the first largest, as np.argmax
        return cls(predicted_digit=digit, confidence=values[digit], probabilities=values, model=model)


class BatchPredictRequest(msgspec.Struct, forbid_unknown_fields=True):
    images: Annotated[
        list[Pixels],
        Meta(min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} images of 784 pixels."),
    ]
    model: ModelName | None = None
    preprocess: Preprocess | None = None


class BatchPrediction(msgspec.Struct):
    predicted_digit: int
    confidence: float
    probabilities: list[float]


class BatchPredictResponse(msgspec.Struct):
    predictions: list[BatchPrediction]
    """One prediction per image, in input order."""
    model: str


class ActivationsResponse(msgspec.Struct):
    activations: list[list[float]]
    """Every layer's activations, input first (the pixels as sent, or as preprocessed)."""
    layer_sizes: list[int]
    """Layer sizes, input first: `len(activations[i]) == layer_sizes[i]`."""
    model: str


PREDICT_EXAMPLE = {"pixels": _EXAMPLE_PIXELS}
