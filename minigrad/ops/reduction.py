"""Reductions: sum, mean, var, std, max/min (whole or along a dim), amax, argmax/argmin, norm,
logsumexp, prod.

Their backward spreads the gradient back over the reduced dimensions: reshape it so the
reduced dimensions are 1 again, then broadcast (``expand``) to the input's shape.
"""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from ..autograd.forward_ad import linear
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from . import helpers  # (helpers.out where a parameter `out` hides out)
from .helpers import normalize_dim, normalize_dims, out, type_name, writes_out


def _kept_shape(shape: tuple, dims: tuple) -> tuple:
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _spread(g: Tensor, shape: tuple, dims: tuple) -> Tensor:
    """Undo a reduction's shape: put the reduced dims back as 1s, then broadcast."""
    if g._data.ndim:  # (a 0-d g, from a full reduction, broadcasts as it is)
        kept = _kept_shape(shape, dims)
        if g._data.shape != kept:
            g = g.reshape(kept)
    return g.expand(shape)


class Sum(Function):
    _node_name = "SumBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        ctx.shape, ctx.dims = a._data.shape, dims
        x = a._data
        if x.dtype.kind in "bu" or (x.dtype.kind == "i" and x.dtype.itemsize < 8):
            x = x.astype(np.int64)  # PyTorch sums bools and small ints as int64
        return out(x.sum(axis=dims, keepdims=keepdim), a._device)

    @staticmethod
    def backward(ctx, g):
        return _spread(g, ctx.shape, ctx.dims), None, None  # d sum/da_i = 1

    @staticmethod
    def backward_arrays(ctx, xp, g):
        return (_spread_array(xp, g, ctx.shape, ctx.dims),)


def _spread_array(xp, g, shape: tuple, dims: tuple):
    """_spread on an array (see autograd/fastpath.py): a broadcast view, nothing copied."""
    if g.ndim:
        g = g.reshape(_kept_shape(shape, dims))
    return xp.broadcast_to(g, shape)


class SumDim(Sum):
    _node_name = "SumBackward1"


class Mean(Function):
    _node_name = "MeanBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        if a._data.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either "
                               f"a floating point or complex dtype. Got: "
                               f"{type_name(a._data.dtype)}")
        ctx.shape, ctx.dims = a._data.shape, dims
        n = 1
        for d in dims:
            n *= a._data.shape[d]
        ctx.n = n
        return out(a._data.mean(axis=dims, keepdims=keepdim), a._device, a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        return _spread(g, ctx.shape, ctx.dims) / ctx.n, None, None  # d mean/da_i = 1/n

    @staticmethod
    def backward_arrays(ctx, xp, g):
        return (_spread_array(xp, g, ctx.shape, ctx.dims) / ctx.n,)


class MeanDim(Mean):
    _node_name = "MeanBackward1"


def _setup_dof(ctx, a: Tensor, dims: tuple, correction) -> None:
    """What var and std's backward need: the dims and the degrees of freedom n - correction."""
    n = 1
    for d in dims:
        n *= a._data.shape[d]
    ctx.dims, ctx.dof = dims, n - correction
    if ctx.dof <= 0:
        warnings.warn(f"{ctx._forward_cls.__name__.lower()}(): degrees of freedom is <= 0. "
                      "Correction should be strictly less than the reduction factor (input "
                      "numel divided by output numel).", UserWarning, stacklevel=4)


def _moment(a: Tensor, name: str, dims: tuple, correction, keepdim: bool) -> Tensor:
    """NumPy's var or std, quietly: with no degrees of freedom it is nan (or inf), as in
    PyTorch (which has warned above)."""
    x = a._data
    if x.size:  # shifted by the first element: equal values give exactly 0, as in PyTorch
        x = x - x[tuple(slice(0, 1) if i in dims else slice(None) for i in range(x.ndim))]
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = getattr(x, name)(axis=dims, ddof=correction, keepdims=keepdim)
    return out(r, a._device, a._data.dtype)


class Var(Function):
    _node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, correction=1, keepdim=False):
        _setup_dof(ctx, a, dims, correction)
        ctx.save_for_backward(a)
        return _moment(a, "var", dims, correction, keepdim)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        # d var/da_i = 2 (a_i - mean) / (n - correction)
        centered = a - a.mean(dim=ctx.dims, keepdim=True)
        return _spread(g, a._data.shape, ctx.dims) * centered * 2 / ctx.dof, None, None, None


