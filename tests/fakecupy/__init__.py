"""A strict stand-in for CuPy, NumPy underneath, so that CPU-only CI runs minigrad's cuda code.

tests/conftest.py installs it as ``cupy`` (and ``cupyx``) when no real CuPy sees a GPU; the
``device`` fixture's ``cuda`` side then runs on it. It is not a simulator of a GPU: it is CuPy's
*contract*, as strict as CuPy is where NumPy would let a mistake through:

- ``ndarray`` is its own class holding a NumPy array, not a NumPy subclass;
- ``np.asarray(x)`` (and so ``np.int64(x)``, ``numpy_array[i] = x``) raises CuPy's TypeError;
- ufuncs and operators reject NumPy arrays (0-d too) and lists: ``Unsupported type``;
- reductions and scalar indexing return 0-d arrays, never NumPy scalars;
- ``flags`` has ``c_contiguous``, ``f_contiguous``, ``owndata`` only (no ``writeable``);
- out-of-bounds integer-array indices wrap around silently, as CuPy's do;
- only names CuPy 14.2 has exist (names.py); ``cupy.errstate`` does not;
- every device-to-host transfer (``get``, ``asnumpy``, ``item``, ``float()``, ``bool()``, ...)
  is counted in ``syncs``: a GPU waits for its queue there.
"""
from __future__ import annotations

import builtins as _b  # (this module defines bool, sum, abs, ... as CuPy does)
import functools

import numpy as np

from . import names as _names

IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
            "construct a NumPy array explicitly.")

syncs = 0  # device-to-host transfers so far (read it, or reset it to 0, from a test)


def _sync():
    global syncs
    syncs += 1


def _quiet(f):
    """A GPU raises no floating-point warnings (log(0) is -inf silently): nor does the stand-in."""
    @functools.wraps(f)
    def g(*args, **kwargs):
        with np.errstate(all="ignore"):
            return f(*args, **kwargs)
    return g


# --------------------------------------------------------------------------- wrapping

def _wrap(r):
    """NumPy results become device arrays: a NumPy scalar (a reduction) becomes a 0-d array."""
    if isinstance(r, np.ndarray):
        return ndarray._of(_writable(r))
    if isinstance(r, (np.generic, _b.bool)):
        return ndarray._of(np.asarray(r))
    if isinstance(r, tuple):
        return tuple(_wrap(x) for x in r)
    if isinstance(r, list):
        return [_wrap(x) for x in r]
    return r


def _writable(r: np.ndarray) -> np.ndarray:
    """CuPy's views are all writable (it has no read-only arrays); NumPy hands out some
    read-only (diagonal, broadcast_to): the same memory, writable where its owner is."""
    if r.flags.writeable:
        return r
    root = r
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.writeable:
        return r
    offset = r.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(r.shape, r.dtype, buffer=root, offset=offset, strides=r.strides)


def _strict(x):
    """An operand of a ufunc: a device array or a scalar. NumPy arrays and lists are refused."""
    if type(x) is ndarray:
        return x._a
    if isinstance(x, (np.ndarray, list, tuple)) or not (
            x is None or isinstance(x, (_b.int, _b.float, _b.complex, np.generic))):
        raise TypeError(f"Unsupported type {type(x)}")
    return x


def _loose(x):
    """An argument of a routine (concatenate, where, ...): device arrays, possibly in a list,
    scalars, shapes. A NumPy array is refused as CuPy refuses it."""
    if type(x) is ndarray:
        return x._a
    if isinstance(x, np.ndarray):
        raise TypeError(f"Unsupported type {type(x)}")
    if isinstance(x, (list, tuple)):
        return type(x)(_loose(i) for i in x)
    return x


# --------------------------------------------------------------------------- ufuncs

class ufunc:
    """A CuPy ufunc: NumPy's, with CuPy's checks on operands and 0-d results."""

    def __init__(self, np_ufunc):
        self._u = np_ufunc
        self.name, self.nin, self.nout, self.nargs = (np_ufunc.__name__, np_ufunc.nin,
                                                      np_ufunc.nout, np_ufunc.nargs)

    def __repr__(self):
        return f"<ufunc '{self.name}'>"

    @staticmethod
    def _out(kwargs):
        o = kwargs.get("out")
        if o is not None:
            outs = o if isinstance(o, tuple) else (o,)
            for x in outs:
                if type(x) is not ndarray:
                    raise TypeError(f"Unsupported type {type(x)}")
            kwargs["out"] = tuple(x._a for x in outs) if isinstance(o, tuple) else o._a
        return kwargs

    @_quiet
    def __call__(self, *args, **kwargs):
        given = kwargs.get("out")
        r = self._u(*(_strict(a) for a in args), **self._out(kwargs))
        return given if given is not None else _wrap(r)

    @_quiet
    def reduce(self, a, *args, **kwargs):
        return _wrap(self._u.reduce(_strict(a), *args, **self._out(kwargs)))

    @_quiet
    def accumulate(self, a, *args, **kwargs):
        return _wrap(self._u.accumulate(_strict(a), *args, **self._out(kwargs)))

    @_quiet
    def outer(self, a, b, **kwargs):
        return _wrap(self._u.outer(_strict(a), _strict(b), **self._out(kwargs)))

    @_quiet
    def at(self, a, indices, b=None):
        # CuPy's add.at uses atomics: which order the duplicates are added in varies run to run
        if type(a) is not ndarray:
            raise TypeError(f"Unsupported type {type(a)}")
        idx = _index(a._a.shape, indices)
        self._u.at(a._a, idx, *(() if b is None else (_strict(b),)))


