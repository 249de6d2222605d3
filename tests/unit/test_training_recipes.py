import pytest

from hippo.domain.errors import InvalidArgumentError
from hippo.services.training_recipes import PRESETS, TrainingRecipe, recipe_from


def test_default_recipe_resolves_to_the_documented_softmax_values():
    recipe = PRESETS["default"].resolved()
    assert recipe.sizes == (784, 100, 10)
    assert (recipe.activation, recipe.output, recipe.epochs, recipe.batch_size) == ("relu", "softmax", 15, 64)
    assert (recipe.learning_rate, recipe.learning_rate_decay, recipe.momentum, recipe.weight_decay) == (
        0.05, 0.8, 0.9, 5e-5,
    )  # fmt: skip


def test_classic_options_on_the_default_preset_get_classic_automatic_values():
    recipe = recipe_from(
        "default",
        activation="sigmoid",
        output="classic",
        sizes=[784, 30, 10],
        learning_rate=3.0,
        batch_size=10,
    ).resolved()
    assert (recipe.momentum, recipe.weight_decay, recipe.learning_rate_decay) == (0.0, 0.0, 1.0)
    assert recipe.learning_rate == 3.0
    assert recipe.model_stem() == "mnist-sigmoid-30-classic"


def test_explicit_values_win_and_none_keeps_the_preset():
    recipe = recipe_from("best", epochs=3, momentum=0.5, seed=None)
    assert recipe.sizes == (784, 800, 10)
    assert (recipe.epochs, recipe.momentum, recipe.seed) == (3, 0.5, 0)
    assert recipe.to_dict()["momentum"] == 0.5
    assert recipe_from("default", sizes=[784, 500, 300, 10]).model_stem() == "mnist-relu-500-300"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sizes": (784, 10, 9)}, "sizes 784 ... 10"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch size"),
        ({"learning_rate": 0.0}, "learning rate must be > 0"),
        ({"learning_rate_decay": 1.5}, "decay"),
        ({"weight_decay": -1.0}, "weight decay"),
        ({"momentum": 1.0}, "momentum"),
        ({"dtype": "float16"}, "dtype"),
        ({"activation": "gelu"}, "activation"),
        ({"output": "linear"}, "output"),
        ({"validation_size": -1}, "validation size"),
    ],
)
def test_invalid_recipes_are_refused(changes, message):
    with pytest.raises(InvalidArgumentError, match=message):
        TrainingRecipe(**changes)


def test_unknown_preset():
    with pytest.raises(InvalidArgumentError, match="unknown preset 'fast'"):
        recipe_from("fast")


def test_best_preset_is_the_wide_network_with_stronger_weight_decay_and_slower_decay():
    best = PRESETS["best"].resolved()
    assert (best.sizes, best.epochs) == ((784, 800, 10), 30)
    assert (best.weight_decay, best.learning_rate, best.learning_rate_decay) == (2e-4, 0.05, 0.88)
