"""Every op of ``minigrad.ops``, declared once in a table and checked five ways.

In the spirit of Chainer's ``FunctionTestCase``: an ``OpCase`` says how to call an op and what
its inputs look like, and the parametrized tests below run every case through

1. forward against PyTorch: values, dtype, shape, requires_grad — float32 and float64, on every
   device (``device`` fixture);
2. backward against PyTorch: the gradient of every input, for the same random upstream gradient;
3. ``gradcheck`` against finite differences, in float64 (needs no PyTorch);
4. ``gradgradcheck`` in float64, for every op that is twice differentiable;
5. the output's ``grad_fn``: its class name and ``name()`` against PyTorch's, for every output.

Inputs keep away from the points where an op has no derivative (|x| away from 0 for abs, relu,
sqrt, log; distinct values for max and min), so that finite differences mean something. The
points themselves — ties, kinks, zeros — are cases of their own, checked against PyTorch only.

The tables after the op cases check type promotion and error messages against PyTorch's.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest

import minigrad
from minigrad.autograd import gradcheck, gradgradcheck


# ---------------------------------------------------------------------------------------------
# Inputs: how to make each tensor argument of an op
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class In:
    """One tensor argument: ``make(rng, position)`` gives its values as a NumPy array; ``grad``
    says whether it is differentiated (floats only)."""
    make: Callable[[np.random.Generator, int], np.ndarray]
    grad: bool = True
    label: str = ""

    def __repr__(self) -> str:
        return self.label


def N(*shape) -> In:
    """Standard normal values."""
    return In(lambda rng, i: rng.standard_normal(shape), label=f"N{shape}")


def U(*shape, lo: float = -2.0, hi: float = 2.0, avoid: tuple = ()) -> In:
    """Uniform in [lo, hi], at least 0.1 away from every point in ``avoid``."""
    def make(rng, i):
        x = rng.uniform(lo, hi, shape)
        for _ in range(100):
            near = np.zeros(shape, dtype=bool)
            for p in avoid:
                near |= np.abs(x - p) < 0.1
            if not near.any():
                return x
            x = np.where(near, rng.uniform(lo, hi, shape), x)
        raise AssertionError("could not draw values away from " + repr(avoid))
    return In(make, label=f"U{shape}")


def P(*shape) -> In:
    """Positive values in [0.5, 2] (log, sqrt, fractional powers, division)."""
    return U(*shape, lo=0.5, hi=2.0)


def NZ(*shape) -> In:
    """Values in [-2, 2] at least 0.1 away from 0 (abs, relu, division, sign)."""
    return U(*shape, avoid=(0.0,))


def D(*shape) -> In:
    """Distinct values with distinct absolute values, none near 0, at least 0.1 apart — also
    from every other ``D`` argument of the same case (max, min, maximum, the inf-norm)."""
    def make(rng, i):
        n = int(np.prod(shape, dtype=np.int64))
        mags = 0.2 + 0.1 * (i % 3) + 0.3 * rng.permutation(n)
        return (mags * rng.choice([-1.0, 1.0], n)).reshape(shape)
    return In(make, label=f"D{shape}")


def I(*shape) -> In:  # noqa: E743 - short name, like the others
    """Small whole numbers 0, 1, 2 as floats: equal values on purpose (comparisons)."""
    return In(lambda rng, i: rng.integers(0, 3, shape).astype(np.float64), label=f"I{shape}")


def F(values) -> In:
    """Fixed float values, differentiated (ties, kinks, zeros)."""
    arr = np.asarray(values, dtype=np.float64)
    return In(lambda rng, i: arr, label=f"F{list(arr.shape)}")


def const(spec: In) -> In:
    """The same values, not differentiated (PyTorch's matmul, for one, plans by requires_grad)."""
    return In(spec.make, grad=False, label=f"const({spec.label})")


def K(values, dtype=None) -> In:
    """A constant argument that is not differentiated: a bool mask, an int index, floats."""
    arr = np.asarray(values, dtype=dtype)
    return In(lambda rng, i: arr, grad=False, label=f"K{list(arr.shape)}")


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------

@dataclass
class OpCase:
    """One op on one kind of input.

    ``fn`` is a name — ``"exp"`` calls ``T.exp(*inputs, **kwargs)``, ``".sum"`` calls
    ``inputs[0].sum(*inputs[1:], **kwargs)`` — or a callable ``fn(T, *inputs, **kwargs)``, with
    ``T`` the module: minigrad, or torch for the reference. ``torch_fn`` is only given where
    PyTorch spells the call differently.
    """
    name: str
    fn: "str | Callable"
    inputs: tuple
    kwargs: dict = field(default_factory=dict)
    torch_fn: "str | Callable | None" = None
    grad: bool = True       # False: the op has no gradient (bool / int results)
    gradgrad: bool = True   # False: not twice differentiable, no gradgradcheck
    fd: bool = True         # False: at ties and kinks, where finite differences mean nothing
    known: dict = field(default_factory=dict)  # check -> why it fails for now (strict xfail)

    def __repr__(self) -> str:
        return self.name


def op(name, fn, *inputs, **opts) -> OpCase:
    kwargs = opts.pop("kw", {})
    return OpCase(name, fn, inputs, kwargs, **opts)


CASES: list[OpCase] = []


def _masked_fill(T):
    """``torch.masked_fill``; minigrad has it in ``ops`` (Tensor.masked_fill goes to where)."""
    return minigrad.ops.masked_fill if T is minigrad else T.masked_fill


# --- + - * / ** between tensors, with broadcasting --------------------------------------------
BROADCAST = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1), (1, 3)),
             ((4, 1, 3), (2, 1)), ((2, 3), ()), ((), (2, 3)), ((), ())]
BINARY = {
    "add": (lambda T, a, b: a + b, N, N),
    "sub": (lambda T, a, b: a - b, N, N),
    "mul": (lambda T, a, b: a * b, N, N),
    "div": (lambda T, a, b: a / b, N, NZ),
    "pow": (lambda T, a, b: a ** b, P, N),
}
for _name, (_fn, _ga, _gb) in BINARY.items():
    for _sa, _sb in BROADCAST:
        CASES.append(op(f"{_name}{list(_sa)}{list(_sb)}", _fn, _ga(*_sa), _gb(*_sb)))
CASES += [
    op("torch.add(alpha)", "add", N(2, 3), N(3), kw=dict(alpha=2)),
    op("torch.sub(alpha)", "sub", N(2, 3), N(2, 1), kw=dict(alpha=0.5)),
    op("torch.mul", "mul", N(2, 3), N(3)),
    op("torch.div", "div", N(2, 3), NZ(2, 1)),
    op("torch.pow(t,t)", "pow", P(2, 3), N(3)),
    op(".add", ".add", N(2, 3), N(3)),
    op(".mul", ".mul", N(2, 3), N(2, 1)),
]

# --- tensor-scalar, scalar-tensor, unary minus, pow -------------------------------------------
CASES += [
    op("t+2.5", lambda T, a: a + 2.5, N(2, 3)),
    op("2.5+t", lambda T, a: 2.5 + a, N(2, 3)),
    op("t+2", lambda T, a: a + 2, N(2, 3)),
    op("t-2", lambda T, a: a - 2, N(2, 3)),
    op("2-t", lambda T, a: 2 - a, N(2, 3)),
    op("t*2.5", lambda T, a: a * 2.5, N(2, 3)),
    op("2.5*t", lambda T, a: 2.5 * a, N(2, 3)),
    op("t/4", lambda T, a: a / 4, N(2, 3)),
    op("4/t", lambda T, a: 4 / a, NZ(2, 3)),
    op("-t", lambda T, a: -a, N(2, 3)),
    op("torch.neg", "neg", N(2, 3)),
    op("reciprocal", "reciprocal", NZ(2, 3)),
    op("t**2", lambda T, a: a ** 2, N(2, 3)),
    op("t**3", lambda T, a: a ** 3, N(2, 3)),
    op("t**0", lambda T, a: a ** 0, N(2, 3)),
    op("t**0.5", lambda T, a: a ** 0.5, P(2, 3)),
    op("t**-1.5", lambda T, a: a ** -1.5, P(2, 3)),
    op("torch.pow(t,2.0)", "pow", N(2, 3), kw=dict(exponent=2.0)),
    op(".pow(3)", ".pow", N(2, 3), kw=dict(exponent=3)),
    op("2**t", lambda T, a: 2 ** a, N(2, 3)),
    op("0.5**t", lambda T, a: 0.5 ** a, N(2, 3)),
    op("torch.pow(2.0,t)", lambda T, a: T.pow(2.0, a), N(2, 3)),
]

# --- elementwise math -------------------------------------------------------------------------
CASES += [
    op("exp", "exp", N(2, 3)),
    op("log", "log", P(2, 3)),
    op("sqrt", "sqrt", P(2, 3)),
    op("abs", "abs", NZ(2, 3)),
    op("sin", "sin", N(2, 3)),
    op("cos", "cos", N(2, 3)),
    op("tanh", "tanh", N(2, 3)),
    op("sigmoid", "sigmoid", N(2, 3)),
    op("sigmoid(large)", "sigmoid", F([-30.0, -5.0, 0.0, 5.0, 30.0])),
    op("relu", "relu", NZ(2, 3)),
    op("sign", "sign", NZ(2, 3)),
    op("log1p", "log1p", P(2, 3)),
    op("log1p(near 0)", "log1p", F([-0.5, -1e-4, 1e-8, 1e-4, 3.0])),
    op(".log1p", ".log1p", P(3)),
    op("sort", "sort", D(2, 4)),
    op("sort(dim=0, descending)", "sort", D(3, 2), kw=dict(dim=0, descending=True)),
    op(".sort(stable)", ".sort", D(5), kw=dict(stable=True)),
    op("sort(values)", lambda T, a: T.sort(a, -1, True).values * 2, D(2, 3, 2)),
    op(".exp", ".exp", N(3)),
    op(".log", ".log", P(3)),
    op(".sqrt", ".sqrt", P(3)),
    op(".abs", ".abs", NZ(3)),
    op(".tanh", ".tanh", N(3)),
    op(".sigmoid", ".sigmoid", N(3)),
    op(".relu", ".relu", NZ(3)),
    op("clamp(min,max)", "clamp", U(2, 3, avoid=(-0.5, 0.5)), kw=dict(min=-0.5, max=0.5)),
    op("clamp(min)", "clamp", U(2, 3, avoid=(-0.5,)), kw=dict(min=-0.5)),
    op("clamp(max)", "clamp", U(2, 3, avoid=(0.5,)), kw=dict(max=0.5)),
    op(".clamp(min,max)", ".clamp", U(2, 3, avoid=(-1.0, 1.0)), kw=dict(min=-1, max=1)),
    op(".clip(max)", ".clip", U(2, 3, avoid=(0.3,)), kw=dict(max=0.3)),
]

