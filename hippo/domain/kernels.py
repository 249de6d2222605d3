r"""Numba kernels of the multilayer perceptron: forward pass, backpropagation, SGD with momentum.

Conventions shared by every kernel (the :class:`~hippo.domain.network.Network` class hides them):

* **Flat parameters.** All weights and biases live in one C-contiguous 1-D array ``theta`` of the
  network's dtype (float32 or float64). For layer ``l`` (``0 <= l < L``, ``L = len(sizes) - 1``) with
  ``n_in = sizes[l]`` inputs and ``n_out = sizes[l + 1]`` units, ``theta[w_off : w_off + n_out * n_in]``
  is the row-major weight matrix :math:`W_l` of shape ``(n_out, n_in)`` and the next ``n_out`` entries
  are the bias :math:`b_l`. :func:`layout` returns the offsets. One flat array means one compiled
  specialisation per dtype, whatever the number of layers, and one flat loop for the SGD update.
* **Activation buffers.** The activations of all non-input layers of a batch of ``n`` rows sit side by
  side in one ``(n, sum(sizes[1:]))`` array; layer ``l``'s units occupy the columns
  ``col_l = sum(sizes[1:l+1])`` to ``col_l + sizes[l+1]``.
* **Codes.** Hidden activations: :data:`IDENTITY`, :data:`SIGMOID` (:math:`1/(1+e^{-z})`),
  :data:`RELU` (:math:`\max(z, 0)`), :data:`TANH`. Output modes: :data:`OUT_SOFTMAX`
  (:math:`p_k = e^{z_k} / \sum_m e^{z_m}` over the last layer's pre-activations :math:`z_L`),
  :data:`OUT_ACTIVATION` (the hidden activation applied to :math:`z_L`, the "classic" output) and
  :data:`OUT_LOGITS` (:math:`z_L` itself).
* **Arithmetic stays in the array dtype.** Constants are made with ``theta.dtype.type(...)`` because a
  float64 literal would promote float32 loops to float64 and stop vectorisation. ``fastmath`` allows
  re-association (vectorised dot products) but not ``nnan``/``ninf``: an overflowing ``exp`` in the
  sigmoid still gives a correct 0.

Every kernel is serial ``@njit`` (no ``prange``), so a web server may call the inference kernels from
many threads at once and no threading layer is involved.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

IDENTITY, SIGMOID, RELU, TANH = 0, 1, 2, 3
OUT_SOFTMAX, OUT_ACTIVATION, OUT_LOGITS = 0, 1, 2

ACTIVATION_CODES = {"sigmoid": SIGMOID, "relu": RELU, "tanh": TANH}

_FAST = {"nsz", "arcp", "contract", "reassoc"}


def layout(sizes: Any) -> np.ndarray:  # pragma: no cover - thin wrapper, exercised everywhere
    """Offsets of every layer in the flat parameter and activation arrays.

    Args:
        sizes: layer sizes ``(n_0, ..., n_L)``.

    Returns:
        int64 array of shape ``(L, 3)``: per layer ``l`` the offset of :math:`W_l` in ``theta``, the
        offset of :math:`b_l` in ``theta`` and the first column of its units in an activation buffer.
    """
    offsets: np.ndarray = _layout(np.asarray(sizes, dtype=np.int64))
    return offsets


@njit(cache=True)
def _layout(sizes: Any) -> Any:
    n_layers = sizes.shape[0] - 1
    offs = np.empty((n_layers, 3), dtype=np.int64)
    pos = 0
    col = 0
    for li in range(n_layers):
        offs[li, 0] = pos
        pos += sizes[li + 1] * sizes[li]
        offs[li, 1] = pos
        pos += sizes[li + 1]
        offs[li, 2] = col
        col += sizes[li + 1]
    return offs


@njit(cache=True, fastmath=_FAST)
def _activate(z: Any, act: int) -> Any:
    """Applies the activation ``act`` to the scalar ``z`` (same dtype out)."""
    if act == SIGMOID:
        one = type(z)(1.0)
        return one / (one + np.exp(-z))
    if act == RELU:
        return z if z > 0 else z - z
    if act == TANH:
        return np.tanh(z)
    return z


@njit(cache=True, fastmath=_FAST)
def _derivative(a: Any, act: int) -> Any:
    r"""Derivative of the activation expressed through its output :math:`a = f(z)`.

    sigmoid: :math:`a(1-a)`; relu: :math:`[a > 0]`; tanh: :math:`1 - a^2`; identity: 1.
    """
    one = type(a)(1.0)
    if act == SIGMOID:
        return a * (one - a)
    if act == RELU:
        return one if a > 0 else a - a
    if act == TANH:
        return one - a * a
    return one


@njit(cache=True, fastmath=_FAST)
def dense_rows(
    theta: Any,
    w_off: int,
    b_off: int,
    n_in: int,
    src: Any,
    rows: Any,
    src_col: int,
    dst: Any,
    dst_col: int,
    nb: int,
    j0: int,
    j1: int,
    act: int,
) -> None:
    r"""Computes units ``j0..j1-1`` of one dense layer for ``nb`` rows.

    :math:`dst[b, c_d + j] = f\big(\sum_i src[rows[b], c_s + i] \, W[j, i] + b_j\big)` with
    :math:`W` the ``(n_out, n_in)`` matrix at ``theta[w_off:]`` and :math:`b` at ``theta[b_off:]``.
    ``rows`` maps batch position to source row (a shuffled order for the input layer). Four rows are
    processed together so every weight loaded from memory is used four times.
    """
    zero = theta.dtype.type(0.0)
    for j in range(j0, j1):
        w = theta[w_off + j * n_in : w_off + (j + 1) * n_in]
        bias = theta[b_off + j]
        b = 0
        while b + 4 <= nb:
            x0 = src[rows[b], src_col : src_col + n_in]
            x1 = src[rows[b + 1], src_col : src_col + n_in]
            x2 = src[rows[b + 2], src_col : src_col + n_in]
            x3 = src[rows[b + 3], src_col : src_col + n_in]
            s0 = zero
            s1 = zero
            s2 = zero
            s3 = zero
            for i in range(n_in):
                s0 += x0[i] * w[i]
                s1 += x1[i] * w[i]
                s2 += x2[i] * w[i]
                s3 += x3[i] * w[i]
            dst[b, dst_col + j] = _activate(s0 + bias, act)
            dst[b + 1, dst_col + j] = _activate(s1 + bias, act)
            dst[b + 2, dst_col + j] = _activate(s2 + bias, act)
            dst[b + 3, dst_col + j] = _activate(s3 + bias, act)
            b += 4
        while b < nb:
            x0 = src[rows[b], src_col : src_col + n_in]
            s0 = zero
            for i in range(n_in):
                s0 += x0[i] * w[i]
            dst[b, dst_col + j] = _activate(s0 + bias, act)
            b += 1


@njit(cache=True, fastmath=_FAST)
def softmax_rows(buf: Any, col: int, width: int, nb: int) -> None:
    r"""In place :math:`p_k = e^{z_k - m} / \sum_c e^{z_c - m}` with :math:`m = \max_c z_c`, per row."""
    for b in range(nb):
        m = buf[b, col]
        for k in range(1, width):
            m = max(m, buf[b, col + k])
        s = buf.dtype.type(0.0)
        for k in range(width):
            e = np.exp(buf[b, col + k] - m)
            buf[b, col + k] = e
            s += e
        inv = buf.dtype.type(1.0) / s
        for k in range(width):
            buf[b, col + k] *= inv


@njit(cache=True, fastmath=_FAST)
def forward_into(
    theta: Any, sizes: Any, offs: Any, hidden: int, out_mode: int, x: Any, rows: Any, buf: Any
) -> None:
    """Forward pass of ``len(rows)`` rows of ``x`` into the activation buffer ``buf`` (serial)."""
    nb = rows.shape[0]
    n_layers = sizes.shape[0] - 1
    for li in range(n_layers):
        act = hidden
        if li == n_layers - 1:
            act = IDENTITY if out_mode != OUT_ACTIVATION else hidden
        if li == 0:
            dense_rows(
                theta, offs[0, 0], offs[0, 1], sizes[0], x, rows, 0, buf, offs[0, 2], nb, 0, sizes[1], act
            )
        else:
            dense_rows(
                theta,
                offs[li, 0],
                offs[li, 1],
                sizes[li],
                buf,
                np.arange(nb),
                offs[li - 1, 2],
                buf,
                offs[li, 2],
                nb,
                0,
                sizes[li + 1],
                act,
            )
    if out_mode == OUT_SOFTMAX:
        softmax_rows(buf, offs[n_layers - 1, 2], sizes[n_layers], nb)


@njit(cache=True, fastmath=_FAST)
def feed_forward(theta: Any, sizes: Any, hidden: int, out_mode: int, x: Any) -> Any:
    r"""Activations of every non-input layer for a batch ``x`` of shape ``(n, sizes[0])``.

    Layer ``l`` computes :math:`a_{l+1} = f(W_l a_l + b_l)` with :math:`a_0 = x`; the last layer
    applies the output mode (softmax, the hidden activation, or nothing). Serial: safe to call from
    many threads at once.

    Returns:
        ``(n, sum(sizes[1:]))`` array of the dtype of ``theta``; the last ``sizes[-1]`` columns are the
        network's output.
    """
    offs = _layout(sizes)
    n = x.shape[0]
    n_layers = sizes.shape[0] - 1
    buf = np.empty((n, offs[n_layers - 1, 2] + sizes[n_layers]), dtype=theta.dtype)
    forward_into(theta, sizes, offs, hidden, out_mode, x, np.arange(n), buf)
    return buf


@njit(cache=True, fastmath=_FAST)
def score_rows(
    buf: Any, delta: Any, col: int, width: int, labels: Any, rows: Any, nb: int, classic: bool, act: int
) -> tuple[float, int]:
    r"""Loss, hits and (when ``delta`` has rows) the output error of ``nb`` rows.

    ``buf[b, col:col + width]`` holds the logits :math:`z_L` (softmax nets) or the classic output
    :math:`a_L = f(z_L)`; the target is the one-hot :math:`y` of ``labels[rows[b]]``.

    * softmax + cross-entropy: loss :math:`\log\sum_k e^{z_k} - z_y`, error
      :math:`\delta_L = (\mathrm{softmax}(z) - y) / nb`;
    * classic + quadratic cost: loss :math:`\tfrac12\lVert a - y\rVert^2`, error
      :math:`\delta_L = (a - y) \odot f'(z) / nb`.

    Returns:
        (sum of the per-row losses in float64, number of rows whose argmax equals the label).
    """
    loss = 0.0
    hits = 0
    scale = buf.dtype.type(1.0) / buf.dtype.type(max(nb, 1))
    want_delta = delta.shape[0] > 0
    for b in range(nb):
        label = labels[rows[b]]
        best = 0
        m = buf[b, col]
        for k in range(1, width):
            if buf[b, col + k] > m:
                m = buf[b, col + k]
                best = k
        if best == label:
            hits += 1
        if classic:
            for k in range(width):
                a = buf[b, col + k]
                err = a - buf.dtype.type(1.0) if k == label else a
                loss += 0.5 * float(err) * float(err)
                if want_delta:
                    delta[b, col + k] = err * _derivative(a, act) * scale
        else:
            s = buf.dtype.type(0.0)
            for k in range(width):
                s += np.exp(buf[b, col + k] - m)
            loss += float(np.log(s)) - float(buf[b, col + label] - m)
            if want_delta:
                inv = buf.dtype.type(1.0) / s
                for k in range(width):
                    p = np.exp(buf[b, col + k] - m) * inv
                    delta[b, col + k] = (p - buf.dtype.type(1.0) if k == label else p) * scale
    return loss, hits


@njit(cache=True, fastmath=_FAST)
def hidden_deltas(
    theta: Any,
    w_off: int,
    n_in: int,
    n_out: int,
    D: Any,
    dcol: int,
    pcol: int,
    A: Any,
    nb: int,
    i0: int,
    i1: int,
    act: int,
) -> None:
    r"""Backpropagates the error of layer ``l`` to units ``i0..i1-1`` of layer ``l - 1``.

    :math:`\delta_{l-1}[b, i] = f'(a_{l-1}[b, i]) \sum_j \delta_l[b, j] \, W_l[j, i]`, with
    :math:`\delta_l` at ``D[:, dcol:]``, :math:`a_{l-1}` at ``A[:, pcol:]`` and the result written to
    ``D[:, pcol:]``. Must run before :math:`W_l` is updated.
    """
    zero = theta.dtype.type(0.0)
    m = i1 - i0
    for b in range(nb):
        out = D[b, pcol + i0 : pcol + i1]
        a = A[b, pcol + i0 : pcol + i1]
        for i in range(m):
            out[i] = zero
        for j in range(n_out):
            d = D[b, dcol + j]
            if d != zero:
                w = theta[w_off + j * n_in + i0 : w_off + j * n_in + i1]
                for i in range(m):
                    out[i] += d * w[i]
        for i in range(m):
            out[i] *= _derivative(a[i], act)


@njit(cache=True, fastmath=_FAST)
def sgd_rows(
    theta: Any,
    velocity: Any,
    w_off: int,
    b_off: int,
    n_in: int,
    D: Any,
    dcol: int,
    src: Any,
    rows: Any,
    scol: int,
    nb: int,
    j0: int,
    j1: int,
    g: Any,
    lr: Any,
    momentum: Any,
    weight_decay: Any,
) -> None:
    r"""Gradient and SGD-with-momentum step for units ``j0..j1-1`` of one layer.

    With :math:`\delta` at ``D[:, dcol:]`` (already divided by the batch size) and inputs
    :math:`a[b] = src[rows[b], scol:scol + n_in]`:

    .. math::
        g_j = \sum_b \delta[b, j] \, a[b] + \lambda W_j, \quad v_j \leftarrow \mu v_j + g_j, \quad
        W_j \leftarrow W_j - \eta v_j

    and the same for the bias without the :math:`\lambda` term (PyTorch's SGD convention).
    ``g`` is a scratch vector of length ``>= n_in`` owned by the calling thread.
    """
    zero = theta.dtype.type(0.0)
    for j in range(j0, j1):
        for i in range(n_in):
            g[i] = zero
        gb = zero
        b = 0
        while b + 4 <= nb:
            x0 = src[rows[b], scol : scol + n_in]
            x1 = src[rows[b + 1], scol : scol + n_in]
            x2 = src[rows[b + 2], scol : scol + n_in]
            x3 = src[rows[b + 3], scol : scol + n_in]
            d0 = D[b, dcol + j]
            d1 = D[b + 1, dcol + j]
            d2 = D[b + 2, dcol + j]
            d3 = D[b + 3, dcol + j]
            gb += d0 + d1 + d2 + d3
            for i in range(n_in):
                g[i] += d0 * x0[i] + d1 * x1[i] + d2 * x2[i] + d3 * x3[i]
            b += 4
        while b < nb:
            x0 = src[rows[b], scol : scol + n_in]
            d0 = D[b, dcol + j]
            gb += d0
            for i in range(n_in):
                g[i] += d0 * x0[i]
            b += 1
        w = theta[w_off + j * n_in : w_off + (j + 1) * n_in]
        v = velocity[w_off + j * n_in : w_off + (j + 1) * n_in]
        for i in range(n_in):
            v[i] = momentum * v[i] + (g[i] + weight_decay * w[i])
            w[i] -= lr * v[i]
        vb = momentum * velocity[b_off + j] + gb
        velocity[b_off + j] = vb
        theta[b_off + j] -= lr * vb


@njit(cache=True, fastmath=_FAST)
def train_batches(
    theta: Any,
    velocity: Any,
    sizes: Any,
    hidden: int,
    classic: bool,
    x: Any,
    labels: Any,
    order: Any,
    batch_size: int,
    first: int,
    count: int,
    lr: Any,
    momentum: Any,
    weight_decay: Any,
) -> tuple[float, int, int]:
    r"""Runs ``count`` mini-batches of SGD, starting at batch number ``first`` of the epoch.

    Batch ``k`` holds the rows ``order[k * batch_size : (k + 1) * batch_size]`` of ``x`` (the last may
    be shorter). For each batch: forward pass, output error (see :func:`score_rows`), backpropagation
    :math:`\delta_{l-1} = f'(a_{l-1}) \odot W_l^T \delta_l` and the update of :func:`sgd_rows`, layer by
    layer from the output down. ``theta`` and ``velocity`` (same layout, the momentum buffer) are updated
    in place. ``x`` must be C-contiguous and writable like the internal buffers (one compiled type);
    ``lr``, ``momentum`` and ``weight_decay`` must have the dtype of ``theta``.

    Returns:
        (sum of per-row losses, each before its batch's update; number of hits; number of rows seen).
    """
    n = order.shape[0]
    n_layers = sizes.shape[0] - 1
    offs = _layout(sizes)
    out_col = offs[n_layers - 1, 2]
    width = sizes[n_layers]
    A = np.empty((batch_size, out_col + width), dtype=theta.dtype)
    D = np.empty((batch_size, out_col + width), dtype=theta.dtype)
    g = np.empty(sizes[:-1].max(), dtype=theta.dtype)
    ident = np.arange(batch_size)
    loss = 0.0
    hits = 0
    seen = 0
    for k in range(first, first + count):
        start = k * batch_size
        nb = min(start + batch_size, n) - start
        if nb <= 0:
            break
        batch_rows = order[start : start + nb]
        for li in range(n_layers):
            act = hidden
            if li == n_layers - 1 and not classic:
                act = IDENTITY
            if li == 0:
                dense_rows(
                    theta, offs[0, 0], offs[0, 1], sizes[0], x, batch_rows, 0, A, 0, nb, 0, sizes[1], act
                )
            else:
                dense_rows(
                    theta,
                    offs[li, 0],
                    offs[li, 1],
                    sizes[li],
                    A,
                    ident,
                    offs[li - 1, 2],
                    A,
                    offs[li, 2],
                    nb,
                    0,
                    sizes[li + 1],
                    act,
                )
        batch_loss, batch_hits = score_rows(A, D, out_col, width, labels, batch_rows, nb, classic, hidden)
        loss += batch_loss
        hits += batch_hits
        seen += nb
        for li in range(n_layers - 1, 0, -1):
            n_in = sizes[li]
            n_out = sizes[li + 1]
            hidden_deltas(
                theta, offs[li, 0], n_in, n_out, D, offs[li, 2], offs[li - 1, 2], A, nb, 0, n_in, hidden
            )
            sgd_rows(
                theta,
                velocity,
                offs[li, 0],
                offs[li, 1],
                n_in,
                D,
                offs[li, 2],
                A,
                ident,
                offs[li - 1, 2],
                nb,
                0,
                n_out,
                g,
                lr,
                momentum,
                weight_decay,
            )
        sgd_rows(
            theta,
            velocity,
            offs[0, 0],
            offs[0, 1],
            sizes[0],
            D,
            offs[0, 2],
            x,
            batch_rows,
            0,
            nb,
            0,
            sizes[1],
            g,
            lr,
            momentum,
            weight_decay,
        )
    return loss, hits, seen
