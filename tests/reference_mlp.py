"""A slow, obviously correct NumPy multilayer perceptron: the oracle for the compiled kernels.

Written straight from the formulas in hippo/domain/network.py and hippo/domain/training.py, with
lists of (out, in) matrices, no flat layout, no blocking and no Numba.
"""

from __future__ import annotations

import numpy as np


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "tanh":
        return np.tanh(z)
    raise ValueError(activation)


def derivative_from_output(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "sigmoid":
        return a * (1.0 - a)
    if activation == "relu":
        return (a > 0).astype(a.dtype)
    return 1.0 - a * a


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(weights, biases, activation, output, x):
    """Every layer's activations [x, a_1, ..., a_L] and the last pre-activation z_L of a batch x."""
    layers = [x]
    z = x
    for li, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = layers[-1] @ w.T + b
        last = li == len(weights) - 1
        if last and output == "softmax":
            layers.append(softmax(z))
        else:
            layers.append(activate(z, activation))
    return layers, z


def loss_and_gradients(weights, biases, activation, output, x, labels):
    """Batch-mean loss and its gradients (lists like weights/biases), by plain backpropagation."""
    layers, z = forward(weights, biases, activation, output, x)
    n = x.shape[0]
    onehot = np.zeros_like(layers[-1])
    onehot[np.arange(n), labels] = 1.0
    if output == "softmax":
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(n), labels].mean()
        delta = (layers[-1] - onehot) / n
    else:
        a = layers[-1]
        loss = 0.5 * ((a - onehot) ** 2).sum(axis=1).mean()
        delta = (a - onehot) * derivative_from_output(a, activation) / n
    grads_w = [None] * len(weights)
    grads_b = [None] * len(weights)
    for li in range(len(weights) - 1, -1, -1):
        grads_w[li] = delta.T @ layers[li]
        grads_b[li] = delta.sum(axis=0)
        if li > 0:
            delta = (delta @ weights[li]) * derivative_from_output(layers[li], activation)
    return float(loss), grads_w, grads_b


def sgd_epoch(
    weights, biases, vel_w, vel_b, activation, output, x, labels, order, batch_size, lr, momentum, decay
):
    """One epoch of SGD with momentum (PyTorch convention), updating the lists in place."""
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        _, gw, gb = loss_and_gradients(weights, biases, activation, output, x[rows], labels[rows])
        for li in range(len(weights)):
            vel_w[li][...] = momentum * vel_w[li] + gw[li] + decay * weights[li]
            weights[li][...] = weights[li] - lr * vel_w[li]
            vel_b[li][...] = momentum * vel_b[li] + gb[li]
            biases[li][...] = biases[li] - lr * vel_b[li]
