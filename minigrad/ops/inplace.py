"""In-place operations (``add_``, ``mul_``, ``x[i] = v``, ``+=`` ...).

Three rules make them safe:

1. In-place on a leaf that requires grad is an error while recording (its ``.grad`` would
   belong to a value that no longer exists) — do it under ``no_grad()`` or on ``.data``.
2. Every in-place change bumps the tensor's version counter, shared with its views and
   ``detach()``-ed aliases; a saved tensor whose version moved raises in backward instead of
   giving a wrong gradient.
3. When recording, the op is recorded like its out-of-place twin, applied to a snapshot of
   the old value (its backward may need it, as ``mul_`` does; PyTorch keeps the original too),
   and the tensor takes the new node as its ``grad_fn`` (it is now that op's output), with the
   result written into its own memory so every alias sees it.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..autograd import grad_mode, views
from ..tensor.dtypes import KIND_ORDER
from ..tensor.tensor import Tensor
from .helpers import broadcast_shape, operands, type_name


def apply_inplace(a: Tensor, recorded: Callable[[Tensor], Tensor], direct: Callable[[], None],
                  others: tuple = ()) -> Tensor:
    """Change ``a`` in place: ``direct()`` when nothing is recorded, else ``recorded(old_a)``
    computes the new value out of place (and records it), and the result is written into a."""
    record = grad_mode.state.enabled and (
        a._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others))
    if not record:
        direct()
    else:
        view = a._view_info
        if view is not None:  # writing into a view changes its base: see views.py
            views.check_inplace_on_view(a)
        elif a.grad_fn is None and a._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        r = _recorded_value(a, recorded)
        writable(a._data)[...] = r._data  # into a's own memory, so aliases of a see the change
        if view is not None:
            views.rebase_view(a, r)  # the base's node wraps r's
        else:
            a.grad_fn, a._output_nr, a._requires_grad = r.grad_fn, r._output_nr, r._requires_grad
        # the views of the base (or of a, if a is a base) now come from its new value
        views.refresh_views(view[0] if view is not None else a)
    a._counter().value += 1
    return a


def check_cast(a: Tensor, result_dtype: np.dtype) -> None:
    if KIND_ORDER[result_dtype.kind] > KIND_ORDER[a._data.dtype.kind]:
        raise RuntimeError(f"result type {type_name(result_dtype)} can't be cast to the desired "
                           f"output type {type_name(a._data.dtype)}")


def _recorded_value(a: Tensor, recorded: Callable[[Tensor], Tensor]) -> Tensor:
    """The new value of ``a``, recorded out of place on a snapshot of its old value that takes
    a's place in the graph."""
    old = Tensor._make(a._data.copy(), a._device, a._requires_grad)
    old.grad_fn, old._output_nr = a.grad_fn, a._output_nr
    r = recorded(old)
    if r._data.shape != a._data.shape:
        raise RuntimeError(f"output with shape {list(a._data.shape)} doesn't match the "
                           f"broadcast shape {list(r._data.shape)}")
    return r


def writable(arr):
    """``arr``, writable. NumPy makes an expanded array read-only; PyTorch lets ``fill_``,
    ``zero_`` and ``x[i] = v`` write through it, into the memory its elements share (arithmetic
    in place is refused by ``check_no_overlap``). CuPy's arrays are always writable."""
    if getattr(arr.flags, "writeable", True):
        return arr
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.writeable:  # truly read-only memory: NumPy's own error stays
        return arr
    offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(arr.shape, arr.dtype, buffer=root, offset=offset, strides=arr.strides)


def check_no_overlap(a: Tensor) -> None:
    """PyTorch's error for an arithmetic op written into a tensor whose elements share memory
    (an ``expand()``: a stride of 0 along a dimension of more than one element)."""
    arr = a._data
    for stride, size in zip(arr.strides, arr.shape):
        if stride == 0 and size > 1:
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.")


def binary_inplace(a: Tensor, b, fn: Callable[[Tensor, object], Tensor], ufunc: str) -> Tensor:
    """``a.op_(b)``: b broadcasts into a; a's shape and dtype never change."""
    check_no_overlap(a)
    xa, xb, dt, _ = operands(a, b)
    if ufunc == "true_divide" and dt.kind != "f":
        dt = np.dtype(np.float32)  # true division of integers gives floats
    check_cast(a, dt)
    if isinstance(b, Tensor) and b._data.shape != a._data.shape and \
            broadcast_shape(a._data.shape, b._data.shape) != a._data.shape:
        raise RuntimeError(f"output with shape {list(a._data.shape)} doesn't match the "
                           f"broadcast shape "
                           f"{list(broadcast_shape(a._data.shape, b._data.shape))}")

    def direct():
        getattr(a.xp, ufunc)(a._data, xb, out=a._data, casting="unsafe")

    return apply_inplace(a, lambda old: fn(old, b), direct, others=(b,))


def unary_inplace(a: Tensor, fn: Callable[[Tensor], Tensor]) -> Tensor:
    """``a.exp_()`` and friends: compute out of place, write back."""
    check_no_overlap(a)
    def direct():
        with grad_mode.no_grad():
            a._data[...] = fn(a)._data
    return apply_inplace(a, fn, direct)


def fill_(a: Tensor, value) -> Tensor:
    """Every element set to value, cast to a's dtype (no promotion check, as in PyTorch)."""
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")

    def recorded(old):
        if isinstance(value, Tensor):
            return _FillTensor.apply(old, value)
        return _Fill.apply(old, value=value)

    def direct():
        writable(a._data)[...] = value._data if isinstance(value, Tensor) else value
    return apply_inplace(a, recorded, direct, others=(value,))


def zero_(a: Tensor) -> Tensor:
    return apply_inplace(a, _Zero.apply, lambda: writable(a._data).fill(0))


def copy_(a: Tensor, src: Tensor) -> Tensor:
    """Copy src's values into a (broadcasting src); differentiable w.r.t. src."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not {type(src).__name__}")
    broadcast_shape(a._data.shape, src._data.shape)
    check_no_overlap(a)

    def direct():
        from .. import backend
        a._data[...] = backend.to_device(src._data, a._device)
    return apply_inplace(a, lambda old: _Copy.apply(old, src), direct, others=(src,))


from ..autograd.function import Function  # noqa: E402
from .helpers import out, sum_to  # noqa: E402


class _Fill(Function):
    _node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value=0):
        return out(a.xp.full_like(a._data, value), a._device)

    @staticmethod
    def backward(ctx, g):
        return g * 0  # the old values are gone: no gradient reaches them


class _FillTensor(Function):
    """fill_ with a 0-d tensor: every element is that tensor, so it gets the whole sum."""
    _node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, a, value):
        return out(a.xp.full_like(a._data, value._data), a._device)

    @staticmethod
    def backward(ctx, g):
        na, nv = ctx.needs_input_grad
        return g * 0 if na else None, g.sum() if nv else None


class _Zero(_Fill):
    _node_name = "ZeroBackward0"


class _Copy(Function):
    _node_name = "CopyBackwards"
    _node_fullname = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_meta = (src._data.shape, src.dtype, src._device)
        from .. import backend
        arr = backend.to_device(src._data, a._device)
        return out(a.xp.broadcast_to(arr, a._data.shape).astype(a._data.dtype), a._device)

    @staticmethod
    def backward(ctx, g):
        shape, dtype, dev = ctx.src_meta
        return g * 0, sum_to(g, shape).to(device=dev, dtype=dtype)
