"""Reductions: sum, mean, var, max/min (whole or along a dim), argmax/argmin, norm, logsumexp.

Their backward spreads the gradient back over the reduced dimensions: reshape it so the
reduced dimensions are 1 again, then broadcast (``expand``) to the input's shape.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import normalize_dim, normalize_dims, out


def _kept_shape(shape: tuple, dims: tuple) -> tuple:
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _spread(g: Tensor, shape: tuple, dims: tuple) -> Tensor:
    """Undo a reduction's shape: put the reduced dims back as 1s, then broadcast."""
    return g.reshape(_kept_shape(shape, dims)).expand(shape)


class Sum(Function):
    _node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        ctx.shape, ctx.dims = a._data.shape, dims
        x = a._data
        if x.dtype.kind in "bu" or x.dtype in (np.int8, np.int16, np.int32):
            x = x.astype(np.int64)  # PyTorch sums bools and small ints as int64
        return out(x.sum(axis=dims, keepdims=keepdim), a._device)

    @staticmethod
    def backward(ctx, g):
        return _spread(g, ctx.shape, ctx.dims), None, None  # d sum/da_i = 1


class SumDim(Sum):
    _node_name = "SumBackward1"


class Mean(Function):
    _node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        if a._data.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either "
                               f"a floating point or complex dtype. Got: "
                               f"{a.dtype.name.capitalize()}")
        ctx.shape, ctx.dims = a._data.shape, dims
        n = 1
        for d in dims:
            n *= a._data.shape[d]
        ctx.n = n
        return out(a._data.mean(axis=dims, keepdims=keepdim), a._device, a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        return _spread(g, ctx.shape, ctx.dims) / ctx.n, None, None  # d mean/da_i = 1/n


class MeanDim(Mean):
    _node_name = "MeanBackward1"


class Var(Function):
    _node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, correction=1, keepdim=False):
        ctx.save_for_backward(a)
        ctx.dims, ctx.correction = dims, correction
        n = 1
        for d in dims:
            n *= a._data.shape[d]
        ctx.n = n
        with np.errstate(divide="ignore", invalid="ignore"):
            return out(a._data.var(axis=dims, ddof=correction, keepdims=keepdim), a._device,
                       a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        # d var/da_i = 2 (a_i - mean) / (n - correction)
        centered = a - a.mean(dim=ctx.dims, keepdim=True)
        return _spread(g, a._data.shape, ctx.dims) * centered * (2 / (ctx.n - ctx.correction)), \
            None, None, None


class MaxAll(Function):
    """max() / min() of all elements: the gradient is shared evenly by the elements that tie."""
    _node_name = "MaxBackward1"
    _reduce = "max"

    @staticmethod
    def forward(ctx, a):
        if a._data.size == 0:
            raise RuntimeError(f"{ctx._forward_cls._reduce}(): Expected reduction dim to be "
                               "specified for input.numel() == 0. Specify the reduction dim "
                               "with the 'dim' argument.")
        y = out(getattr(a._data, ctx._forward_cls._reduce)(), a._device)
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        mask = a == y
        return g * mask / mask.sum()


class MinAll(MaxAll):
    _node_name = "MinBackward1"
    _reduce = "min"


class MaxDim(Function):
    """max(dim) / min(dim): values and indices; the gradient goes to the index that won."""
    _node_name = "MaxBackward0"
    _reduce = "max"

    @staticmethod
    def forward(ctx, a, dim=0, keepdim=False):
        xp = a.xp
        x = a._data
        arg = (xp.argmax if ctx._forward_cls._reduce == "max" else xp.argmin)(x, axis=dim)
        arg = xp.expand_dims(arg, dim)
        values = xp.take_along_axis(x, arg, axis=dim)
        ctx.shape, ctx.dim = x.shape, dim
        ctx.index = arg
        if not keepdim:
            values, arg = values.squeeze(dim), arg.squeeze(dim)
        v = out(values, a._device)
        i = out(arg.astype(np.int64), a._device)
        ctx.mark_non_differentiable(i)
        return v, i

    @staticmethod
    def backward(ctx, g, _):
        xp = g.xp
        shape, dim = ctx.shape, ctx.dim
        # one-hot of the winning index along dim: a constant, so this stays differentiable in g
        positions = xp.arange(shape[dim]).reshape([-1 if i == dim else 1
                                                   for i in range(len(shape))])
        onehot = Tensor._make((positions == ctx.index).astype(g._data.dtype), g._device)
        gk = g.reshape(_kept_shape(shape, (dim,)))
        return gk * onehot, None, None


class MinDim(MaxDim):
    _node_name = "MinBackward0"
    _reduce = "min"


_max_result = namedtuple("max", ["values", "indices"])
_min_result = namedtuple("min", ["values", "indices"])


def _returns(cls):
    def __repr__(self):
        return (f"torch.return_types.{type(self).__name__}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")
    cls.__repr__ = __repr__
    return cls


max_result = _returns(type("max", (_max_result,), {"__slots__": ()}))
min_result = _returns(type("min", (_min_result,), {"__slots__": ()}))


def _maxmin(a: Tensor, dim, keepdim, other, all_cls, dim_cls, result):
    if isinstance(dim, Tensor):  # max(a, b) means maximum
        from .comparison import maximum, minimum
        return (maximum if all_cls is MaxAll else minimum)(a, dim)
    if dim is None:
        return all_cls.apply(a)
    d = normalize_dim(dim, a._data.ndim)
    if a._data.ndim == 0:
        return result(a.clone(), Tensor._make(a.xp.zeros((), np.int64), a._device))
    return result(*dim_cls.apply(a, dim=d, keepdim=keepdim))


def max(a: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    return _maxmin(a, dim, keepdim, None, MaxAll, MaxDim, max_result)


def min(a: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    return _maxmin(a, dim, keepdim, None, MinAll, MinDim, min_result)


def amax(a: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    if dim == () or dim is None:
        return MaxAll.apply(a)
    return max(a, dim, keepdim).values


def argmax(a: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return out(np.int64(a.xp.argmax(a._data)), a._device)
    return max(a, dim, keepdim).indices


def argmin(a: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return out(np.int64(a.xp.argmin(a._data)), a._device)
    return min(a, dim, keepdim).indices


def sum(a: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    if dtype is not None:
        a = a.to(dtype)
    if dim is None:
        return Sum.apply(a, dims=tuple(range(a._data.ndim)), keepdim=False)
    return SumDim.apply(a, dims=normalize_dims(dim, a._data.ndim), keepdim=keepdim)


def mean(a: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dtype is not None:
        a = a.to(dtype)
    if dim is None:
        return Mean.apply(a, dims=tuple(range(a._data.ndim)), keepdim=False)
    return MeanDim.apply(a, dims=normalize_dims(dim, a._data.ndim), keepdim=keepdim)


def var(a: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    if isinstance(dim, bool):  # var(unbiased) — the old positional form
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return Var.apply(a, dims=normalize_dims(dim, a._data.ndim), correction=correction,
                     keepdim=keepdim)


def std(a: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    return var(a, dim, unbiased, keepdim, correction=correction).sqrt()


class Norm(Function):
    _node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p=2, dims=None, keepdim=False):
        x = a._data
        xp = a.xp
        ax = xp.abs(x)
        if p == float("inf"):
            y = ax.max(axis=dims, keepdims=keepdim)
        elif p == 1:
            y = ax.sum(axis=dims, keepdims=keepdim)
        elif p == 2:
            y = xp.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
        else:
            y = (ax ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
        y = out(y, a._device, x.dtype)
        ctx.save_for_backward(a, y)
        ctx.p, ctx.dims = p, dims
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        p, dims = ctx.p, ctx.dims
        g = _spread(g, a._data.shape, dims)
        y = _spread(y, a._data.shape, dims)
        if p == 1:
            return g * a.sign(), None, None, None
        if p == float("inf"):
            mask = a.abs() == y
            return g * a.sign() * mask / _spread(mask.sum(dim=dims, keepdim=True),
                                                 a._data.shape, dims), None, None, None
        if p == 2:  # d|a|/da = a/|a|, taken as 0 where |a| = 0 (PyTorch's subgradient)
            return g * a / y.masked_fill(y == 0, 1.0) * (y != 0), None, None, None
        # d|a|_p/da = a |a|^(p-2) / |a|_p^(p-1)
        safe = y.masked_fill(y == 0, 1.0)
        return g * a * a.abs() ** (p - 2) / safe ** (p - 1) * (y != 0), None, None, None


def norm(a: Tensor, p=2, dim=None, keepdim: bool = False) -> Tensor:
    if p == "fro":
        p = 2
    return Norm.apply(a, p=p, dims=normalize_dims(dim, a._data.ndim), keepdim=keepdim)


class Logsumexp(Function):
    _node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        x = a._data
        xp = a.xp
        m = x.max(axis=dims, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)  # all -inf: avoid inf - inf
        y = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        ctx.dims = dims
        y = out(y if keepdim else y.squeeze(axis=dims), a._device, x.dtype)
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        shape, dims = a._data.shape, ctx.dims
        # d logsumexp/da_i = softmax(a)_i = exp(a_i - logsumexp(a))
        return _spread(g, shape, dims) * (a - _spread(y, shape, dims)).exp(), None, None


def logsumexp(a: Tensor, dim, keepdim: bool = False) -> Tensor:
    return Logsumexp.apply(a, dims=normalize_dims(dim, a._data.ndim), keepdim=keepdim)


def prod(a: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Product, as exp(sum(log|a|)) with signs: enough for the course (not for zeros' grads)."""
    dims = normalize_dims(dim, a._data.ndim)
    return _Prod.apply(a, dims=dims, keepdim=keepdim if dim is not None else False)


class _Prod(Function):
    _node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        y = out(a._data.prod(axis=dims, keepdims=keepdim), a._device)
        ctx.save_for_backward(a, y)
        ctx.dims = dims
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        shape, dims = a._data.shape, ctx.dims
        if bool((a._data == 0).any()):
            raise NotImplementedError("prod backward with zeros in the input is not supported "
                                      "by minigrad")
        return _spread(g * y, shape, dims) / a, None, None
