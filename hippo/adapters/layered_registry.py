"""LayeredModelRegistry: a primary registry (the Hub) backed by a read-only fallback (the shipped models).

With ``HF_MODEL_REPO`` set, the shipped default model must still be servable when the repository does not
hold it, or when the Hub cannot be reached and nothing is cached. Publishing and verifying go to the
primary only.
"""

from __future__ import annotations

import logging

from hippo.domain.errors import ModelNotFoundError, ModelRegistryError
from hippo.domain.model_catalog import LoadedModel, ModelFiles, ModelSummary, PublishReceipt, Verification
from hippo.ports.model_registry import ModelRegistry, Progress

logger = logging.getLogger(__name__)


class LayeredModelRegistry:
    def __init__(self, primary: ModelRegistry, fallback: ModelRegistry) -> None:
        self.primary = primary
        self.fallback = fallback

    @property
    def location(self) -> str:
        return self.primary.location

    def fetch(self, name: str) -> LoadedModel:
        try:
            return self.primary.fetch(name)
        except (ModelNotFoundError, ModelRegistryError) as error:
            try:
                model = self.fallback.fetch(name)
            except ModelNotFoundError:
                raise error from None
            logger.warning("%s; serving model %s from %s instead", error, name, self.fallback.location)
            return model

    def list_models(self) -> list[ModelSummary]:
        try:
            models = {s.name: s for s in self.primary.list_models()}
        except ModelRegistryError as error:
            logger.warning("%s; listing only the models in %s", error, self.fallback.location)
            models = {}
        for summary in self.fallback.list_models():
            models.setdefault(summary.name, summary)
        return [models[name] for name in sorted(models)]

    def publish(self, files: ModelFiles, progress: Progress | None = None) -> PublishReceipt:
        return self.primary.publish(files, progress)

    def verify(self, files: ModelFiles) -> Verification:
        return self.primary.verify(files)
