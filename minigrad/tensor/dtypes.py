"""dtypes: ``minigrad.float32`` and friends, each a thin name over a NumPy dtype.

They print as PyTorch's do (``torch.float32``) so that PyTorch code run with
``import minigrad as torch`` prints what PyTorch prints.
"""
from __future__ import annotations

import builtins as _builtins

import numpy as np


class dtype:
    __slots__ = ("name", "np", "is_floating_point", "is_complex", "itemsize", "_category")

    def __init__(self, name: str, np_dtype, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_complex = False
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool < 1 integer < 2 floating: PyTorch's promotion order

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16, 2)
float32 = float = dtype("float32", np.float32, 2)
float64 = double = dtype("float64", np.float64, 2)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = short = dtype("int16", np.int16, 1)
int32 = int = dtype("int32", np.int32, 1)
int64 = long = dtype("int64", np.int64, 1)
bool = dtype("bool", np.bool_, 0)  # noqa: A001 - PyTorch's name

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """Our dtype for a NumPy dtype, or a clear error for the ones minigrad doesn't have."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only "
                        "supported types are: float64, float32, float16, int64, int32, int16, "
                        "int8, uint8, and bool.") from None


def as_dtype(d) -> dtype:
    """Accept ``minigrad.float64``, ``np.float64``, ``"float64"`` or Python ``float``/``int``/``bool``."""
    if isinstance(d, dtype):
        return d
    if d in _PY_TYPES:
        return _PY_TYPES[d]
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    return from_numpy_dtype(d)


# PyTorch maps the Python types to these (``dtype=float`` means float64, as in NumPy).
_PY_TYPES = {_builtins.float: float64, _builtins.int: int64, _builtins.bool: bool}

default_float = float32
