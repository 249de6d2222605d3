"""Domain errors: what went wrong, in the words of the domain (no HTTP codes, no driver types)."""


class HippoError(Exception):
    """Base class of every error Hippo raises on purpose."""


class InvalidArgumentError(HippoError, ValueError):
    """An argument has the wrong shape, type or value; the message names the argument and the problem."""


class MnistDataError(HippoError):
    """MNIST files are missing, unreadable, truncated, corrupt or not the canonical data set."""


class ModelFileError(HippoError):
    """A model file (`<name>.npz` / `<name>.json`) is missing, corrupt, truncated or inconsistent."""


class NotFoundError(HippoError, LookupError):
    """The thing asked for does not exist (also: an id outside the storable range)."""


class ConflictError(HippoError):
    """The change would break a uniqueness rule (an existing word, tag name, relation or order)."""


class UnavailableError(HippoError):
    """A backing service (the dictionary database, a model hub) cannot be reached right now; retry later."""


class TrainingDivergedError(HippoError):
    """Training produced NaN or infinite parameters (usually: the learning rate is too high)."""


class InvalidModelNameError(InvalidArgumentError):
    """A model name is not in the safe subset (letters, digits, `-`, `_`, `.`; no paths)."""


class ModelNotFoundError(NotFoundError):
    """No model of that name in the registry; the message names the model and where it looked."""


class ModelRegistryError(HippoError):
    """The model registry cannot do what was asked; the message names registry, model and cause."""


class RegistryUnavailableError(ModelRegistryError, UnavailableError):
    """The registry cannot be reached (network down, timeout, server error) and nothing is cached."""


class RegistryAccessError(ModelRegistryError):
    """The registry refused access: repository missing, or private without a valid token, or read-only."""


class PublishVerificationError(ModelRegistryError):
    """What the registry stores after a publish differs from the local files (size or hash)."""
