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

Serving does not use this module: :class:`~hippo.domain.network.Network` infers with NumPy, so a
server never imports Numba. :func:`feed_forward` is the compiled forward pass built from the training
kernels' :func:`dense`; the tests check NumPy inference against it and ``benchmarks/inference_speed.py``
times the two. Only :func:`train_batches_parallel` uses threads (``prange``).
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
from numba import njit, prange

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


@njit(cache=True)
def layer_views(params: Any, sizes: Any, offs: Any, li: int) -> tuple[Any, Any]:
    """The ``(n_out, n_in)`` weight matrix and ``(n_out,)`` bias of layer ``li`` as views of ``params``."""
    n_out = sizes[li + 1]
    w = params[offs[li, 0] : offs[li, 1]].reshape((n_out, sizes[li]))
    return w, params[offs[li, 1] : offs[li, 1] + n_out]


@njit(cache=True, fastmath=_FAST)
def dense(W: Any, bias: Any, src: Any, rows: Any, dst: Any, nb: int, j0: int, j1: int, act: int) -> None:
    r"""Units ``j0..j1-1`` of a dense layer for ``nb`` rows: ``dst[:nb] = f(src[rows] @ W.T + bias)``.

    :math:`dst[b, j] = f\big(\sum_i src[r_b, i] \, W[j, i] + bias_j\big)` with :math:`r_b` =
    ``rows[b]``, ``W`` of shape ``(n_out, n_in)``, ``src`` ``(m, n_in)`` and ``dst`` ``(>= nb, n_out)``,
    all C-contiguous.
    Register tile of 4 rows x 2 units: each loaded input is used twice and each weight four times;
    the sums over ``i`` vectorise (``fastmath`` re-association).
    """
    zero = W.dtype.type(0.0)
    n_in = W.shape[1]
    b = 0
    while b + 4 <= nb:
        x0 = src[rows[b]]
        x1 = src[rows[b + 1]]
        x2 = src[rows[b + 2]]
        x3 = src[rows[b + 3]]
        j = j0
        while j + 2 <= j1:
            w = W[j]
            u = W[j + 1]
            s0 = s1 = s2 = s3 = zero
            t0 = t1 = t2 = t3 = zero
            for i in range(n_in):
                s0 += x0[i] * w[i]
                s1 += x1[i] * w[i]
                s2 += x2[i] * w[i]
                s3 += x3[i] * w[i]
                t0 += x0[i] * u[i]
                t1 += x1[i] * u[i]
                t2 += x2[i] * u[i]
                t3 += x3[i] * u[i]
            dst[b, j] = _activate(s0 + bias[j], act)
            dst[b + 1, j] = _activate(s1 + bias[j], act)
            dst[b + 2, j] = _activate(s2 + bias[j], act)
            dst[b + 3, j] = _activate(s3 + bias[j], act)
            dst[b, j + 1] = _activate(t0 + bias[j + 1], act)
            dst[b + 1, j + 1] = _activate(t1 + bias[j + 1], act)
            dst[b + 2, j + 1] = _activate(t2 + bias[j + 1], act)
            dst[b + 3, j + 1] = _activate(t3 + bias[j + 1], act)
            j += 2
        if j < j1:
            w = W[j]
            s0 = s1 = s2 = s3 = zero
            for i in range(n_in):
                s0 += x0[i] * w[i]
                s1 += x1[i] * w[i]
                s2 += x2[i] * w[i]
                s3 += x3[i] * w[i]
            dst[b, j] = _activate(s0 + bias[j], act)
            dst[b + 1, j] = _activate(s1 + bias[j], act)
            dst[b + 2, j] = _activate(s2 + bias[j], act)
            dst[b + 3, j] = _activate(s3 + bias[j], act)
        b += 4
    while b < nb:
        x0 = src[rows[b]]
        for j in range(j0, j1):
            w = W[j]
            s0 = zero
            for i in range(n_in):
                s0 += x0[i] * w[i]
            dst[b, j] = _activate(s0 + bias[j], act)
        b += 1


@njit(cache=True, fastmath=_FAST)
def softmax_rows(z: Any, nb: int) -> None:
    r"""In place :math:`p_k = e^{z_k - m} / \sum_c e^{z_c - m}` with :math:`m = \max_c z_c`, per row."""
    width = z.shape[1]
    for b in range(nb):
        row = z[b]
        m = row[0]
        for k in range(1, width):
            m = max(m, row[k])
        s = z.dtype.type(0.0)
        for k in range(width):
            e = np.exp(row[k] - m)
            row[k] = e
            s += e
        inv = z.dtype.type(1.0) / s
        for k in range(width):
            row[k] *= inv