# --- maximum, minimum, where ------------------------------------------------------------------
CASES += [
    op("maximum", "maximum", D(2, 3), D(2, 3)),
    op("maximum(bcast)", "maximum", D(2, 3), D(3)),
    op("minimum", "minimum", D(2, 3), D(2, 3)),
    op("minimum(bcast)", "minimum", D(2, 1), D(1, 3)),
    op(".maximum", ".maximum", D(3), D(3)),
    op("where", "where", K([[True, False, True], [False, False, True]]), N(2, 3), N(2, 3)),
    op("where(bcast)", "where", K([[True, False, True], [False, False, True]]), N(2, 3), N(3)),
    op("where(bcast cond)", "where", K([True, False, True]), N(2, 3), N(2, 1)),
    op("where(t,scalar)", lambda T, c, a: T.where(c, a, 0.0), K([True, False, True]), N(2, 3)),
    op("where(scalar,t)", lambda T, c, a: T.where(c, 1.5, a), K([True, False, True]), N(2, 3)),
    op("masked_fill", lambda T, a, m: _masked_fill(T)(a, m, 0.5), N(2, 3),
       K([True, False, True])),
    op("masked_fill(0-d t)", lambda T, a, m, v: _masked_fill(T)(a, m, v), N(2, 3),
       K([[True, False, True], [False, False, True]]), N()),
    op(".where", lambda T, c, a, b: a.where(c, b), K([True, False, True]), N(2, 3), N(2, 3)),
]

# --- comparisons: forward only, bool results that never require grad -------------------------
for _name in ("eq", "ne", "gt", "lt", "ge", "le"):
    CASES += [
        op(f"{_name}", _name, I(2, 3), I(2, 3), grad=False),
        op(f"{_name}(bcast)", _name, I(2, 3), I(3), grad=False),
        op(f"{_name}(scalar)", _name, I(2, 3), kw=dict(other=1.0), grad=False),
    ]
CASES += [
    op("t==t", lambda T, a, b: a == b, I(2, 3), I(2, 3), grad=False),
    op("t!=1", lambda T, a: a != 1, I(2, 3), grad=False),
    op("t>t", lambda T, a, b: a > b, I(2, 3), I(2, 1), grad=False),
    op("t<1", lambda T, a: a < 1, I(2, 3), grad=False),
    op("t>=t", lambda T, a, b: a >= b, I(2, 3), I(3), grad=False),
    op("1<=t", lambda T, a: 1 <= a, I(2, 3), grad=False),
]

# --- reductions -------------------------------------------------------------------------------
for _red in ("sum", "mean"):
    CASES += [
        op(f"{_red}()", _red, N(2, 3)),
        op(f".{_red}()", f".{_red}", N(2, 3, 4)),
        op(f"{_red}(dim=1)", _red, N(2, 3, 4), kw=dict(dim=1)),
        op(f"{_red}(dim=(0,2))", _red, N(2, 3, 4), kw=dict(dim=(0, 2))),
        op(f"{_red}(dim=-1,keepdim)", _red, N(2, 3, 4), kw=dict(dim=-1, keepdim=True)),
        op(f"{_red}(dim=(-1,0),keepdim)", f".{_red}", N(2, 3, 4), kw=dict(dim=(-1, 0),
                                                                          keepdim=True)),
        op(f"{_red}(0-d)", _red, N()),
    ]
for _red in ("var", "std"):
    CASES += [
        op(f"{_red}()", _red, N(2, 3)),
        op(f"{_red}(dim=1)", f".{_red}", N(2, 3, 4), kw=dict(dim=1)),
        op(f"{_red}(dim=(0,2))", _red, N(2, 3, 4), kw=dict(dim=(0, 2))),
        op(f"{_red}(dim=-1,keepdim)", _red, N(2, 3, 4), kw=dict(dim=-1, keepdim=True)),
        op(f"{_red}(unbiased=False)", _red, N(2, 3), kw=dict(unbiased=False)),
        op(f"{_red}(dim=0,unbiased=False)", f".{_red}", N(3, 2), kw=dict(dim=0, unbiased=False)),
        op(f"{_red}(correction=0)", _red, N(2, 3), kw=dict(dim=1, correction=0)),
        op(f"{_red}(correction=2)", f".{_red}", N(2, 4), kw=dict(dim=-1, correction=2)),
    ]
for _red in ("max", "min"):
    CASES += [
        op(f"{_red}()", _red, D(2, 3)),
        op(f".{_red}()", f".{_red}", D(4)),
        op(f"{_red}(dim=1)", _red, D(2, 3, 4), kw=dict(dim=1)),
        op(f"{_red}(dim=-1,keepdim)", f".{_red}", D(2, 3), kw=dict(dim=-1, keepdim=True)),
        op(f"{_red}(0, positional)", lambda T, a, _r=_red: getattr(a, _r)(0), D(3, 2)),
        op(f"{_red}(t,t)", _red, D(2, 3), D(3)),
    ]
for _arg in ("argmax", "argmin"):
    CASES += [
        op(f"{_arg}()", _arg, D(2, 3), grad=False),
        op(f"{_arg}(dim=1)", _arg, D(2, 3, 4), kw=dict(dim=1), grad=False),
        op(f"{_arg}(dim=-1,keepdim)", f".{_arg}", D(2, 3), kw=dict(dim=-1, keepdim=True),
           grad=False),
    ]
CASES += [
    op("amax()", "amax", D(2, 3)),
    op("amax(dim=1)", ".amax", D(2, 3), kw=dict(dim=1)),
    op("norm()", "norm", N(2, 3)),
    op(".norm()", ".norm", N(4)),
    op("norm(p=1)", "norm", NZ(2, 3), kw=dict(p=1)),
    op("norm(p=3)", "norm", NZ(2, 3), kw=dict(p=3)),
    op("norm(p=inf)", "norm", D(2, 3), kw=dict(p=float("inf"))),
    op("norm(dim=1)", "norm", N(2, 3), kw=dict(dim=1)),
    op("norm(p=1,dim=0)", ".norm", NZ(2, 3), kw=dict(p=1, dim=0)),
    op("norm(p=3,dim=-1,keepdim)", ".norm", NZ(2, 3), kw=dict(p=3, dim=-1, keepdim=True)),
    op("norm(p=inf,dim=1)", ".norm", D(2, 3), kw=dict(p=float("inf"), dim=1)),
    op("norm(p=2,dim=(0,1))", "norm", N(2, 3), kw=dict(p=2, dim=(0, 1))),
    op("norm(dim=(0,1))", "norm", N(2, 3), kw=dict(dim=(0, 1))),
    op("norm(p=2.5)", "norm", NZ(2, 3), kw=dict(p=2.5, dim=1)),
    op("norm(p=-inf)", ".norm", D(2, 3), kw=dict(p=-float("inf"), dim=1)),
    op("norm(p=0)", "norm", F([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0]]), kw=dict(p=0, dim=1),
       fd=False),
    op("logsumexp(dim=1)", "logsumexp", N(2, 3), kw=dict(dim=1)),
    op("logsumexp(dim=(0,1))", "logsumexp", N(2, 3), kw=dict(dim=(0, 1))),
    op("logsumexp(-1,keepdim)", ".logsumexp", N(2, 3, 2), kw=dict(dim=-1, keepdim=True)),
    op("logsumexp(large)", "logsumexp", F([[1000.0, 1001.0], [-1000.0, -1002.0]]),
       kw=dict(dim=1)),
    op("prod()", "prod", NZ(2, 3)),
    op("prod(dim=1)", "prod", NZ(2, 3), kw=dict(dim=1)),
    op("prod(dim=-1,keepdim)", ".prod", NZ(3, 2), kw=dict(dim=-1, keepdim=True)),
]

# --- softmax ------------------------------------------------------------------------------
CASES += [
    op("softmax(0)", "softmax", N(3, 4), kw=dict(dim=0)),
    op("softmax(-1)", "softmax", N(3, 4), kw=dict(dim=-1)),
    op(".softmax(1)", ".softmax", N(2, 3, 2), kw=dict(dim=1)),
    op("log_softmax(0)", "log_softmax", N(3, 4), kw=dict(dim=0)),
    op("log_softmax(-1)", "log_softmax", N(3, 4), kw=dict(dim=-1)),
    op(".log_softmax(1)", ".log_softmax", N(2, 3, 2), kw=dict(dim=1)),
    op("softmax(large)", "softmax", F([[1000.0, 1001.0], [-1000.0, -1002.0]]), kw=dict(dim=1)),
]

