"""``cupy.random`` of the stand-in: NumPy's legacy generator, results on the device."""
from __future__ import annotations

import numpy as np

from . import _wrap

_state = np.random.RandomState()


def seed(seed=None):
    _state.seed(None if seed is None else int(seed) % 2**32)


def _draw(name):
    def f(*args, dtype=None, **kwargs):
        r = getattr(_state, name)(*args, **kwargs)
        r = np.asarray(r)
        return _wrap(r.astype(dtype) if dtype is not None else r)
    f.__name__ = name
    return f


for _n in ("rand randn random random_sample uniform normal standard_normal randint permutation "
           "choice binomial").split():
    globals()[_n] = _draw(_n)
del _n


class Generator:
    """``cupy.random.default_rng()``: only the methods CuPy's Generator has (names.py)."""

    def __init__(self, seed=None):
        self._g = np.random.default_rng(seed)

    def random(self, size=None, dtype=np.float64, out=None):
        return _wrap(np.asarray(self._g.random(size, dtype=dtype)))

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        return _wrap(np.asarray(self._g.standard_normal(size, dtype=dtype)))

    def uniform(self, low=0.0, high=1.0, size=None, dtype=np.float64):
        return _wrap(np.asarray(self._g.uniform(low, high, size).astype(dtype)))

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        return _wrap(np.asarray(self._g.integers(low, high, size, dtype=dtype,
                                                 endpoint=endpoint)))


def default_rng(seed=None):
    return Generator(seed)
