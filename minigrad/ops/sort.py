"""sort: the values along a dimension in order, and where each came from (``indices``).

The gradient of a sort is a permutation: each value's gradient goes back to the place it came
from. ``TakeAlong`` (NumPy's ``take_along_axis``) reorders by indices; its backward reorders by
the inverse permutation, with ``TakeAlong`` again, so any order of derivative works."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from . import helpers
from .helpers import normalize_dim, writes_out


class TakeAlong(Function):
    """``a`` reordered along ``dim`` by a permutation ``order`` (an int64 array)."""
    _node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, order=None, dim=0):
        ctx.order, ctx.dim = order, dim
        return helpers.out(a.xp.take_along_axis(a._data, order, axis=dim), a._device)

    @staticmethod
    def backward(ctx, g):
        inverse = g.xp.argsort(ctx.order, axis=ctx.dim)  # where each place's value went
        return TakeAlong.apply(g, order=inverse, dim=ctx.dim)


class Sort(Function):
    _node_name = "SortBackward0"

    @staticmethod
    def forward(ctx, a, dim=-1, descending=False):
        xp, x = a.xp, a._data
        if descending:  # reversed, sorted stably, reversed back: ties keep their order, NaN first
            flipped = xp.flip(x, axis=dim)
            order = xp.flip(x.shape[dim] - 1 - xp.argsort(flipped, axis=dim, kind="stable"),
                            axis=dim)
        else:  # NaN last, as in PyTorch
            order = xp.argsort(x, axis=dim, kind="stable")
        ctx.order, ctx.dim = order, dim
        indices = helpers.out(order.astype(np.int64), a._device)
        ctx.mark_non_differentiable(indices)
        return helpers.out(xp.take_along_axis(x, order, axis=dim), a._device), indices

    @staticmethod
    def backward(ctx, g, _):
        inverse = g.xp.argsort(ctx.order, axis=ctx.dim)  # the value at i came from order[i]
        return TakeAlong.apply(g, order=inverse, dim=ctx.dim), None, None


class SortStable(Sort):
    """``sort(stable=True)``: the same sort (minigrad's always is stable), PyTorch's other node."""
    _node_name = "SortBackward1"


_sort = namedtuple("sort", ["values", "indices"])


class sort_result(_sort):
    """``torch.return_types.sort``: a named pair (values, indices)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return (f"torch.return_types.{type(self).__name__}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")


sort_result.__name__ = sort_result.__qualname__ = "sort"


@writes_out
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False,
         out: "tuple | None" = None) -> sort_result:
    """The values along ``dim`` in ascending (or ``descending``) order, and their indices.
    Always stable here (equal values keep their order), whatever ``stable`` says."""
    if input._data.ndim == 0:
        normalize_dim(dim, 0)
        return sort_result(input.clone(), Tensor._make(input.xp.zeros((), np.int64),
                                                       input._device))
    cls = SortStable if stable else Sort
    values, indices = cls.apply(input, dim=normalize_dim(dim, input._data.ndim),
                                descending=descending)
    return sort_result(values, indices)
