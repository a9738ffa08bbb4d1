"""What every op needs: operands as arrays of the right dtype and device, outputs wrapped as
tensors, and the one place where broadcast gradients are summed back to an input's shape."""
from __future__ import annotations

import numpy as np

from ..tensor.dtypes import KIND_ORDER, promote
# How the ops' errors name dtypes (one table of names, in tensor/dtypes.py):
from ..tensor.dtypes import c_type_name, type_name  # noqa: F401
from ..tensor.tensor import Tensor

_DEFAULT = {0: np.dtype(np.bool_), 1: np.dtype(np.int64), 2: np.dtype(np.float32)}


def result_dtype(*xs) -> np.dtype:
    """PyTorch's type promotion: tensors with dimensions decide, then 0-d tensors, then Python
    numbers — a lower-priority operand only matters if it is of a higher category
    (bool < int < float). So float32 tensor * 2.5 stays float32, int tensor * 2.5 is float32,
    and float32 tensor * float64 0-d tensor stays float32."""
    dim = zero = None
    scalar_cat = -1
    for x in xs:
        if isinstance(x, Tensor):
            d = x._data.dtype
            if x._data.ndim:
                dim = promote(dim, d)
            else:
                zero = promote(zero, d)
        elif isinstance(x, (bool, np.bool_)):
            scalar_cat = max(scalar_cat, 0)
        elif isinstance(x, (int, np.integer)):
            scalar_cat = max(scalar_cat, 1)
        else:
            scalar_cat = max(scalar_cat, 2)
    result = dim
    if zero is not None and (result is None or KIND_ORDER[zero.kind] > KIND_ORDER[result.kind]):
        result = zero
    if scalar_cat >= 0 and (result is None or scalar_cat > KIND_ORDER[result.kind]):
        result = _DEFAULT[scalar_cat]
    return result


def check_device(a: Tensor, b: Tensor) -> None:
    """Both on one device, or one of them a CPU 0-d tensor: PyTorch passes those into CUDA
    kernels as numbers (``cuda_x * torch.tensor(2.)``). A CUDA 0-d tensor is no number for
    a CPU kernel."""
    if a._device is not b._device and a._device != b._device and not (
            (a._data.ndim == 0 and a._device.type == "cpu") or
            (b._data.ndim == 0 and b._device.type == "cpu")):
        raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                           f"two devices, {a._device} and {b._device}!")


def _moved(x: Tensor, dev):
    """The array of a CPU 0-d tensor, copied to ``dev`` (a CuPy ufunc takes no NumPy array)."""
    from ..backend import to_device
    return x._data if x._device == dev else to_device(x._data, dev)


# The types PyTorch's Python layer renames in error messages (processErrorMsg in
# torch/csrc/Exceptions.cpp): ATen's "CPUFloatType" becomes "torch.FloatTensor", "CUDALongType"
# "torch.cuda.LongTensor". Bool (and BFloat16) have no entry there and keep ATen's name.
_LEGACY_ERROR_TYPES = ("Byte", "Char", "Double", "Float", "Int", "Long", "Short", "Half")


def tensor_type_name(t: Tensor) -> str:
    """How PyTorch's errors name a tensor's type and device (``self.toString()`` in ATen):
    'torch.FloatTensor', 'torch.cuda.LongTensor', or 'CPUBoolType' for a bool tensor."""
    name, cuda = type_name(t._data.dtype), t._device.type == "cuda"
    if name in _LEGACY_ERROR_TYPES:
        return f"torch.cuda.{name}Tensor" if cuda else f"torch.{name}Tensor"
    return f"{'CUDA' if cuda else 'CPU'}{name}Type"


def operands(a, b):
    """Arrays for a binary op (Python numbers stay numbers), its result dtype and device."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            dt = a._data.dtype if a._data.dtype == b._data.dtype else result_dtype(a, b)
            if a._device is not b._device and a._device != b._device:
                check_device(a, b)  # one is a CPU 0-d tensor: the result is on the other's device
                dev = b._device if a._device.type == "cpu" and not a._data.ndim else a._device
                return _moved(a, dev), _moved(b, dev), dt, dev
            return a._data, b._data, dt, a._device
        # the common case first: a float tensor and a Python number keep the tensor's dtype
        kind_b = type(b)
        if a._data.dtype.kind == "f" and (kind_b is float or kind_b is int):
            return a._data, b, a._data.dtype, a._device
        return a._data, b, result_dtype(a, b), a._device
    return a, b._data, result_dtype(a, b), b._device


def as_array(arr):
    """NumPy turns 0-d results into scalars: make them arrays again."""
    if type(arr) is not np.ndarray and isinstance(arr, (np.generic, int, float, bool)):
        return np.asarray(arr)
    return arr


def out(arr, dev, dtype=None) -> Tensor:
    """Wrap a result array (a 0-d result made an array again, see as_array)."""
    if type(arr) is not np.ndarray:
        arr = as_array(arr)
    if dtype is not None and arr.dtype is not dtype and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return Tensor._make(arr, dev)


def _const(arr, like: Tensor) -> Tensor:
    """A constant (never differentiated) tensor on ``like``'s device."""
    return Tensor._make(arr, like._device)