class Std(Function):
    _node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, correction=1, keepdim=False):
        _setup_dof(ctx, a, dims, correction)
        y = _moment(a, "std", dims, correction, keepdim)
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        # d std/da_i = (a_i - mean) / ((n - correction) std), taken as 0 where std = 0
        centered = a - a.mean(dim=ctx.dims, keepdim=True)
        g = (g / y).where(y != 0, 0.0)
        return _spread(g, a._data.shape, ctx.dims) * centered / ctx.dof, None, None, None


class Amax(Function):
    """amax(dims): the largest value; elements that tie for it share the gradient evenly."""
    _node_name = "AmaxBackward0"
    _reduce = "max"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        name = ctx._forward_cls._reduce
        if a._data.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        y = out(getattr(a._data, name)(axis=dims, keepdims=keepdim), a._device)
        ctx.dims = dims
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        shape, dims = a._data.shape, ctx.dims
        mask = a == _spread(y, shape, dims)
        count = _spread(mask.sum(dim=dims, keepdim=True), shape, dims)
        return _spread(g, shape, dims) * mask / count, None, None


class MaxAll(Amax):
    """max() / min() of all elements."""
    _node_name = "MaxBackward1"


class MinAll(Amax):
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
        return all_cls.apply(a, dims=tuple(range(a._data.ndim)))
    d = normalize_dim(dim, a._data.ndim)
    if a._data.ndim == 0:
        return result(a.clone(), Tensor._make(a.xp.zeros((), np.int64), a._device))
    return result(*dim_cls.apply(a, dim=d, keepdim=keepdim))


@writes_out
def max(input: Tensor, dim=None, keepdim: bool = False, *, other: Tensor | None = None,  # noqa: A001
        out: Tensor | None = None):
    """``max(input)``, ``max(input, dim, keepdim)``, or ``max(input, other)`` (= ``maximum``)."""
    return _maxmin(input, other if other is not None else dim, keepdim, None, MaxAll, MaxDim,
                   max_result)


@writes_out
def min(input: Tensor, dim=None, keepdim: bool = False, *, other: Tensor | None = None,  # noqa: A001
        out: Tensor | None = None):
    """``min(input)``, ``min(input, dim, keepdim)``, or ``min(input, other)`` (= ``minimum``)."""
    return _maxmin(input, other if other is not None else dim, keepdim, None, MinAll, MinDim,
                   min_result)


