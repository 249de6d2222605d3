"""The README.md model card of a Hub repository holding Hippo models, regenerated from all its models."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import yaml  # type: ignore[import-untyped]
from huggingface_hub import ModelCard

from hippo.domain.model_metadata import ModelMetadata

TAGS = ["hippo", "mnist", "image-classification", "numpy", "feed-forward"]


def _architecture(meta: ModelMetadata) -> str:
    return "-".join(str(size) for size in meta.sizes)


def _percent(accuracy: float | None) -> str:
    return "n/a" if accuracy is None else f"{100.0 * accuracy:.2f} %"


def _model_index(models: Sequence[ModelMetadata]) -> list[dict[str, object]]:
    return [
        {
            "name": meta.name,
            "results": [
                {
                    "task": {"type": "image-classification", "name": "Image Classification"},
                    "dataset": {"type": "mnist", "name": "MNIST", "split": "test"},
                    "metrics": [
                        {"type": "accuracy", "value": round(meta.test_accuracy, 6), "name": "Test accuracy"}
                    ],
                }
            ],
        }
        for meta in models
        if meta.test_accuracy is not None
    ]


def render_model_card(
    repo_id: str,
    models: Sequence[ModelMetadata],
    sizes: dict[str, int] | None = None,
    curves: Collection[str] = (),
) -> str:
    """The full README.md text: YAML front matter (validated by huggingface_hub) and a Markdown body.

    Args:
        repo_id: the Hub repository (``user/name``).
        models: metadata of every model in the repository (after the publish).
        sizes: .npz size in bytes by model name, for the table.
        curves: names of the models that have a ``<name>.png`` training-curve image in the repository.
    """
    ordered = sorted(models, key=lambda m: (m.created or "", m.name), reverse=True)
    # Written with PyYAML, not ModelCardData: ModelCardData folds a model-index into a single model.
    front_matter = {
        "license": "mit",
        "library_name": "hippo",
        "tags": TAGS,
        "datasets": ["mnist"],
        "metrics": ["accuracy"],
        "model-index": _model_index(ordered),
    }
    latest = ordered[0].name if ordered else "MODEL_NAME"
    lines = [
        "---",
        yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True).rstrip(),
        "---",
        "",
        f"# {repo_id}",
        "",
        "Small feed-forward neural networks that classify handwritten digits (MNIST, 28x28 grey images,",
        "784 inputs, 10 outputs), trained and published with Hippo. Each model is a pair of files:",
        "`<name>.npz` (weights and biases, NumPy arrays, no pickles) and `<name>.json` (training recipe,",
        "per-epoch history, test accuracy, seed, data digests).",
        "",
        "| model | architecture | hidden activation | output | test accuracy | created | weights |",
        "|---|---|---|---|---|---|---|",
    ]
    for meta in ordered:
        size = (sizes or {}).get(meta.name)
        size_text = "" if size is None else f"{size / 1024:.0f} KiB"
        lines.append(
            f"| `{meta.name}` | {_architecture(meta)} | {meta.activation} | {meta.output} | "
            f"{_percent(meta.test_accuracy)} | {meta.created or ''} | {size_text} |"
        )
    lines += [
        "",
        "Test accuracy is measured on the 10,000 MNIST test images after training.",
        "",
        "## Load a model with Hippo",
        "",
        "Serve it (the API downloads the model on startup and caches it in `HF_CACHE_DIR`):",
        "",
        "```sh",
        f"HF_MODEL_REPO={repo_id} DEFAULT_MODEL={latest} hippo serve",
        "```",
        "",
        "or load it in Python:",
        "",
        "```python",
        "import os",
        "",
        f'os.environ["HF_MODEL_REPO"] = "{repo_id}"',
        "from hippo.container import Container",
        "",
        f'model = Container().model_service().get("{latest}")',
        "digits = model.network.predict(images)  # images: (n, 784) floats in [0, 1]",
        "```",
        "",
        "Rolling back means pointing `DEFAULT_MODEL` at an older name from the table.",
    ]
    with_curves = [meta.name for meta in ordered if meta.name in curves]
    if with_curves:
        lines += ["", "## Training curves", ""]
        for name in with_curves:
            lines += [f"### {name}", "", f"![training curves of {name}]({name}.png)", ""]
    text = "\n".join(lines).rstrip() + "\n"
    ModelCard(text)  # raises ValueError if the front matter is not valid YAML metadata
    return text