# --- matrix products --------------------------------------------------------------------------
CASES += [
    op("1d@1d", lambda T, a, b: a @ b, N(3), N(3)),
    op("2d@1d", lambda T, a, b: a @ b, N(2, 3), N(3)),
    op("1d@2d", lambda T, a, b: a @ b, N(3), N(3, 4)),
    op("2d@2d", lambda T, a, b: a @ b, N(2, 3), N(3, 4)),
    op("3d@3d", lambda T, a, b: a @ b, N(2, 2, 3), N(2, 3, 4)),
    op("3d@2d", lambda T, a, b: a @ b, N(2, 2, 3), N(3, 4)),
    op("2d@3d", lambda T, a, b: a @ b, N(2, 3), N(2, 3, 4)),
    op("4d@3d", lambda T, a, b: a @ b, N(2, 1, 2, 3), N(3, 3, 2)),
    op("2d@3d (a const)", lambda T, a, b: a @ b, const(N(2, 3)), N(2, 3, 4)),
    op("2d@3d (b const)", lambda T, a, b: a @ b, N(2, 3), const(N(2, 3, 4))),
    op("1-row@3d", lambda T, a, b: a @ b, N(1, 3), N(2, 3, 4)),
    op("2d@3d->1-col", lambda T, a, b: a @ b, N(2, 3), N(3, 3, 1)),
    op("3d(batch 1)@3d", lambda T, a, b: a @ b, N(1, 2, 3), N(2, 3, 4)),
    op("3d@3d(batch 1)", lambda T, a, b: a @ b, N(2, 2, 3), N(1, 3, 4)),
    op("3d(batch 1, const)@3d", lambda T, a, b: a @ b, const(N(1, 2, 3)), N(2, 3, 4)),
    op("3d@2d (b const)", lambda T, a, b: a @ b, N(2, 2, 3), const(N(3, 4))),
    op("1d@3d (a const)", lambda T, a, b: a @ b, const(N(3)), N(2, 3, 4)),
    op("3d@1d", lambda T, a, b: a @ b, N(2, 2, 3), N(3)),
    op("1d@3d", lambda T, a, b: a @ b, N(3), N(2, 3, 4)),
    op("matmul", "matmul", N(2, 3), N(3, 4)),
    op(".matmul", ".matmul", N(2, 2, 3), N(3)),
    op("mm", "mm", N(2, 3), N(3, 4)),
    op("bmm", "bmm", N(2, 2, 3), N(2, 3, 4)),
    op("mv", "mv", N(2, 3), N(3)),
    op("dot", "dot", N(3), N(3)),
    op(".mm", ".mm", N(2, 3), N(3, 2)),
]

# --- shapes ---------------------------------------------------------------------------------
CASES += [
    op("reshape", lambda T, a: a.reshape(3, 2), N(2, 3)),
    op(".reshape(tuple)", lambda T, a: a.reshape((1, 6)), N(2, 3)),
    op("reshape(-1)", lambda T, a: a.reshape(-1), N(2, 3)),
    op("reshape(non-contiguous)", lambda T, a: a.t().reshape(6), N(2, 3)),
    op("torch.reshape", "reshape", N(2, 3), kw=dict(shape=(1, 6))),
    op("view", lambda T, a: a.view(3, 2), N(2, 3)),
    op("view(-1,2)", lambda T, a: a.view(-1, 2), N(2, 3)),
    op("view_as", lambda T, a, b: a.view_as(b), N(2, 3), N(6)),
    op("flatten", "flatten", N(2, 3, 2)),
    op("flatten(1)", ".flatten", N(2, 3, 2), kw=dict(start_dim=1)),
    op("flatten(0,1)", ".flatten", N(2, 3, 2), kw=dict(start_dim=0, end_dim=1)),
    op("transpose", "transpose", N(2, 3, 4), kw=dict(dim0=0, dim1=2)),
    op(".transpose(-1,-2)", lambda T, a: a.transpose(-1, -2), N(2, 3, 4)),
    op("t", "t", N(2, 3)),
    op(".t", ".t", N(2, 3)),
    op(".t(1d)", ".t", N(3)),
    op(".T", lambda T, a: a.T, N(2, 3)),
    op(".mT", lambda T, a: a.mT, N(2, 3, 4)),
    op("permute", lambda T, a: a.permute(2, 0, 1), N(2, 3, 4)),
    op("narrow", "narrow", N(3, 4), kw=dict(dim=1, start=1, length=2)),
    op(".narrow(neg)", lambda T, a: a.narrow(0, -2, 2), N(3, 4)),
    op("select", "select", N(2, 3, 4), kw=dict(dim=1, index=2)),
    op(".select(neg)", lambda T, a: a.select(-1, -1), N(2, 3, 4)),
    op("diagonal", "diagonal", N(3, 4)),
    op(".diagonal(offset,dims)", lambda T, a: a.diagonal(1, 0, 2), N(3, 2, 4)),
    op(".diagonal(neg offset)", lambda T, a: a.diagonal(offset=-1), N(4, 3)),
    op("torch.permute", "permute", N(2, 3, 4), kw=dict(dims=(1, 2, 0))),
    op("permute(neg)", lambda T, a: a.permute(-1, 0, 1), N(2, 3, 4)),
    op("squeeze()", "squeeze", N(2, 1, 3, 1)),
    op("squeeze(1)", ".squeeze", N(2, 1, 3), kw=dict(dim=1)),
    op("squeeze(-1)", lambda T, a: a.squeeze(-1), N(2, 3, 1)),
    op("squeeze(not 1)", lambda T, a: a.squeeze(0), N(2, 1, 3)),
    op("squeeze((1,3))", lambda T, a: a.squeeze((1, 3)), N(2, 1, 3, 1)),
    op("unsqueeze(0)", "unsqueeze", N(2, 3), kw=dict(dim=0)),
    op("unsqueeze(-1)", ".unsqueeze", N(2, 3), kw=dict(dim=-1)),
    op("unsqueeze(1)", lambda T, a: a.unsqueeze(1), N(3)),
    op("expand", lambda T, a: a.expand(2, 3), N(3)),
    op("expand(-1)", lambda T, a: a.expand(-1, 4), N(2, 1)),
    op("expand(new dims)", lambda T, a: a.expand(4, 2, 3), N(2, 3)),
    op("expand_as", lambda T, a, b: a.expand_as(b), N(1, 3), N(2, 3)),
    op("expand(same)", lambda T, a: a.expand(2, 3), N(2, 3)),
    op("expand(-1,-1)", lambda T, a: a.expand(-1, -1), N(2, 3)),
    op("clone", "clone", N(2, 3)),
    op(".clone", ".clone", N(3)),
    op(".to(float64)", lambda T, a: a.to(T.float64), N(2, 3)),
    op(".to(dtype=float64)", lambda T, a: a.to(dtype=T.float64), N(3)),
    op(".double", ".double", N(3)),
    op(".float", ".float", N(3), fd=False),  # float64 -> float32: too coarse for differences
]

# --- indexing -------------------------------------------------------------------------------
CASES += [
    op("x[1]", lambda T, a: a[1], N(3, 4)),
    op("x[-1]", lambda T, a: a[-1], N(3, 4)),
    op("x[1:3]", lambda T, a: a[1:3], N(4, 3)),
    op("x[:,-2:]", lambda T, a: a[:, -2:], N(3, 4)),
    op("x[::2]", lambda T, a: a[::2], N(5, 2)),
    op("x[1::2]", lambda T, a: a[1::2], N(5, 2)),
    op("x[None]", lambda T, a: a[None], N(2, 3)),
    op("x[:,None]", lambda T, a: a[:, None], N(2, 3)),
    op("x[...]", lambda T, a: a[...], N(2, 3)),
    op("x[...,1]", lambda T, a: a[..., 1], N(2, 3, 4)),
    op("x[1,...,3]", lambda T, a: a[1, ..., 3], N(2, 3, 4)),
    op("x[0,...,None,1]", lambda T, a: a[0, ..., None, 1], N(2, 3, 4)),
    op("x[tensor 0-d]", lambda T, a: a[T.tensor(1)], N(3, 2)),
    op("x[:,tensor 0-d]", lambda T, a: a[:, T.tensor(-1)], N(3, 2)),
    op("x[0,1] (0-d)", lambda T, a: a[0, 1], N(2, 3)),
    op("x[0,1:]", lambda T, a: a[0, 1:], N(2, 3)),
    op("x[1,...,None]", lambda T, a: a[1, ..., None], N(2, 3, 4)),
    op("x[list]", lambda T, a: a[[0, 2]], N(3, 2)),
    op("x[list] repeated", lambda T, a: a[[0, 0, 2, 0]], N(3, 2)),
    op("x[tensor] repeated", lambda T, a: a[T.tensor([1, 1, -1])], N(3, 2)),
    op("x[tensor 2-d]", lambda T, a: a[T.tensor([[0, 1], [1, 1]])], N(3, 2)),
    op("x[:,list]", lambda T, a: a[:, [2, 0, 2]], N(2, 3)),
    op("x[list,list]", lambda T, a: a[[0, 1, 1], [2, 0, 2]], N(2, 3)),
    op("x[list,1:]", lambda T, a: a[[1, 0, 1], 1:], N(2, 3)),
    op("x[mask]", lambda T, a, m: a[m], N(2, 3), K([[True, False, True], [False, True, True]])),
    op("x[mask 1-d]", lambda T, a, m: a[m], N(3, 2), K([True, False, True])),
    op("x[x>0]", lambda T, a: a[a > 0], NZ(2, 3)),
    op("x[:,mask]", lambda T, a, m: a[:, m], N(2, 3), K([False, True, True])),
    op("x[mask 2-d of 3-d]", lambda T, a, m: a[m], N(2, 3, 2),
       K([[True, False, True], [False, True, True]])),
]

