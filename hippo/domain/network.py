r"""The multilayer perceptron: layer sizes, weights and biases, and inference.

A network with ``sizes = (n_0, n_1, ..., n_L)`` has ``L`` dense layers. Layer ``l`` (0-based) maps the
activations :math:`a_l \in \mathbb{R}^{n_l}` of the layer below to

.. math::
    z_{l+1} = W_l a_l + b_l, \qquad a_{l+1} = f(z_{l+1}),

with :math:`W_l` of shape ``(n_{l+1}, n_l)`` and :math:`b_l` of shape ``(n_{l+1},)``. The input
:math:`a_0 = x` has no weights. ``f`` is the hidden activation (``sigmoid``, ``relu`` or ``tanh``) on
every hidden layer. The output layer applies

* ``softmax`` (the default): :math:`a_L = \mathrm{softmax}(z_L)`, a probability distribution, trained
  with cross-entropy;
* ``classic``: :math:`a_L = f(z_L)`, the earlier Hippo service's behaviour (sigmoid on every layer),
  trained with the quadratic cost. :meth:`Network.probabilities` still gives a distribution,
  :math:`\mathrm{softmax}(z_L)`.

A :class:`Network` is immutable: its parameters live in one read-only flat array (the layout of
:mod:`hippo.domain.kernels`, computed here by :func:`layout`) and ``weights``/``biases`` are read-only
views into it. Training returns a new network (:class:`hippo.domain.training.Trainer`).

Inference is plain NumPy (BLAS matrix products in the network's dtype, float32 stays float32): this module
never imports Numba, so loading a model and serving predictions starts in milliseconds. Only training
compiles kernels (:mod:`hippo.domain.kernels`, imported lazily by the trainer).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hippo.domain.dataset import as_inputs, as_labels
from hippo.domain.errors import InvalidArgumentError

HIDDEN_ACTIVATIONS = ("sigmoid", "relu", "tanh")
OUTPUTS = ("softmax", "classic")
INITS = ("he", "xavier", "classic")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def layout(sizes: Sequence[int]) -> np.ndarray:
    """Offsets of every layer in the flat parameter and activation arrays (pure Python, no Numba).

    Args:
        sizes: layer sizes ``(n_0, ..., n_L)``.

    Returns:
        int64 array of shape ``(L, 3)``: per layer ``l`` the offset of :math:`W_l` in ``theta``, the
        offset of :math:`b_l` in ``theta`` and the first column of its units in an activation buffer
        (the same as the kernels' own ``_layout``).
    """
    n_layers = len(sizes) - 1
    offs = np.empty((n_layers, 3), dtype=np.int64)
    pos = col = 0
    for li in range(n_layers):
        offs[li] = (pos, pos + sizes[li + 1] * sizes[li], col)
        pos += sizes[li + 1] * (sizes[li] + 1)
        col += sizes[li + 1]
    return offs


def _activate(z: np.ndarray, activation: str) -> None:
    """Applies the hidden activation to ``z`` in place, in its own dtype."""
    if activation == "relu":
        np.maximum(z, 0, out=z)
    elif activation == "sigmoid":
        # 1 / (1 + e^{-z}), as the kernels and the earlier service compute it; e^{-z} may overflow to
        # inf for very negative z, which correctly gives 0
        with np.errstate(over="ignore"):
            np.negative(z, out=z)
            np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
    else:
        np.tanh(z, out=z)


def _softmax(z: np.ndarray) -> None:
    r"""In place :math:`p_k = e^{z_k - m} / \sum_c e^{z_c - m}` per row, :math:`m = \max_c z_c`.

    ``z`` is one row ``(k,)`` or a batch ``(n, k)``.
    """
    if z.ndim == 1:
        z -= z.max()
        np.exp(z, out=z)
        z /= z.sum()
    elif z.shape[0] > 0:
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)


def _check_sizes(sizes: Any) -> tuple[int, ...]:
    try:
        values = tuple(sizes)
    except TypeError:
        raise InvalidArgumentError(f"sizes must be a sequence of layer sizes, got {sizes!r}") from None
    if len(values) < 2:
        raise InvalidArgumentError(f"sizes needs at least 2 layers (input and output), got {list(values)}")
    out = []
    for size in values:
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
            raise InvalidArgumentError(f"every layer size must be an integer >= 1, got {list(values)}")
        out.append(int(size))
    return tuple(out)


def _check_choice(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise InvalidArgumentError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return str(value)


def _check_dtype(dtype: Any) -> np.dtype[Any]:
    try:
        dt: np.dtype[Any] = np.dtype(dtype)
    except TypeError:
        raise InvalidArgumentError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dt not in DTYPES:
        raise InvalidArgumentError(f"dtype must be float32 or float64, got {dt}")
    return dt


class Network:
    """An immutable multilayer perceptron (see the module docstring for the maths).

    Attributes:
        sizes: layer sizes ``(n_0, ..., n_L)``, input first.
        activation: hidden activation, ``"sigmoid"``, ``"relu"`` or ``"tanh"``.
        output: ``"softmax"`` or ``"classic"``.
        weights: ``L`` read-only arrays, ``weights[l]`` of shape ``(sizes[l+1], sizes[l])``.
        biases: ``L`` read-only arrays, ``biases[l]`` of shape ``(sizes[l+1],)``.
        dtype: ``float32`` or ``float64``; inputs are converted to it.
    """

    __slots__ = (
        "_activation",
        "_biases",
        "_output",
        "_sizes",
        "_theta",
        "_transposed",
        "_weights",
    )

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str,
        output: str,
        weights: Sequence[Any],
        biases: Sequence[Any],
    ) -> None:
        """Builds a network from its parameters, validating everything.

        Args:
            sizes: layer sizes, at least two, each >= 1.
            activation: ``"sigmoid"``, ``"relu"`` or ``"tanh"``.
            output: ``"softmax"`` or ``"classic"``.
            weights: one ``(sizes[l+1], sizes[l])`` array per layer.
            biases: one ``(sizes[l+1],)`` array per layer.

        All parameters must be finite and share one dtype, float32 or float64 (the network's dtype).
        The arrays are copied.

        Raises:
            InvalidArgumentError: naming the first problem found.
        """
        sizes_t = _check_sizes(sizes)
        n_layers = len(sizes_t) - 1
        if len(weights) != n_layers or len(biases) != n_layers:
            raise InvalidArgumentError(
                f"sizes {list(sizes_t)} need {n_layers} weight matrices and {n_layers} bias vectors, "
                f"got {len(weights)} and {len(biases)}"
            )
        arrays = [np.asarray(w) for w in weights] + [np.asarray(b) for b in biases]
        dtypes = {a.dtype for a in arrays}
        if len(dtypes) != 1:
            raise InvalidArgumentError(
                f"weights and biases must share one dtype, got {sorted(map(str, dtypes))}"
            )
        dtype = _check_dtype(arrays[0].dtype)
        for li in range(n_layers):
            for kind, array, shape in (
                ("weights", arrays[li], (sizes_t[li + 1], sizes_t[li])),
                ("biases", arrays[n_layers + li], (sizes_t[li + 1],)),
            ):
                if array.shape != shape:
                    raise InvalidArgumentError(f"{kind}[{li}] must have shape {shape}, got {array.shape}")
                if not np.isfinite(array).all():
                    raise InvalidArgumentError(f"{kind}[{li}] contains NaN or infinite values")
        theta = np.empty(_parameter_count(sizes_t), dtype=dtype)
        offs = layout(sizes_t)
        for li in range(n_layers):
            theta[offs[li, 0] : offs[li, 1]] = arrays[li].ravel()
            theta[offs[li, 1] : offs[li, 1] + sizes_t[li + 1]] = arrays[n_layers + li]
        self._setup(
            sizes_t,
            _check_choice(activation, HIDDEN_ACTIVATIONS, "activation"),
            _check_choice(output, OUTPUTS, "output"),
            theta,
        )

    def _setup(self, sizes: tuple[int, ...], activation: str, output: str, theta: np.ndarray) -> None:
        theta.flags.writeable = False
        self._sizes = sizes
        self._activation = activation
        self._output = output
        self._theta = theta
        offs = layout(sizes)
        self._weights = tuple(
            theta[offs[li, 0] : offs[li, 1]].reshape(sizes[li + 1], sizes[li]) for li in range(len(sizes) - 1)
        )
        self._biases = tuple(theta[offs[li, 1] : offs[li, 1] + sizes[li + 1]] for li in range(len(sizes) - 1))
        # C-contiguous (n_in, n_out) copies for batches, ``a @ W.T`` (see _layers)
        self._transposed = tuple(np.ascontiguousarray(w.T) for w in self._weights)

    @classmethod
    def _from_flat(cls, sizes: tuple[int, ...], activation: str, output: str, theta: np.ndarray) -> Network:
        """Wraps an already validated flat parameter array (taken over, not copied)."""
        network = cls.__new__(cls)
        network._setup(sizes, activation, output, theta)
        return network

    @classmethod
    def create(
        cls,
        sizes: Sequence[int],
        activation: str = "relu",
        output: str = "softmax",
        init: str | None = None,
        seed: int = 0,
        dtype: Any = np.float32,
    ) -> Network:
        r"""A new network with seeded random weights.

        Args:
            sizes: layer sizes, e.g. ``(784, 100, 10)``.
            activation: hidden activation, ``"relu"`` (default), ``"sigmoid"`` or ``"tanh"``.
            output: ``"softmax"`` (default) or ``"classic"``.
            init: ``None`` picks ``"he"`` for relu and ``"xavier"`` otherwise. ``"he"``:
                :math:`W \sim \mathcal N(0, 2/n_{in})`, zero biases. ``"xavier"`` (Glorot uniform):
                :math:`W \sim \mathcal U(-r, r)`, :math:`r = \sqrt{6/(n_{in}+n_{out})}`, zero biases.
                ``"classic"``: weights and biases :math:`\mathcal N(0, 1)`, like the earlier service.
            seed: seed of ``numpy.random.default_rng``; the same seed gives identical parameters.
            dtype: ``float32`` (default, fast) or ``float64``.
        """
        sizes_t = _check_sizes(sizes)
        activation = _check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
        output = _check_choice(output, OUTPUTS, "output")
        init = _check_choice(init or ("he" if activation == "relu" else "xavier"), INITS, "init")
        dt = _check_dtype(dtype)
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise InvalidArgumentError(f"seed must be a non-negative integer, got {seed!r}")
        rng = np.random.default_rng(int(seed))
        theta = np.zeros(_parameter_count(sizes_t), dtype=np.float64)
        offs = layout(sizes_t)
        for li in range(len(sizes_t) - 1):
            n_in, n_out = sizes_t[li], sizes_t[li + 1]
            w = slice(offs[li, 0], offs[li, 1])
            if init == "he":
                theta[w] = rng.normal(0.0, np.sqrt(2.0 / n_in), n_in * n_out)
            elif init == "xavier":
                r = np.sqrt(6.0 / (n_in + n_out))
                theta[w] = rng.uniform(-r, r, n_in * n_out)
            else:
                theta[w] = rng.standard_normal(n_in * n_out)
                theta[offs[li, 1] : offs[li, 1] + n_out] = rng.standard_normal(n_out)
        return cls._from_flat(sizes_t, activation, output, theta.astype(dt))

    # ------------------------------------------------------------------ attributes
    @property
    def sizes(self) -> tuple[int, ...]:
        return self._sizes

    @property
    def activation(self) -> str:
        return self._activation

    @property
    def output(self) -> str:
        return self._output

    @property
    def weights(self) -> tuple[np.ndarray, ...]:
        return self._weights

    @property
    def biases(self) -> tuple[np.ndarray, ...]:
        return self._biases

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._theta.dtype

    @property
    def parameter_count(self) -> int:
        """Number of weights and biases."""
        return int(self._theta.shape[0])

    @property
    def parameters(self) -> np.ndarray:
        """All parameters as one read-only flat array (see :func:`layout`)."""
        return self._theta

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self._sizes}, activation={self._activation!r}, output={self._output!r}, "
            f"dtype={self.dtype})"
        )

    def astype(self, dtype: Any) -> Network:
        """The same network with parameters converted to ``dtype`` (float32 or float64)."""
        dt = _check_dtype(dtype)
        return Network._from_flat(self._sizes, self._activation, self._output, self._theta.astype(dt))

    # ------------------------------------------------------------------ inference
    def _layers(self, a: np.ndarray, last: str) -> list[np.ndarray]:
        r"""Every non-input layer's values for the inputs ``a``: :math:`a_{l+1} = f(W_l a_l + b_l)`.

        ``a`` is one input ``(n_0,)`` (matrix-vector products on ``W_l``) or a batch ``(n, n_0)``
        (``a @ W_l^T`` on a C-contiguous copy of :math:`W_l^T`: OpenBLAS is several times slower with
        the transposed view). ``last`` is what the output layer applies: ``"softmax"``, ``"activation"``
        (the hidden activation, the classic output) or ``"logits"`` (nothing). Each entry is a new
        C-contiguous array of the network's dtype, ``(n_{l+1},)`` or ``(n, n_{l+1})``.
        """
        layers = []
        n_layers = len(self._weights)
        single = a.ndim == 1
        for li in range(n_layers):
            z = self._weights[li] @ a if single else a @ self._transposed[li]
            z += self._biases[li]
            if li < n_layers - 1 or last == "activation":
                _activate(z, self._activation)
            elif last == "softmax":
                _softmax(z)
            layers.append(z)
            a = z
        return layers

    def _output_of(self, x: Any, last: str) -> np.ndarray:
        a, single = as_inputs(x, self._sizes[0], self._theta.dtype)
        return self._layers(a[0] if single else a, last)[-1]

    def forward(self, x: Any) -> np.ndarray:
        """Output layer values :math:`a_L` for one input ``(n_0,)`` or a batch ``(n, n_0)``.

        Softmax networks give probabilities (rows sum to 1); classic networks give :math:`f(z_L)`,
        exactly what the earlier service computed. Shape ``(n_L,)`` or ``(n, n_L)``.

        Raises:
            InvalidArgumentError: wrong shape, non-numeric, NaN or infinite input.
        """
        return self._output_of(x, "softmax" if self._output == "softmax" else "activation")

    def probabilities(self, x: Any) -> np.ndarray:
        r"""A probability distribution over the outputs, :math:`\mathrm{softmax}(z_L)`.

        Shapes as :meth:`forward`.

        Identical to :meth:`forward` for softmax networks. For classic networks with a strictly
        increasing activation its argmax equals :meth:`forward`'s.
        """
        return self._output_of(x, "softmax")

    def probabilities_of_checked(self, x: np.ndarray) -> np.ndarray:
        """:meth:`probabilities` of one input the caller has already converted and checked.

        ``x`` must be one C-contiguous input ``(n_0,)`` of the network's dtype with finite values; nothing
        is converted or checked here (for a hot path that validates its input itself: the HTTP API's
        fast path). The result equals ``probabilities(x)``.
        """
        return self._layers(x, "softmax")[-1]

    def activations(self, x: Any) -> list[np.ndarray]:
        """Every layer's activations, input first: ``[a_0, a_1, ..., a_L]`` with ``a_L == forward(x)``.

        ``a_0`` is the input converted to the network's dtype. Each entry has shape ``(n_l,)`` for one
        input or ``(n, n_l)`` for a batch.
        """
        a, single = as_inputs(x, self._sizes[0], self._theta.dtype)
        if single:
            a = a[0]
        return [a, *self._layers(a, "softmax" if self._output == "softmax" else "activation")]

    def predict(self, x: Any) -> Any:
        """Index of the largest output: an ``int`` for one input, an int64 array ``(n,)`` for a batch."""
        out = self.forward(x)
        if out.ndim == 1:
            return int(np.argmax(out))
        return np.argmax(out, axis=1)

    def accuracy(self, x: Any, labels: Any) -> float:
        """Fraction of rows of ``x`` whose :meth:`predict` equals ``labels`` (int, ``0..n_L-1``)."""
        return self.evaluate(x, labels)[1]

    def evaluate(self, x: Any, labels: Any) -> tuple[float, float]:
        r"""Mean loss and accuracy over a labelled batch.

        The loss is the training loss of this output kind: cross-entropy
        :math:`-\log p_y = \log\sum_k e^{z_k} - z_y` for softmax, the quadratic cost
        :math:`\tfrac12\lVert a_L - y\rVert^2` for classic (``y`` one-hot). Sums are taken in float64.

        Returns:
            ``(mean loss, accuracy in [0, 1])``; ``(nan, nan)`` for an empty batch.
        """
        a, _ = as_inputs(x, self._sizes[0], self._theta.dtype)
        y = as_labels(labels, a.shape[0], self._sizes[-1])
        n = a.shape[0]
        if n == 0:
            return float("nan"), float("nan")
        classic = self._output == "classic"
        out = self._layers(a, "activation" if classic else "logits")[-1]
        rows = np.arange(n)
        hits = int(np.count_nonzero(np.argmax(out, axis=1) == y))
        if classic:
            err = out.astype(np.float64)
            err[rows, y] -= 1.0
            loss = 0.5 * float(np.einsum("ij,ij->", err, err))
        else:
            m = out.max(axis=1, keepdims=True)
            s = np.exp(out - m).sum(axis=1, dtype=np.float64)
            loss = float(np.log(s).sum() - (out[rows, y] - m[:, 0]).astype(np.float64).sum())
        return loss / n, hits / n

    def warm_up(self) -> Network:
        """Runs every inference path once (NumPy only, nothing to compile); returns ``self``.

        Kept so that callers may prime caches and the BLAS library at start-up, before the first request.
        """
        probe = np.zeros((1, self._sizes[0]), dtype=self._theta.dtype)
        self.forward(probe)
        self.probabilities(probe)
        self.evaluate(probe, np.zeros(1, dtype=np.int64))
        return self


def _parameter_count(sizes: tuple[int, ...]) -> int:
    return sum(sizes[li + 1] * (sizes[li] + 1) for li in range(len(sizes) - 1))
