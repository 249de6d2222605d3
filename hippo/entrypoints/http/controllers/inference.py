"""`POST /v1/predict`, `/v1/predict/batch` and `/v1/activations`."""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread
import numpy as np
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec

from hippo.domain.errors import HippoError, UnavailableError
from hippo.domain.preprocessing import mnist_preprocess
from hippo.entrypoints.http.body import JsonBody
from hippo.entrypoints.http.schemas.errors import ErrorBody
from hippo.entrypoints.http.schemas.inference import (
    MAX_BATCH,
    PREDICT_EXAMPLE,
    ActivationsResponse,
    BatchPrediction,
    BatchPredictRequest,
    BatchPredictResponse,
    PredictRequest,
    PredictResponse,
)

log = logging.getLogger("hippo.http")

PREDICT_BODY: JsonBody[PredictRequest] = JsonBody(PredictRequest, example=PREDICT_EXAMPLE)
BATCH_BODY: JsonBody[BatchPredictRequest] = JsonBody(
    BatchPredictRequest, example={"images": [PREDICT_EXAMPLE["pixels"]]}
)

_ERRORS = {
    404: ResponseSpec(ErrorBody, description="The requested model does not exist."),
    422: ResponseSpec(
        ErrorBody, description="The body is not valid: wrong length, non-numbers, out of [0, 1]."
    ),
    503: ResponseSpec(ErrorBody, description="No model could be loaded."),
}


async def _model(models: Any, name: str | None) -> Any:
    """The default model, or `name` (loaded off the event loop on first use, then cached).

    Raises:
        UnavailableError: no name was given and the default model cannot be loaded (503).
    """
    if name is None or name == models.default_name:
        if models.is_loaded:
            return models.default()
        try:
            return await anyio.to_thread.run_sync(models.default)
        except HippoError as exc:
            log.error("the default model %s cannot be loaded: %s", models.default_name, exc)
            raise UnavailableError(
                "No model is loaded. Check the server's DEFAULT_MODEL / HF_MODEL_REPO configuration."
            ) from exc
    return await anyio.to_thread.run_sync(models.get, name)


def _image(pixels: list[float], preprocess: str | None) -> np.ndarray:
    x = np.asarray(pixels, dtype=np.float32)
    return mnist_preprocess(x) if preprocess == "mnist" else x


class InferenceController(Controller):
    path = "/v1"
    tags = ["inference"]  # noqa: RUF012 - Litestar reads a plain class attribute

    @post(
        "/predict",
        status_code=200,
        operation_id="predict",
        summary="Recognise one digit",
        operation_class=PREDICT_BODY.operation,
        responses=_ERRORS,
    )
    async def predict(self, request: Request[Any, Any, Any], models: NamedDependency[Any]) -> PredictResponse:
        """Run a 28×28 image through a network; `probabilities` is a softmax (10 values summing to 1)."""
        body = PREDICT_BODY.decode(await request.body())
        loaded = await _model(models, body.model)
        probabilities = loaded.network.probabilities(_image(body.pixels, body.preprocess))
        return PredictResponse.of(probabilities, loaded.name)

    @post(
        "/predict/batch",
        status_code=200,
        operation_id="predictBatch",
        summary=f"Recognise up to {MAX_BATCH} digits",
        operation_class=BATCH_BODY.operation,
        responses=_ERRORS,
    )
    async def predict_batch(
        self, request: Request[Any, Any, Any], models: NamedDependency[Any]
    ) -> BatchPredictResponse:
        """Run up to 128 images in one call; predictions come back in input order."""
        body = await BATCH_BODY.read(request)
        loaded = await _model(models, body.model)
        x = np.asarray(body.images, dtype=np.float32)
        if body.preprocess == "mnist":
            x = np.stack([mnist_preprocess(row) for row in x])
        probabilities = np.asarray(loaded.network.probabilities(x)).reshape(len(body.images), -1)
        digits = probabilities.argmax(axis=1).tolist()
        rows = probabilities.tolist()
        predictions = [
            BatchPrediction(predicted_digit=d, confidence=row[d], probabilities=row)
            for d, row in zip(digits, rows, strict=True)
        ]
        return BatchPredictResponse(predictions=predictions, model=loaded.name)

    @post(
        "/activations",
        status_code=200,
        operation_id="activations",
        summary="Every layer's activations for one image",
        operation_class=PREDICT_BODY.operation,
        responses=_ERRORS,
    )
    async def activations(
        self, request: Request[Any, Any, Any], models: NamedDependency[Any]
    ) -> ActivationsResponse:
        """Every layer's activations, input first; the last layer is the network's raw output."""
        body = await PREDICT_BODY.read(request)
        loaded = await _model(models, body.model)
        layers = loaded.network.activations(_image(body.pixels, body.preprocess))
        values = [np.asarray(layer, dtype=np.float64).reshape(-1).tolist() for layer in layers]
        return ActivationsResponse(
            activations=values, layer_sizes=[len(layer) for layer in values], model=loaded.name
        )