# --- joining and splitting --------------------------------------------------------------------
_SEVERAL = dict()
CASES += [
    op("cat", lambda T, a, b: T.cat([a, b]), N(2, 3), N(1, 3)),
    op("cat(dim=1)", lambda T, a, b, c: T.cat([a, b, c], dim=1), N(2, 3), N(2, 1), N(2, 2)),
    op("cat(dim=-1)", lambda T, a, b: T.cat((a, b), -1), N(2, 2, 1), N(2, 2, 3)),
    op("concat", lambda T, a, b: T.concat([a, b]), N(2), N(3)),
    op("stack", lambda T, a, b: T.stack([a, b]), N(2, 3), N(2, 3)),
    op("stack(dim=1)", lambda T, a, b, c: T.stack([a, b, c], dim=1), N(2, 3), N(2, 3), N(2, 3)),
    op("stack(dim=-1)", lambda T, a, b: T.stack((a, b), -1), N(2, 3), N(2, 3)),
    op("split(2)", lambda T, a: T.split(a, 2), N(5, 2), **_SEVERAL),
    op(".split(2,dim=1)", lambda T, a: a.split(2, dim=1), N(2, 3), **_SEVERAL),
    op("split([1,3])", lambda T, a: T.split(a, [1, 3], dim=-1), N(2, 4), **_SEVERAL),
    op("chunk(2)", lambda T, a: T.chunk(a, 2), N(5, 2), **_SEVERAL),
    op(".chunk(3,dim=1)", lambda T, a: a.chunk(3, dim=1), N(2, 3), **_SEVERAL),
    op("unbind", "unbind", N(3, 2), **_SEVERAL),
    op(".unbind(1)", lambda T, a: a.unbind(1), N(2, 3), **_SEVERAL),
    op("split then use one", lambda T, a: T.split(a, 2)[1] * 2, N(5, 2)),
    op("split then add up", lambda T, a: sum(p.sum(0) * (i + 1)
                                            for i, p in enumerate(T.split(a, 2))), N(5, 2)),
    op("unbind then add up", lambda T, a: sum(p * p * (i + 1)
                                             for i, p in enumerate(a.unbind(1))), N(2, 3)),
]


# --- x[idx] = v (CopySlices) and in-place ops on non-leaf tensors -----------------------------
def _setitem(index):
    def fn(T, a, v):
        y = a * 1  # a non-leaf: in-place on it is recorded
        y[index] = v
        return y
    return fn


def _setitem_into_zeros(T, v):
    y = T.zeros(2, 3, dtype=v.dtype)  # a leaf without grad: only v gets a gradient
    y[1] = v
    return y


def _setitem_scalar(T, a, m):
    y = a * 1
    y[m] = 0.5
    return y


def _inplace(method, *args, **kwargs):
    def fn(T, a, *tensors):
        y = a * 1
        getattr(y, method)(*tensors, *args, **kwargs)
        return y
    return fn


def _iadd(T, a, b):
    y = a * 1
    y += b
    return y


def _inplace_then_use(T, a, b):
    y = a * 2
    y.mul_(b)
    return y.sum(0) * y


CASES += [
    op("x[0]=v", _setitem(0), N(2, 3), N(3)),
    op("x[:,1]=v", _setitem((slice(None), 1)), N(2, 3), N(2)),
    op("x[1:,::2]=v bcast", _setitem((slice(1, None), slice(None, None, 2))), N(3, 3), N(1)),
    op("x[[0,2]]=v", _setitem([0, 2]), N(3, 2), N(2, 2)),
    op("x[...,0]=v", _setitem((Ellipsis, 0)), N(2, 2, 3), N(2, 2)),
    op("zeros[1]=v", _setitem_into_zeros, N(3)),
    op("x[mask]=0.5", _setitem_scalar, N(2, 3), K([[True, False, True], [False, True, False]])),
    op("add_", _inplace("add_"), N(2, 3), N(2, 3)),
    op("add_(bcast)", _inplace("add_"), N(2, 3), N(3)),
    op("add_(alpha)", _inplace("add_", alpha=2.0), N(2, 3), N(3)),
    op("add_(scalar)", _inplace("add_", 2.5), N(2, 3)),
    op("sub_", _inplace("sub_"), N(2, 3), N(2, 1)),
    op("sub_(scalar)", _inplace("sub_", 1), N(2, 3)),
    op("mul_", _inplace("mul_"), N(2, 3), N(2, 3)),
    op("mul_(bcast)", _inplace("mul_"), N(2, 3), N(3)),
    op("mul_(scalar)", _inplace("mul_", 3.0), N(2, 3)),
    op("div_", _inplace("div_"), N(2, 3), NZ(2, 3)),
    op("div_(bcast)", _inplace("div_"), N(2, 3), NZ(1, 3)),
    op("div_(scalar)", _inplace("div_", 4.0), N(2, 3)),
    op("+=", _iadd, N(2, 3), N(3)),
    op("mul_ then use", _inplace_then_use, N(2, 3), N(3)),
    op("exp_", _inplace("exp_"), N(2, 3)),
    op("tanh_", _inplace("tanh_"), N(2, 3)),
    op("sigmoid_", _inplace("sigmoid_"), N(2, 3)),
    op("relu_", _inplace("relu_"), NZ(2, 3)),
    op("clamp_", _inplace("clamp_", -0.5, 0.5), U(2, 3, avoid=(-0.5, 0.5))),
    op("neg_", _inplace("neg_"), N(2, 3)),
    op("sqrt_", _inplace("sqrt_"), P(2, 3)),
    op("pow_(2)", _inplace("pow_", 2), N(2, 3)),
    op("pow_(t)", _inplace("pow_"), P(2, 3), N(3)),
    op("zero_", _inplace("zero_"), N(2, 3)),
    op("fill_(2.5)", _inplace("fill_", 2.5), N(2, 3)),
    op("fill_(0-d t)", _inplace("fill_"), N(2, 3), N()),
    op("copy_", _inplace("copy_"), N(2, 3), N(3)),
    op("copy_(float64 src)", lambda T, a, b: (a * 1).copy_(b.double()), N(2, 3), N(2, 1)),
]

# --- ties, kinks and zeros: PyTorch's choices, no finite differences --------------------------
_TIES = [[1.0, 3.0, 3.0], [3.0, 3.0, 2.0]]
CASES += [
    op("max() ties", "max", F(_TIES), fd=False),
    op("min() ties", "min", F([[1.0, 0.0, 0.0], [0.0, 3.0, 2.0]]), fd=False),
    op("max(dim) ties", "max", F(_TIES), kw=dict(dim=1), fd=False),
    op("min(dim) ties", "min", F([[1.0, 0.0, 0.0], [0.0, 3.0, 0.0]]), kw=dict(dim=0),
       fd=False),
    op("amax(dim) ties", "amax", F(_TIES), kw=dict(dim=1), fd=False),
    op("argmax ties", "argmax", F(_TIES), grad=False),
    op("argmax(dim) ties", "argmax", F(_TIES), kw=dict(dim=1), grad=False),
    op("argmin(dim) ties", "argmin", F(_TIES), kw=dict(dim=0), grad=False),
    op("maximum ties", "maximum", F([1.0, 2.0, 3.0]), F([1.0, 0.0, 3.0]), fd=False),
    op("minimum ties", "minimum", F([1.0, 2.0, 3.0]), F([1.0, 0.0, 3.0]), fd=False),
    op("norm(inf) ties", "norm", F([[1.0, -3.0, 3.0], [0.0, 3.0, 2.0]]),
       kw=dict(p=float("inf")), fd=False),
    op("norm() at 0", "norm", F([0.0, 0.0, 0.0]), fd=False),
    op("norm(p=3) at 0", "norm", F([0.0, 0.0, 0.0]), kw=dict(p=3), fd=False),
    op("norm(p=1) with 0", "norm", F([0.0, 1.0, -2.0]), kw=dict(p=1), fd=False),
    op("norm(dim) row at 0", "norm", F([[0.0, 0.0], [3.0, 4.0]]), kw=dict(dim=1), fd=False),
    op("clamp at bounds", "clamp", F([-1.0, 0.0, 1.0, 2.0]), kw=dict(min=-1, max=1), fd=False),
    op("abs at 0", "abs", F([0.0, 1.0, -1.0]), fd=False),
    op("relu at 0", "relu", F([0.0, 1.0, -1.0]), fd=False),
    op("pow(t,t) at 0", "pow", F([0.0, 0.0, 1.0]), F([2.0, 0.0, 1.0]), fd=False),
    op("t**2 at 0", lambda T, a: a ** 2, F([0.0, 1.0]), fd=False),
    op("t**0 at 0", lambda T, a: a ** 0, F([0.0, 1.0]), fd=False),
    op("0**t", lambda T, a: 0 ** a, F([-1.0, 0.0, 2.0]), fd=False),
    op("prod() one zero", "prod", F([[2.0, 0.0], [3.0, -1.0]]), fd=False),
    op("prod() two zeros", "prod", F([[2.0, 0.0], [0.0, -1.0]]), fd=False),
    op("prod(dim) zeros", "prod", F([[2.0, 0.0, 0.0], [0.0, 3.0, -1.0]]), kw=dict(dim=1),
       fd=False),
    op("x/0", lambda T, a, b: a / b, F([1.0, -1.0, 0.0]), F([0.0, 0.0, 1.0]), fd=False),
    op("sqrt at 0", "sqrt", F([0.0, 1.0]), fd=False),
    op("std of constants", "std", F([[1.0, 1.0], [2.0, 3.0]]), kw=dict(dim=1), fd=False),
    op("expand(same) at 0-d", lambda T, a: a.expand(()), N(), fd=False),
    op("log at 0", "log", F([0.0, 1.0]), fd=False),
    op("where same input", lambda T, c, a: T.where(c, a, a * 2), K([True, False]), F([1.0, 2.0]),
       fd=False),
]

# --- the steps of nn that PyTorch records as one node --------------------------------------------
def _F(T):
    return T.nn.functional


