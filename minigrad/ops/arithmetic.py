"""+ - * / ** and negation. Each backward sums its gradient back to the input's shape
(``sum_to``), because broadcasting in forward copied the input along new dimensions.

+ - * / declare their array ``kernel`` (see autograd/fastpath.py): ``y * 2`` and the
arithmetic inside backward formulas and optimizers then take a cheaper route, with the same
results as ``forward`` and ``backward`` here, the reference."""
from __future__ import annotations

import math

import numpy as np

from ..autograd.fastpath import shared as _shared
from ..autograd.forward_ad import plus
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import broadcast_shape, into_out, operands, out, result_dtype, sum_to, writes_out


def _quiet():
    """x/0 = inf, 0/0 = nan and 10**400 = inf, as in PyTorch: without NumPy's warnings."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


class _Binary(Function):
    _scalar_edges = True  # PyTorch wraps Python numbers into tensors: they get (None, 0) edges

    @staticmethod
    def _setup(ctx, a, b):
        """The operands as arrays, the result's dtype and device; checks broadcasting."""
        xa, xb, dt, dev = operands(a, b)
        sa = xa.shape if isinstance(a, Tensor) else ()
        sb = xb.shape if isinstance(b, Tensor) else ()
        if sa != sb and sa and sb:
            broadcast_shape(sa, sb)  # PyTorch's error, not NumPy's
        _Binary.keep_operands(ctx, sa, sb, None if isinstance(b, Tensor) else b)
        return xa, xb, dt, dev

    @staticmethod
    def keep_operands(ctx, sa: tuple, sb: tuple, number) -> None:
        """What backward needs to know of the operands: their shapes (to sum a broadcast
        gradient back), and ``b`` when it is a Python number."""
        ctx.shapes, ctx.number = _shared[(sa, sb)], number


class Add(_Binary):
    _node_name = "AddBackward0"
    kernel = staticmethod(lambda xp, x, y: x + y)

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        return out(xa + xb, dev, dt)

    @staticmethod
    def backward(ctx, g):
        ### BEGIN SOLUTION chapter 3: the backward of add
        # d(a+b)/da = 1, d(a+b)/db = 1
        na, nb = ctx.needs_input_grad
        return (sum_to(g, ctx.shapes[0]) if na else None,
                sum_to(g, ctx.shapes[1]) if nb else None)
        ### END SOLUTION

    @staticmethod
    def jvp(fw, ta, tb):
        return plus(ta, tb)  # d(a+b) = da + db

    @staticmethod
    def backward_arrays(ctx, xp, g):
        if ctx.number is not None:  # a + number: the gradient passes to a as it is
            return g, None
        return None


class Sub(_Binary):
    _node_name = "SubBackward0"
    kernel = staticmethod(lambda xp, x, y: x - y)

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        if dt == np.bool_:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        return out(xa - xb, dev, dt)

    @staticmethod
    def backward(ctx, g):
        # d(a-b)/da = 1, d(a-b)/db = -1
        na, nb = ctx.needs_input_grad
        return (sum_to(g, ctx.shapes[0]) if na else None,
                sum_to(-g, ctx.shapes[1]) if nb else None)

    @staticmethod
    def jvp(fw, ta, tb):
        return plus(ta, None if tb is None else -tb)  # d(a-b) = da - db

    @staticmethod
    def backward_arrays(ctx, xp, g):
        if ctx.number is not None:  # a - number
            return g, None
        return None


class Mul(_Binary):
    _node_name = "MulBackward0"
    kernel = staticmethod(lambda xp, x, y: x * y)

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        if ctx.number is None:  # two tensors: save only what backward will need
            na, nb = ctx.needs_input_grad
            ctx.save_for_backward(a if nb else None, b if na else None)
        return out(xa * xb, dev, dt)

    @staticmethod
    def backward(ctx, g):
        ### BEGIN SOLUTION chapter 3: the backward of mul
        # d(a*b)/da = b, d(a*b)/db = a
        if ctx.number is not None:  # a * number
            return sum_to(g * ctx.number, ctx.shapes[0]), None
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g * b, ctx.shapes[0]) if na else None,
                sum_to(g * a, ctx.shapes[1]) if nb else None)
        ### END SOLUTION

    @staticmethod
    def jvp(fw, ta, tb):
        ### BEGIN SOLUTION chapter 13: the forward rule of mul
        # d(a*b) = da b + a db
        return plus(None if ta is None else ta * fw.b, None if tb is None else fw.a * tb)
        ### END SOLUTION

    @staticmethod
    def backward_arrays(ctx, xp, g):
        if ctx.number is not None:
            return g * ctx.number, None
        return None


