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
