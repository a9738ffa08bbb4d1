"""Indexing ``x[i]``, slicing, integer-array and mask indexing, and assignment ``x[i] = v``.

Reading is a gather; its backward is the matching scatter-*add* (an index may be picked twice,
``x[[0, 0]]``, and then both gradients count). The two are each other's backward, so any order
of derivative works.
"""
from __future__ import annotations

import numpy as np

from ..autograd.forward_ad import linear
from ..autograd.function import Function
from ..autograd.views import ViewFunction
from ..tensor.tensor import Tensor
from .helpers import out


def _convert_index(idx, xp):
    """Tensors inside an index become arrays (on the right device); the rest passes through."""
    if isinstance(idx, Tensor):  # a 0-d integer tensor indexes like an int
        return int(idx.item()) if idx._data.ndim == 0 and idx._data.dtype.kind in "iu" \
            else idx._data
    if isinstance(idx, tuple):
        return tuple(_convert_index(i, xp) for i in idx)
    if isinstance(idx, list) and any(isinstance(i, Tensor) for i in idx):
        return xp.asarray([i.item() if isinstance(i, Tensor) else i for i in idx])
    return idx


def _is_basic(idx) -> bool:
    """Basic indexing (ints, slices, None, ...) returns a view; arrays and lists copy."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
               for p in parts)


def _width(part) -> int:
    """How many dimensions of the tensor one part of an index uses up."""
    if part is None or part is Ellipsis:
        return 0
    if getattr(part, "dtype", None) == np.bool_:
        return part.ndim  # a mask covers as many dimensions as it has
    return 1


def _dims_of(shape: tuple, parts: tuple):
    """Each part of an index, with the dimension of the tensor where it starts."""
    dim = 0
    for k, p in enumerate(parts):
        if p is Ellipsis:  # the parts after it index the last dimensions
            dim = len(shape) - sum(_width(q) for q in parts[k + 1:])
        yield p, dim
        dim += _width(p)


def _node_name_for(idx, shape: tuple) -> str:
    """PyTorch applies basic indexing one part at a time, skipping slices that keep a whole
    dimension (``x[:, 0:]``); the last step names the node, and if none is left, it's an alias.
    A lone slice (``x[:]``, no tuple) is always sliced."""
    if not _is_basic(idx):
        return "IndexBackward0"
    if isinstance(idx, slice):
        return "SliceBackward0"
    name = "AliasBackward0"
    for p, dim in _dims_of(shape, idx if isinstance(idx, tuple) else (idx,)):
        if p is None:
            name = "UnsqueezeBackward0"
        elif isinstance(p, (int, np.integer)):
            name = "SelectBackward0"
        elif isinstance(p, slice) and not _keeps_all(p, shape[dim]):
            name = "SliceBackward0"
    return name


def _keeps_all(s: slice, size: int) -> bool:
    """PyTorch's test for a slice it can skip, on the slice as written: x[-3:] slices."""
    return (s.start in (None, 0) and (s.stop is None or s.stop >= size)
            and s.step in (None, 1))


