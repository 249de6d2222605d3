"""`hippo vocab seed` and `hippo vocab import-wordnet [DIR]`: fill the dictionary (idempotent)."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hippo.domain.errors import HippoError

if TYPE_CHECKING:
    from hippo.ports.lexicon_source import LexiconSource
    from hippo.services.vocabulary_import import ImportSummary, VocabularyImport

DEFAULT_WORDNET = Path("/usr/share/wordnet")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("vocab", help="load vocabulary into the dictionary")
    commands = parser.add_subparsers(dest="vocab_command", required=True, metavar="ACTION")
    seed = commands.add_parser("seed", help="load the bundled sample vocabulary (idempotent)")
    seed.add_argument("--file", type=Path, default=None, help="a vocabulary JSON file instead of the sample")
    wordnet = commands.add_parser("import-wordnet", help="import Princeton WordNet 3.x database files")
    wordnet.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DEFAULT_WORDNET,
        help=f"default {DEFAULT_WORDNET}",
    )
    for sub in (seed, wordnet):
        sub.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        summary = asyncio.run(_import(args))
    except HippoError as error:
        print(f"hippo vocab {args.vocab_command}: {error}", file=sys.stderr)
        return 1
    t = summary.totals
    print(
        f"words: {summary.words_created} created of {summary.words_read} read; "
        f"relations: {summary.relations_created} created of {summary.relations_read} read"
        f" ({summary.relations_skipped} naming unknown words); {summary.seconds:.1f} s\n"
        f"dictionary now holds {t.words} words, {t.definitions} definitions, {t.examples} examples, "
        f"{t.tags} tags, {t.relations} relations, {t.word_forms} word forms"
    )
    return 0


async def _import(args: argparse.Namespace) -> ImportSummary:
    from hippo.container import Container  # NumPy and the adapters: only when the command runs

    container = Container()
    source: LexiconSource
    if args.vocab_command == "seed":
        source = container.sample_lexicon(args.file) if args.file else container.sample_lexicon()
    else:
        source = container.wordnet_lexicon(args.directory)
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if args.quiet:
            return
        from tqdm import tqdm

        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=" rows", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    try:
        lexicon = source.read()
        service: VocabularyImport = await _resolved(container.vocabulary_import())
        return await service.import_lexicon(lexicon, progress)
    finally:
        await _resolved(container.shutdown_resources())


async def _resolved(value: Any) -> Any:
    """Providers that depend on async resources return awaitables (dependency-injector)."""
    return await value if inspect.isawaitable(value) else value
