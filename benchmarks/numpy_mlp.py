"""The NumPy baseline of train_speed.py: a straightforward vectorised float32 MLP trainer.

ReLU hidden layers, softmax output, cross-entropy, mini-batch SGD with momentum (PyTorch's convention,
like Hippo's Trainer). Every mini-batch is a handful of BLAS matrix products; nothing is compiled.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np


class NumpyMLP:
    """Weights ``(n_out, n_in)`` and biases per layer, He-initialised, float32."""

    def __init__(self, sizes: list[int], seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.weights = [
            (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(np.float32)
            for n_in, n_out in pairwise(sizes)
        ]
        self.biases = [np.zeros(n_out, dtype=np.float32) for n_out in sizes[1:]]
        self.vel_w = [np.zeros_like(w) for w in self.weights]
        self.vel_b = [np.zeros_like(b) for b in self.biases]

    def train_epoch(
        self, x: np.ndarray, labels: np.ndarray, batch_size: int, lr: float, momentum: float, seed: int
    ) -> float:
        """One epoch over ``x`` (float32 ``(n, n_0)``) in a seeded random order; returns the mean loss."""
        order = np.random.default_rng(seed).permutation(x.shape[0])
        lr32, mu32 = np.float32(lr), np.float32(momentum)
        total = 0.0
        for start in range(0, x.shape[0], batch_size):
            rows = order[start : start + batch_size]
            xb, yb = x[rows], labels[rows]
            n = xb.shape[0]
            layers = [xb]
            for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
                layers.append(np.maximum(layers[-1] @ w.T + b, np.float32(0)))
            z = layers[-1] @ self.weights[-1].T + self.biases[-1]
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            total += float(-np.log(p[np.arange(n), yb] + np.float32(1e-30)).sum())
            delta = p
            delta[np.arange(n), yb] -= np.float32(1)
            delta /= np.float32(n)
            for layer in range(len(self.weights) - 1, -1, -1):
                grad_w = delta.T @ layers[layer]
                grad_b = delta.sum(axis=0)
                if layer > 0:
                    delta = (delta @ self.weights[layer]) * (layers[layer] > 0)
                self.vel_w[layer] *= mu32
                self.vel_w[layer] += grad_w
                self.weights[layer] -= lr32 * self.vel_w[layer]
                self.vel_b[layer] *= mu32
                self.vel_b[layer] += grad_b
                self.biases[layer] -= lr32 * self.vel_b[layer]
        return total / x.shape[0]
