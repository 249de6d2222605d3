"""`GET /v1/mnist/samples`: random real MNIST digits with their labels."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from hippo.entrypoints.http.schemas.models import SampleOut, SamplesResponse

MAX_SAMPLES = 100


class SamplesController(Controller):
    path = "/v1/mnist/samples"
    tags = ["mnist"]  # noqa: RUF012 - Litestar reads a plain class attribute

    @get("/", operation_id="mnistSamples", summary="Random MNIST digits with labels")
    async def samples(
        self,
        sampler: NamedDependency[Any],
        count: Annotated[int, QueryParameter(ge=1, le=MAX_SAMPLES, description="How many digits.")] = 1,
        dataset: Annotated[Literal["test", "train"], QueryParameter(description="MNIST split.")] = "test",
    ) -> SamplesResponse:
        """Real digits from the MNIST files when the server has them, else from the packaged sample."""
        draw = await anyio.to_thread.run_sync(sampler.draw, count, dataset)
        return SamplesResponse(
            samples=[
                SampleOut(pixels=image, label=label, index=index, dataset=draw.dataset)
                for image, label, index in zip(
                    draw.images.tolist(), draw.labels.tolist(), draw.indices.tolist(), strict=True
                )
            ],
            dataset=draw.dataset,
            source=draw.source,
        )
