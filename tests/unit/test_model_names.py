import pytest

from hippo.domain.errors import InvalidArgumentError, InvalidModelNameError
from hippo.domain.model_names import MAX_MODEL_NAME_LENGTH, is_valid_model_name, validate_model_name


@pytest.mark.parametrize(
    "name",
    [
        "mnist-relu-100",
        "mnist-relu-100-20261129T101500",
        "orig_sigmoid.30",
        "A1",
        "x" * MAX_MODEL_NAME_LENGTH,
    ],
)
def test_safe_names_pass_unchanged(name):
    assert validate_model_name(name) == name


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("", "empty"),
        ("../secrets", "path"),
        ("models/x", "path"),
        ("a\\b", "path"),
        ("a..b", "path"),
        (".hidden", "start with a letter or digit"),
        ("-rf", "start with a letter or digit"),
        ("with space", "may only contain"),
        ("naïve", "may only contain"),
        ("x.npz", "the model is called 'x'"),
        ("x.JSON", "the model is called 'x'"),
        ("x" * (MAX_MODEL_NAME_LENGTH + 1), "longer than"),
    ],
)
def test_unsafe_names_are_refused_with_the_reason(name, hint):
    with pytest.raises(InvalidModelNameError, match=hint):
        validate_model_name(name)
    assert not is_valid_model_name(name)


def test_the_error_is_an_invalid_argument():
    assert issubclass(InvalidModelNameError, InvalidArgumentError)
    with pytest.raises(InvalidModelNameError, match="text"):
        validate_model_name(3)
