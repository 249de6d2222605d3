"""Where an importable vocabulary comes from (WordNet files, the bundled sample, ...)."""

from __future__ import annotations

from typing import Protocol

from hippo.domain.vocabulary_changes import Lexicon


class LexiconSource(Protocol):
    def read(self) -> Lexicon:
        """Read the whole vocabulary; raises `InvalidArgumentError` naming the file when it is malformed."""
        ...