# --------------------------------------------------------------------------- indexing

def _index(shape, key):
    """A NumPy index from a CuPy one: device arrays unwrapped, and integer arrays wrapped into
    range as CuPy does (it checks no bounds on the GPU: x[[5]] of 3 elements is x[[2]])."""
    parts = key if isinstance(key, tuple) else (key,)
    parts = tuple(p._a if type(p) is ndarray else p for p in parts)
    parts = tuple(np.asarray(p) if isinstance(p, list) else p for p in parts)
    widths = [0 if p is None or p is Ellipsis else
              (p.ndim if isinstance(p, np.ndarray) and p.dtype == np.bool_ else 1) for p in parts]
    dim, res = 0, []
    for k, p in enumerate(parts):
        if p is Ellipsis:
            dim = len(shape) - _b.sum(widths[k + 1:])
        elif isinstance(p, np.ndarray) and p.dtype.kind in "iu" and dim < len(shape) and shape[dim]:
            p = p % shape[dim]
        res.append(p)
        dim += widths[k]
    return tuple(res) if isinstance(key, tuple) else res[0]


# --------------------------------------------------------------------------- ndarray

class _Flags:
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, a):
        self.c_contiguous, self.f_contiguous, self.owndata = (
            a.flags.c_contiguous, a.flags.f_contiguous, a.flags.owndata)

    def __getitem__(self, name):
        return getattr(self, {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous",
                              "OWNDATA": "owndata"}[name])


class _Pointer:
    __slots__ = ("ptr",)

    def __init__(self, ptr):
        self.ptr = ptr


def _binary(name, reflected=False):
    u = globals()[name]

    def op(self, other):
        if isinstance(other, np.ndarray) or isinstance(other, list):
            raise TypeError(f"Unsupported type {type(other)}")
        return u(other, self) if reflected else u(self, other)
    return op


def _inplace(name):
    u = globals()[name]

    def op(self, other):
        u(self, other, out=self)
        return self
    return op


class ndarray:
    """A CuPy array: a NumPy array kept behind CuPy's rules. ``x._a`` is the NumPy array."""

    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100  # (CuPy's: NumPy defers its operators to ours)

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = np.empty(shape, dtype, order=order)
        _pool._alloc(self._a)

    @classmethod
    def _of(cls, a: np.ndarray) -> "ndarray":
        x = object.__new__(cls)
        x._a = a
        if a.base is None:
            _pool._alloc(a)
        return x

    # --- what CuPy refuses
    def __array__(self, *args, **kwargs):
        raise TypeError(IMPLICIT)

    def __array_ufunc__(self, u, method, *inputs, **kwargs):
        mine = globals().get(u.__name__)
        if not isinstance(mine, ufunc):
            return NotImplemented
        return getattr(mine, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        mine = globals().get(func.__name__)
        if mine is None or func.__name__ not in _names.MODULE:
            return NotImplemented
        return mine(*args, **kwargs)

    # --- device-to-host: each one waits for the GPU
    def get(self, stream=None, order="C", out=None, blocking=True):
        _sync()
        return self._a.copy(order=order)

    def item(self):
        _sync()
        return self._a.item()

    def tolist(self):
        _sync()
        return self._a.tolist()

    def __float__(self):
        _sync()
        return _b.float(self._a)

    def __int__(self):
        _sync()
        return _b.int(self._a)

    def __complex__(self):
        _sync()
        return _b.complex(self._a)

    def __bool__(self):
        _sync()
        return _b.bool(self._a)

    def __repr__(self):
        _sync()
        return repr(self._a).replace("array", "array", 1)

    def __str__(self):
        _sync()
        return str(self._a)

    def set(self, arr, stream=None):
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray (got {type(arr)})")
        self._a[...] = arr

    # --- attributes
    shape = property(lambda s: s._a.shape)
    dtype = property(lambda s: s._a.dtype)
    ndim = property(lambda s: s._a.ndim)
    size = property(lambda s: s._a.size)
    itemsize = property(lambda s: s._a.itemsize)
    nbytes = property(lambda s: s._a.nbytes)
    strides = property(lambda s: s._a.strides)
    T = property(lambda s: ndarray._of(s._a.T))
    mT = property(lambda s: ndarray._of(np.swapaxes(s._a, -1, -2)))
    flags = property(lambda s: _Flags(s._a))
    data = property(lambda s: _Pointer(s._a.ctypes.data))
    device = property(lambda s: cuda.Device(0))
    real = property(lambda s: ndarray._of(s._a.real))
    imag = property(lambda s: ndarray._of(s._a.imag))

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def base(self):
        return None if self._a.base is None else ndarray._of(self._a.base)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (ndarray._of(self._a[i:i + 1].reshape(self._a.shape[1:]))
                for i in _b.range(len(self._a)))

    def __getitem__(self, key):
        key = _index(self._a.shape, key)
        r = self._a[key]
        if isinstance(r, np.generic):  # CuPy's x[1] is a 0-d view into x, not a copied scalar
            r = self._a[(key if isinstance(key, tuple) else (key,)) + (None,)].reshape(())
        return ndarray._of(r)

    @_quiet
    def __setitem__(self, key, value):
        if type(value) is ndarray:
            value = value._a
        self._a[_index(self._a.shape, key)] = value  # (a NumPy value is copied host-to-device)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (array, (self._a,))  # pickling copies to the host, as CuPy's does

    # --- methods: NumPy's, results made device arrays (0-d for reductions)
    def _method(name):
        def m(self, *args, **kwargs):
            with np.errstate(all="ignore"):
                return _wrap(getattr(self._a, name)(*(_loose(a) for a in args),
                                                    **{k: _loose(v) for k, v in kwargs.items()}))
        m.__name__ = name
        return m

    for _n in ("all any argmax argmin argsort astype clip conj copy cumprod cumsum diagonal dot "
               "flatten max mean min nonzero prod ptp ravel repeat reshape round searchsorted "
               "sort squeeze std sum swapaxes take trace transpose var view").split():
        locals()[_n] = _method(_n)
    del _n, _method

    def fill(self, value):
        self._a.fill(value)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return negative(self)

    def __pos__(self):
        return positive(self)

    def __abs__(self):
        return absolute(self)

    def __invert__(self):
        return invert(self)

    __hash__ = None


# ufuncs: every NumPy ufunc whose name CuPy 14.2 has (names.UFUNCS)
for _n in _names.UFUNCS:
    _u = getattr(np, _n, None)
    if isinstance(_u, np.ufunc):
        globals()[_n] = ufunc(_u)
abs = absolute  # noqa: A001  (np.abs is np.absolute)
del _n, _u

for _n, _u in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
               ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "power"),
               ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
               ("lshift", "left_shift"), ("rshift", "right_shift")):
    setattr(ndarray, f"__{_n}__", _binary(_u))
    setattr(ndarray, f"__r{_n}__", _binary(_u, reflected=True))
    setattr(ndarray, f"__i{_n}__", _inplace(_u))
