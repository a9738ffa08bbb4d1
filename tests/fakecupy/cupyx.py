"""``cupyx`` of the stand-in: the scatter routines (and CuPy 14 has no ``fallback_mode``)."""
import numpy as np

from . import ndarray, _index, _strict


def _scatter(u):
    def f(a, slices, value):
        if type(a) is not ndarray:
            raise TypeError(f"Unsupported type {type(a)}")
        u.at(a._a, _index(a._a.shape, slices), _strict(value))
    return f


scatter_add = _scatter(np.add)
scatter_max = _scatter(np.maximum)
scatter_min = _scatter(np.minimum)
