"""Making tensors: ``tensor``, ``zeros``/``ones``/``full``/``empty``, ``arange``, ``linspace``,
``eye``, the ``*_like`` forms, random ``rand``/``randn``/``randint``, ``from_numpy``.

Default dtypes follow PyTorch: Python floats give float32, ints int64, bools bool; NumPy arrays
and NumPy scalars keep their dtype. Random numbers come from one seeded generator
(``manual_seed``) on the CPU and are then moved, so a seed gives the same numbers on every
device. Argument errors use PyTorch's words.
"""
from __future__ import annotations

import math
import operator
import warnings
from typing import Any, Callable

import numpy as np

from .. import backend
from . import dtypes
from .tensor import Size, Tensor, _host_data

# PyTorch's text when a factory is asked for an integer or bool tensor that requires grad.
_FACTORY_GRAD_ERROR = "Only Tensors of floating point and complex dtype can require gradients"


def _finish(arr, dtype, device, requires_grad: bool) -> Tensor:
    """Cast ``arr`` to ``dtype`` (None: keep its own), move it to ``device`` and wrap it."""
    dev = backend.parse_device(device)
    if dtype is not None:
        d = dtypes.as_dtype(dtype)
        if arr.dtype != d.np:
            arr = arr.astype(d.np)
    if dev.type != "cpu":
        arr = backend.to_device(arr, dev)
    if requires_grad and arr.dtype.kind != "f":
        raise RuntimeError(_FACTORY_GRAD_ERROR)
    return Tensor._make(arr, dev, requires_grad=bool(requires_grad))