class Div(_Binary):
    _node_name = "DivBackward0"
    kernel = staticmethod(lambda xp, x, y: _divide(x, y))

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        if dt.kind != "f":  # true division of integers gives the default float type
            dt = np.dtype(np.float32)
        if ctx.number is None:
            na, nb = ctx.needs_input_grad
            ctx.save_for_backward(a if nb else None, b)
        return out(_divide(xa, xb), dev, dt)

    @staticmethod
    def backward(ctx, g):
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        if ctx.number is not None:  # a / number
            return sum_to(g / ctx.number, ctx.shapes[0]), None
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g / b, ctx.shapes[0]) if na else None,
                sum_to(-g * a / (b * b), ctx.shapes[1]) if nb else None)

    @staticmethod
    def jvp(fw, ta, tb):
        # d(a/b) = da/b - a db/b^2
        return plus(None if ta is None else ta / fw.b,
                    None if tb is None else -tb * fw.a / (fw.b * fw.b))


def _divide(x, y):
    """x / y; by zero, and overflowing, silently as in PyTorch (inf, nan)."""
    if (type(y) is float or type(y) is int) and 1 <= abs(y) <= 65504:
        return x / y  # (a number that every float type holds, >= 1: nothing to silence)
    with _quiet():
        return x / y


class Neg(Function):
    _node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return out(-a._data, a._device)

    @staticmethod
    def backward(ctx, g):
        return -g  # d(-a)/da = -1

    @staticmethod
    def jvp(fw, ta):
        return -ta


class Reciprocal(Function):
    _node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, a):
        dt = a._data.dtype if a._data.dtype.kind == "f" else "float32"
        with _quiet():
            y = out(1.0 / a._data, a._device, dt)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return -g * y * y  # d(1/a)/da = -1/a^2

    @staticmethod
    def jvp(fw, ta):
        y = fw.output
        return -ta * y * y  # d(1/a) = -da/a^2


class PowScalar(Function):
    """tensor ** number"""
    _node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, exponent):
        if a._data.dtype.kind in "biu" and isinstance(exponent, int) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        with _quiet():
            return out(a._data ** exponent, a._device, result_dtype(a, exponent))

    @staticmethod
    def backward(ctx, g):
        ### BEGIN SOLUTION chapter 3: the backward of pow
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return g * 0, None
        return g * e * a ** (e - 1), None  # d(a^e)/da = e a^(e-1)
        ### END SOLUTION

    @staticmethod
    def jvp(fw, ta, _):
        e = fw.exponent
        return ta * 0 if e == 0 else ta * e * fw.a ** (e - 1)  # d(a^e) = e a^(e-1) da


class PowTensor(_Binary):
    """tensor ** tensor"""
    _node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        with _quiet():
            y = out(xa ** xb, dev, dt)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:  # d(a^b)/da = b a^(b-1); PyTorch takes it as 0 where b == 0 (even at a == 0)
            ga = sum_to(g * (b * a ** (b - 1)).where(b != 0, 0.0), ctx.shapes[0])
        if nb:  # d(a^b)/db = a^b log(a); PyTorch takes it as 0 where a == 0 and b >= 0
            safe = (a == 0) & (b >= 0)
            gb = sum_to(g * (y * a.where(~safe, 1.0).log()).where(~safe, 0.0), ctx.shapes[1])
        return ga, gb

    @staticmethod
    def jvp(fw, ta, tb):
        # d(a^b) = b a^(b-1) da + a^b log(a) db (zero where the backward takes it as zero)
        a, b, y = fw.a, fw.b, fw.output
        da = db = None
        if ta is not None:
            da = ta * (b * a ** (b - 1)).where(b != 0, 0.0)
        if tb is not None:
            safe = (a == 0) & (b >= 0)
            db = tb * (y * a.where(~safe, 1.0).log()).where(~safe, 0.0)
        return plus(da, db)


class RPow(Function):
    """number ** tensor"""
    _node_name = "PowBackward2"
    _scalar_edges = True

    @staticmethod
    def forward(ctx, base, b):
        with _quiet():
            y = out(base ** b._data, b._device, result_dtype(base, b))
        ctx.base = base
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        if ctx.base == 0:  # log(0) = -inf; PyTorch takes the gradient as 0 where b >= 0 (y <= 1)
            return None, (g * y * -math.inf).where(y > 1, 0.0)
        return None, g * y * math.log(ctx.base)  # d(c^b)/db = c^b log(c)

    @staticmethod
    def jvp(fw, _, tb):
        y = fw.output
        if fw.base == 0:
            return (tb * y * -math.inf).where(y > 1, 0.0)
        return tb * y * math.log(fw.base)  # d(c^b) = c^b log(c) db