_CLASSES = K([0, 2, 1, 2], dtype=np.int64)
CASES += [
    op("t*t", lambda T, a, b: a * b, N(2, 3), N(2, 3)),
    op("t/t", lambda T, a, b: a / b, N(2, 3), NZ(2, 3)),
    op("t-0.5", lambda T, a: a - 0.5, N(2, 3)),
    op("t/2.5", lambda T, a: a / 2.5, N(2, 3)),
    op("t/0", lambda T, a: a / 0, NZ(2, 3), grad=False),
    op("t*1e-3", lambda T, a: a * 1e-3, N(2, 3)),
    op("F.linear", lambda T, x, w, b: _F(T).linear(x, w, b), N(4, 3), N(2, 3), N(2)),
    op("F.linear(no bias)", lambda T, x, w: _F(T).linear(x, w), N(4, 3), N(2, 3)),
    op("F.linear(3d)", lambda T, x, w, b: _F(T).linear(x, w, b), N(2, 4, 3), N(2, 3), N(2)),
    op("F.cross_entropy", lambda T, x, t: _F(T).cross_entropy(x, t), N(4, 3), _CLASSES),
    op("F.cross_entropy(sum)", lambda T, x, t: _F(T).cross_entropy(x, t, reduction="sum"),
       N(4, 3), _CLASSES),
    op("F.cross_entropy(none)", lambda T, x, t: _F(T).cross_entropy(x, t, reduction="none"),
       N(4, 3), _CLASSES),
    op("F.cross_entropy(weight)", lambda T, x, t, w: _F(T).cross_entropy(x, t, weight=w),
       N(4, 3), _CLASSES, K([0.5, 2.0, 1.0])),
    op("F.cross_entropy(ignore)", lambda T, x, t: _F(T).cross_entropy(x, t, ignore_index=2),
       N(4, 3), _CLASSES),
    op("F.cross_entropy(1 sample)", lambda T, x, t: _F(T).cross_entropy(x, t), N(3),
       K(1, dtype=np.int64)),
    op("F.cross_entropy(weight,ignore,sum)", lambda T, x, t, w: _F(T).cross_entropy(
        x, t, weight=w, ignore_index=0, reduction="sum"), N(4, 3), _CLASSES, K([0.5, 2.0, 1.0])),
    op("F.nll_loss", lambda T, x, t: _F(T).nll_loss(x, t), N(4, 3), _CLASSES),
    op("F.nll_loss(none,weight)", lambda T, x, t, w: _F(T).nll_loss(x, t, weight=w,
       reduction="none"), N(4, 3), _CLASSES, K([0.5, 2.0, 1.0])),
    op("F.nll_loss(1 sample)", lambda T, x, t: _F(T).nll_loss(x, t), N(3), K(2, dtype=np.int64)),
    op("F.softplus", lambda T, a: _F(T).softplus(a), N(2, 3)),
    op("F.softplus(beta,threshold)", lambda T, a: _F(T).softplus(a, beta=2.0, threshold=1.5),
       U(2, 3, avoid=(0.75,))),
    op("F.softplus(-beta)", lambda T, a: _F(T).softplus(a, -1.5), N(2, 3)),
    op("F.softplus(large)", lambda T, a: _F(T).softplus(a), F([-300.0, -30.0, 0.0, 30.0, 300.0])),
]

_IDS = [c.name for c in CASES]
assert len(set(_IDS)) == len(_IDS), "case names must be unique"

GRAD_CASES = [c for c in CASES if c.grad]
FD_CASES = [c for c in GRAD_CASES if c.fd]
GRADGRAD_CASES = [c for c in FD_CASES if c.gradgrad]


def _params(cases: list, check: str) -> list:
    """The cases as pytest params for one check; the ones known to fail it are strict xfails
    (so that the day they pass, the marker has to go)."""
    def marks(case):
        if check not in case.known:
            return []
        return [pytest.mark.xfail(strict=True, reason=case.known[check])]
    return [pytest.param(c, id=c.name, marks=marks(c)) for c in cases]


# ---------------------------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------------------------

def _rng(case: OpCase, salt: str = "") -> np.random.Generator:
    return np.random.default_rng(zlib.crc32((case.name + salt).encode()))


def _arrays(case: OpCase) -> list:
    rng = _rng(case)
    return [spec.make(rng, i) for i, spec in enumerate(case.inputs)]


def _tensors(T, case: OpCase, arrays: list, dtype: str, device=None, requires_grad=True) -> list:
    """The case's inputs as tensors of module T; floats in ``dtype``."""
    result = []
    for spec, arr in zip(case.inputs, arrays):
        arr = np.array(arr)
        if arr.dtype.kind == "f":
            arr = arr.astype(dtype)
        grad = requires_grad and spec.grad and arr.dtype.kind == "f"
        if T is minigrad:
            result.append(minigrad.tensor(arr, device=device, requires_grad=grad))
        else:
            result.append(T.tensor(arr, requires_grad=grad))
    return result


def _call(T, case: OpCase, xs: list):
    fn = case.fn if case.torch_fn is None or T is minigrad else case.torch_fn
    if isinstance(fn, str):
        if fn.startswith("."):
            return getattr(xs[0], fn[1:])(*xs[1:], **case.kwargs)
        return getattr(T, fn)(*xs, **case.kwargs)
    return fn(T, *xs, **case.kwargs)


def _flat(result) -> tuple:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _host(t) -> np.ndarray:
    """A tensor's values as a NumPy array on the host (minigrad or torch)."""
    return np.asarray(t.detach().cpu().numpy())


def _differentiable(outs) -> list:
    return [o for o in outs if o.dtype.is_floating_point and o.requires_grad]


def _tol(dtype: str) -> dict:
    return dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-5)


def assert_like_torch(m, t, what: str = "output") -> None:
    """``m`` (minigrad) has the type, dtype, shape, requires_grad and values of ``t`` (torch)."""
    assert isinstance(m, minigrad.Tensor) == hasattr(t, "grad_fn"), f"{what}: {m!r} vs {t!r}"
    if not isinstance(m, minigrad.Tensor):
        assert m == t, what
        return
    assert str(m.dtype) == str(t.dtype), f"{what} dtype"
    assert tuple(m.shape) == tuple(t.shape), f"{what} shape"
    assert m.requires_grad == t.requires_grad, f"{what} requires_grad"
    mv, tv = _host(m), _host(t)
    if tv.dtype.kind in "biu":
        np.testing.assert_array_equal(mv, tv, err_msg=what)
    else:
        np.testing.assert_allclose(mv, tv, equal_nan=True, err_msg=what, **_tol(tv.dtype.name))


def _minigrad_fn(case: OpCase):
    """The case as a function of its tensors, returning its differentiable outputs."""
    def fn(*xs):
        outs = [o for o in _flat(_call(minigrad, case, list(xs)))
                if isinstance(o, minigrad.Tensor) and o.dtype.is_floating_point]
        return tuple(outs)
    return fn


# ---------------------------------------------------------------------------------------------
# The five checks
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", _params(CASES, "forward"))
def test_forward(case, dtype, device, oracle):
    arrays = _arrays(case)
    t_out = _flat(oracle(lambda torch: _call(torch, case, _tensors(torch, case, arrays, dtype))))
    m_out = _flat(_call(minigrad, case, _tensors(minigrad, case, arrays, dtype, device)))
    assert len(m_out) == len(t_out)
    for k, (m, t) in enumerate(zip(m_out, t_out)):
        assert_like_torch(m, t, f"output {k}")


def _upstream(case: OpCase, outs: list) -> list:
    """The random upstream gradient of each output, at the output's dtype."""
    rng = _rng(case, "upstream")
    return [rng.standard_normal(tuple(t.shape)).astype(str(t.dtype).replace("torch.", ""))
            for t in outs]


def _torch_backward(case: OpCase, arrays: list, dtype: str):
    """PyTorch's differentiable outputs of the case and the gradient of each input."""
    def run(torch):
        t_in = _tensors(torch, case, arrays, dtype)
        t_out = _differentiable(_flat(_call(torch, case, t_in)))
        if t_out:
            torch.autograd.backward(t_out, [torch.tensor(u) for u in _upstream(case, t_out)])
        return t_out, [t.grad for t in t_in]
    return run


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", _params(GRAD_CASES, "backward"))
def test_backward(case, dtype, device, oracle):
    arrays = _arrays(case)
    t_out, t_grads = oracle(_torch_backward(case, arrays, dtype))
    m_in = _tensors(minigrad, case, arrays, dtype, device)
    m_out = _differentiable(_flat(_call(minigrad, case, m_in)))
    assert len(m_out) == len(t_out) > 0
    ups = _upstream(case, t_out)
    if len(m_out) == 1:
        # (on the output's device: zeros[1]=v writes a cuda v into a cpu tensor)
        minigrad.autograd.backward(m_out, [minigrad.tensor(ups[0], device=m_out[0].device)])
    else:  # sum(out_k * up_k): the same vector-Jacobian product (one scalar loss)
        sum((o * minigrad.tensor(u, device=o.device)).sum() for o, u in zip(m_out, ups)).backward()
    for i, (m, t_grad) in enumerate(zip(m_in, t_grads)):
        if t_grad is None:
            assert m.grad is None, f"input {i} should get no gradient"
        else:
            assert m.grad is not None, f"input {i} got no gradient"
            assert_like_torch(m.grad, t_grad, f"grad of input {i}")


@pytest.mark.parametrize("case", _params(FD_CASES, "gradcheck"))
def test_gradcheck(case, device):
    xs = _tensors(minigrad, case, _arrays(case), "float64", device)
    assert gradcheck(_minigrad_fn(case), tuple(xs))


@pytest.mark.parametrize("case", _params(GRADGRAD_CASES, "gradgradcheck"))
def test_gradgradcheck(case, device):
    xs = _tensors(minigrad, case, _arrays(case), "float64", device)
    assert gradgradcheck(_minigrad_fn(case), tuple(xs))


def _node_names(outs) -> list:
    """(class name, name()) of each output's grad_fn: they differ for CopySlices."""
    return [None if getattr(o, "grad_fn", None) is None
            else (type(o.grad_fn).__name__, o.grad_fn.name()) for o in outs]


