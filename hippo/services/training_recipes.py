"""Training recipes: the presets of `hippo train` and how a run's options become a recipe."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from hippo.domain.errors import InvalidArgumentError


@dataclass(frozen=True, slots=True)
class TrainingRecipe:
    """Everything that decides what a training run computes.

    Attributes:
        sizes: layer sizes, input first (784 inputs, 10 outputs for MNIST).
        activation: hidden activation: ``relu``, ``sigmoid`` or ``tanh``.
        output: ``softmax`` (cross-entropy) or ``classic`` (hidden activation on the output, quadratic cost).
        epochs: passes over the training set.
        learning_rate: SGD step size of the first epoch; None = 0.05 for softmax, 3.0 for classic.
        learning_rate_decay: factor applied to the learning rate after each epoch (1.0 = constant);
            None = 0.8 for softmax, 1.0 for classic.
        momentum: SGD momentum; None = 0.9 for softmax, 0 for classic.
        batch_size: images per mini-batch.
        weight_decay: L2 penalty coefficient (0 = none); None = 5e-5 for softmax, 0 for classic.
        seed: seed of the initial weights and of the shuffling; the same seed gives the same model.
        dtype: ``float32`` (fast) or ``float64``.
        validation_size: training images held out to measure accuracy during training (0 = use the test set).
    """

    sizes: tuple[int, ...] = (784, 100, 10)
    activation: str = "relu"
    output: str = "softmax"
    epochs: int = 15
    learning_rate: float | None = None
    learning_rate_decay: float | None = None
    momentum: float | None = None
    batch_size: int = 64
    weight_decay: float | None = None
    seed: int = 0
    dtype: str = "float32"
    validation_size: int = 0

    def __post_init__(self) -> None:
        if len(self.sizes) < 2 or self.sizes[0] != 784 or self.sizes[-1] != 10:
            raise InvalidArgumentError(
                f"MNIST networks need sizes 784 ... 10, got {' '.join(map(str, self.sizes))}"
            )
        if self.epochs < 1:
            raise InvalidArgumentError(f"epochs must be >= 1, got {self.epochs}")
        if self.batch_size < 1:
            raise InvalidArgumentError(f"batch size must be >= 1, got {self.batch_size}")
        if self.activation not in ("relu", "sigmoid", "tanh"):
            raise InvalidArgumentError(f"activation must be relu, sigmoid or tanh, got {self.activation!r}")
        if self.output not in ("softmax", "classic"):
            raise InvalidArgumentError(f"output must be softmax or classic, got {self.output!r}")
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise InvalidArgumentError(f"learning rate must be > 0, got {self.learning_rate}")
        if self.learning_rate_decay is not None and not 0 < self.learning_rate_decay <= 1:
            raise InvalidArgumentError(
                f"learning rate decay must be in (0, 1], got {self.learning_rate_decay}"
            )
        if self.weight_decay is not None and not self.weight_decay >= 0:
            raise InvalidArgumentError(f"weight decay must be >= 0, got {self.weight_decay}")
        if self.validation_size < 0:
            raise InvalidArgumentError(f"validation size must be >= 0, got {self.validation_size}")
        if self.dtype not in ("float32", "float64"):
            raise InvalidArgumentError(f"dtype must be float32 or float64, got {self.dtype!r}")
        if self.momentum is not None and not 0 <= self.momentum < 1:
            raise InvalidArgumentError(f"momentum must be in [0, 1), got {self.momentum}")

    def resolved(self) -> TrainingRecipe:
        """The recipe with every automatic (None) value replaced by the one for its output kind."""
        auto = _AUTO[self.output]
        return replace(
            self,
            **{key: value for key, value in auto.items() if getattr(self, key) is None},
        )

    def concrete(self, field_name: str) -> float:
        """The value of an automatic field once resolved (``learning_rate``, ``momentum``, ...)."""
        value = getattr(self.resolved(), field_name)
        return float(value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self.resolved())
        data["sizes"] = list(self.sizes)
        return data

    def model_stem(self) -> str:
        """``mnist-relu-100`` / ``mnist-relu-500-300`` / ``mnist-sigmoid-30-classic``."""
        hidden = "-".join(str(s) for s in self.sizes[1:-1]) or "linear"
        suffix = "-classic" if self.output == "classic" else ""
        return f"mnist-{self.activation}-{hidden}{suffix}"


_AUTO: dict[str, dict[str, Any]] = {
    "softmax": {"learning_rate": 0.05, "learning_rate_decay": 0.8, "momentum": 0.9, "weight_decay": 5e-5},
    "classic": {"learning_rate": 3.0, "learning_rate_decay": 1.0, "momentum": 0.0, "weight_decay": 0.0},
}

PRESETS: dict[str, TrainingRecipe] = {
    # 784-100-10, ~98.0 % on the test set in 15 epochs
    "default": TrainingRecipe(),
    # 784-800-10, L2 2e-4, 30 epochs with the learning rate x0.88 per epoch (0.05 -> 0.0012): >= 98.3 %
    "best": TrainingRecipe(sizes=(784, 800, 10), epochs=30, learning_rate_decay=0.88, weight_decay=2e-4),
    # the earlier Hippo's recipe (Nielsen's network.py): sigmoid everywhere, quadratic cost
    "classic": TrainingRecipe(
        sizes=(784, 30, 10),
        activation="sigmoid",
        output="classic",
        epochs=10,
        learning_rate=3.0,
        learning_rate_decay=1.0,
        momentum=0.0,
        batch_size=10,
        weight_decay=0.0,
    ),
}


def recipe_from(preset: str, **overrides: Any) -> TrainingRecipe:
    """The named preset with the options given explicitly (not None) replacing its values."""
    if preset not in PRESETS:
        raise InvalidArgumentError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    changes = {key: value for key, value in overrides.items() if value is not None}
    if "sizes" in changes:
        changes["sizes"] = tuple(int(s) for s in changes["sizes"])
    return replace(PRESETS[preset], **changes)
