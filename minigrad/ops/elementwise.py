"""Elementwise math: exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, clamp, sign.

The ones whose derivative is easiest from their own output (exp, sqrt, tanh, sigmoid, relu)
save the output; ``save_for_backward`` keeps it without a reference cycle.
"""
from __future__ import annotations

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Function, fast_lane, record_unary
from ..tensor.tensor import Tensor
from .helpers import out, result_dtype


def _float(a: Tensor):
    """Math on integer tensors gives the default float type, as in PyTorch."""
    return a._data if a._data.dtype.kind == "f" else a._data.astype(np.float32)


class Exp(Function):
    _node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(over="ignore"):  # exp(100.) = inf in float32, silently as in PyTorch
            y = out(a.xp.exp(_float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y  # d e^a/da = e^a


class Log(Function):
    _node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf, as in PyTorch
            return out(a.xp.log(_float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a  # d log(a)/da = 1/a


class Sqrt(Function):
    _node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            y = out(a.xp.sqrt(_float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (2 * y)  # d sqrt(a)/da = 1/(2 sqrt(a))


class Abs(Function):
    _node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(a.xp.abs(a._data), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sign()  # d|a|/da = sign(a) (0 at 0, as PyTorch)


class Sin(Function):
    _node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(a.xp.sin(_float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()  # d sin(a)/da = cos(a)


class Cos(Function):
    _node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(a.xp.cos(_float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * a.sin()  # d cos(a)/da = -sin(a)


class Tanh(Function):
    _node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        y = out(a.xp.tanh(_float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if not grad_mode.state.enabled:  # nothing to record (no create_graph): just the arrays
            return out(_tanh_grad(g._data, ctx._saved_array()), g._device)
        y, = ctx.saved_tensors
        return TanhGrad.apply(g, y)  # g * (1 - y^2): d tanh(a)/da = 1 - tanh(a)^2


def _tanh_grad(g, y):
    return g * (1 - y * y)


class TanhGrad(Function):
    """``g * (1 - y*y)`` as one op, as PyTorch's ``tanh_backward``: one array expression
    instead of three recorded ops, and still differentiable (for create_graph)."""
    _node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return out(_tanh_grad(g._data, y._data), g._device)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        return (TanhGrad.apply(gg, y) if ctx.needs_input_grad[0] else None,
                -2 * gg * g * y if ctx.needs_input_grad[1] else None)


class Sigmoid(Function):
    _node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        y = out(_sigmoid(a.xp, _float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if not grad_mode.state.enabled:  # nothing to record (no create_graph): just the arrays
            return out(_sigmoid_grad(g._data, ctx._saved_array()), g._device)
        y, = ctx.saved_tensors
        return SigmoidGrad.apply(g, y)  # g * y * (1 - y): d sigmoid(a)/da = y (1 - y)


def _sigmoid(xp, x):
    # Stable for large |a|: never exponentiate a large positive number. 1 / (1 + e^-a) for
    # a >= 0 and e^a / (1 + e^a) below, both as exp(min(a, 0)) / (1 + exp(-|a|)): the same
    # numbers without xp.where, which branches on every element (~3x slower here).
    return xp.exp(xp.minimum(x, 0)) / (1 + xp.exp(-xp.abs(x)))


def _sigmoid_grad(g, y):
    return g * y * (1 - y)


class SigmoidGrad(Function):
    """``g * y * (1 - y)`` as one op, as PyTorch's ``sigmoid_backward`` (see TanhGrad)."""
    _node_name = "SigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return out(_sigmoid_grad(g._data, y._data), g._device)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        return (SigmoidGrad.apply(gg, y) if ctx.needs_input_grad[0] else None,
                gg * g * (1 - 2 * y) if ctx.needs_input_grad[1] else None)


class Relu(Function):
    _node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        y = out(_relu(a.xp, a._data), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if not grad_mode.state.enabled:  # nothing to record (no create_graph): just the arrays
            return out(_zero_where_flat(ctx._saved_array(), g._data), g._device)
        y, = ctx.saved_tensors
        return ReluGrad.apply(g, y)  # d relu(a)/da = 1 where a > 0, else 0


def _relu(xp, x):
    return xp.maximum(x, 0).astype(x.dtype, copy=False)


def _zero_where_flat(y, g):
    """``g``, with 0 where ``y <= 0`` (where relu was flat), as PyTorch's threshold_backward:
    where y is nan the gradient passes. Not ``g * (y > 0)``: a nan or inf in g would give nan
    where relu was flat. Not ``xp.where`` either: on a mask without pattern NumPy's where
    branches on every element and runs ~10x slower than a product. Instead, clear all the
    bits of g where y <= 0 (a float with every bit clear is +0.0): same-size integer views
    and one AND, no branches."""
    bits = f"i{g.dtype.itemsize}"
    keep = (y <= 0).astype(bits) - 1  # 0 where y <= 0, else -1 (every bit set)
    return (g.view(bits) & keep).view(g.dtype)


class ReluGrad(Function):
    """``g``, with 0 where ``y <= 0``, as one op: PyTorch's ``threshold_backward``. One array
    expression instead of a comparison and a product, and still differentiable (for
    create_graph)."""
    _node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(y)
        return out(_zero_where_flat(y._data, g._data), g._device)

    @staticmethod
    def backward(ctx, gg):
        y, = ctx.saved_tensors
        # linear in g; flat (zero) in y, which PyTorch returns as zeros rather than nothing
        return (ReluGrad.apply(gg, y) if ctx.needs_input_grad[0] else None,
                out(gg.xp.zeros_like(gg._data), gg._device) if ctx.needs_input_grad[1] else None)


class Clamp(Function):
    _node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, min=None, max=None):  # noqa: A002 - PyTorch's names
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(a)
        ctx.bounds = (min, max)
        dt = result_dtype(a, *(b for b in (min, max) if b is not None))  # int.clamp(0.5): float
        return out(a.xp.clip(a._data, min, max), a._device, dt)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo, hi = ctx.bounds
        # the gradient passes where a was inside [min, max] (bounds included, as PyTorch)
        mask = None
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            mask = (a <= hi) if mask is None else mask & (a <= hi)
        return g * mask


def sign(a: Tensor) -> Tensor:
    """Not differentiable in a useful way: PyTorch gives it a zero gradient."""
    return Sign.apply(a, a.xp.sign(a._data))


class Sign(Function):
    _node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a, result):
        return out(result, a._device)

    @staticmethod
    def backward(ctx, g):
        return g * 0, None


def exp(a: Tensor) -> Tensor:
    return Exp.apply(a)


def log(a: Tensor) -> Tensor:
    return Log.apply(a)


def sqrt(a: Tensor) -> Tensor:
    return Sqrt.apply(a)


# The ops below record themselves directly in the common case (function.fast_lane): the
# same node, fields and saved tensor as their Function's apply, computed the same way.

def abs(a: Tensor) -> Tensor:  # noqa: A001
    if fast_lane(a):
        return record_unary(Abs, a, a.xp.abs(a._data), saves="input")
    return Abs.apply(a)


def sin(a: Tensor) -> Tensor:
    if fast_lane(a):
        return record_unary(Sin, a, a.xp.sin(a._data), saves="input")
    return Sin.apply(a)


def cos(a: Tensor) -> Tensor:
    if fast_lane(a):
        return record_unary(Cos, a, a.xp.cos(a._data), saves="input")
    return Cos.apply(a)


def tanh(a: Tensor) -> Tensor:
    if fast_lane(a):
        return record_unary(Tanh, a, a.xp.tanh(a._data), saves="output")
    return Tanh.apply(a)


def sigmoid(a: Tensor) -> Tensor:
    if fast_lane(a):
        return record_unary(Sigmoid, a, _sigmoid(a.xp, a._data), saves="output")
    return Sigmoid.apply(a)


def relu(a: Tensor) -> Tensor:
    if fast_lane(a):
        return record_unary(Relu, a, _relu(a.xp, a._data), saves="output")
    return Relu.apply(a)


def clamp(a: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .comparison import maximum, minimum
        r = a if min is None else maximum(a, min)
        return r if max is None else minimum(r, max)
    return Clamp.apply(a, min=min, max=max)


clip = clamp
