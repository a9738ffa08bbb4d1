"""softmax and log_softmax along a dimension, computed stably (shifted by the max)."""
from __future__ import annotations

from ..autograd.fastpath import saved_arrays
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import normalize_dim, out, type_name, writes_out


class Softmax(Function):
    _node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim=-1):
        x = a._data
        e = a.xp.exp(x - x.max(axis=dim, keepdims=True))
        y = out(e / e.sum(axis=dim, keepdims=True), a._device)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        # the Jacobian diag(y) - y y^T applied to g
        return y * (g - (g * y).sum(dim=ctx.dim, keepdim=True)), None

    @staticmethod
    def jvp(fw, ta):
        y = fw.output  # the same Jacobian (it is symmetric) applied to da
        return y * (ta - (ta * y).sum(dim=fw.dim, keepdim=True))


class LogSoftmax(Function):
    _node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim=-1):
        x = a._data
        xp = a.xp
        shifted = x - x.max(axis=dim, keepdims=True)
        shifted -= xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))  # (in place: it's ours)
        y = out(shifted, a._device)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        # d log_softmax: g - softmax * sum(g)
        y, = ctx.saved_tensors
        return g - y.exp() * g.sum(dim=ctx.dim, keepdim=True), None

    @staticmethod
    def jvp(fw, ta):
        # d log_softmax = da - sum(softmax * da)
        return ta - (fw.output.exp() * ta).sum(dim=fw.dim, keepdim=True)

    @staticmethod
    def backward_arrays(ctx, xp, g):
        y, = saved_arrays(ctx)
        p = xp.exp(y)
        p *= g.sum(axis=ctx.dim, keepdims=True)
        return (xp.subtract(g, p, out=p),)  # (in place: p is ours)


def _float(a: Tensor, dtype, dim: int, name: str) -> Tensor:
    """The input at ``dtype`` when given; an integer input without one is PyTorch's error
    (its kernels are for floats: it names the one for the last dimension or the general one)."""
    if dtype is not None:
        return a.to(dtype)
    if not a.is_floating_point():
        last = dim == max(a._data.ndim, 1) - 1
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(a.dtype)}'")
    return a


@writes_out(name="aten::softmax", refuses="out")  # (PyTorch checks out alone)
def softmax(input: Tensor, dim: int, dtype=None, *, out: Tensor | None = None) -> Tensor:
    dim = normalize_dim(dim, input._data.ndim)
    return Softmax.apply(_float(input, dtype, dim, "softmax"), dim=dim)


@writes_out(name="aten::log_softmax", refuses="out")
def log_softmax(input: Tensor, dim: int, dtype=None, *, out: Tensor | None = None) -> Tensor:
    dim = normalize_dim(dim, input._data.ndim)
    return LogSoftmax.apply(_float(input, dtype, dim, "log_softmax"), dim=dim)