def _int_arg(fn: str, name: str, pos: int, value) -> int:
    """An integer argument (Python or NumPy int, or an int tensor), or PyTorch's TypeError."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not "
                        f"{type(value).__name__}") from None


def _number(value):
    """A Python number from a number, a NumPy scalar or a one-element tensor."""
    if isinstance(value, (Tensor, np.generic)):
        return value.item()
    return value


# ----------------------------------------------------------------------------- tensor()
_PY_SCALAR_DTYPES = {bool: np.dtype(np.bool_), int: np.dtype(np.int64),
                     float: np.dtype(np.float32)}


def _scalar_dtype(x) -> np.dtype:
    """The dtype PyTorch infers for one item: Python numbers by kind, NumPy values keep theirs."""
    if isinstance(x, (np.generic, np.ndarray)):
        return x.dtype
    for py_type, d in _PY_SCALAR_DTYPES.items():  # bool first: True is also an int
        if isinstance(x, py_type):
            return d
    if isinstance(x, complex):
        raise TypeError("minigrad has no complex dtypes (PyTorch would make a complex64 tensor)")
    if isinstance(x, str):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _is_sequence(x) -> bool:
    return isinstance(x, (list, tuple, range)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _nested_shape(x) -> tuple:
    """The shape nested data claims, read down its first elements (as PyTorch reads it)."""
    shape = []
    while _is_sequence(x):
        if isinstance(x, np.ndarray):
            return tuple(shape) + x.shape
        shape.append(len(x))
        if not len(x):
            break
        x = x[0]
    return tuple(shape)


def _scan(x, shape: tuple, dim: int) -> "np.dtype | None":
    """Check that ``x`` (at depth ``dim``) fills ``shape[dim:]``; return its items' promoted
    dtype (None for no items)."""
    if isinstance(x, np.ndarray) and x.ndim:
        if x.shape != shape[dim:]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {x.shape[0]})")
        return x.dtype
    if dim == len(shape):
        if _is_sequence(x):
            raise TypeError(f"expected a number at dim {dim}, got a {type(x).__name__} "
                            "(the nesting is irregular)")
        return _scalar_dtype(x)
    if not _is_sequence(x):
        raise TypeError(f"expected a sequence at dim {dim}, got {type(x).__name__} "
                        "(the nesting is irregular)")
    if len(x) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
    item_types = set(map(type, x))
    if dim + 1 == len(shape) and item_types <= _PY_SCALAR_DTYPES.keys():
        # The common case, a row of plain Python numbers: look at their types, not each item.
        result = None
        for t in item_types:
            result = dtypes.promote(result, _PY_SCALAR_DTYPES[t])
        return result
    result = None
    for item in x:
        d = _scan(item, shape, dim + 1)
        if d is not None:
            result = dtypes.promote(result, d)
    return result


def _infer_dtype(data) -> np.dtype:
    """The NumPy dtype of ``tensor(data)``, checking on the way that the nesting is regular.

    As in PyTorch: Python floats give float32, ints int64, bools bool; NumPy scalars and arrays
    keep their dtype; items of different types promote (``[1, 2.5]`` is float32,
    ``[np.float64(1), 2.5]`` float64); no items at all gives float32."""
    if isinstance(data, np.ndarray):
        return data.dtype
    d = _scan(data, _nested_shape(data), 0)
    return np.dtype(np.float32) if d is None else d


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data``: nested lists or tuples of numbers (or of
    tensors), a number, a NumPy array or scalar."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.clone().detach() or sourceTensor.clone().detach()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        if device is None:
            device = data.device
    elif hasattr(data, "__cuda_array_interface__"):  # a CuPy array: stay on its GPU
        if device is None:
            device = backend.device_of_array(data)
        data = backend.to_device(data, backend.cpu)
    host = _host_data(data)  # tensors (also inside lists) become NumPy arrays
    np_dtype = _infer_dtype(host)  # also checks the nesting when a dtype is given
    if dtype is None:
        dtypes.from_numpy_dtype(np_dtype)  # a clear error for dtypes minigrad lacks
    else:
        np_dtype = dtypes.as_dtype(dtype).np
    try:
        with np.errstate(over="ignore"):  # tensor([1., 10**40]) is [1., inf], silently
            arr = np.array(host, dtype=np_dtype)
    except OverflowError:
        if np_dtype.kind in "biu" and _has_huge_int(host):
            raise ValueError("Overflow when unpacking long long") from None  # PyTorch's words
        if np_dtype.kind in "iu":  # an int64 value that the smaller integer dtype can't hold
            wide = np.array(host, dtype=np.int64)
            top = np.iinfo(np_dtype).max
            if np_dtype.kind == "u" and (np.abs(wide) <= top).all():
                arr = wide.astype(np_dtype)  # PyTorch wraps negatives into unsigned dtypes
            else:
                raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without "
                                   "overflow") from None
        else:
            raise
    return _finish(arr, None, device, requires_grad)


def _has_huge_int(x) -> bool:
    """A Python int outside int64 in ``x`` (nested lists): PyTorch can't unpack it."""
    if isinstance(x, int):
        return not -2**63 <= x < 2**63
    return _is_sequence(x) and any(_has_huge_int(item) for item in x)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor``, but without a copy where none is needed: a tensor of the right dtype
    and device is returned as is, a NumPy array on the CPU is shared (as with ``from_numpy``)."""
    if isinstance(data, Tensor):
        if dtype is None and device is None:
            return data
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.as_dtype(dtype).np == data.dtype):
        t = from_numpy(data)
        return t if device is None else t.to(device=device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray, backend.cpu)


# ----------------------------------------------------------------------------- filled
def _size(fn: str, args: tuple, size=None) -> tuple:
    """A factory's size from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(size=(2, 3))``."""
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        args = (size,)
    unpacked = len(args) == 1 and isinstance(args[0], (tuple, list))
    if unpacked:
        args = tuple(args[0])
    shape = []
    for i, s in enumerate(args):
        try:
            shape.append(operator.index(s))
        except TypeError:
            if unpacked or i:
                raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos "
                                f"{i + 1} with error \"type must be tuple of ints,but got "
                                f"{type(s).__name__}\"") from None
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(s).__name__}") from None
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(shape)}: {shape}")
    return tuple(shape)


def _filled(fill: Callable, shape: tuple, dtype, device, requires_grad: bool) -> Tensor:
    """A tensor made directly on its device by ``fill(xp, shape, np_dtype)``."""
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    dev = backend.parse_device(device)
    xp = backend.array_module(dev)
    return _finish(fill(xp, shape, d.np), None, dev, requires_grad)


