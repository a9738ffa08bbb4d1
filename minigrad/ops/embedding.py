"""``nn.Embedding``'s primitive (``EmbeddingBackward0``): a row lookup ``weight[indices]``
whose backward scatter-adds the gradient rows (the padding row gets none)."""
from __future__ import annotations

from ..autograd.function import Function
from .helpers import _const, out
from .indexing import IndexAdd


class Embedding(Function):
    """Row lookup ``weight[indices]``; the backward adds each gradient row into its row."""
    _node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices=None, padding_idx=None):
        idx = indices._data
        n = weight._data.shape[0]
        if idx.size and bool(((idx < 0) | (idx >= n)).any()):
            raise IndexError("index out of range in self")
        ctx.idx, ctx.wshape, ctx.padding_idx = idx, weight._data.shape, padding_idx
        return out(weight._data[idx], weight._device)

    @staticmethod
    def backward(ctx, g):
        # d weight[i]/d weight = one-hot rows: scatter-add (an index used twice gets both)
        if ctx.padding_idx is not None:  # the padding row never learns
            keep = (ctx.idx != ctx.padding_idx)[..., None].astype(g._data.dtype)
            g = g * _const(keep, g)
        return IndexAdd.apply(g, shape=ctx.wshape, index=ctx.idx)
