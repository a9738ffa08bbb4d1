"""The 8x8 handwritten digits: 1,797 grey images of 0-9, small enough to train on in seconds.

The data is the UCI "Optical Recognition of Handwritten Digits" test set (the copy that
scikit-learn ships as ``load_digits``), stored in this folder as ``digits.npz``: ``images``
(1797, 8, 8) uint8 with values 0..16, ``target`` (1797,) uint8. Licence: CC BY 4.0, see
README.md here. Nothing is downloaded.
"""
from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import numpy as np

from ..tensor.creation import from_numpy

_PATH = Path(__file__).with_name("digits.npz")

Split = namedtuple("Split", ["X", "y"])


def load_digits(test_size: float = 0.2, *, flatten: bool = True, seed: int = 0
                ) -> tuple[Split, Split]:
    """``(X_train, y_train), (X_test, y_test) = load_digits()``.

    X is float32 scaled to [0, 1], shape (n, 64), or (n, 1, 8, 8) with ``flatten=False`` (for
    a CNN); y is int64 class labels. The split is a seeded shuffle: the same every time.
    """
    with np.load(_PATH) as f:
        images, target = f["images"], f["target"]
    X = (images.astype(np.float32) / 16.0)
    X = X.reshape(len(X), 64) if flatten else X.reshape(len(X), 1, 8, 8)
    y = target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(test_size * len(X)))
    test, train = order[:n_test], order[n_test:]
    return (Split(from_numpy(np.ascontiguousarray(X[train])), from_numpy(y[train])),
            Split(from_numpy(np.ascontiguousarray(X[test])), from_numpy(y[test])))