def zeros(*dims, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``; float32 unless ``dtype``."""
    return _filled(lambda xp, s, d: xp.zeros(s, d), _size("zeros", dims, size), dtype, device,
                   requires_grad)


def ones(*dims, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``; float32 unless ``dtype``."""
    return _filled(lambda xp, s, d: xp.ones(s, d), _size("ones", dims, size), dtype, device,
                   requires_grad)


def empty(*dims, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An "uninitialised" tensor. Zero-filled here: garbage values would make the course's
    notebooks print something different on every run."""
    return _filled(lambda xp, s, d: xp.zeros(s, d), _size("empty", dims, size), dtype, device,
                   requires_grad)


def _fill_dtype(value) -> dtypes.dtype:
    """The dtype ``full`` infers from its fill value, as PyTorch does."""
    if isinstance(value, (bool, np.bool_)):
        return dtypes.bool
    if isinstance(value, (int, np.integer)):
        return dtypes.int64
    return dtypes.float32


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` (a tuple) filled with ``fill_value``; the dtype follows the value
    (bool, int64 or float32) unless given."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    fill_value = _number(fill_value)
    if dtype is None:
        dtype = _fill_dtype(fill_value)
    return _filled(lambda xp, s, d: xp.full(s, fill_value, d), _size("full", (size,)), dtype,
                   device, requires_grad)


# ----------------------------------------------------------------------------- *_like
def _like(fn: str, t, dtype, device):
    """The dtype and device a ``*_like`` call uses: the given ones, else those of ``t``."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return (dtype if dtype is not None else t.dtype), (device if device is not None
                                                       else t.device)


def zeros_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like("zeros_like", input, dtype, device)
    return zeros(input.shape, dtype=d, device=dev, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like("ones_like", input, dtype, device)
    return ones(input.shape, dtype=d, device=dev, requires_grad=requires_grad)


def empty_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like("empty_like", input, dtype, device)
    return empty(input.shape, dtype=d, device=dev, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value, *, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    d, dev = _like("full_like", input, dtype, device)
    return full(input.shape, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


def rand_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like("rand_like", input, dtype, device)
    return rand(input.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like("randn_like", input, dtype, device)
    return randn(input.shape, dtype=d, device=dev, requires_grad=requires_grad)


# ----------------------------------------------------------------------------- ranges
def arange(start=0, end=None, step=1, *, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """``arange(end)`` or ``arange(start, end, step=1)``: start, start + step, ... up to but
    not including end. int64 when every argument is an integer, else float32."""
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        all_int = all(isinstance(v, int) for v in (start, end, step))
        dtype = dtypes.int64 if all_int else dtypes.float32
    d = dtypes.as_dtype(dtype)
    if d is dtypes.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if not d.is_floating_point:  # PyTorch casts the arguments to the integer type first
        start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if d.is_floating_point:
        # PyTorch: size = ceil((end - start) / step) and values start + i * step, both in
        # float64, then rounded to the dtype.
        n = math.ceil((end - start) / step)
        arr = (start + step * np.arange(n, dtype=np.float64)).astype(d.np)
    else:
        arr = np.arange(start, end, step, dtype=d.np)
    return _finish(arr, None, device, requires_grad)


def linspace(start, end, steps: int, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from start to end, both included; float32 unless given."""
    steps = _int_arg("linspace", "steps", 3, steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    start, end = _number(start), _number(end)
    if steps <= 1:  # no step to take: [] or [start]
        return _finish(np.array([start][:steps]), d, device, requires_grad)
    # PyTorch's kernel, reproduced so the values agree to the last bit: start and end rounded
    # to the dtype, step = (end - start) / (steps - 1) in the dtype (float64 for integer
    # dtypes), the first half counted up from start and the second down from end, each value
    # one fused multiply-add -- a single rounding, which a wider type imitates here.
    if d.is_floating_point:
        lo, hi = d.np.type(start), d.np.type(end)
        step = (hi - lo) / d.np.type(steps - 1)
        wide = np.longdouble if d is dtypes.float64 else np.float64
    else:
        lo, hi = int(start), int(end)
        step = (float(hi) - float(lo)) / (steps - 1)
        wide = np.float64
    i = np.arange(steps)
    up = wide(lo) + wide(step) * i.astype(wide)
    down = wide(hi) - wide(step) * (steps - 1 - i).astype(wide)
    return _finish(np.where(i < steps // 2, up, down).astype(d.np), None, device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m defaults to n); float32 unless ``dtype``."""
    n = _int_arg("eye", "n", 1, n)
    m = n if m is None else _int_arg("eye", "m", 2, m)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    return _finish(np.eye(n, m, dtype=d.np), None, device, requires_grad)


# ----------------------------------------------------------------------------- random
def _rng(generator) -> np.random.Generator:
    return (generator if generator is not None else backend.default_generator).rng


def _random(fn: str, kernel: str, sample: Callable, args: tuple, size, dtype, device,
            requires_grad: bool, generator) -> Tensor:
    """A random float tensor: ``sample(rng, shape, np_dtype)`` draws it on the CPU."""
    shape = _size(fn, args, size)
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    if not d.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.type_name(d)}'")
    arr = np.asarray(sample(_rng(generator), shape, d.np))
    return _finish(arr, d, device, requires_grad)


def _uniform(rng: np.random.Generator, shape: tuple, np_dtype: np.dtype) -> np.ndarray:
    if np_dtype == np.float16:
        # Multiples of 2**-11 are exact in float16; rounding float32 draws could give 1.0.
        return np.floor(rng.random(shape) * 2048) / 2048
    # Drawn in the target type: a float64 draw rounded to float32 could become 1.0.
    return rng.random(shape, dtype=np_dtype)


def _normal(rng: np.random.Generator, shape: tuple, np_dtype: np.dtype) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float64 if np_dtype == np.float64 else np.float32)


def rand(*dims, size=None, generator=None, dtype=None, device=None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1): ``rand(2, 3)`` or ``rand((2, 3))``."""
    return _random("rand", "check_uniform_bounds", _uniform, dims, size, dtype, device,
                   requires_grad, generator)


def randn(*dims, size=None, generator=None, dtype=None, device=None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal (mean 0, variance 1): ``randn(2, 3)`` or ``randn((2, 3))``."""
    return _random("randn", "normal_kernel_cpu", _normal, dims, size, dtype, device,
                   requires_grad, generator)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``;
    int64 unless ``dtype``."""
    high_pos = 2
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size, high_pos = 0, low, high, 1
    elif high is None:  # randint(high, size=...)
        low, high, high_pos = 0, low, 1
    if size is None:
        raise TypeError("randint() missing 1 required argument: 'size' (a tuple of ints)")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    low = _int_arg("randint", "low", 1, low)
    high = _int_arg("randint", "high", high_pos, high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    arr = _rng(generator).integers(low, high, size=_size("randint", (size,)))
    return _finish(np.asarray(arr), dtype or dtypes.int64, device, requires_grad)


def randperm(n: int, *, generator=None, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 .. n-1; int64 unless ``dtype``."""
    n = _int_arg("randperm", "n", 1, n)
    return _finish(_rng(generator).permutation(n), dtype or dtypes.int64, device, requires_grad)


def _rng_fill(t: Tensor, sample: Callable) -> Tensor:
    """In-place random fill used by ``uniform_``/``normal_`` (nn.init builds on these)."""
    from ..ops.inplace import check_no_overlap
    check_no_overlap(t)
    arr = np.asarray(sample(backend.default_generator.rng, t._data.shape)).astype(t._data.dtype)
    if Tensor._grad_mode.state.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    t._data[...] = backend.to_device(arr, t._device)
    t._counter().value += 1
    return t


# ----------------------------------------------------------------------------- legacy
class _LegacyTensorType(type):
    """``FloatTensor``-style constructors; ``isinstance(x, FloatTensor)`` checks the dtype."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype


def _legacy_new(dt: dtypes.dtype, args: tuple, device) -> Tensor:
    """The old constructors: ``FloatTensor(2, 3)`` or ``FloatTensor(torch.Size([2, 3]))`` give
    that shape (zero-filled here, uninitialised in PyTorch), ``FloatTensor([1, 2])`` copies the
    data, ``FloatTensor()`` is empty."""
    if not args:
        return zeros(0, dtype=dt, device=device)
    if isinstance(args[0], Size) or all(isinstance(a, (int, np.integer)) for a in args):
        return zeros(*args, dtype=dt, device=device)
    if len(args) > 1:
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    data = args[0]
    if not _is_sequence(data) and not isinstance(data, Tensor):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    host = _host_data(data)
    _scan(host, _nested_shape(host), 0)  # the nesting must be regular
    return _finish(np.array(host, dtype=dt.np), None, device, False)


def _legacy(name: str, dt: dtypes.dtype) -> type:
    def __new__(cls, *args: Any, device=None) -> Tensor:
        return _legacy_new(dt, args, device)
    return _LegacyTensorType(name, (), {"__new__": __new__, "_dtype": dt,
                                        "__doc__": f"Legacy constructor of {dt} tensors."})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
BoolTensor = _legacy("BoolTensor", dtypes.bool)