def _check_index(shape: tuple, idx) -> None:
    """PyTorch's errors for a bad index (NumPy's would say "axis"): too many indices, steps
    that aren't positive, out-of-bounds integers, masks of the wrong shape."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    if sum(_width(p) for p in parts) > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    for p, dim in _dims_of(shape, parts):
        if isinstance(p, slice) and p.step is not None and p.step <= 0:
            raise ValueError("step must be greater than zero")
        if getattr(p, "dtype", None) == np.bool_:
            for i, (m, n) in enumerate(zip(p.shape, shape[dim:])):
                if m != n:
                    raise IndexError(f"The shape of the mask {list(p.shape)} at index {i} does "
                                     f"not match the shape of the indexed tensor {list(shape)} "
                                     f"at index {dim + i}")
        elif isinstance(p, (int, np.integer)) or (hasattr(p, "dtype") and p.dtype.kind in "iu"):
            n = shape[dim]
            bad = (p < -n) | (p >= n)
            if bool(bad.any() if hasattr(bad, "any") else bad):
                first = int(p if isinstance(p, (int, np.integer)) else p[bad].ravel()[0])
                raise IndexError(f"index {first} is out of bounds for dimension {dim} with "
                                 f"size {n}")


class Index(ViewFunction):
    _node_name = "IndexBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, index=None):
        ctx.index, ctx.shape = index, a._data.shape
        r = a._data[index]
        if _is_basic(index):
            if isinstance(r, np.generic):  # NumPy gives x[1] as a copied scalar: take a 0-d
                # view instead, so that x[1].mul_(2) writes into x (as PyTorch's select does)
                r = a._data[(index if isinstance(index, tuple) else (index,)) + (None,)]
                r = r.reshape(())
            t = Tensor._make(r, a._device)
            if r.base is not None:  # a view (NumPy and CuPy arrays both say what they view)
                t._vc = a._counter()  # a view: shares the version counter
            return t
        return out(r, a._device)

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(g, shape=ctx.shape, index=ctx.index), None


class IndexAdd(Function):
    """zeros(shape), then add ``g`` at ``index`` (repeated indices add up)."""
    _node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape=None, index=None):
        ctx.index = index
        xp = g.xp
        z = xp.zeros(shape, dtype=g._data.dtype)
        if _is_basic(index):
            z[index] = g._data
        elif xp is np:
            np.add.at(z, index, g._data)
        else:
            import cupyx
            cupyx.scatter_add(z, index, g._data)
        return out(z, g._device)

    @staticmethod
    def backward(ctx, gg):
        return _index(gg, ctx.index), None, None

    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent


def _index(a: Tensor, index, node_name: "str | None" = None) -> Tensor:
    cls = _INDEX_CLASSES[node_name or _node_name_for(index, a._data.shape)]
    return cls.apply(a, index=index)


_INDEX_CLASSES = {name: (Index if name == "IndexBackward0"
                         else type(name.replace("Backward0", ""), (Index,), {"_node_name": name}))
                  for name in ("IndexBackward0", "SelectBackward0", "SliceBackward0",
                               "UnsqueezeBackward0", "AliasBackward0")}


def getitem(a: Tensor, index) -> Tensor:
    idx = _convert_index(index, a.xp)
    if isinstance(idx, list):
        idx = a.xp.asarray(idx)
    if a._data.ndim == 0 and not (idx is None or idx is Ellipsis or
                                  (isinstance(idx, tuple) and all(i is None or i is Ellipsis
                                                                  for i in idx))):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    _check_index(a._data.shape, idx)
    return _index(a, idx)


class CopySlices(Function):
    """``x[index] = value``: the new x equals the old x except at index."""
    _node_name = "CopySlices"
    _node_fullname = "torch::autograd::CopySlices"
    _scalar_edges = True

    @staticmethod
    def forward(ctx, a, value, index=None):
        ctx.index = index
        ctx.value_shape = value._data.shape if isinstance(value, Tensor) else None
        r = a._data.copy()
        r[index] = value._data if isinstance(value, Tensor) else value
        return out(r, a._device)

    @staticmethod
    def backward(ctx, g):
        na = ctx.needs_input_grad[0]
        nv = len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1]
        ga = gv = None
        if na:  # the old values at index were overwritten: no gradient flows to them
            keep = g.xp.ones(g._data.shape, dtype=g._data.dtype)
            keep[ctx.index] = 0
            ga = g * Tensor._make(keep, g._device)
        if nv:
            from .helpers import sum_to
            gv = sum_to(_index(g, ctx.index), ctx.value_shape)
        return ga, gv


class IndexPut(CopySlices):
    """``x[int_array_or_mask] = value``: PyTorch calls it ``index_put_``."""
    _node_name = "IndexPutBackward0"


def setitem(a: Tensor, index, value) -> None:
    """In place: record as ``CopySlices`` when autograd needs to, then write into a's memory."""
    from ..autograd import grad_mode
    from .inplace import apply_inplace
    if a._requires_grad and a.grad_fn is None and grad_mode.state.enabled:
        # PyTorch writes through a view (a[index]) of the leaf, hence its wording
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    idx = _convert_index(index, a.xp)
    if isinstance(idx, list):
        idx = a.xp.asarray(idx)
    _check_index(a._data.shape, idx)
    if isinstance(value, Tensor) and value._data.dtype != a._data.dtype:
        value = value.to(a.dtype)
    if isinstance(value, Tensor) and value._device is not a._device and value._device != a._device:
        value = value.to(a._device)  # PyTorch copies across devices here (a copy_)
    cls = CopySlices if _is_basic(idx) else IndexPut
    apply_inplace(a, lambda old: cls.apply(old, value, index=idx),
                  lambda: _write(a, idx, value), others=(value,))


def _write(a: Tensor, idx, value) -> None:
    from .inplace import writable
    writable(a._data)[idx] = value._data if isinstance(value, Tensor) else value
