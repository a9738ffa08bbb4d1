"""Making tensors: ``tensor``, ``zeros``/``ones``/``full``/``empty``, ``arange``, ``linspace``,
``eye``, the ``*_like`` forms, random ``rand``/``randn``/``randint``, ``from_numpy``.

Default dtypes follow PyTorch: Python floats give float32, ints int64, bools bool; NumPy arrays
keep their dtype. Random numbers come from one seeded generator (``manual_seed``) on the CPU
and are then moved, so a seed gives the same numbers on every device.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

from .. import backend
from . import dtypes
from .tensor import Tensor, _host_data


def _finish(arr, dtype, device, requires_grad: bool) -> Tensor:
    dev = backend.parse_device(device)
    if dtype is not None:
        d = dtypes.as_dtype(dtype)
        if arr.dtype != d.np:
            arr = arr.astype(d.np)
    if dev.type != "cpu":
        arr = backend.to_device(arr, dev)
    t = Tensor._make(arr, dev)
    if requires_grad:
        t.requires_grad_(True)  # checks the dtype can require grad
    return t


def _infer_dtype(data) -> "np.dtype | None":
    """The dtype PyTorch infers from Python data (None: keep NumPy's choice)."""
    if isinstance(data, np.ndarray):
        return None
    arr = np.asarray(data)
    if arr.dtype.kind == "f":
        # Python floats become float32; NumPy float64 scalars inside lists too (PyTorch)
        return np.dtype(np.float32)
    if arr.dtype.kind in "iu":
        return np.dtype(np.int64)
    return None


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.clone().detach() or sourceTensor.clone().detach()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        if device is None:
            device = data.device
        data = backend.to_device(data._data, backend.cpu)
    elif hasattr(data, "__cuda_array_interface__"):
        if device is None:
            device = backend.device_of_array(data)
        data = backend.to_device(data, backend.cpu)
    host = _host_data(data)
    arr = np.array(host)
    if arr.dtype == object:
        raise TypeError(f"can't build a tensor from {type(data).__name__} with irregular "
                        f"nesting or non-numeric items")
    if dtype is None:
        inferred = _infer_dtype(host) if not isinstance(data, np.ndarray) else None
        if inferred is not None:
            arr = arr.astype(inferred)
        dtypes.from_numpy_dtype(arr.dtype)  # clear error for unsupported NumPy dtypes
    return _finish(arr, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes to one show in the other)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    dtypes.from_numpy_dtype(arr.dtype)
    return Tensor._make(arr, backend.cpu)


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _filled(fill, size, dtype, device, requires_grad) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    dev = backend.parse_device(device)
    xp = backend.array_module(dev)
    return _finish(fill(xp, _size(size), d.np), None, dev, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(lambda xp, s, d: xp.zeros(s, d), size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(lambda xp, s, d: xp.ones(s, d), size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    # zero-filled rather than uninitialised: printing garbage would break reproducible notebooks
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = (dtypes.bool if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else dtypes.float32)
    return _filled(lambda xp, s, d: xp.full(s, fill_value, d), (size,), dtype, device,
                   requires_grad)


def _like(t: Tensor, dtype, device):
    return (dtype if dtype is not None else t.dtype), (device if device is not None
                                                       else t.device)


def zeros_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like(t, dtype, device)
    return zeros(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like(t, dtype, device)
    return ones(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def empty_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return zeros_like(t, dtype, device, requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    d, dev = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


def rand_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like(t, dtype, device)
    return rand(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    d, dev = _like(t, dtype, device)
    return randn(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if is_int else dtypes.float32
    return _finish(np.arange(start, end, step), dtype, device, requires_grad)


def linspace(start, end, steps: int, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    return _finish(np.linspace(start, end, steps), dtype or dtypes.float32, device,
                   requires_grad)


def eye(n: int, m: int | None = None, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, m), dtype or dtypes.float32, device, requires_grad)


def _random(sample, size, dtype, device, requires_grad, generator) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
    rng = (generator or backend.default_generator).rng
    arr = np.asarray(sample(rng, _size(size))).astype(d.np, copy=False)
    return _finish(arr, None, device, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Uniform on [0, 1)."""
    return _random(lambda rng, s: rng.random(s), size, dtype, device, requires_grad, generator)


def randn(*size, dtype=None, device=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Standard normal."""
    return _random(lambda rng, s: rng.standard_normal(s), size, dtype, device, requires_grad,
                   generator)


def randint(low, high=None, size=None, dtype=None, device=None, generator=None) -> Tensor:
    """Integers in [low, high)."""
    if high is None:
        low, high = 0, low
    rng = backend.default_generator.rng if generator is None else generator.rng
    arr = rng.integers(low, high, size=tuple(size))
    return _finish(np.asarray(arr), dtype or dtypes.int64, device, False)


def randperm(n: int, dtype=None, device=None, generator=None) -> Tensor:
    rng = backend.default_generator.rng if generator is None else generator.rng
    return _finish(rng.permutation(n), dtype or dtypes.int64, device, False)


def _rng_fill(t: Tensor, sample) -> Tensor:
    """In-place random fill used by ``uniform_``/``normal_`` (nn.init builds on these)."""
    arr = np.asarray(sample(backend.default_generator.rng, t._data.shape)).astype(t._data.dtype)
    from ..autograd import grad_mode
    if grad_mode.state.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    t._data[...] = backend.to_device(arr, t._device)
    t._vc.value += 1
    return t


class _LegacyTensorType(type):
    """``FloatTensor``-style constructors; ``isinstance(x, FloatTensor)`` checks the dtype."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype


def _legacy(name: str, dt: dtypes.dtype):
    def __new__(cls, *args, device=None):
        t = Tensor(*args, device=device)
        return t if dt is dtypes.float32 else t.to(dt)
    return _LegacyTensorType(name, (), {"__new__": __new__, "_dtype": dt})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
BoolTensor = _legacy("BoolTensor", dtypes.bool)
