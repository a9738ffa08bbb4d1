"""Synthetic datasets for the course, generated with NumPy from a seed (nothing to download):
two interleaving half moons, spirals (one arm per class), and noisy linear regression.

Each returns float32 inputs and, for classification, int64 labels, as tensors.
"""
from __future__ import annotations

import numpy as np

from ..tensor.creation import from_numpy
from ..tensor.tensor import Tensor


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = 0
               ) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (labels 0 and 1): not linearly separable."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    rng = _rng(seed)
    if noise:
        X = X + rng.normal(0.0, noise, X.shape)
    order = rng.permutation(n_samples)
    return from_numpy(X[order].astype(np.float32)), from_numpy(y[order])


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 seed: int | None = 0) -> tuple[Tensor, Tensor]:
    """``n_classes`` spiral arms around the origin (the CS231n classic), points in [-1, 1]."""
    rng = _rng(seed)
    per = n_samples // n_classes
    X = np.zeros((per * n_classes, 2))
    y = np.zeros(per * n_classes, np.int64)
    for c in range(n_classes):
        r = np.linspace(0.0, 1.0, per)
        theta = np.linspace(c * 4.0, (c + 1) * 4.0, per) + rng.normal(0.0, noise, per)
        X[c * per:(c + 1) * per] = np.stack([r * np.sin(theta), r * np.cos(theta)], 1)
        y[c * per:(c + 1) * per] = c
    order = rng.permutation(len(X))
    return from_numpy(X[order].astype(np.float32)), from_numpy(y[order])


def make_regression(n_samples: int = 100, n_features: int = 1, noise: float = 0.1,
                    bias: float = 0.0, seed: int | None = 0
                    ) -> tuple[Tensor, Tensor, Tensor]:
    """y = X @ w + bias + noise with X ~ N(0, 1) and a random true ``w``; returns
    ``(X, y, w)``, y of shape (n_samples, 1), so a model's fit can be compared with w."""
    rng = _rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    w = rng.uniform(-2.0, 2.0, size=(n_features, 1))
    y = X @ w + bias + rng.normal(0.0, noise, (n_samples, 1))
    return (from_numpy(X.astype(np.float32)), from_numpy(y.astype(np.float32)),
            from_numpy(w.astype(np.float32)))


def make_blobs(n_samples: int = 100, centers: int = 3, n_features: int = 2,
               cluster_std: float = 1.0, seed: int | None = 0) -> tuple[Tensor, Tensor]:
    """Gaussian clusters around random centres in [-10, 10]^n_features."""
    rng = _rng(seed)
    c = rng.uniform(-10.0, 10.0, (centers, n_features))
    y = rng.integers(0, centers, n_samples)
    X = c[y] + rng.normal(0.0, cluster_std, (n_samples, n_features))
    return from_numpy(X.astype(np.float32)), from_numpy(y.astype(np.int64))
