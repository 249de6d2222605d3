"""Hippo: train small neural networks on MNIST, publish them, serve them and a dictionary."""

__version__ = "0.1.0"
