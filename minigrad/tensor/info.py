"""``finfo`` and ``iinfo``: the numerical limits of a dtype, as PyTorch reports them.

    >>> torch.finfo(torch.float32).eps
    1.1920928955078125e-07
    >>> torch.iinfo(torch.int8)
    iinfo(min=-128, max=127, dtype=int8)

NumPy knows the numbers; these classes give them PyTorch's names, types (Python ``float`` and
``int``) and printing (six significant digits, like C++'s default stream).
"""
from __future__ import annotations

import numpy as np

from . import dtypes


class finfo:
    """The limits of a floating point dtype (the default dtype, float32, without one)."""

    def __init__(self, type: "dtypes.dtype | None" = None) -> None:  # noqa: A002 - PyTorch's
        d = dtypes.float32 if type is None else type
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(d.np)
        self.bits: int = info.bits
        self.eps: float = float(info.eps)  # the gap between 1 and the next number
        self.max: float = float(info.max)
        self.min: float = float(info.min)
        self.tiny: float = float(info.tiny)  # the smallest positive normal number
        self.smallest_normal: float = self.tiny
        self.resolution: float = 10.0 ** -info.precision  # decimal digits it holds: 1e-06
        self.dtype: str = d.name

    def __eq__(self, other) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype."""

    def __init__(self, type: dtypes.dtype) -> None:  # noqa: A002 - PyTorch's name
        if type is dtypes.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits: int = info.bits
        self.max: int = int(info.max)
        self.min: int = int(info.min)
        self.dtype: str = type.name

    def __eq__(self, other) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:  # (C++ prints the limits as doubles: -9.22337e+18 for int64)
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"
