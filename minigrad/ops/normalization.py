"""Batch normalisation (``NativeBatchNormBackward0``): per-channel normalisation with the
batch's statistics in training (updating the running ones in place), the running ones in eval."""
from __future__ import annotations

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import _const, out


class BatchNorm(Function):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel (dim 1). Training uses the
    batch's statistics (and updates the running ones in place); eval uses the running ones."""
    _node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight=None, bias=None, running_mean=None, running_var=None,
                training=True, momentum=0.1, eps=1e-5):
        xp, a = x.xp, x._data
        axes = (0,) + tuple(range(2, a.ndim))  # every dimension but the channels
        shape = tuple(s if i == 1 else 1 for i, s in enumerate(a.shape))
        if training:
            mean, var = a.mean(axis=axes), a.var(axis=axes)
            if running_mean is not None:
                n = a.size // a.shape[1]
                # running_var tracks the unbiased variance, as in PyTorch
                _blend(running_mean, mean, momentum)
                _blend(running_var, var * (n / max(n - 1, 1)), momentum)
        else:
            mean, var = running_mean._data, running_var._data
        invstd = 1 / xp.sqrt(var + eps)
        y = (a - mean.reshape(shape)) * invstd.reshape(shape)
        if weight is not None:
            y = y * weight._data.reshape(shape)
        if bias is not None:
            y = y + bias._data.reshape(shape)
        ctx.save_for_backward(x, weight)
        ctx.axes, ctx.shape, ctx.training, ctx.eps = axes, shape, training, eps
        if not training:  # copies: the running statistics may change before backward
            ctx.stats = (mean.reshape(shape).copy(), invstd.reshape(shape))
        return out(y.astype(a.dtype, copy=False), x._device)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad + (False,) * (3 - len(ctx.needs_input_grad))
        axes, shape = ctx.axes, ctx.shape
        if ctx.training:  # recomputed as Tensor code, so that they differentiate again
            mean = x.mean(dim=axes, keepdim=True)
            invstd = (x.var(dim=axes, unbiased=False, keepdim=True) + ctx.eps).rsqrt()
        else:
            mean, invstd = (_const(s, x) for s in ctx.stats)
        xhat = (x - mean) * invstd
        gx = gw = gb = None
        if need[0]:
            gxhat = g * w.reshape(shape) if w is not None else g
            if ctx.training:
                # xhat_i depends on every x_j through the mean and the variance:
                # dx = invstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
                gx = invstd * (gxhat - gxhat.mean(dim=axes, keepdim=True)
                               - xhat * (gxhat * xhat).mean(dim=axes, keepdim=True))
            else:
                gx = gxhat * invstd  # constants: a plain affine map
        if need[1]:
            gw = (g * xhat).sum(dim=axes)  # d(xhat w + b)/dw = xhat
        if need[2]:
            gb = g.sum(dim=axes)           # d(xhat w + b)/db = 1
        return gx, gw, gb


def _blend(running: Tensor, value, momentum: float) -> None:
    """running = (1 - momentum) running + momentum value, in place (a new version)."""
    running._data *= 1 - momentum
    running._data += momentum * value.astype(running._data.dtype, copy=False)
    running._counter().value += 1