@njit(cache=True, fastmath=_FAST)
def feed_forward(theta: Any, sizes: Any, hidden: int, out_mode: int, x: Any) -> Any:
    r"""Activations of every non-input layer for a batch ``x`` of shape ``(n, sizes[0])``.

    Layer ``l`` computes :math:`a_{l+1} = f(W_l a_l + b_l)` with :math:`a_0 = x`; the last layer
    applies the output mode (softmax, the hidden activation, or nothing). Serial: safe to call from
    many threads at once.

    Returns:
        ``(n, sum(sizes[1:]))`` array of the dtype of ``theta``; layer ``l``'s units are the columns
        ``sum(sizes[1:l+1])`` onwards, so the last ``sizes[-1]`` columns are the network's output.
    """
    offs = _layout(sizes)
    n = x.shape[0]
    n_layers = sizes.shape[0] - 1
    out = np.empty((n, offs[n_layers - 1, 2] + sizes[n_layers]), dtype=theta.dtype)
    src = x
    rows = np.arange(n)
    for li in range(n_layers):
        act = hidden
        if li == n_layers - 1 and out_mode != OUT_ACTIVATION:
            act = IDENTITY
        W, bias = layer_views(theta, sizes, offs, li)
        dst = np.empty((n, sizes[li + 1]), dtype=theta.dtype)
        dense(W, bias, src, rows, dst, n, 0, sizes[li + 1], act)
        if li == n_layers - 1 and out_mode == OUT_SOFTMAX:
            softmax_rows(dst, n)
        out[:, offs[li, 2] : offs[li, 2] + sizes[li + 1]] = dst
        src = dst
    return out


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
def hidden_deltas(W: Any, d_out: Any, d_in: Any, a_in: Any, nb: int, i0: int, i1: int, act: int) -> None:
    r"""Backpropagates a layer's error to units ``i0..i1-1`` of the layer below.

    :math:`\delta_{in}[b, i] = f'(a_{in}[b, i]) \sum_j \delta_{out}[b, j] \, W[j, i]` with ``W`` of
    shape ``(n_out, n_in)``. Must run before ``W`` is updated.
    """
    zero = W.dtype.type(0.0)
    m = i1 - i0
    for b in range(nb):
        out = d_in[b, i0:i1]
        a = a_in[b, i0:i1]
        for i in range(m):
            out[i] = zero
        for j in range(W.shape[0]):
            d = d_out[b, j]
            if d != zero:
                w = W[j, i0:i1]
                for i in range(m):
                    out[i] += d * w[i]
        for i in range(m):
            out[i] *= _derivative(a[i], act)


@njit(cache=True, fastmath=_FAST)
def _step_row(w: Any, v: Any, g: Any, lr: Any, momentum: Any, weight_decay: Any) -> None:
    for i in range(w.shape[0]):
        vi = momentum * v[i] + (g[i] + weight_decay * w[i])
        v[i] = vi
        w[i] -= lr * vi


