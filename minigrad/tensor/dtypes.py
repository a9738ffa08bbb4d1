"""dtypes: ``minigrad.float32`` and friends, each a thin name over a NumPy dtype.

They print as PyTorch's do (``torch.float32``) so that PyTorch code run with
``import minigrad as torch`` prints what PyTorch prints.
"""
from __future__ import annotations

import builtins as _builtins

import numpy as np


class dtype:
    """A tensor's element type, like ``torch.dtype``: one object per type, compared by identity."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_complex = False
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


# PyTorch's order of kinds in type promotion, by NumPy's kind codes: bool < integer <
# floating (< complex, which minigrad's tensors don't have).
KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def promote(a: "np.dtype | None", b: np.dtype) -> np.dtype:
    """PyTorch's ``promote_types`` on NumPy dtypes: the higher kind wins as it is (int64 with
    float32 is float32, and int32 with float16 is float16, where NumPy would widen); within a
    kind, the wider type (uint8 with int8 is int16). ``a`` may be None (nothing yet)."""
    if a is None or a == b:
        return b
    ka, kb = KIND_ORDER[a.kind], KIND_ORDER[b.kind]
    if ka != kb:
        return a if ka > kb else b
    return np.promote_types(a, b)


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
# Canonical names, and the aliases PyTorch has as attributes (torch.float is float32, not
# NumPy's "float", which is float64).
_NAMES = {d.name: d for d in ALL} | {"half": float16, "float": float32, "double": float64,
                                     "short": int16, "int": int32, "long": int64}

# How PyTorch's messages name each dtype, the one table of those names: by its C++
# ``ScalarType`` ("Float"; with "Tensor" added, "FloatTensor", the legacy tensor type) or by
# its C++ element type ("float"). The three functions below read it.
TYPE_NAMES = {           # ScalarType, C++ type
    "float16": ("Half", "c10::Half"),
    "float32": ("Float", "float"),
    "float64": ("Double", "double"),
    "uint8": ("Byte", "unsigned char"),
    "int8": ("Char", "signed char"),
    "int16": ("Short", "short int"),
    "int32": ("Int", "int"),
    "int64": ("Long", "long int"),
    "bool": ("Bool", "bool"),
}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def _type_names(d) -> tuple:
    """The row of ``TYPE_NAMES`` for ``d``: a minigrad dtype or a NumPy one (an array's)."""
    return TYPE_NAMES[d.name if isinstance(d, dtype) else np.dtype(d).name]


def type_name(d) -> str:
    """``'Float'`` for float32, ``'Long'`` for int64: how most of PyTorch's errors name a dtype."""
    return _type_names(d)[0]


def legacy_type_name(d) -> str:
    """``'FloatTensor'`` for float32: the legacy tensor type (``Tensor.type()``, and the error
    for a saved tensor modified in place)."""
    return _type_names(d)[0] + "Tensor"


def c_type_name(d) -> str:
    """``'float'`` for float32, ``'long int'`` for int64: how some other errors name it (C++)."""
    return _type_names(d)[1]


def from_numpy_dtype(np_dtype) -> dtype:
    """Our dtype for a NumPy dtype, or a clear error for the ones minigrad doesn't have."""
    np_dtype = np.dtype(np_dtype)
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    if not np_dtype.isnative:  # PyTorch's words: a big-endian array on a little-endian machine
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    raise TypeError(f"can't convert np.ndarray of type {np_dtype.type.__module__}."
                    f"{np_dtype.type.__name__}. The only supported types are: float64, float32, "
                    "float16, int64, int32, int16, int8, uint8, and bool.")


def as_dtype(d) -> dtype:
    """Our dtype for ``minigrad.float64``, ``np.float64``, ``"float64"`` (or a PyTorch alias
    such as ``"double"``), or Python's ``float``/``int``/``bool``."""
    if isinstance(d, dtype):
        return d
    if isinstance(d, type) and d in _PY_TYPES:
        return _PY_TYPES[d]
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    return from_numpy_dtype(d)


# PyTorch maps the Python types to these (``dtype=float`` means float64, as in NumPy).
_PY_TYPES = {_builtins.float: float64, _builtins.int: int64, _builtins.bool: bool}

default_float = float32