@pytest.mark.parametrize("case", _params(GRAD_CASES, "grad_fn"))
def test_grad_fn_name(case, oracle):
    arrays = _arrays(case)
    t_out = _flat(oracle(lambda torch: _call(torch, case, _tensors(torch, case, arrays,
                                                                    "float32"))))
    m_out = _flat(_call(minigrad, case, _tensors(minigrad, case, arrays, "float32")))
    assert _node_names(m_out) == _node_names(t_out)


# ---------------------------------------------------------------------------------------------
# 6. The fast path (autograd/fastpath.py) against the reference path, for every op
# ---------------------------------------------------------------------------------------------

def _same(a, b, seen=None) -> bool:
    """Are two results of the same op, one recorded by each path, the same: the same values,
    and nodes with the same fields (recursively), sharing the same leaf nodes?"""
    from minigrad.autograd.graph import AccumulateGrad, Node, SavedTensor
    seen = set() if seen is None else seen
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, minigrad.Tensor):
        return a is b or (a.requires_grad == b.requires_grad and a._output_nr == b._output_nr
                          and _same(a._data, b._data) and _same(a.grad_fn, b.grad_fn, seen))
    if isinstance(a, AccumulateGrad):
        return a is b
    if isinstance(a, Node):
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
        fa, fb = dict(vars(a)), dict(vars(b))
        for k in ("_seq", "_non_differentiable"):  # creation order; ids of forward's outputs
            fa.pop(k, None), fb.pop(k, None)
        return fa.keys() == fb.keys() and all(_same(fa[k], fb[k], seen) for k in fa)
    if isinstance(a, SavedTensor):
        return all(_same(getattr(a, k, None), getattr(b, k, None), seen)
                   for k in type(a).__slots__)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, seen) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], seen) for k in a)
    if type(a).__name__ == "Version":
        return a.value == b.value
    return a == b


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", _params(CASES, "fastpath"))
def test_fast_path_matches_reference(case, dtype):
    """The same op on the same inputs, with every fast path on and with them all off:
    identical outputs, nodes (fields, edges, saved tensors) and gradients, first and second
    order, and identical results when nothing is recorded."""
    from minigrad.autograd import fastpath
    xs = _tensors(minigrad, case, _arrays(case), dtype)
    with fastpath.disabled():
        ref = _flat(_call(minigrad, case, xs))
    fast = _flat(_call(minigrad, case, xs))
    assert _same(list(fast), list(ref)), "recorded outputs or nodes differ"
    with minigrad.no_grad():
        with fastpath.disabled():
            ref_plain = _flat(_call(minigrad, case, xs))
        assert _same(list(_flat(_call(minigrad, case, xs))), list(ref_plain)), "no_grad results"
    if not case.grad:
        return
    inputs = [x for x in xs if x.requires_grad]
    f_out, r_out = _differentiable(fast), _differentiable(ref)
    rng = _rng(case, "upstream")
    ups = [minigrad.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype)) for o in f_out]
    for create_graph in (False, True):
        gf = minigrad.autograd.grad(f_out, inputs, ups, retain_graph=True,
                                    create_graph=create_graph, allow_unused=True)
        with fastpath.disabled():
            gr = minigrad.autograd.grad(r_out, inputs, ups, retain_graph=True,
                                        create_graph=create_graph, allow_unused=True)
        for k, (f, r) in enumerate(zip(gf, gr)):
            assert (f is None) == (r is None), f"gradient {k}"
            if f is not None:
                assert f.requires_grad == r.requires_grad, f"gradient {k} requires_grad"
                assert _same(f._data, r._data), f"gradient {k}, create_graph={create_graph}"


def test_fast_path_is_taken_where_declared(monkeypatch, fast_path):
    """The fast routes are used (so that the comparison above compares two paths), and none
    with the switch off."""
    fastpath = fast_path
    taken = []
    for name in ("forward", "backward"):
        real = getattr(fastpath, name)
        monkeypatch.setattr(fastpath, name, lambda *a, _real=real, _name=name: (
            lambda r: (taken.append(_name) if r is not None else None, r)[1])(_real(*a)))
    x = minigrad.tensor([0.5, -1.0], requires_grad=True)
    w = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for step in (lambda: ((x * 2 + 1) / 3 - 0.5).tanh().sigmoid().relu().sum(),
                 lambda: (w @ x).sin().cos().abs().mean()):
        with fastpath.disabled():
            step().backward()
        assert taken == []
        step().backward()
        assert taken.count("forward") >= 4 and "backward" in taken, taken
        taken.clear()


# ---------------------------------------------------------------------------------------------
# What the table can't say: views, versions, non-float inputs
# ---------------------------------------------------------------------------------------------

def test_var_without_degrees_of_freedom(oracle):
    """n - correction <= 0: PyTorch warns, the variance is nan (0/0) and so is its gradient."""
    def run(T):
        x = T.tensor([[1.5], [2.0]], requires_grad=True)
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            v = x.var(1)
        v.sum().backward()
        return v, x.grad
    results = [run(minigrad), oracle(run)]
    assert_like_torch(*[r[0] for r in results])
    assert_like_torch(*[r[1] for r in results])


def test_comparisons_never_require_grad():
    a = minigrad.randn(2, 3, requires_grad=True)
    for r in (a == a, a != 0, a > a * 2, a < 1.0, a >= 0, a <= a):
        assert r.dtype is minigrad.bool and not r.requires_grad and r.grad_fn is None


def test_indices_do_not_require_grad():
    x = minigrad.tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert values.requires_grad and not indices.requires_grad and indices.grad_fn is None
    assert indices.tolist() == [1, 0]
    assert not x.argmax().requires_grad and x.argmax().tolist() == 2


def test_view_shares_memory_and_version():
    a = minigrad.arange(6.0)
    v = a.view(2, 3)
    v2 = a[1:]
    a.add_(1)
    assert v.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert v2.tolist() == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert v._version == a._version == v2._version == 1


def test_reshape_of_non_contiguous_copies():
    a = minigrad.arange(6.0).reshape(2, 3)
    r = a.t().reshape(6)
    a.add_(100)
    assert r.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


def test_inplace_on_saved_input_is_detected():
    x = minigrad.randn(3, requires_grad=True)
    y = x * 1
    z = y.exp() * y  # saves y for mul's backward
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_inplace_needing_its_own_old_value(oracle):
    """``y.mul_(y)``: backward needs the y that mul_ overwrote: PyTorch refuses, so must we."""
    def run(T):
        y = T.tensor([1.0, 2.0], requires_grad=True) * 1
        y.mul_(y)
        y.sum().backward()
    with pytest.raises(RuntimeError) as expected:
        oracle(run)
    with pytest.raises(RuntimeError) as got:
        run(minigrad)
    assert str(got.value) == str(expected.value)


def test_backward_from_several_outputs_of_one_node():
    x = minigrad.ones(4, requires_grad=True)
    a, b = minigrad.split(x * 2, 2)  # two outputs of one SplitBackward0
    minigrad.autograd.backward([a, b], [minigrad.ones(2), minigrad.ones(2)])
    assert x.grad is not None and x.grad.tolist() == [2.0] * 4


def test_grad_of_the_same_output_twice():
    x = minigrad.ones(3, requires_grad=True)
    y = x * 2
    g, = minigrad.autograd.grad([y, y], [x], [minigrad.ones(3), minigrad.ones(3)])
    assert g.tolist() == [4.0] * 3


def test_inplace_on_leaf_requiring_grad(oracle):
    with pytest.raises(RuntimeError) as em:
        minigrad.ones(3, requires_grad=True).add_(1)
    with pytest.raises(RuntimeError) as et:
        oracle(lambda torch: torch.ones(3, requires_grad=True).add_(1))
    assert str(em.value) == str(et.value)


@pytest.mark.parametrize("op", ["add_", "mul_", "exp_", "iadd"])
def test_inplace_arithmetic_on_an_expanded_tensor(oracle, op):
    # its elements share one memory location: PyTorch's error, not NumPy's read-only one
    def run(T):
        y = T.tensor(3.0).expand(2, 3)
        with pytest.raises(RuntimeError) as e:
            if op == "iadd":
                y += 1
            else:
                getattr(y, op)(*(() if op == "exp_" else (2,)))
        return str(e.value)
    assert run(minigrad) == oracle(run)
    x = minigrad.ones(1, 3).expand(1, 3)  # a stride of 0 along a single element is no overlap
    assert x.add_(1).tolist() == [[2.0] * 3]


NON_FLOAT = {
    "exp": lambda T, a: a.exp(), "sqrt": lambda T, a: a.sqrt(), "sin": lambda T, a: a.sin(),
    "sigmoid": lambda T, a: a.sigmoid(), "tanh": lambda T, a: a.tanh(),
    "sum": lambda T, a: a.sum(), "sum(1)": lambda T, a: a.sum(1),
    "prod": lambda T, a: a.prod(), "prod(1)": lambda T, a: a.prod(1),
    "max": lambda T, a: a.max(), "max(1)": lambda T, a: a.max(1), "amax": lambda T, a: a.amax(0),
    "argmax": lambda T, a: a.argmax(), "argmin(1)": lambda T, a: a.argmin(1),
    "t": lambda T, a: a.t(), "x[[0,0]]": lambda T, a: a[[0, 0]], "cat": lambda T, a: T.cat([a, a]),
    "stack": lambda T, a: T.stack([a, a]), "split": lambda T, a: a.split(1),
    "reshape": lambda T, a: a.reshape(3, 2), "eq": lambda T, a: a == a.t().t(),
    "fill_(1.5)": lambda T, a: a.clone().fill_(1.5), "zero_": lambda T, a: a.clone().zero_(),
    "where": lambda T, a: T.where(a > 0, a, a),
}
INT_ONLY = {
    "abs": lambda T, a: a.abs(), "neg": lambda T, a: -a, "*2": lambda T, a: a * 2,
    "**2": lambda T, a: a ** 2, "//2": lambda T, a: a // 2, "/2": lambda T, a: a / 2,
    "relu": lambda T, a: a.relu(), "clamp": lambda T, a: a.clamp(0, 1),
    "@": lambda T, a: a @ a.t(), "maximum": lambda T, a: T.maximum(a, a * 0 + 1),
    "div floor": lambda T, a: T.div(a - 1, 2, rounding_mode="floor"),
    "div trunc": lambda T, a: T.div(a - 1, 2, rounding_mode="trunc"),
}
_NON_FLOAT_PARAMS = ([("int64", k) for k in list(NON_FLOAT) + list(INT_ONLY)]
                     + [("bool", k) for k in NON_FLOAT])