@njit(cache=True, fastmath=_FAST)
def sgd_units(
    W: Any, bias: Any, V: Any, v_bias: Any, delta: Any, src: Any, rows: Any, nb: int, j0: int, j1: int,
    g: Any, lr: Any, momentum: Any, weight_decay: Any,
) -> None:  # fmt: skip
    r"""Gradient and SGD-with-momentum step for units ``j0..j1-1`` of one layer.

    With the error ``delta`` ``(>= nb, n_out)`` (already divided by the batch size) and the layer's
    inputs, the rows ``src[rows[b]]`` of ``src`` ``(m, n_in)``:

    .. math::
        g_j = \sum_b \delta[b, j] \, src[r_b] + \lambda W_j, \quad v_j \leftarrow \mu v_j + g_j, \quad
        W_j \leftarrow W_j - \eta v_j

    and the same for the bias without the :math:`\lambda` term (PyTorch's SGD convention). ``V`` and
    ``v_bias`` are the momentum buffers; ``g`` is a ``(2, >= n_in)`` scratch owned by the caller.
    Units are done two at a time and rows four at a time, so every input loaded is used eight times.
    """
    zero = W.dtype.type(0.0)
    n_in = W.shape[1]
    g0 = g[0, :n_in]
    g1 = g[1, :n_in]
    j = j0
    while j < j1:
        pair = j + 1 < j1
        k = j + 1 if pair else j
        for i in range(n_in):
            g0[i] = zero
            g1[i] = zero
        gb0 = zero
        gb1 = zero
        b = 0
        while b + 4 <= nb:
            d0 = delta[b, j]
            d1 = delta[b + 1, j]
            d2 = delta[b + 2, j]
            d3 = delta[b + 3, j]
            e0 = delta[b, k]
            e1 = delta[b + 1, k]
            e2 = delta[b + 2, k]
            e3 = delta[b + 3, k]
            gb0 += d0 + d1 + d2 + d3
            gb1 += e0 + e1 + e2 + e3
            r0 = rows[b]
            r1 = rows[b + 1]
            r2 = rows[b + 2]
            r3 = rows[b + 3]
            for i in range(n_in):
                x0 = src[r0, i]
                x1 = src[r1, i]
                x2 = src[r2, i]
                x3 = src[r3, i]
                g0[i] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3
                g1[i] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3
            b += 4
        while b < nb:
            d0 = delta[b, j]
            e0 = delta[b, k]
            gb0 += d0
            gb1 += e0
            r0 = rows[b]
            for i in range(n_in):
                x0 = src[r0, i]
                g0[i] += d0 * x0
                g1[i] += e0 * x0
            b += 1
        _step_row(W[j], V[j], g0, lr, momentum, weight_decay)
        vb = momentum * v_bias[j] + gb0
        v_bias[j] = vb
        bias[j] -= lr * vb
        if pair:
            _step_row(W[k], V[k], g1, lr, momentum, weight_decay)
            vb = momentum * v_bias[k] + gb1
            v_bias[k] = vb
            bias[k] -= lr * vb
        j += 2


@njit(cache=True)
def _training_buffers(sizes: Any, batch_size: int, threads: int, dtype: Any) -> Any:
    n_layers = sizes.shape[0] - 1
    acts = [np.empty((batch_size, sizes[li + 1]), dtype=dtype) for li in range(n_layers)]
    deltas = [np.empty((batch_size, sizes[li + 1]), dtype=dtype) for li in range(n_layers)]
    widest = 1
    for li in range(n_layers):
        widest = max(widest, sizes[li])
    return acts, deltas, np.empty((threads, 2, widest), dtype=dtype), np.arange(batch_size)


