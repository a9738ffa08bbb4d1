"""Comparisons (not differentiable: they return bool tensors), and the ops that choose between
values — maximum, minimum, where — whose gradient goes to whichever input was chosen."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from . import helpers  # (helpers.out where a parameter `out` hides out)
from .helpers import (broadcast_shape, c_type_name, operands, out, result_dtype, sum_to,
                      type_name, writes_out)


def _compare(a, b, op) -> Tensor:
    """Comparisons are never recorded: a bool result has no gradient."""
    xa, xb, _, dev = operands(a, b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        broadcast_shape(a._data.shape, b._data.shape)
    return out(op(xa, xb), dev)


@writes_out(refuses="none")
def eq(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, np.equal if _on_cpu(input, other) else _xp(input, other).equal)


@writes_out(refuses="none")
def ne(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other,
                    np.not_equal if _on_cpu(input, other) else _xp(input, other).not_equal)


@writes_out(refuses="none")
def gt(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x > y)


@writes_out(refuses="none")
def lt(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x < y)


@writes_out(refuses="none")
def ge(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x >= y)


@writes_out(refuses="none")
def le(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x <= y)


def _on_cpu(a, b) -> bool:
    t = a if isinstance(a, Tensor) else b
    return t._device.type == "cpu"


def _xp(a, b):
    return (a if isinstance(a, Tensor) else b).xp


@writes_out(refuses="none")
def logical_and(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x & y if _is_bool(x, y) else (x != 0) & (y != 0))


@writes_out(refuses="none")
def logical_or(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x | y if _is_bool(x, y) else (x != 0) | (y != 0))


@writes_out(refuses="none")
def logical_xor(input, other, *, out: Tensor | None = None) -> Tensor:
    return _compare(input, other, lambda x, y: x ^ y if _is_bool(x, y) else (x != 0) ^ (y != 0))


def _is_bool(x, y) -> bool:
    return getattr(x, "dtype", None) == np.bool_ and getattr(y, "dtype", np.bool_) == np.bool_


@writes_out(refuses="none")
def logical_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    x = input._data
    return helpers.out(~x if x.dtype == np.bool_ else x == 0, input._device)


def isnan(input: Tensor) -> Tensor:
    return out(input.xp.isnan(input._data), input._device)


def isinf(input: Tensor) -> Tensor:
    return out(input.xp.isinf(input._data), input._device)


def isfinite(input: Tensor) -> Tensor:
    return out(input.xp.isfinite(input._data), input._device)


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both have the same shape and elements."""
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> bool:
    if input._data.dtype != other._data.dtype:  # PyTorch refuses to compare across dtypes
        raise RuntimeError(f"{type_name(input._data.dtype)} did not match "
                           f"{type_name(other._data.dtype)}")
    return bool(input.xp.allclose(input._data, other._data, rtol=rtol, atol=atol,
                                  equal_nan=equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    close = input.xp.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return out(close, input._device)


class _Choose(Function):
    """maximum / minimum: the gradient goes to the chosen input, split evenly on ties."""
    _scalar_edges = True

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = operands(a, b)
        broadcast_shape(a._data.shape, b._data.shape)
        ctx.save_for_backward(a, b)
        return out(ctx._forward_cls._pick(a.xp, xa, xb), dev, dt)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        wins = ctx._forward_cls._wins(a, b)
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


@writes_out
def maximum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Maximum.apply(tensor_arg("maximum", "input", input, 1),
                         tensor_arg("maximum", "other", other, 2))


@writes_out
def minimum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Minimum.apply(tensor_arg("minimum", "input", input, 1),
                         tensor_arg("minimum", "other", other, 2))


def tensor_arg(name: str, arg: str, x, position: int) -> Tensor:
    """``x``, which must be a tensor: ``maximum(t, 0)`` is PyTorch's TypeError (maximum takes
    tensors only; clamp takes numbers)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                        f"{type(x).__name__}")
    return x


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


@writes_out
def where(condition: Tensor, input=None, other=None, *, out: Tensor | None = None):  # noqa: A002
    """``where(cond, a, b)``: a where cond is true, else b. ``where(cond)`` gives indices."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {type_name(condition._data.dtype)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two numbers: a 0-d tensor of their type (where(c, 1, 0) is int64, as in PyTorch)
        input = Tensor._make(condition.xp.asarray(input, result_dtype(input, other)),
                             condition._device)
    return Where.apply(condition, input, other)


class MaskedFill(Function):
    """``x.masked_fill(mask, value)``: value where mask is true, else x."""
    _node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value=0.0):
        ctx.mask = mask
        xv = value._data if isinstance(value, Tensor) else value
        return out(a.xp.where(mask._data, xv, a._data), a._device, a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        return g.where(~ctx.mask, 0.0), None  # the filled places no longer depend on x


class MaskedFillTensor(Function):
    """``x.masked_fill(mask, value)`` with value a 0-d tensor: it gets the filled places' sum."""
    _node_name = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, a, mask, value):
        return MaskedFill.forward(ctx, a, mask, value)

    @staticmethod
    def backward(ctx, g):
        na, _, nv = ctx.needs_input_grad
        return (g.where(~ctx.mask, 0.0) if na else None, None,
                g.where(ctx.mask, 0.0).sum() if nv else None)


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{c_type_name(mask._data.dtype)}")
    broadcast_shape(mask._data.shape, input._data.shape)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value=value)


@writes_out(refuses="none")
def nonzero(input: Tensor, *, as_tuple: bool = False, out: Tensor | None = None):
    idx = input.xp.nonzero(input._data)
    if as_tuple:
        return tuple(helpers.out(i.astype(np.int64), input._device) for i in idx)
    return helpers.out(input.xp.stack(idx, axis=1).astype(np.int64), input._device)