@pytest.mark.parametrize("dtype,fn", _NON_FLOAT_PARAMS,
                         ids=[f"{d}-{k}" for d, k in _NON_FLOAT_PARAMS])
def test_non_float_tensors(dtype, fn, oracle):
    """Integer and bool inputs: the result dtype (int64 sums, float32 math) and values."""
    f = {**NON_FLOAT, **INT_ONLY}[fn]
    data = [[0, 1, 1], [1, 0, 3]] if dtype == "int64" else [[0, 1, 1], [1, 0, 1]]
    try:
        expected = _flat(oracle(lambda torch: f(torch, torch.tensor(
            data, dtype=getattr(torch, dtype)))))
    except RuntimeError as e:  # e.g. argmax of bools: then minigrad must refuse it alike
        with pytest.raises(RuntimeError) as got:
            f(minigrad, minigrad.tensor(data, dtype=getattr(minigrad, dtype)))
        assert str(got.value) == str(e)
        return
    got = _flat(f(minigrad, minigrad.tensor(data, dtype=getattr(minigrad, dtype))))
    assert len(got) == len(expected)
    for m, t in zip(got, expected):
        assert_like_torch(m, t)


def test_max_returns_named_tuple(oracle):
    r = minigrad.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    assert r.values.tolist() == [5.0, 7.0] and r.indices.tolist() == [1, 0]
    assert type(r).__name__ == oracle(lambda torch: type(torch.tensor([1.0]).max(dim=0)).__name__
                                      ) == "max"


# ---------------------------------------------------------------------------------------------
# Type promotion, against PyTorch
# ---------------------------------------------------------------------------------------------