for _n, _u in (("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
               ("gt", "greater"), ("ge", "greater_equal")):
    setattr(ndarray, f"__{_n}__", _binary(_u))
del _n, _u


# --------------------------------------------------------------------------- routines

# routines taking a host value and copying it to the device
@_quiet
def asarray(a, dtype=None, order=None, *, blocking=False):
    if type(a) is ndarray:
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)
    return ndarray._of(np.array(_loose_host(a), dtype=dtype, order=order or "K"))


@_quiet
def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    return ndarray._of(np.array(_loose_host(obj), dtype=dtype, order=order, ndmin=ndmin))


asanyarray = asarray


def _loose_host(x):
    """cupy.asarray accepts host data (NumPy arrays, lists) and device arrays inside lists."""
    if type(x) is ndarray:
        return x._a
    if isinstance(x, (list, tuple)):
        return type(x)(_loose_host(i) for i in x)
    return x


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    if type(a) is ndarray:
        return a.get(order=order)
    return np.asarray(a, order=order)


def get_array_module(*args):
    return _this if _b.any(type(a) is ndarray for a in args) else np


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _wrap(np.bool_(np.allclose(_loose(a), _loose(b), rtol, atol, equal_nan)))


def array_equal(a1, a2, equal_nan=False):
    return _wrap(np.bool_(np.array_equal(_loose(a1), _loose(a2), equal_nan=equal_nan)))


def matmul(a, b, out=None, **kwargs):
    return ufunc(np.matmul)(a, b, **({"out": out} if out is not None else {}), **kwargs)


def _routine(name, f=None):
    f = f or getattr(np, name)

    @_quiet
    def r(*args, **kwargs):
        return _wrap(f(*(_loose(a) for a in args), **{k: _loose(v) for k, v in kwargs.items()}))
    r.__name__ = name
    return r


# dtypes and constants are NumPy's own (CuPy re-exports them)
_SPECIAL = {"asarray", "array", "asanyarray", "asnumpy", "get_array_module", "allclose",
            "array_equal", "matmul", "ndarray", "ufunc", "cuda", "random", "linalg", "lib",
            "abs"}
for _n in _names.MODULE - _SPECIAL:
    _v = getattr(np, _n, None)
    if _v is None:
        continue
    if isinstance(_v, type) or not callable(_v):  # dtypes (float32), constants (pi, newaxis)
        globals()[_n] = _v
    elif not isinstance(_v, np.ufunc):
        globals()[_n] = _routine(_n)
del _n, _v

# submodules
import sys as _sys  # noqa: E402

_this = _sys.modules[__name__]
from . import cuda, random, linalg, lib  # noqa: E402,F401
from .cuda import _pool  # noqa: E402,F401


def get_default_memory_pool():
    return _pool


def is_available():
    return True
