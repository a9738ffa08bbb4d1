"""``max_pool2d``'s primitive (``MaxPool2DWithIndicesBackward0``): im2col over each channel on
its own, the largest value of each column; the gradient goes back to each window's winner."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .conv import Col2im, im2col
from .helpers import _const, out


class MaxPool2d(Function):
    """The largest value under each window; the gradient goes to the element that won."""
    _node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, geo=None, return_indices=False):
        xp = x.xp
        n, c, h, w = geo.shape
        (oh, ow), kw = geo.out, geo.kernel[1]
        # every channel is pooled on its own: treat (N, C) as N*C one-channel images
        flat = geo._replace(shape=(n * c, 1, h, w))
        cols = im2col(xp, x._data.reshape(n * c, 1, h, w), flat, pad_value=-np.inf)
        arg = cols.argmax(axis=0)  # which kernel element won, for every output
        y = xp.take_along_axis(cols, arg[None], axis=0).reshape(n, c, oh, ow)
        ctx.flat, ctx.arg, ctx.shape = flat, arg, geo.shape
        y = out(y, x._device)
        if not return_indices:
            return y
        # PyTorch's indices: the winner's flat position h*W + w in its (n, c) plane
        pos = xp.tile(xp.arange(oh * ow), n * c)  # output position l of each column
        hh = (pos // ow) * geo.stride[0] - geo.padding[0] + (arg // kw) * geo.dilation[0]
        ww = (pos % ow) * geo.stride[1] - geo.padding[1] + (arg % kw) * geo.dilation[1]
        idx = out((hh * w + ww).reshape(n, c, oh, ow).astype(np.int64), x._device)
        ctx.mark_non_differentiable(idx)
        return y, idx

    @staticmethod
    def backward(ctx, g, *_):
        # d max/dx_i = 1 for the winner of each window, 0 for the others (windows may overlap)
        k = ctx.flat.kernel[0] * ctx.flat.kernel[1]
        xp = g.xp
        winner = (xp.arange(k)[:, None] == ctx.arg[None, :]).astype(g._data.dtype)
        gcols = g.reshape(1, -1) * _const(winner, g)
        return Col2im.apply(gcols, geo=ctx.flat).reshape(ctx.shape)