PROMOTIONS = [
    ("int64 * 2.5", lambda T: T.tensor([1, 2]) * 2.5, "float32"),
    ("float32 * float64", lambda T: T.ones(2) * T.ones(2, dtype=T.float64), "float64"),
    ("float32 * float64 0-d", lambda T: T.ones(2) * T.tensor(2.0, dtype=T.float64), "float32"),
    ("int / int", lambda T: T.tensor([1, 2]) / T.tensor([2, 4]), "float32"),
    ("bool + bool", lambda T: T.tensor([True, False]) + T.tensor([True, True]), "bool"),
    ("float32 + int", lambda T: T.ones(2) + 3, "float32"),
    ("int64 + int", lambda T: T.tensor([1, 2]) + 3, "int64"),
    ("int64 / int", lambda T: T.tensor([1, 2]) / 2, "float32"),
    ("bool * 2", lambda T: T.tensor([True, False]) * 2, "int64"),
    ("bool * 2.5", lambda T: T.tensor([True, False]) * 2.5, "float32"),
    ("int64 + bool", lambda T: T.tensor([1, 2]) + True, "int64"),
    ("int32 + int64 0-d", lambda T: T.tensor([1, 2], dtype=T.int32) + T.tensor(3), "int32"),
    ("int32 + int64", lambda T: T.tensor([1], dtype=T.int32) + T.tensor([3]), "int64"),
    ("int64 + float64 0-d", lambda T: T.tensor([1, 2]) + T.tensor(1.5, dtype=T.float64),
     "float64"),
    ("float64 0-d * float32 0-d", lambda T: T.tensor(2.0, dtype=T.float64) * T.tensor(3.0),
     "float64"),
    ("0-d int * 2.5", lambda T: T.tensor(2) * 2.5, "float32"),
    ("uint8 + int8", lambda T: T.tensor([1], dtype=T.uint8) + T.tensor([1], dtype=T.int8),
     "int16"),
    ("int64 ** 2", lambda T: T.tensor([1, 2]) ** 2, "int64"),
    ("int64 ** 0.5", lambda T: T.tensor([1, 4]) ** 0.5, "float32"),
    ("2 ** int64", lambda T: 2 ** T.tensor([1, 2]), "int64"),
    ("2.5 ** int64", lambda T: 2.5 ** T.tensor([1, 2]), "float32"),
    ("3 - int64", lambda T: 3 - T.tensor([1, 2]), "int64"),
    ("3 / int64", lambda T: 3 / T.tensor([1, 2]), "float32"),
    ("float64 - 1", lambda T: T.ones(2, dtype=T.float64) - 1, "float64"),
    ("int @ int", lambda T: T.tensor([[1, 2]]) @ T.tensor([[3], [4]]), "int64"),
    ("maximum int float", lambda T: T.maximum(T.tensor([1, 5]), T.tensor([2.0, 3.0])),
     "float32"),
    ("where int float", lambda T: T.where(T.tensor([True, False]), T.tensor([1, 2]),
                                          T.tensor([0.5, 1.5])), "float32"),
    ("where float64 scalar", lambda T: T.where(T.tensor([True, False]),
                                               T.ones(2, dtype=T.float64), 0.0), "float64"),
    ("cat int float", lambda T: T.cat([T.tensor([1]), T.tensor([2.0])]), "float32"),
    ("sum bool", lambda T: T.tensor([True, True]).sum(), "int64"),
    ("sum int32", lambda T: T.tensor([1, 2], dtype=T.int32).sum(), "int64"),
    ("exp int", lambda T: T.tensor([1, 2]).exp(), "float32"),
    ("float64 + 2.5", lambda T: T.ones(2, dtype=T.float64) + 2.5, "float64"),
    ("int clamp 0.5", lambda T: T.tensor([0, 1, 2]).clamp(min=0.5), "float32"),
    ("int clamp 1", lambda T: T.tensor([0, 1, 2]).clamp(1, 1), "int64"),
    ("where 1, 0", lambda T: T.where(T.tensor([True, False]), 1, 0), "int64"),
    ("where 1.0, 0", lambda T: T.where(T.tensor([True, False]), 1.0, 0), "float32"),
    ("int // 2", lambda T: T.tensor([-3, 5]) // 2, "int64"),
    ("float // 2", lambda T: T.tensor([-3.5, 5.0]) // 2, "float32"),
    ("stack int float", lambda T: T.stack([T.tensor([1]), T.tensor([2.0])]), "float32"),
    ("maximum int64 int32", lambda T: T.maximum(T.tensor([1, 5]), T.tensor([2, 3],
                                                                            dtype=T.int32)),
     "int64"),
]


@pytest.mark.parametrize("fn,expected", [p[1:] for p in PROMOTIONS], ids=[p[0] for p in PROMOTIONS])
def test_promotion(fn, expected):
    assert fn(minigrad).dtype is getattr(minigrad, expected)


@pytest.mark.parametrize("fn", [p[1] for p in PROMOTIONS], ids=[p[0] for p in PROMOTIONS])
def test_promotion_like_torch(fn, oracle):
    assert_like_torch(fn(minigrad), oracle(fn))


def test_float32_input_gets_float32_grad_from_float64_op(oracle):
    def run(T):
        a = T.ones(2, requires_grad=True)
        b = T.full((2,), 3.0, dtype=T.float64, requires_grad=True)
        (a * b).sum().backward()
        return a.grad, b.grad
    assert run(minigrad)[0].dtype is minigrad.float32
    for a_grad, b_grad in (run(minigrad), oracle(run)):
        assert str(a_grad.dtype) == "torch.float32" and str(b_grad.dtype) == "torch.float64"
        assert a_grad.tolist() == [3.0, 3.0] and b_grad.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------------------------
# Errors: PyTorch's exception types and words
# ---------------------------------------------------------------------------------------------

ERRORS = [
    ("broadcast", lambda T: T.ones(2) + T.ones(3), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    ("broadcast dim 1", lambda T: T.ones(2, 3) * T.ones(2, 4), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"),
    ("maximum broadcast", lambda T: T.maximum(T.ones(2), T.ones(3)), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    ("matmul", lambda T: T.ones(2, 3) @ T.ones(2, 3), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
    ("mm", lambda T: T.mm(T.ones(2, 3), T.ones(4, 2)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x2)"),
    ("dot", lambda T: T.dot(T.ones(2), T.ones(3)), RuntimeError,
     "inconsistent tensor size, expected tensor [2] and src [3] to have the same number of "
     "elements, but got 2 and 3 elements respectively"),
    ("matmul 0-d", lambda T: T.ones(2) @ T.tensor(1.0), RuntimeError,
     "both arguments to matmul need to be at least 1D, but they are 1D and 0D"),
    ("matmul dtypes", lambda T: T.ones(2, 2) @ T.ones(2, 2, dtype=T.float64), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    ("matmul int float", lambda T: T.ones(2, 2, dtype=T.long) @ T.ones(2, 2), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: long int != float"),
    ("mv dtypes", lambda T: T.ones(2, 2) @ T.ones(2, dtype=T.float64), RuntimeError,
     "addmv input tensors must have the same dtype, but got Double, Float, and Double"),
    ("dot dtypes", lambda T: T.ones(2) @ T.ones(2, dtype=T.float64), RuntimeError,
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    ("bmm dtypes", lambda T: T.ones(2, 2, 2) @ T.ones(2, 2, 2, dtype=T.float64), RuntimeError,
     "expected scalar type Float but found Double"),
    ("matmul folded", lambda T: T.ones(2, 2, 3) @ T.ones(2, 3), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (4x3 and 2x3)"),
    ("matmul folded vector", lambda T: T.ones(2, 2, 3) @ T.ones(4), RuntimeError,
     "size mismatch, got input (4), mat (4x3), vec (4)"),
    ("matmul batched", lambda T: T.ones(2, 2, 3) @ T.ones(2, 4, 2), RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
    ("matmul batch broadcast", lambda T: T.ones(3, 2, 3) @ T.ones(2, 3, 2), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
     "dimension 0"),
    ("mv shapes", lambda T: T.mv(T.ones(2, 3), T.ones(2)), RuntimeError,
     "size mismatch, got input (2), mat (2x3), vec (2)"),
    ("div rounding_mode", lambda T: T.div(T.ones(2), 2, rounding_mode="round"), RuntimeError,
     "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"),
    ("view non-contiguous", lambda T: T.ones(2, 3).t().view(6), RuntimeError,
     "view size is not compatible with input tensor's size and stride (at least one dimension "
     "spans across two contiguous subspaces). Use .reshape(...) instead."),
    ("reshape", lambda T: T.ones(2, 3).reshape(4), RuntimeError,
     "shape '[4]' is invalid for input of size 6"),
    ("reshape -1", lambda T: T.ones(2, 3).reshape(-1, 4), RuntimeError,
     "shape '[-1, 4]' is invalid for input of size 6"),
    ("view two -1", lambda T: T.ones(2, 3).view(-1, -1), RuntimeError,
     "only one dimension can be inferred"),
    ("sum dim", lambda T: T.ones(2, 3).sum(2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ("softmax dim", lambda T: T.ones(2, 3).softmax(-3), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    ("transpose dim", lambda T: T.ones(2, 3).transpose(0, 5), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    ("unsqueeze dim", lambda T: T.ones(2, 3).unsqueeze(3), IndexError,
     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ("max dim", lambda T: T.ones(3).max(1), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("cat dim", lambda T: T.cat([T.ones(2), T.ones(2)], 1), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("index", lambda T: T.ones(2, 3)[2], IndexError,
     "index 2 is out of bounds for dimension 0 with size 2"),
    ("index dim 1", lambda T: T.ones(2, 3)[:, 3], IndexError,
     "index 3 is out of bounds for dimension 1 with size 3"),
    ("index negative", lambda T: T.ones(2, 3)[-3], IndexError,
     "index -3 is out of bounds for dimension 0 with size 2"),
    ("index too many", lambda T: T.ones(2)[0, 0], IndexError,
     "too many indices for tensor of dimension 1"),
    ("index list", lambda T: T.ones(3, 2)[[0, 5]], IndexError,
     "index 5 is out of bounds for dimension 0 with size 3"),
    ("index tensor", lambda T: T.ones(3, 2)[T.tensor([-4, 1])], IndexError,
     "index -4 is out of bounds for dimension 0 with size 3"),
    ("index after ...", lambda T: T.ones(2, 3, 4)[1, ..., 4], IndexError,
     "index 4 is out of bounds for dimension 2 with size 4"),
    ("index mask shape", lambda T: T.ones(3, 2)[T.tensor([True, False])], IndexError,
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor "
     "[3, 2] at index 0"),
    ("index negative step", lambda T: T.ones(3)[::-1], ValueError,
     "step must be greater than zero"),
    ("setitem out of bounds", lambda T: T.ones(3).__setitem__(3, 1.0), IndexError,
     "index 3 is out of bounds for dimension 0 with size 3"),
    ("index 0-d", lambda T: T.tensor(1.0)[0], IndexError,
     "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
     "C++ to convert a 0-dim tensor to a number"),
    ("inplace shape", lambda T: T.ones(3).add_(T.ones(2, 3)), RuntimeError,
     "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ("inplace shape mul_", lambda T: T.ones(2, 1).mul_(T.ones(2, 3)), RuntimeError,
     "output with shape [2, 1] doesn't match the broadcast shape [2, 3]"),
    ("inplace cast", lambda T: T.ones(3, dtype=T.long).mul_(1.5), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("inplace cast tensor", lambda T: T.ones(3, dtype=T.long).add_(T.ones(3)), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("inplace cast div", lambda T: T.ones(3, dtype=T.long).div_(2), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("inplace cast bool", lambda T: T.ones(3, dtype=T.bool).add_(1), RuntimeError,
     "result type Long can't be cast to the desired output type Bool"),
    ("neg bool", lambda T: -T.tensor([True]), RuntimeError,
     "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
     "invert a mask, use the `~` or `logical_not()` operator instead."),
    ("sub bool", lambda T: T.tensor([True]) - T.tensor([False]), RuntimeError,
     "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
     "`logical_xor()` operator instead."),
    ("int ** -1", lambda T: T.tensor([1, 2]) ** -1, RuntimeError,
     "Integers to negative integer powers are not allowed."),
    ("float alpha on ints", lambda T: T.sub(T.tensor([1]), T.tensor([2]), alpha=0.5),
     RuntimeError, "For integral input tensors, argument alpha must not be a floating point "
     "number."),
    ("argmax bool", lambda T: T.tensor([True, False]).argmax(), RuntimeError,
     "argmax(): does not support bool input"),
    ("masked_fill float mask", lambda T: _masked_fill(T)(T.ones(2), T.ones(2), 0.0),
     RuntimeError, "masked_fill_ only supports boolean masks, but got mask with dtype float"),
    ("fill_ 1-d value", lambda T: T.ones(2).fill_(T.ones(2)), RuntimeError,
     "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."),
    ("norm fro of 3 dims", lambda T: T.norm(T.ones(2, 2, 2), dim=(0, 1, 2)), RuntimeError,
     "linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2"),
    ("mean int", lambda T: T.tensor([1, 2]).mean(), RuntimeError,
     "mean(): could not infer output dtype. Input dtype must be either a floating point or "
     "complex dtype. Got: Long"),
    ("clamp no bounds", lambda T: T.ones(2).clamp(), RuntimeError,
     "torch.clamp: At least one of 'min' or 'max' must not be None"),
    ("where non-bool", lambda T: T.where(T.ones(2), T.ones(2), T.ones(2)), RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Float"),
    ("stack sizes", lambda T: T.stack([T.ones(2), T.ones(3)]), RuntimeError,
     "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"),
    ("cat sizes", lambda T: T.cat([T.ones(2, 3), T.ones(2, 4)]), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for "
     "tensor number 1 in the list."),
    ("split sizes", lambda T: T.ones(5).split([2, 2]), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at "
     "dimension 0), but got split_sizes=[2, 2]"),
    ("expand", lambda T: T.ones(2, 3).expand(4, 3), RuntimeError,
     "The expanded size of the tensor (4) must match the existing size (2) at non-singleton "
     "dimension 0.  Target sizes: [4, 3].  Tensor sizes: [2, 3]"),
    ("expand too few sizes", lambda T: T.ones(2, 3).expand(3), RuntimeError,
     "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be "
     "greater or equal to the number of dimensions in the tensor (2)"),
    ("expand too few sizes float64", lambda T: T.ones(2, 3, 4, dtype=T.float64).expand([3, 4]),
     RuntimeError, "expand(torch.DoubleTensor{[2, 3, 4]}, size=[3, 4]): the number of sizes "
     "provided (2) must be greater or equal to the number of dimensions in the tensor (3)"),
    ("expand too few sizes int64", lambda T: T.ones(2, 3, dtype=T.int64).expand(np.int64(3)),
     RuntimeError, "expand(torch.LongTensor{[2, 3]}, size=[3]): the number of sizes provided "
     "(1) must be greater or equal to the number of dimensions in the tensor (2)"),
    ("expand too few sizes bool", lambda T: T.ones(2, 1, dtype=T.bool).expand(3), RuntimeError,
     "expand(CPUBoolType{[2, 1]}, size=[3]): the number of sizes provided (1) must be greater "
     "or equal to the number of dimensions in the tensor (2)"),
    ("permute dims", lambda T: T.ones(2, 3).permute(1, 0, 2), RuntimeError,
     "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
     "of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3"),
    ("t 3-d", lambda T: T.ones(2, 3, 4).t(), RuntimeError,
     "t() expects a tensor with <= 2 dimensions, but self is 3D"),
    ("bmm", lambda T: T.bmm(T.ones(2, 2, 3), T.ones(2, 4, 2)), RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
    ("max of empty", lambda T: T.ones(0).max(), RuntimeError,
     "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
     "reduction dim with the 'dim' argument."),
]


@pytest.mark.parametrize("fn,exc,message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(fn, exc, message):
    with pytest.raises(exc) as info:
        fn(minigrad)
    assert str(info.value) == message


@pytest.mark.parametrize("fn", [e[1] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error_like_torch(fn, oracle):
    with pytest.raises(Exception) as expected:
        oracle(fn)
    with pytest.raises(Exception) as got:
        fn(minigrad)
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("dtype,name", [("float32", "{torch}FloatTensor"),
                                        ("float16", "{torch}HalfTensor"),
                                        ("uint8", "{torch}ByteTensor"),
                                        ("bool", "{DEV}BoolType")],
                         ids=["float32", "float16", "uint8", "bool"])
def test_expand_error_names_the_tensor_type_as_pytorch(device, dtype, name):
    # PyTorch's errors print ATen's type name (CPUFloatType, CUDABoolType), and its Python
    # layer renames the legacy ones: torch.FloatTensor, torch.cuda.FloatTensor (not Bool)
    name = name.format(torch="torch.cuda." if device == "cuda" else "torch.",
                       DEV=device.upper())
    x = minigrad.ones(2, 3, dtype=getattr(minigrad, dtype), device=device)
    with pytest.raises(RuntimeError) as info:
        x.expand(3)
    assert str(info.value) == (f"expand({name}{{[2, 3]}}, size=[3]): the number of sizes "
                               "provided (1) must be greater or equal to the number of "
                               "dimensions in the tensor (2)")