@writes_out
def amax(input: Tensor, dim=(), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    return Amax.apply(input, dims=normalize_dims(dim, input._data.ndim), keepdim=keepdim)


def _no_bools(a: Tensor, name: str) -> None:
    if a._data.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")


@writes_out(refuses="none", same_dtype=True)
def argmax(input: Tensor, dim=None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    _no_bools(input, "argmax")
    if dim is None:
        # (CuPy: a 0-d array, no np.int64())
        return helpers.out(input.xp.argmax(input._data), input._device, np.int64)
    return max(input, dim, keepdim).indices


@writes_out(refuses="none", same_dtype=True)
def argmin(input: Tensor, dim=None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    _no_bools(input, "argmin")
    if dim is None:
        # (CuPy: a 0-d array, no np.int64())
        return helpers.out(input.xp.argmin(input._data), input._device, np.int64)
    return min(input, dim, keepdim).indices


@writes_out
def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None,  # noqa: A001
        out: Tensor | None = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        dims = tuple(range(input._data.ndim))
        return Sum.apply(input, dims=dims, keepdim=False)
    return SumDim.apply(input, dims=normalize_dims(dim, input._data.ndim), keepdim=keepdim)


@writes_out
def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None,
         out: Tensor | None = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Mean.apply(input, dims=tuple(range(input._data.ndim)), keepdim=False)
    return MeanDim.apply(input, dims=normalize_dims(dim, input._data.ndim), keepdim=keepdim)


@writes_out
def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None,
        out: Tensor | None = None) -> Tensor:
    return Var.apply(input, **_dispersion_args(input, dim, unbiased, keepdim, correction))


@writes_out
def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None,
        out: Tensor | None = None) -> Tensor:
    return Std.apply(input, **_dispersion_args(input, dim, unbiased, keepdim, correction))


def _dispersion_args(a: Tensor, dim, unbiased, keepdim: bool, correction) -> dict:
    """var's and std's arguments, PyTorch's ways of giving them made one."""
    if isinstance(dim, bool):  # var(unbiased) — the old positional form
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dict(dims=normalize_dims(dim, a._data.ndim), correction=correction, keepdim=keepdim)


class Norm(Function):
    _node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p=2, dims=None, keepdim=False):
        x = a._data
        xp = a.xp
        ax = xp.abs(x)
        if p == float("inf"):
            y = ax.max(axis=dims, keepdims=keepdim)
        elif p == -float("inf"):
            y = ax.min(axis=dims, keepdims=keepdim)
        elif p == 0:  # how many are not 0
            y = (x != 0).sum(axis=dims, keepdims=keepdim)
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
        if p == 0:  # piecewise constant: PyTorch gives no gradient at all
            return None, None, None, None
        if p == 1:
            return g * a.sign(), None, None, None
        if p in (float("inf"), -float("inf")):  # ties for the max (min) share the gradient
            mask = a.abs() == y
            return g * a.sign() * mask / _spread(mask.sum(dim=dims, keepdim=True),
                                                 a._data.shape, dims), None, None, None
        # d|a|_p/da = a |a|^(p-2) / |a|_p^(p-1), taken as 0 where |a|_p = 0 (PyTorch's
        # subgradient); for p = 2 that's a / |a|
        safe = y.masked_fill(y == 0, 1.0)
        if p == 2:
            return g * a / safe * (y != 0), None, None, None
        return g * a * a.abs() ** (p - 2) / safe ** (p - 1) * (y != 0), None, None, None


@writes_out(name="linalg_vector_norm")
def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, *,
         out: Tensor | None = None) -> Tensor:
    if p == "fro":  # the Frobenius norm: the 2-norm of one or two dimensions (or of all)
        if dim is not None and not isinstance(dim, int) and len(dim) > 2:
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dim))
        p = 2
    return Norm.apply(input, p=p, dims=normalize_dims(dim, input._data.ndim), keepdim=keepdim)


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


@writes_out
def logsumexp(input: Tensor, dim, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    return Logsumexp.apply(input, dims=normalize_dims(dim, input._data.ndim), keepdim=keepdim)


class Prod(Function):
    _node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        x = a._data
        if x.dtype.kind in "bu" or (x.dtype.kind == "i" and x.dtype.itemsize < 8):
            x = x.astype(np.int64)  # PyTorch multiplies bools and small ints as int64
        y = out(x.prod(axis=dims, keepdims=keepdim), a._device)
        ctx.save_for_backward(a, y)
        ctx.dims = dims
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        shape, dims = a._data.shape, ctx.dims
        # d prod/da_i = the product of the others: y / a_i when a_i != 0. At a zero it is the
        # product of the non-zeros if a_i is the only zero, else 0.
        nonzero = a != 0
        others = _spread(y, shape, dims) / a.where(nonzero, 1.0)
        zeros = _spread((~nonzero).sum(dim=dims, keepdim=True), shape, dims)
        rest = _spread(Prod.apply(a.where(nonzero, 1.0), dims=dims, keepdim=True), shape, dims)
        at_zero = rest.where(zeros == 1, 0.0)
        return _spread(g, shape, dims) * others.where(nonzero, at_zero), None, None


class ProdDim(Prod):
    _node_name = "ProdBackward1"


@writes_out
def prod(input: Tensor, dim=None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    if dim is None:
        return Prod.apply(input, dims=tuple(range(input._data.ndim)), keepdim=False)
    return ProdDim.apply(input, dims=(normalize_dim(dim, input._data.ndim),), keepdim=keepdim)
