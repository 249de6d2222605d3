"""A `Lexicon` from a JSON file; the bundled sample vocabulary is `hippo/assets/vocabulary-sample.json`.

Format: ``{"words": [WordCreate, ...], "relations": [{"language_code", "word_1", "word_2",
"relation_type"}, ...]}`` where a WordCreate has the HTTP API's fields (`word_text`, `language_code`,
`definitions` with `examples`, `tags` as names, `word_forms`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from hippo.domain.errors import HippoError, InvalidArgumentError
from hippo.domain.vocabulary import RelationType
from hippo.domain.vocabulary_changes import (
    Lexicon,
    NewDefinition,
    NewExample,
    NewWord,
    NewWordForm,
    TextRelation,
)


def sample_path() -> Path:
    """The bundled sample vocabulary."""
    return Path(str(resources.files("hippo") / "assets" / "vocabulary-sample.json"))


def _word(item: dict[str, Any]) -> NewWord:
    definitions = tuple(
        NewDefinition(
            d["definition_text"],
            d["part_of_speech"],
            d.get("order"),
            tuple(NewExample(e["example_text"], e.get("source")) for e in d.get("examples", ())),
        )
        for d in item.get("definitions", ())
    )
    forms = tuple(NewWordForm(f["form_text"], f.get("form_type")) for f in item.get("word_forms", ()))
    return NewWord(item["word_text"], item["language_code"], definitions, tuple(item.get("tags", ())), forms)


class JsonLexicon:
    """A `LexiconSource` over a JSON file (default: the bundled sample)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or sample_path()

    def read(self) -> Lexicon:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            words = tuple(_word(item) for item in data["words"])
            relations = tuple(
                TextRelation(
                    r["language_code"].lower(), r["word_1"], r["word_2"], RelationType(r["relation_type"])
                )
                for r in data.get("relations", ())
            )
        except (OSError, ValueError, KeyError, TypeError, HippoError) as error:
            raise InvalidArgumentError(f"{self.path}: not a vocabulary file ({error!r})") from None
        return Lexicon(words, relations)