def broadcast_shape(s1: tuple, s2: tuple) -> tuple:
    """The broadcast of two shapes, or PyTorch's error naming the mismatched sizes."""
    n = max(len(s1), len(s2))
    a, b = (1,) * (n - len(s1)) + tuple(s1), (1,) * (n - len(s2)) + tuple(s2)
    res = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        res.append(x if y == 1 else y)
    return tuple(res)


def sum_to(g: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back to ``shape``: over the leading dimensions broadcasting
    added, and over dimensions that were 1. (The most common bug in hand-written engines.)"""
    ### BEGIN SOLUTION chapter 3: sum_to
    gshape = g._data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and gshape[i + lead] != 1)
    if axes:  # (the axes are in order and in range: straight to the op, no checks again)
        from .reduction import SumDim  # (here: reduction.py imports this module)
        g = SumDim.apply(g, dims=axes, keepdim=True)
    return g.reshape(shape) if g._data.shape != shape else g
    ### END SOLUTION


def normalize_dim(dim: int, ndim: int) -> int:
    """A dimension index, negative counting from the end, checked like PyTorch checks it."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def normalize_dims(dim, ndim: int) -> tuple:
    """The dimensions a reduction runs over, sorted: ``None`` and ``()`` mean all of them."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (normalize_dim(int(dim), ndim),)
    if len(dim) == 0:  # PyTorch: sum(dim=()) sums everything
        return tuple(range(ndim))
    dims = [normalize_dim(int(d), ndim) for d in dim]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims))


# ---------------------------------------------------------------------------------------------
# out=: writing a result into a tensor the caller gives
# ---------------------------------------------------------------------------------------------
import functools  # noqa: E402  (here, not on top: the course shows this file by line number)


def into_out(name: str, out, inputs: tuple, compute, same_dtype: bool = False,
             refuses: str = "any"):
    """PyTorch's ``out=`` argument: ``compute()`` the result (not recorded: ``out=`` is not
    differentiable), write it into ``out`` (cast to its dtype; resized, with PyTorch's warning
    if it held elements, when its shape is not the result's) and return ``out``. A result that
    is a pair (``max(x, dim)``: values, indices) goes into a pair of tensors ``out``.
    ``same_dtype``: out's dtype must be the result's (matmul), not just reachable by a cast.
    ``refuses``: which arguments may not require grad while recording: ``"any"``, only
    ``"out"`` (PyTorch's softmax) or ``"none"`` (an op with no gradient, like ``eq``)."""
    from ..autograd import grad_mode
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    checked = {"any": (*inputs, *outs), "out": outs, "none": ()}[refuses]
    if grad_mode.state.enabled and any(isinstance(t, Tensor) and t._requires_grad
                                       for t in checked):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    with grad_mode.no_grad():
        result = compute()
    if isinstance(out, (tuple, list)):
        for o, r in zip(outs, result):
            _write(o, r._data, same_dtype)
        return _out_type(type(result))(*outs)  # torch.return_types.max_out(values=out[0], ...)
    _write(out, result._data, same_dtype)
    return out


@functools.cache
def _out_type(pair: type) -> type:
    """``max_out`` for ``max``: what PyTorch names the pair a function with out= returns."""
    return type(f"{pair.__name__}_out", (pair,), {"__slots__": ()})


def _write(out: Tensor, result, same_dtype: bool) -> None:
    """``out[...] = result``, checked and resized as PyTorch's out= does."""
    have = out._data.dtype
    if same_dtype and result.dtype != have:
        raise RuntimeError(f"Expected out tensor to have dtype {c_type_name(result.dtype)}, but "
                           f"got {c_type_name(have)} instead")
    if KIND_ORDER[result.dtype.kind] > KIND_ORDER[have.kind]:
        raise RuntimeError(f"result type {type_name(result.dtype)} can't be cast to the desired "
                           f"output type {type_name(have)}")
    if result.shape != out._data.shape:
        if out._data.size:
            import warnings
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).", UserWarning, stacklevel=4)
        out._data = out.xp.empty(result.shape, dtype=have)  # new memory, as a resize
    out._data[...] = result
    out._counter().value += 1  # an in-place change: saved copies of out see it


def writes_out(fn=None, *, name: "str | None" = None, refuses: str = "any",
               same_dtype: bool = False):
    """Decorator: PyTorch's ``out=`` for an op whose def declares ``out=None`` (keyword-only)
    and leaves it to this: given ``out``, the op runs unrecorded and ``into_out`` writes its
    result into ``out``, which is returned. ``name``: the op's name in PyTorch's errors where it
    is another (``torch.square`` is ``pow``); the other options are ``into_out``'s."""
    if fn is None:
        return functools.partial(writes_out, name=name, refuses=refuses, same_dtype=same_dtype)
    op_name = name or fn.__name__

    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        inputs = []
        for arg in (*args, *kwargs.values()):  # (cat's list of tensors counts too)
            inputs += arg if isinstance(arg, (tuple, list)) else [arg]
        return into_out(op_name, out, inputs, lambda: fn(*args, **kwargs), same_dtype, refuses)
    op._writes_out = True  # Tensor's methods, which take no out=, call fn itself (ops._install)
    return op
