"""Shared working in-memory fakes of Hippo's ports (they pass the same contract suites as the adapters)."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hippo.adapters.local_registry import read_model_pair
from hippo.domain.errors import (
    ConflictError,
    InvalidArgumentError,
    ModelNotFoundError,
    NotFoundError,
    RegistryUnavailableError,
)
from hippo.domain.mnist import MnistData
from hippo.domain.model_catalog import (
    LoadedModel,
    ModelFiles,
    ModelSummary,
    PublishReceipt,
    StoredFile,
    Verification,
)
from hippo.domain.model_metadata import ModelMetadata
from hippo.domain.model_names import validate_model_name
from hippo.domain.network import Network
from hippo.domain.vocabulary import (
    BULK_CREATE_LIMIT,
    Definition,
    Example,
    Page,
    Relation,
    RelationType,
    Tag,
    VocabularyCounts,
    Word,
    WordDetails,
    WordForm,
    check_page,
    is_storable_id,
    word_sort_key,
)
from hippo.domain.vocabulary_changes import (
    UNSET,
    DefinitionEdit,
    DefinitionPatch,
    ExamplePatch,
    NewDefinition,
    NewExample,
    NewTag,
    NewWord,
    NewWordForm,
    TagPatch,
    Unset,
    WordPatch,
    assign_orders,
)

# --------------------------------------------------------------------------- vocabulary


class InMemoryVocabularyRepository:
    """`VocabularyRepository` over dicts; every method is atomic (state is restored on error)."""

    def __init__(self) -> None:
        self._words: dict[int, Word] = {}
        self._definitions: dict[int, Definition] = {}  # stored without examples
        self._examples: dict[int, Example] = {}
        self._tags: dict[int, Tag] = {}
        self._word_tags: set[tuple[int, int]] = set()
        self._relations: set[Relation] = set()
        self._forms: dict[int, WordForm] = {}
        self._ids = {name: itertools.count(1) for name in ("word", "definition", "example", "tag", "form")}
        self._last_time = datetime(2000, 1, 1, tzinfo=UTC)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        saved = {name: getattr(self, name).copy() for name in self._tables}
        try:
            yield
        except BaseException:
            for name, value in saved.items():
                setattr(self, name, value)
            raise

    _tables = ("_words", "_definitions", "_examples", "_tags", "_word_tags", "_relations", "_forms")

    def _now(self) -> datetime:
        now = max(datetime.now(UTC), self._last_time + timedelta(microseconds=1))
        self._last_time = now
        return now

    def _next(self, kind: str) -> int:
        return next(self._ids[kind])

    # --- lookups -----------------------------------------------------------------------------
    def _word(self, word_id: int) -> Word:
        if not is_storable_id(word_id) or word_id not in self._words:
            raise NotFoundError(f"Word {word_id} not found")
        return self._words[word_id]

    def _definition_row(self, definition_id: int) -> Definition:
        if not is_storable_id(definition_id) or definition_id not in self._definitions:
            raise NotFoundError(f"Definition {definition_id} not found")
        return self._definitions[definition_id]

    def _example(self, example_id: int) -> Example:
        if not is_storable_id(example_id) or example_id not in self._examples:
            raise NotFoundError(f"Example {example_id} not found")
        return self._examples[example_id]

    def _tag(self, tag_id: int) -> Tag:
        if not is_storable_id(tag_id) or tag_id not in self._tags:
            raise NotFoundError(f"Tag {tag_id} not found")
        return self._tags[tag_id]

    def _word_by_key(self, language_code: str, text: str) -> Word | None:
        return next(
            (w for w in self._words.values() if w.language_code == language_code and w.word_text == text),
            None,
        )

    def _full_definition(self, row: Definition) -> Definition:
        examples = sorted((e for e in self._examples.values() if e.definition_id == row.id), key=_by_id)
        return replace(row, examples=tuple(examples))

    def _details(self, word_id: int) -> WordDetails:
        word = self._word(word_id)
        rows = sorted((d for d in self._definitions.values() if d.word_id == word_id), key=_by_order)
        tags = sorted((self._tags[t] for w, t in self._word_tags if w == word_id), key=_by_name)
        forms = sorted((f for f in self._forms.values() if f.word_id == word_id), key=_by_id)
        return WordDetails(word, tuple(self._full_definition(d) for d in rows), tuple(tags), tuple(forms))

    def _touch(self, word_id: int) -> None:
        self._words[word_id] = replace(self._words[word_id], updated_at=self._now())

    # --- inserts -----------------------------------------------------------------------------
    def _insert_word(self, new: NewWord) -> int:
        now = self._now()
        word = Word(self._next("word"), new.word_text, new.language_code, now, now)
        self._words[word.id] = word
        orders = assign_orders([], [d.order for d in new.definitions])
        for definition, order in zip(new.definitions, orders, strict=True):
            self._insert_definition(word.id, definition, order)
        for name in new.tags:
            self._word_tags.add((word.id, self._tag_by_name(name).id))
        for form in new.word_forms:
            self._insert_form(word.id, form)
        return word.id

    def _insert_definition(self, word_id: int, new: NewDefinition, order: int) -> Definition:
        row = Definition(self._next("definition"), word_id, new.definition_text, new.part_of_speech, order)
        self._definitions[row.id] = row
        for example in new.examples:
            self._insert_example(row.id, example)
        return row

    def _insert_example(self, definition_id: int, new: NewExample) -> Example:
        example = Example(self._next("example"), definition_id, new.example_text, new.source)
        self._examples[example.id] = example
        return example

    def _insert_form(self, word_id: int, new: NewWordForm) -> WordForm:
        if any(f.word_id == word_id and f.form_text == new.form_text for f in self._forms.values()):
            raise ConflictError(f"Word form '{new.form_text}' already exists for word {word_id}")
        form = WordForm(self._next("form"), word_id, new.form_text, new.form_type)
        self._forms[form.id] = form
        return form

    def _tag_by_name(self, name: str) -> Tag:
        found = next((t for t in self._tags.values() if t.name == name), None)
        if found is None:
            found = Tag(self._next("tag"), name, None)
            self._tags[found.id] = found
        return found

    # --- words -------------------------------------------------------------------------------
    async def create_word(self, new: NewWord) -> WordDetails:
        with self._atomic():
            if self._word_by_key(new.language_code, new.word_text) is not None:
                raise ConflictError(
                    f"Word '{new.word_text}' already exists for language '{new.language_code}'"
                )
            return self._details(self._insert_word(new))

    async def create_words(self, new: Sequence[NewWord]) -> list[WordDetails]:
        if not new:
            raise InvalidArgumentError("No words provided")
        if len(new) > BULK_CREATE_LIMIT:
            raise InvalidArgumentError(f"At most {BULK_CREATE_LIMIT} words per request, got {len(new)}")
        keys = [w.key for w in new]
        repeated = sorted({k for k in keys if keys.count(k) > 1}) if len(set(keys)) < len(keys) else []
        if repeated:
            listed = ", ".join(f"{text} ({lang})" for lang, text in repeated)
            raise ConflictError(f"Duplicate words found in request: {listed}")
        existing = [k for k in keys if self._word_by_key(*k) is not None]
        if existing:
            listed = ", ".join(f"{text} ({lang})" for lang, text in existing)
            raise ConflictError(f"Words already exist: {listed}")
        with self._atomic():
            ids = [self._insert_word(w) for w in new]
            return [self._details(i) for i in ids]

    async def import_words(self, new: Sequence[NewWord]) -> int:
        with self._atomic():
            created = 0
            for word in new:
                if self._word_by_key(*word.key) is None:
                    self._insert_word(word)
                    created += 1
            return created

    async def get_word(self, word_id: int) -> WordDetails:
        return self._details(word_id)

    async def find_word(self, language_code: str, text: str, *, through_forms: bool = False) -> WordDetails:
        language = language_code.lower()
        word = self._word_by_key(language, text)
        if word is None and through_forms:
            owners = sorted(
                f.word_id
                for f in self._forms.values()
                if f.form_text == text and self._words[f.word_id].language_code == language
            )
            word = self._words[owners[0]] if owners else None
        if word is None:
            raise NotFoundError(f"Word '{text}' not found for language '{language_code}'")
        return self._details(word.id)

    async def word_ids(self, language_code: str, texts: Sequence[str]) -> dict[str, int]:
        wanted = set(texts)
        language = language_code.lower()
        return {
            w.word_text: w.id
            for w in self._words.values()
            if w.language_code == language and w.word_text in wanted
        }

    def _matching_words(self, search: str | None, language: str | None) -> list[Word]:
        words = list(self._words.values())
        if language is not None:
            words = [w for w in words if w.language_code == language.lower()]
        if search:
            prefix = search.lower()
            formed = {f.word_id for f in self._forms.values() if f.form_text.lower().startswith(prefix)}
            words = [w for w in words if w.word_text.lower().startswith(prefix) or w.id in formed]
        return sorted(words, key=word_sort_key)

    async def list_words(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[Word]:
        offset = check_page(page, page_size)
        words = self._matching_words(search, language)
        return Page(tuple(words[offset : offset + page_size]), len(words), page, page_size)

    async def list_word_details(
        self, *, search: str | None = None, language: str | None = None, page: int = 1, page_size: int = 100
    ) -> Page[WordDetails]:
        found = await self.list_words(search=search, language=language, page=page, page_size=page_size)
        items = tuple(self._details(w.id) for w in found.items)
        return Page(items, found.total, page, page_size)

    async def update_word(self, word_id: int, patch: WordPatch) -> WordDetails:
        with self._atomic():
            word = self._word(word_id)
            text = word.word_text if isinstance(patch.word_text, Unset) else patch.word_text
            language = word.language_code if isinstance(patch.language_code, Unset) else patch.language_code
            other = self._word_by_key(language, text)
            if other is not None and other.id != word_id:
                raise ConflictError(f"Word '{text}' already exists for language '{language}'")
            changed = patch.touches_children or (text, language) != (word.word_text, word.language_code)
            self._words[word_id] = replace(word, word_text=text, language_code=language)
            if not isinstance(patch.definitions, Unset):
                for item in patch.definitions:
                    if isinstance(item, DefinitionEdit):
                        row = self._definitions.get(item.definition_id)
                        if row is None or row.word_id != word_id or not is_storable_id(item.definition_id):
                            raise NotFoundError(
                                f"Definition {item.definition_id} not found for word {word_id}"
                            )
                        self._patch_definition(row, item.patch)
                    else:
                        (order,) = assign_orders(self._orders(word_id), [item.order])
                        self._insert_definition(word_id, item, order)
            if not isinstance(patch.tags, Unset):
                tag_ids = [self._tag_by_name(name).id for name in patch.tags]
                self._replace_tags(word_id, tag_ids)
            if not isinstance(patch.tag_ids, Unset):
                self._replace_tags(word_id, [self._tag(tag_id).id for tag_id in patch.tag_ids])
            if not isinstance(patch.word_forms, Unset):
                self._forms = {k: f for k, f in self._forms.items() if f.word_id != word_id}
                for form in patch.word_forms:
                    self._insert_form(word_id, form)
            if changed:
                self._touch(word_id)
            return self._details(word_id)

    def _replace_tags(self, word_id: int, tag_ids: Sequence[int]) -> None:
        self._word_tags = {(w, t) for w, t in self._word_tags if w != word_id}
        self._word_tags.update((word_id, t) for t in tag_ids)

    def _orders(self, word_id: int, *, excluding: int | None = None) -> list[int]:
        return [d.order for d in self._definitions.values() if d.word_id == word_id and d.id != excluding]

    async def delete_word(self, word_id: int) -> None:
        self._word(word_id)
        definition_ids = {d.id for d in self._definitions.values() if d.word_id == word_id}
        self._examples = {k: e for k, e in self._examples.items() if e.definition_id not in definition_ids}
        self._definitions = {k: d for k, d in self._definitions.items() if k not in definition_ids}
        self._forms = {k: f for k, f in self._forms.items() if f.word_id != word_id}
        self._word_tags = {(w, t) for w, t in self._word_tags if w != word_id}
        self._relations = {r for r in self._relations if word_id not in (r.word_id_1, r.word_id_2)}
        del self._words[word_id]

    # --- definitions and examples ---------------------------------------------------------------
    async def add_definition(self, word_id: int, new: NewDefinition) -> Definition:
        with self._atomic():
            self._word(word_id)
            (order,) = assign_orders(self._orders(word_id), [new.order])
            row = self._insert_definition(word_id, new, order)
            self._touch(word_id)
            return self._full_definition(row)

    async def get_definition(self, definition_id: int) -> Definition:
        return self._full_definition(self._definition_row(definition_id))

    def _patch_definition(self, row: Definition, patch: DefinitionPatch) -> Definition:
        if not isinstance(patch.order, Unset) and patch.order in self._orders(row.word_id, excluding=row.id):
            raise ConflictError(f"Definition order {patch.order} is already used by this word")
        updated = replace(
            row,
            definition_text=row.definition_text if patch.definition_text is UNSET else patch.definition_text,
            part_of_speech=row.part_of_speech if patch.part_of_speech is UNSET else patch.part_of_speech,
            order=row.order if isinstance(patch.order, Unset) else patch.order,
        )
        self._definitions[row.id] = updated
        if not isinstance(patch.examples, Unset):
            self._examples = {k: e for k, e in self._examples.items() if e.definition_id != row.id}
            for example in patch.examples:
                self._insert_example(row.id, example)
        return updated

    async def update_definition(self, definition_id: int, patch: DefinitionPatch) -> Definition:
        with self._atomic():
            row = self._patch_definition(self._definition_row(definition_id), patch)
            self._touch(row.word_id)
            return self._full_definition(row)

    async def delete_definition(self, definition_id: int) -> None:
        row = self._definition_row(definition_id)
        self._examples = {k: e for k, e in self._examples.items() if e.definition_id != definition_id}
        del self._definitions[definition_id]
        self._touch(row.word_id)

    async def add_example(self, definition_id: int, new: NewExample) -> Example:
        row = self._definition_row(definition_id)
        example = self._insert_example(definition_id, new)
        self._touch(row.word_id)
        return example

    async def get_example(self, example_id: int) -> Example:
        return self._example(example_id)

    async def update_example(self, example_id: int, patch: ExamplePatch) -> Example:
        example = self._example(example_id)
        example = replace(
            example,
            example_text=example.example_text
            if isinstance(patch.example_text, Unset)
            else patch.example_text,
            source=example.source if isinstance(patch.source, Unset) else patch.source,
        )
        self._examples[example_id] = example
        self._touch(self._definitions[example.definition_id].word_id)
        return example

    async def delete_example(self, example_id: int) -> None:
        example = self._example(example_id)
        del self._examples[example_id]
        self._touch(self._definitions[example.definition_id].word_id)

    # --- tags ------------------------------------------------------------------------------------
    async def create_tag(self, new: NewTag) -> Tag:
        if any(t.name == new.name for t in self._tags.values()):
            raise ConflictError(f"Tag '{new.name}' already exists")
        tag = Tag(self._next("tag"), new.name, new.description)
        self._tags[tag.id] = tag
        return tag

    async def get_tag(self, tag_id: int) -> Tag:
        return self._tag(tag_id)

    async def list_tags(self, *, search: str | None = None, page: int = 1, page_size: int = 100) -> Page[Tag]:
        offset = check_page(page, page_size)
        tags = [t for t in self._tags.values() if not search or t.name.lower().startswith(search.lower())]
        tags.sort(key=lambda t: (t.name, t.id))
        return Page(tuple(tags[offset : offset + page_size]), len(tags), page, page_size)

    async def update_tag(self, tag_id: int, patch: TagPatch) -> Tag:
        tag = self._tag(tag_id)
        name = tag.name if isinstance(patch.name, Unset) else patch.name
        if any(t.name == name and t.id != tag_id for t in self._tags.values()):
            raise ConflictError(f"Tag '{name}' already exists")
        description = tag.description if isinstance(patch.description, Unset) else patch.description
        self._tags[tag_id] = Tag(tag_id, name, description)
        return self._tags[tag_id]

    async def delete_tag(self, tag_id: int) -> None:
        self._tag(tag_id)
        self._word_tags = {(w, t) for w, t in self._word_tags if t != tag_id}
        del self._tags[tag_id]

    # --- relations -------------------------------------------------------------------------------
    async def add_relation(self, relation: Relation) -> Relation:
        self._word(relation.word_id_1)
        self._word(relation.word_id_2)
        if relation in self._relations:
            raise ConflictError("Word relation already exists")
        self._relations.add(relation)
        return relation

    async def add_relations(self, relations: Sequence[Relation]) -> int:
        for relation in relations:
            self._word(relation.word_id_1)
            self._word(relation.word_id_2)
        new = set(relations) - self._relations
        self._relations |= new
        return len(new)

    async def list_relations(
        self,
        *,
        word_id: int | None = None,
        relation_type: RelationType | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Relation]:
        offset = check_page(page, page_size)
        found = [
            r
            for r in self._relations
            if (word_id is None or word_id in (r.word_id_1, r.word_id_2))
            and (relation_type is None or r.relation_type == relation_type)
        ]
        found.sort(key=lambda r: (r.word_id_1, r.word_id_2, r.relation_type.value))
        return Page(tuple(found[offset : offset + page_size]), len(found), page, page_size)

    async def delete_relation(self, relation: Relation) -> None:
        if relation not in self._relations:
            raise NotFoundError("Word relation not found")
        self._relations.remove(relation)

    # --- word forms ------------------------------------------------------------------------------
    async def add_word_form(self, word_id: int, new: NewWordForm) -> WordForm:
        self._word(word_id)
        form = self._insert_form(word_id, new)
        self._touch(word_id)
        return form

    async def delete_word_form(self, form_id: int) -> None:
        if not is_storable_id(form_id) or form_id not in self._forms:
            raise NotFoundError(f"Word form {form_id} not found")
        form = self._forms.pop(form_id)
        self._touch(form.word_id)

    async def counts(self) -> VocabularyCounts:
        return VocabularyCounts(
            words=len(self._words),
            definitions=len(self._definitions),
            examples=len(self._examples),
            tags=len(self._tags),
            relations=len(self._relations),
            word_forms=len(self._forms),
        )


def _by_id(item: Example | WordForm) -> int:
    return item.id


def _by_order(item: Definition) -> int:
    return item.order


def _by_name(item: Tag) -> tuple[str, int]:
    return (item.name, item.id)


class InMemoryMnistSource:
    """`MnistSource` over data already in memory (counts how often it was loaded)."""

    def __init__(self, data: MnistData) -> None:
        self.data = data
        self.loads = 0

    def load(self, *, validation_size: int = 0) -> MnistData:
        self.loads += 1
        return self.data.with_validation(validation_size)


class InMemoryModelRegistry:
    """`ModelRegistry` in a dict: published files are kept as bytes and decoded with the real codec.

    Switches for tests: `available = False` makes every call fail like an unreachable registry;
    `tamper(file_name, data) -> data` changes what `publish` stores (a registry that keeps something else).
    `fetches` counts the loads per name.
    """

    def __init__(self, models: Iterable[tuple[Network, ModelMetadata]] = ()) -> None:
        self._models: dict[str, LoadedModel] = {}
        self._files: dict[str, dict[str, bytes]] = {}
        self.available = True
        self.tamper: Callable[[str, bytes], bytes] | None = None
        self.fetches: dict[str, int] = {}
        for network, metadata in models:
            self.add(network, metadata)

    @property
    def location(self) -> str:
        return "memory"

    def add(self, network: Network, metadata: ModelMetadata) -> None:
        validate_model_name(metadata.name)
        self._models[metadata.name] = LoadedModel(network, metadata, source="memory", location="memory")
        self._files.setdefault(metadata.name, {})

    def _check(self) -> None:
        if not self.available:
            raise RegistryUnavailableError("in-memory registry switched off (test)")

    def list_models(self) -> list[ModelSummary]:
        self._check()
        return [
            ModelSummary.from_metadata(
                model.metadata, len(self._files[name].get(f"{name}.npz", b"")), source="memory"
            )
            for name, model in sorted(self._models.items())
        ]

    def fetch(self, name: str) -> LoadedModel:
        validate_model_name(name)
        self._check()
        self.fetches[name] = self.fetches.get(name, 0) + 1
        if name not in self._models:
            raise ModelNotFoundError(
                f"model {name!r} not found in memory (available: {sorted(self._models)})"
            )
        return self._models[name]

    def publish(self, files: ModelFiles, progress: Callable[[str], None] | None = None) -> PublishReceipt:
        self._check()
        network, metadata = read_model_pair(files.weights, files.metadata, files.name)
        stored = {}
        for path in files.paths:
            data = Path(path).read_bytes()
            stored[files.remote_name(path)] = (
                self.tamper(files.remote_name(path), data) if self.tamper else data
            )
        self._files[files.name] = stored
        self._models[files.name] = LoadedModel(network, metadata, source="memory", location="memory")
        return PublishReceipt(files.name, "memory", None, tuple(stored))

    def verify(self, files: ModelFiles) -> Verification:
        self._check()
        stored = self._files.get(files.name, {})
        checked, problems = [], []
        for path in files.paths:
            data = stored.get(files.remote_name(path))
            if data is None:
                problems.append(f"{files.remote_name(path)} is missing")
                continue
            checked.append(
                StoredFile(files.remote_name(path), len(data), sha256=hashlib.sha256(data).hexdigest())
            )
            if data != Path(path).read_bytes():
                problems.append(f"{files.remote_name(path)} differs from {path}")
        return Verification(files.name, tuple(checked), tuple(problems))
