"""`hippo upload` (publish a trained model) and `hippo models list`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from hippo.domain.errors import HippoError, InvalidArgumentError

UPLOAD_HELP = """\
Publish a trained model to the registry (the Hub repository HF_MODEL_REPO, else the local model
directory). Both spellings work:

  hippo upload models/mnist-relu-100-20261129T101500.npz
  hippo upload MODEL=models/mnist-relu-100-20261129T101500.npz ACC=97.9

The .json (and training-curve .png) beside the .npz go along, with a regenerated model card, in one
commit. The local files are deleted only after what the Hub stores has been verified against them
(size and hash); --keep-local keeps them. ACC (percent) is optional: the accuracy measured after
training, recorded in the .json, is what the card shows; a different ACC draws a warning.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    upload = subparsers.add_parser(
        "upload",
        help="publish a trained model (verified before local files are deleted)",
        description=UPLOAD_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    upload.add_argument(
        "items", nargs="*", metavar="MODEL", help="path of the .npz, or MODEL=path / ACC=percent"
    )
    upload.add_argument("--acc", type=float, default=None, help="test accuracy in percent (optional)")
    upload.add_argument("--keep-local", action="store_true", help="keep the local files after the upload")
    upload.set_defaults(handler=run_upload)

    models = subparsers.add_parser("models", help="list the models in the registry")
    sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="list the models (name, architecture, accuracy, date, size)")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=run_list)
    load = sub.add_parser(
        "load", help="load a model as the API does at startup; print where from and how long"
    )
    load.add_argument(
        "name", nargs="?", default=None, help="model name (default: DEFAULT_MODEL or the shipped one)"
    )
    load.set_defaults(handler=run_load)


def _setup_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)


def parse_upload_items(items: list[str], acc: float | None) -> tuple[Path, float | None]:
    """Read `MODEL=path`, `ACC=97.9` and a bare path from the positional arguments."""
    model: str | None = None
    for item in items:
        key, sep, value = item.partition("=")
        if sep and key.upper() == "MODEL":
            model = value
        elif sep and key.upper() == "ACC":
            try:
                acc = float(value)
            except ValueError:
                raise InvalidArgumentError(f"ACC must be a number (percent), got {value!r}") from None
        elif sep and key.isupper():
            raise InvalidArgumentError(f"unknown setting {key}= (expected MODEL= or ACC=)")
        elif model is None:
            model = item
        else:
            raise InvalidArgumentError(f"one model at a time: got {model!r} and {item!r}")
    if not model:
        raise InvalidArgumentError(
            "which model? e.g. `hippo upload models/<name>.npz` or MODEL=models/<name>.npz"
        )
    return Path(model), acc


def run_upload(args: argparse.Namespace) -> int:
    _setup_logging()
    from hippo.container import Container

    try:
        weights, acc = parse_upload_items(args.items, args.acc)
        service = Container().publish_service()
        print(f"uploading {weights} to {service.registry.location}", file=sys.stderr)
        result = service.upload(
            weights,
            accuracy_percent=acc,
            keep_local=args.keep_local,
            progress=lambda line: print(f"  {line}", file=sys.stderr),
        )
    except HippoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was deleted locally.", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    checked = ", ".join(
        f"{f.name} ({f.size} B, "
        + (f"sha256 {f.sha256[:12]})" if f.sha256 else f"git blob {(f.git_blob_sha1 or '')[:12]})")
        for f in result.verification.checked
    )
    receipt = result.receipt
    print(f"verified: {checked}")
    revision = f" (commit {receipt.revision[:12]})" if receipt.revision else ""
    print(f"published {receipt.name} to {receipt.location}{revision}")
    if result.deleted:
        print(f"deleted local files: {', '.join(str(p) for p in result.deleted)} (--keep-local keeps them)")
    else:
        print("kept the local files (--keep-local)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    _setup_logging()
    from hippo.container import Container

    container = Container()
    try:
        service = container.model_service()
        summaries = service.list()
    except HippoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    default = service.default_name
    if args.json:
        rows = [
            {
                "name": s.name,
                "sizes": list(s.sizes),
                "activation": s.activation,
                "output": s.output,
                "accuracy": s.accuracy,
                "created": s.created,
                "size_bytes": s.size_bytes,
                "source": s.source,
                "default": s.name == default,
            }
            for s in summaries
        ]
        print(json.dumps(rows, indent=2))
        return 0
    print(f"models in {service.registry.location} (default: {default})")
    header = ("", "name", "architecture", "activation", "accuracy", "created", "size", "source")
    table = [header] + [
        (
            "*" if s.name == default else "",
            s.name,
            "-".join(map(str, s.sizes)),
            f"{s.activation}/{s.output}",
            "" if s.accuracy is None else f"{100 * s.accuracy:.2f} %",
            s.created or "",
            f"{s.size_bytes / 1024:.0f} KiB",
            s.source,
        )
        for s in summaries
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if not summaries:
        print("(no models)")
    return 0


def run_load(args: argparse.Namespace) -> int:
    _setup_logging()
    from hippo.container import Container

    service = Container().model_service()
    try:
        model = service.get(args.name)
    except HippoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = service.loads[-1]
    row = {
        "name": model.name,
        "source": model.source,
        "location": model.location,
        "load_seconds": round(report.seconds, 6),
        "sizes": list(model.network.sizes),
        "accuracy": model.metadata.test_accuracy,
    }
    print(json.dumps(row))
    return 0