class DivMode(_Binary):
    """a / b rounded down (``rounding_mode="floor"``) or toward 0 (``"trunc"``): piecewise
    constant, so its gradient is 0."""
    _node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, rounding_mode="floor"):
        xa, xb, dt, dev = _Binary._setup(ctx, a, b)
        xp = (a if isinstance(a, Tensor) else b).xp
        with _quiet():
            q = xp.floor_divide(xa, xb) if rounding_mode == "floor" else xp.trunc(xa / xb)
        return out(q, dev, dt)

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        return (sum_to(g * 0, ctx.shapes[0]) if na else None,
                sum_to(g * 0, ctx.shapes[1]) if nb else None)

    @staticmethod
    def jvp(fw, ta, tb):
        return plus(ta, tb) * 0  # piecewise constant


class FloorDivide(DivMode):
    """``a // b``: PyTorch gives floor_divide no derivative. Its node is ``NotImplemented``,
    and backward through it raises; ``div(a, b, rounding_mode="floor")`` is the one with a
    (zero) gradient."""
    _node_name = "NotImplemented"
    _node_fullname = "torch::autograd::NotImplemented"
    _scalar_edges = False  # (PyTorch's NotImplemented node has edges for tensors only)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")

    jvp = backward


def _check_alpha(a, other, alpha) -> None:
    if isinstance(alpha, float) and result_dtype(a, other).kind in "biu":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


# PyTorch's call forms: add(input, other, *, alpha=1, out=None) and so on. ``out=`` writes
# the result into an existing tensor (helpers.into_out); without it, one ``is None`` test.
def add(input, other, *, alpha=1, out=None) -> Tensor:
    if out is not None:
        return into_out("add", out, (input, other), lambda: add(input, other, alpha=alpha))
    if alpha != 1:
        _check_alpha(input, other, alpha)
        other = other * alpha
    if not isinstance(input, Tensor):
        return Add.apply(other, input) if isinstance(other, Tensor) else input + other
    return Add.apply(input, other)


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    if out is not None:
        return into_out("sub", out, (input, other), lambda: sub(input, other, alpha=alpha))
    if alpha != 1:
        _check_alpha(input, other, alpha)
        other = other * alpha
    if not isinstance(input, Tensor):
        return RsubScalar.apply(other, input)
    return Sub.apply(input, other)


class RsubScalar(_Binary):
    """number - tensor, stored as (tensor, number) like PyTorch's rsub."""
    _node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, t, number):
        xt, _, dt, dev = _Binary._setup(ctx, t, number)
        return out(number - xt, dev, dt)

    @staticmethod
    def backward(ctx, g):
        return -g if ctx.needs_input_grad[0] else None, None

    @staticmethod
    def jvp(fw, tt, _):
        return -tt  # d(number - t) = -dt


def mul(input, other, *, out=None) -> Tensor:
    if out is not None:
        return into_out("mul", out, (input, other), lambda: mul(input, other))
    if not isinstance(input, Tensor):
        input, other = other, input
    return Mul.apply(input, other)


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    if out is not None:
        return into_out("div", out, (input, other),
                        lambda: div(input, other, rounding_mode=rounding_mode))
    if rounding_mode is not None:
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or "
                               f"'floor' but found '{rounding_mode}'")
        return DivMode.apply(input, other, rounding_mode=rounding_mode)
    if not isinstance(input, Tensor):  # as PyTorch: n / t == t.reciprocal() * n
        return Mul.apply(Reciprocal.apply(other), input)
    return Div.apply(input, other)


@writes_out
@writes_out
def floor_divide(input, other, *, out: Tensor | None = None) -> Tensor:
    return FloorDivide.apply(input, other)


@writes_out
def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Neg.apply(input)


@writes_out
def reciprocal(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    return Reciprocal.apply(input)


@writes_out
def pow(input, exponent, *, out: Tensor | None = None) -> Tensor:  # noqa: A001 - PyTorch's name
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return PowTensor.apply(input, exponent)
        return PowScalar.apply(input, exponent)
    return RPow.apply(input, exponent)