@njit(cache=True)
def _unit_range(c: int, chunks: int, units: int) -> tuple[int, int]:
    """Units of chunk ``c``: boundaries on even indices, so the 2-unit tiles never depend on ``chunks``."""
    j0 = (c * units // chunks) // 2 * 2
    j1 = units if c == chunks - 1 else ((c + 1) * units // chunks) // 2 * 2
    return j0, j1


def train_batches(
    theta: Any, velocity: Any, sizes: Any, hidden: int, classic: bool, x: Any, labels: Any, order: Any,
    batch_size: int, first: int, count: int, lr: Any, momentum: Any, weight_decay: Any, threads: int,
    min_parallel: int,
) -> tuple[float, int, int]:  # fmt: skip
    r"""Runs ``count`` mini-batches of SGD, starting at batch number ``first`` of the epoch.

    Batch ``k`` holds the rows ``order[k * batch_size : (k + 1) * batch_size]`` of ``x`` (the last may
    be shorter). For each batch: forward pass (:func:`dense`), output error (:func:`score_rows`), then
    from the output layer down: backpropagation :math:`\delta_{l-1} = f'(a_{l-1}) \odot W_l^T \delta_l`
    (:func:`hidden_deltas`) and the update of :func:`sgd_units`. ``theta`` and ``velocity`` (same layout,
    the momentum buffer) are updated in place; ``lr``, ``momentum`` and ``weight_decay`` must have the
    dtype of ``theta``; ``x`` must be C-contiguous and writable (it shares a compiled type with the
    internal buffers).

    Threads: a layer with at least ``min_parallel`` multiply-adds per batch is split by units into
    ``threads`` chunks run by Numba's threads (``prange``), never by rows, so no sums cross threads and
    the result is bit-for-bit the same for any number of threads. The first layer's update for batch
    ``k`` and its forward pass for batch ``k + 1`` share one parallel region (a unit's row is updated,
    then used), which halves the thread synchronisations per batch. ``threads=1`` runs serially.

    Returns:
        (sum of per-row losses, each before its batch's update; number of hits; number of rows seen).
    """
    n = order.shape[0]
    n_layers = sizes.shape[0] - 1
    offs = _layout(sizes)
    acts, deltas, g, ident = _training_buffers(sizes, batch_size, threads, theta.dtype)
    W0, bias0 = layer_views(theta, sizes, offs, 0)
    V0, v_bias0 = layer_views(velocity, sizes, offs, 0)
    first_act = hidden if (n_layers > 1 or classic) else IDENTITY
    loss = 0.0
    hits = 0
    seen = 0
    prev_rows = order[0:0]
    prev_nb = 0
    for k in range(first, first + count + 1):
        start = k * batch_size
        nb = max(0, min(start + batch_size, n) - start) if k < first + count else 0
        rows = order[start : start + nb]
        # layer 0: the pending update of the previous batch, then this batch's forward pass
        chunks = threads if (max(nb, prev_nb) * sizes[0] * sizes[1] >= min_parallel and threads > 1) else 1
        if chunks == 1:
            if prev_nb > 0:
                sgd_units(W0, bias0, V0, v_bias0, deltas[0], x, prev_rows, prev_nb, 0, sizes[1], g[0],
                          lr, momentum, weight_decay)  # fmt: skip
            if nb > 0:
                dense(W0, bias0, x, rows, acts[0], nb, 0, sizes[1], first_act)
        else:
            for c in prange(chunks):
                j0, j1 = _unit_range(c, chunks, sizes[1])
                if prev_nb > 0:
                    sgd_units(W0, bias0, V0, v_bias0, deltas[0], x, prev_rows, prev_nb, j0, j1, g[c],
                              lr, momentum, weight_decay)  # fmt: skip
                if nb > 0:
                    dense(W0, bias0, x, rows, acts[0], nb, j0, j1, first_act)
        if nb == 0:
            break
        for li in range(1, n_layers):
            act = IDENTITY if (li == n_layers - 1 and not classic) else hidden
            W, bias = layer_views(theta, sizes, offs, li)
            units = sizes[li + 1]
            chunks = threads if (nb * sizes[li] * units >= min_parallel and threads > 1) else 1
            if chunks == 1:
                dense(W, bias, acts[li - 1], ident, acts[li], nb, 0, units, act)
            else:
                for c in prange(chunks):
                    j0, j1 = _unit_range(c, chunks, units)
                    dense(W, bias, acts[li - 1], ident, acts[li], nb, j0, j1, act)
        batch_loss, batch_hits = score_rows(
            acts[n_layers - 1], deltas[n_layers - 1], 0, sizes[n_layers], labels, rows, nb, classic, hidden
        )
        loss += batch_loss
        hits += batch_hits
        seen += nb
        for li in range(n_layers - 1, 0, -1):
            W, bias = layer_views(theta, sizes, offs, li)
            V, v_bias = layer_views(velocity, sizes, offs, li)
            units = sizes[li + 1]
            chunks = threads if (nb * sizes[li] * units >= min_parallel and threads > 1) else 1
            if chunks == 1:
                hidden_deltas(W, deltas[li], deltas[li - 1], acts[li - 1], nb, 0, sizes[li], hidden)
                sgd_units(W, bias, V, v_bias, deltas[li], acts[li - 1], ident, nb, 0, units, g[0],
                          lr, momentum, weight_decay)  # fmt: skip
            else:
                for c in prange(chunks):
                    i0, i1 = _unit_range(c, chunks, sizes[li])
                    hidden_deltas(W, deltas[li], deltas[li - 1], acts[li - 1], nb, i0, i1, hidden)
                for c in prange(chunks):
                    j0, j1 = _unit_range(c, chunks, units)
                    sgd_units(W, bias, V, v_bias, deltas[li], acts[li - 1], ident, nb, j0, j1, g[c],
                              lr, momentum, weight_decay)  # fmt: skip
        prev_rows = rows
        prev_nb = nb
    return loss, hits, seen


def _twin(fn: Any, name: str) -> Any:
    """A copy of the plain function ``fn`` under another name (so Numba caches the copies apart)."""
    twin = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    twin.__qualname__ = name
    twin.__doc__ = fn.__doc__
    return twin


train_batches_parallel = njit(cache=True, fastmath=_FAST, parallel=True)(
    _twin(train_batches, "train_batches_parallel")
)
"""The same as :func:`train_batches`, compiled with ``parallel=True``: ``prange`` uses real threads."""
train_batches = njit(cache=True, fastmath=_FAST)(train_batches)
"""Serial build of :func:`train_batches` (``prange`` is a plain ``range``; quicker to compile)."""
