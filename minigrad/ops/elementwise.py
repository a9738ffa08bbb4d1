"""Elementwise math: exp, log(1p), sqrt, abs, sin, cos, tanh, sigmoid, relu, softplus, clamp...

Those whose derivative is easiest from their own output (exp, sqrt, tanh, sigmoid, relu) save it
(``save_for_backward`` keeps it without a reference cycle). Some declare an array ``kernel``, what
they ``saves`` and (tanh, sigmoid, relu) a ``backward_arrays``: fastpath.py's cheaper route."""
from __future__ import annotations

import numpy as np

from ..autograd.fastpath import saved_arrays
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from ..tensor.dtypes import type_name
from .helpers import out, result_dtype, writes_out


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

    @staticmethod
    def jvp(fw, ta):
        ### BEGIN SOLUTION chapter 13: the forward rule of exp
        return ta * fw.output  # d e^a = e^a da
        ### END SOLUTION


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

    @staticmethod
    def jvp(fw, ta):
        return ta / fw.a  # d log(a) = da/a


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

    @staticmethod
    def jvp(fw, ta):
        return ta / (2 * fw.output)  # d sqrt(a) = da/(2 sqrt(a))


class Abs(Function):
    _node_name = "AbsBackward0"
    kernel, saves = staticmethod(lambda xp, x: xp.abs(x)), "input"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(Abs.kernel(a.xp, a._data), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sign()  # d|a|/da = sign(a) (0 at 0, as PyTorch)

    @staticmethod
    def jvp(fw, ta):
        return ta * fw.a.sign()  # d|a| = sign(a) da


class Sin(Function):
    _node_name = "SinBackward0"
    kernel, saves = staticmethod(lambda xp, x: xp.sin(x)), "input"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(Sin.kernel(a.xp, _float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()  # d sin(a)/da = cos(a)

    @staticmethod
    def jvp(fw, ta):
        ### BEGIN SOLUTION chapter 13: the forward rule of sin
        return ta * fw.a.cos()  # d sin(a) = cos(a) da
        ### END SOLUTION


class Cos(Function):
    _node_name = "CosBackward0"
    kernel, saves = staticmethod(lambda xp, x: xp.cos(x)), "input"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return out(Cos.kernel(a.xp, _float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * a.sin()  # d cos(a)/da = -sin(a)

    @staticmethod
    def jvp(fw, ta):
        return -ta * fw.a.sin()  # d cos(a) = -sin(a) da


class Tanh(Function):
    _node_name = "TanhBackward0"
    kernel, saves = staticmethod(lambda xp, x: xp.tanh(x)), "output"

    @staticmethod
    def forward(ctx, a):
        y = out(Tanh.kernel(a.xp, _float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return TanhGrad.apply(g, y)  # g * (1 - y^2): d tanh(a)/da = 1 - tanh(a)^2

    @staticmethod
    def jvp(fw, ta):
        return TanhGrad.apply(ta, fw.output)  # (1 - tanh(a)^2) da

    @staticmethod
    def backward_arrays(ctx, xp, g):
        y, = saved_arrays(ctx)
        return (_tanh_grad(g, y),)


def _tanh_grad(g, y):
    return g * (1 - y * y)


class TanhGrad(Function):
    """``g * (1 - y*y)`` as one op, as PyTorch's ``tanh_backward``: one array expression
    instead of three recorded ops, and still differentiable (for create_graph):
    d/dg = 1 - y^2 (the op itself, applied to the incoming gg), d/dy = -2 g y."""
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

    @staticmethod
    def jvp(fw, tg, ty):  # d(g (1 - y^2)) = dg (1 - y^2) - 2 g y dy
        from ..autograd.forward_ad import plus
        return plus(None if tg is None else TanhGrad.apply(tg, fw.y),
                    None if ty is None else -2 * fw.g * fw.y * ty)


class Sigmoid(Function):
    _node_name = "SigmoidBackward0"
    kernel, saves = staticmethod(lambda xp, x: _sigmoid(xp, x)), "output"

    @staticmethod
    def forward(ctx, a):
        y = out(Sigmoid.kernel(a.xp, _float(a)), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return SigmoidGrad.apply(g, y)  # g * y * (1 - y): d sigmoid(a)/da = y (1 - y)

    @staticmethod
    def jvp(fw, ta):
        return SigmoidGrad.apply(ta, fw.output)  # y (1 - y) da

    @staticmethod
    def backward_arrays(ctx, xp, g):
        y, = saved_arrays(ctx)
        return (_sigmoid_grad(g, y),)


def _sigmoid(xp, x):
    # Stable for large |a|: never exponentiate a large positive number. 1 / (1 + e^-a) for
    # a >= 0 and e^a / (1 + e^a) below, both as exp(min(a, 0)) / (1 + exp(-|a|)), which is
    # branch-free (xp.where would branch on every element).
    return xp.exp(xp.minimum(x, 0)) / (1 + xp.exp(-xp.abs(x)))


def _sigmoid_grad(g, y):
    return g * y * (1 - y)


class SigmoidGrad(Function):
    """``g * y * (1 - y)`` as one op, as PyTorch's ``sigmoid_backward`` (see TanhGrad):
    d/dg = y (1 - y) (the op itself, applied to gg), d/dy = g (1 - 2y)."""
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

    @staticmethod
    def jvp(fw, tg, ty):  # d(g y (1 - y)) = dg y (1 - y) + g (1 - 2y) dy
        from ..autograd.forward_ad import plus
        return plus(None if tg is None else SigmoidGrad.apply(tg, fw.y),
                    None if ty is None else fw.g * (1 - 2 * fw.y) * ty)


class Relu(Function):
    _node_name = "ReluBackward0"
    kernel, saves = staticmethod(lambda xp, x: _relu(xp, x)), "output"

    @staticmethod
    def forward(ctx, a):
        y = out(Relu.kernel(a.xp, a._data), a._device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return ReluGrad.apply(g, y)  # d relu(a)/da = 1 where a > 0, else 0

    @staticmethod
    def jvp(fw, ta):
        return ReluGrad.apply(ta, fw.output)  # da where a > 0, else 0

    @staticmethod
    def backward_arrays(ctx, xp, g):
        y, = saved_arrays(ctx)
        return (_zero_where_flat(y, g),)


def _relu(xp, x):
    return xp.maximum(x, 0).astype(x.dtype, copy=False)


def _zero_where_flat(y, g):
    """``g``, with 0 where ``y <= 0`` (where relu was flat), as PyTorch's threshold_backward:
    where y is nan the gradient passes. Not ``g * (y > 0)``: a nan or inf in g would give nan
    where relu was flat. Not ``xp.where`` either, which branches on every element. Instead,
    clear all the bits of g where y <= 0 (a float with every bit clear is +0.0): same-size
    integer views and one AND, no branches."""
    bits = f"i{g.dtype.itemsize}"
    keep = (y <= 0).astype(bits) - 1  # 0 where y <= 0, else -1 (every bit set)
    return (g.view(bits) & keep).view(g.dtype)


class ReluGrad(Function):
    """``g``, with 0 where ``y <= 0``, as one op: PyTorch's ``threshold_backward``. One array
    expression instead of a comparison and a product, and still differentiable (for
    create_graph): linear in g (d/dg is the op itself, applied to gg); piecewise constant
    in y (d/dy = 0)."""
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

    @staticmethod
    def jvp(fw, tg, ty):  # linear in g, flat in y
        return None if tg is None else ReluGrad.apply(tg, fw.y)


class Softplus(Function):
    """``softplus(x) = log(1 + exp(beta x)) / beta``, a smooth relu, and ``x`` itself where
    ``beta x > threshold`` (PyTorch's linear tail, where the two agree to float precision).
    A Function as chapter 9 writes them: forward in a form whose exponent is never positive
    (``exp(89.)`` is inf in float32; PyTorch relies on the tail, and overflows for thresholds
    past 88), backward the gradient arriving times the derivative, ``sigmoid(beta x)``."""
    _node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta=1.0, threshold=20.0):
        ### BEGIN SOLUTION chapter 9: softplus's forward, saving what backward needs
        ctx.save_for_backward(a)        # the derivative is sigmoid(beta a): keep the input
        ctx.beta, ctx.threshold = beta, threshold
        xp, x = a.xp, a._data
        bx = x * beta
        # log(1 + e^bx) = max(bx, 0) + log(1 + e^-|bx|): the exponent is never positive
        soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
        return out(xp.where(bx > threshold, x, soft), a._device, x.dtype)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, g):
        ### BEGIN SOLUTION chapter 9: softplus's backward, from what forward saved
        a, = ctx.saved_tensors
        ba = a * ctx.beta
        # d softplus/da = sigmoid(beta a); 1 on the linear tail
        return (g * ba.sigmoid()).where(ba <= ctx.threshold, g)
        ### END SOLUTION


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

    @staticmethod
    def jvp(fw, ta):
        a, lo, hi = fw.a, fw.min, fw.max  # da where a is inside [min, max], as backward
        mask = a >= lo if lo is not None else None
        if hi is not None:
            mask = (a <= hi) if mask is None else mask & (a <= hi)
        return ta * mask


@writes_out
def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Sign.apply(input)


class Sign(Function):
    """Piecewise constant: PyTorch gives it a zero gradient."""
    _node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return out(a.xp.sign(a._data), a._device)

    @staticmethod
    def backward(ctx, g):
        return g * 0

    @staticmethod
    def jvp(fw, ta):
        return ta * 0


@writes_out
def exp(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Exp.apply(input)


@writes_out
def log(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Log.apply(input)


class Log1p(Function):
    """``log(1 + a)``, exact for tiny ``a`` where ``log(1 + a)`` would round 1 + a to 1."""
    _node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):  # log1p(-1) = -inf, as in PyTorch
            return out(a.xp.log1p(_float(a)), a._device)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a + 1)  # d log(1 + a)/da = 1/(1 + a)

    @staticmethod
    def jvp(fw, ta):
        return ta / (fw.a + 1)


@writes_out
def log1p(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Log1p.apply(input)


@writes_out(name="pow")  # (PyTorch's square is pow(input, 2))
def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return input * input


@writes_out
def rsqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return input.sqrt().reciprocal()


@writes_out
def sqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Sqrt.apply(input)


@writes_out
def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A001
    return Abs.apply(input)


@writes_out
def sin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Sin.apply(input)


@writes_out
def cos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Cos.apply(input)


@writes_out
def tanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Tanh.apply(input)


@writes_out
def sigmoid(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    if not input.is_floating_point():
        kernel = "softplus_cuda" if input.device.type == "cuda" else "softplus_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(input.dtype)}'")
    return Softplus.apply(input, beta=beta, threshold=threshold)


@writes_out
def clamp(input: Tensor, min=None, max=None, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .comparison import _as_tensor, maximum, minimum
        r = input if min is None else maximum(input, _as_tensor(min, input))
        return r if max is None else minimum(r, _as_tensor(max, input))
    return Clamp.apply(input, min=min, max=max)


clip = clamp
