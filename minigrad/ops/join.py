"""Joining and splitting: cat, stack, split, chunk, unbind. Backward of a join is the split."""
from __future__ import annotations

from typing import Sequence

from ..autograd.forward_ad import linear
from ..autograd.function import Function
from ..autograd.views import ViewFunction
from ..tensor.tensor import Tensor
from .helpers import normalize_dim, out, writes_out
from .shape import _view_of


class Cat(Function):
    _node_name = "CatBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, *tensors, dim=0):
        ctx.dim = dim
        ctx.sizes = [t._data.shape[dim] for t in tensors]
        return out(tensors[0].xp.concatenate([t._data for t in tensors], axis=dim),
                   tensors[0]._device)

    @staticmethod
    def backward(ctx, g):
        return tuple(split(g, ctx.sizes, ctx.dim))


class Stack(Function):
    _node_name = "StackBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, *tensors, dim=0):
        ctx.dim = dim
        return out(tensors[0].xp.stack([t._data for t in tensors], axis=dim), tensors[0]._device)

    @staticmethod
    def backward(ctx, g):
        return tuple(unbind(g, ctx.dim))


def _check(tensors: Sequence[Tensor], name: str) -> None:
    if len(tensors) == 0:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    dev = tensors[0]._device
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element in argument 0, but got "
                            f"{type(t).__name__}")
        if t._device != dev:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                               f"two devices, {dev} and {t._device}!")


@writes_out
def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    _check(tensors, "torch.cat")
    d = normalize_dim(dim, tensors[0]._data.ndim)
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        s = t._data.shape
        if len(s) != len(ref) or any(a != b for j, (a, b) in enumerate(zip(s, ref)) if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                               f"size {ref[1 - d] if len(ref) > 1 else ref[0]} but got size "
                               f"{s[1 - d] if len(s) > 1 else s[0]} for tensor number {i} in "
                               "the list.")
    return Cat.apply(*_promoted(tensors), dim=d)


def _promoted(tensors: Sequence[Tensor]) -> list:
    """The tensors in their common dtype (PyTorch's promotion, not NumPy's)."""
    from .helpers import result_dtype
    dt = result_dtype(*tensors)
    return [t if t._data.dtype == dt else t.to(dtype=_dt(dt)) for t in tensors]


def _dt(np_dtype):
    from ..tensor.dtypes import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


concat = cat


@writes_out
def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    _check(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} "
                               f"at entry 0 and {list(t._data.shape)} at entry {i}")
    return Stack.apply(*_promoted(tensors), dim=normalize_dim(dim, len(ref) + 1))


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    d = normalize_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        sizes = [min(s, n - i) for i in range(0, n, s)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
    cls = Split if isinstance(split_size_or_sections, int) else SplitWithSizes
    return cls.apply(tensor, sizes=tuple(sizes), dim=d)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    n = input._data.shape[normalize_dim(dim, input._data.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    return Unbind.apply(input, dim=normalize_dim(dim, input._data.ndim))


class Split(ViewFunction):
    """Consecutive pieces along ``dim`` (views of the input); the backward of a split is a cat."""
    _node_name = "SplitBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, sizes=(), dim=0):
        ctx.dim = dim
        starts = [0]
        for s in sizes:
            starts.append(starts[-1] + s)
        return tuple(_view_of(a, a._data[(slice(None),) * dim + (slice(lo, hi),)])
                     for lo, hi in zip(starts, starts[1:]))

    @staticmethod
    def backward(ctx, *grads):
        return cat(list(grads), ctx.dim), None, None  # pieces without a gradient get zeros


class SplitWithSizes(Split):
    _node_name = "SplitWithSizesBackward0"  # split(t, [sizes])


class Unbind(ViewFunction):
    """Every slice along ``dim`` (views of the input); the backward of an unbind is a stack."""
    _node_name = "UnbindBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = dim
        # the trailing ... keeps a 0-d result an array (NumPy would hand back a scalar)
        return tuple(_view_of(a, a._data[(slice(None),) * dim + (i, Ellipsis)])
                     for i in range(a._data.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(list(grads), ctx.dim), None
