"""Comparisons (not differentiable: they return bool tensors), and the ops that choose between
values — maximum, minimum, where — whose gradient goes to whichever input was chosen."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import broadcast_shape, operands, out, sum_to


def _compare(a, b, op) -> Tensor:
    """Comparisons are never recorded: a bool result has no gradient."""
    xa, xb, _, dev = operands(a, b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        broadcast_shape(a._data.shape, b._data.shape)
    return out(op(xa, xb), dev)


def eq(a, b) -> Tensor:
    return _compare(a, b, np.equal if _on_cpu(a, b) else _xp(a, b).equal)


def ne(a, b) -> Tensor:
    return _compare(a, b, np.not_equal if _on_cpu(a, b) else _xp(a, b).not_equal)


def gt(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x > y)


def lt(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x < y)


def ge(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x >= y)


def le(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x <= y)


def _on_cpu(a, b) -> bool:
    t = a if isinstance(a, Tensor) else b
    return t._device.type == "cpu"


def _xp(a, b):
    return (a if isinstance(a, Tensor) else b).xp


def logical_and(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x & y if _is_bool(x, y) else (x != 0) & (y != 0))


def logical_or(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x | y if _is_bool(x, y) else (x != 0) | (y != 0))


def logical_xor(a, b) -> Tensor:
    return _compare(a, b, lambda x, y: x ^ y if _is_bool(x, y) else (x != 0) ^ (y != 0))


def _is_bool(x, y) -> bool:
    return getattr(x, "dtype", None) == np.bool_ and getattr(y, "dtype", np.bool_) == np.bool_


def logical_not(a: Tensor) -> Tensor:
    return out(~a._data if a._data.dtype == np.bool_ else a._data == 0, a._device)


def isnan(a: Tensor) -> Tensor:
    return out(a.xp.isnan(a._data), a._device)


def isinf(a: Tensor) -> Tensor:
    return out(a.xp.isinf(a._data), a._device)


def isfinite(a: Tensor) -> Tensor:
    return out(a.xp.isfinite(a._data), a._device)


def equal(a: Tensor, b: Tensor) -> bool:
    """True if both have the same shape and elements."""
    return a.shape == b.shape and bool((a._data == b._data).all())


def allclose(a: Tensor, b: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> bool:
    return bool(a.xp.allclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(a: Tensor, b: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    return out(a.xp.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan),
               a._device)


class _Choose(Function):
    """maximum / minimum: the gradient goes to the chosen input, split evenly on ties."""
    _scalar_edges = True

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = operands(a, b)
        broadcast_shape(a._data.shape, b._data.shape)
        ctx.save_for_backward(a, b)
        return out(ctx._pick(a.xp, xa, xb), dev, dt)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        wins = ctx._wins(a, b)
        # PyTorch: on a tie each input gets half the gradient
        share_a = wins + (a == b) * 0.5
        share_b = 1 - share_a
        na, nb = ctx.needs_input_grad
        return (sum_to(g * share_a, a._data.shape) if na else None,
                sum_to(g * share_b, b._data.shape) if nb else None)


class Maximum(_Choose):
    _node_name = "MaximumBackward0"
    _pick = staticmethod(lambda xp, x, y: xp.maximum(x, y))
    _wins = staticmethod(lambda a, b: a > b)


class Minimum(_Choose):
    _node_name = "MinimumBackward0"
    _pick = staticmethod(lambda xp, x, y: xp.minimum(x, y))
    _wins = staticmethod(lambda a, b: a < b)


def maximum(a: Tensor, b: Tensor) -> Tensor:
    return Maximum.apply(a, _as_tensor(b, a))


def minimum(a: Tensor, b: Tensor) -> Tensor:
    return Minimum.apply(a, _as_tensor(b, a))


def _as_tensor(x, like: Tensor) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return Tensor._make(like.xp.asarray(x, dtype=like._data.dtype), like._device)


class Where(Function):
    _node_name = "WhereBackward0"
    _scalar_edges = True

    @staticmethod
    def forward(ctx, cond, a, b):
        xa, xb, dt, dev = operands(a, b)
        ctx.cond = cond
        ctx.shapes = (a._data.shape if isinstance(a, Tensor) else (),
                      b._data.shape if isinstance(b, Tensor) else ())
        return out(cond.xp.where(cond._data, xa, xb), dev, dt)

    @staticmethod
    def backward(ctx, g):
        _, na, nb = ctx.needs_input_grad
        c = ctx.cond
        return (None,
                sum_to(g.where(c, 0.0), ctx.shapes[0]) if na else None,
                sum_to(g.where(~c, 0.0), ctx.shapes[1]) if nb else None)


def where(condition: Tensor, input=None, other=None):  # noqa: A002
    """``where(cond, a, b)``: a where cond is true, else b. ``where(cond)`` gives indices."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype.name.capitalize()}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _as_tensor(input, Tensor._make(condition.xp.asarray(0.0, np.float32),
                                               condition._device))
    return Where.apply(condition, input, other)


def nonzero(a: Tensor, *, as_tuple: bool = False):
    idx = a.xp.nonzero(a._data)
    if as_tuple:
        return tuple(out(i.astype(np.int64), a._device) for i in idx)
    return out(a.xp.stack(idx, axis=1).astype(np.int64), a._device)
