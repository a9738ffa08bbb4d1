"""Forward-mode AD: carry a *tangent* (a direction ``da``) along with each value, and get
``df = J da`` during the forward pass itself, one op at a time. PyTorch's API::

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)   # x "is" primal + tangent * eps
        y = f(x)
        y_p, y_t = forward_ad.unpack_dual(y)        # f(primal), J(primal) @ tangent

Where the rules live: next to each op's ``backward``, as a static method ``jvp`` of its
Function (``minigrad/ops``). ``jvp(fw, *tangents)`` gets one tangent per forward argument
(None for an argument that is not a tensor or has no tangent) and returns the output's tangent
(a tuple for several outputs). ``fw`` holds what forward was given, by the names of
``forward``'s parameters (``fw.a``, ``fw.dims``, ...), and its result (``fw.output``). A
tangent is a Tensor, and a rule is Tensor code: if the tangent or the primal requires grad,
the tangent gets a graph of its own (reverse-over-forward).

Linear ops (views, sums, indexing, cat) have the rule ``linear``: the op itself, applied to the
tangents. ``bilinear`` (matmul) is the product rule: ``f(da, b) + f(a, db)``.

How they're applied: ``Function.apply`` starts with one test, ``if forward_ad.state.on``,
true only while a dual level is open. Then ``apply`` below looks for tangents at this level
among the arguments; with none the op runs as usual. Otherwise it runs the op, then the
op's rule (with ``state.on`` false, so the rule's own ops carry no tangents), and attaches the
result to the output. An op without a rule raises PyTorch's error naming it.

Only one level at a time, as in PyTorch ("Nested forward mode AD is not supported").
"""
from __future__ import annotations

import contextlib
import inspect
import weakref
from collections import namedtuple
from typing import Any, Iterator

from ..tensor.tensor import Tensor

__all__ = ["dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual",
           "UnpackedDualTensor"]


class _State:
    level: "_Level | None" = None  # the open dual level
    on = False                     # a level is open and no rule is running: Function.apply's test


state = _State()


class _Level:
    """A dual level: the tensors that got a tangent in it (to drop them when it closes)."""

    def __init__(self) -> None:
        self.duals: list = []


UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = """What ``unpack_dual`` returns: ``primal`` (a view of the
tensor's value) and ``tangent`` (None if it has none at this level)."""


# ---------------------------------------------------------------------------- the levels
def enter_dual_level() -> int:
    """Open a dual level (PyTorch numbers it 0); prefer ``with dual_level():``."""
    if state.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    state.level, state.on = _Level(), True
    return 0


def exit_dual_level(*, level: "int | None" = None) -> None:
    """Close the dual level: every tangent made in it is dropped."""
    if level is not None and (level != 0 or state.level is None):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    if state.level is None:
        raise RuntimeError("Dual level must be a positive number.")
    for ref in state.level.duals:
        t = ref()
        if t is not None:
            t._fw_grad = None
    state.level, state.on = None, False


@contextlib.contextmanager
def dual_level() -> Iterator[int]:
    """``with dual_level():`` — the block where dual tensors live."""
    level = enter_dual_level()
    try:
        yield level
    finally:
        exit_dual_level(level=level)


def _check_level(level: "int | None") -> None:
    if state.level is None or (level is not None and level != 0):
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")


def tangent_of(t: Tensor) -> "Tensor | None":
    """``t``'s tangent at the open level, or None."""
    fw = getattr(t, "_fw_grad", None)
    return fw[1] if fw is not None and fw[0] is state.level else None


def _set_tangent(t: Tensor, tangent: Tensor) -> None:
    """Give ``t`` its tangent at the open level. If ``t``'s own node saved it for backward,
    the saved copy gets the tangent too (a backward run inside the level then sees a dual:
    forward-over-reverse)."""
    t._fw_grad = (state.level, tangent)
    state.level.duals.append(weakref.ref(t))
    node = t.grad_fn
    for s in getattr(node, "_saved", None) or ():
        if s is not None and s.tensor is None and s.output_nr == t._output_nr:
            s.fw_grad = t._fw_grad


# --------------------------------------------------------------------- make and unpack duals
def make_dual(tensor: Tensor, tangent: Tensor, *, level: "int | None" = None) -> Tensor:
    """A view of ``tensor`` that carries ``tangent`` (same shape) at the open level.
    Gradients flow back through it to ``tensor`` (a ``ViewBackward0`` node)."""
    _check_level(level)
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if t._data.dtype.kind not in "fc":
            raise ValueError(f"Expected {name} to be floating point or complex, but got: "
                             f"{t.dtype}")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError("Trying to set a forward gradient that has a different size than "
                           "that of the original Tensor, this is not supported. Tensor is of "
                           f"size {list(tensor.shape)} while the given forward gradient is of "
                           f"size {list(tangent.shape)}.")
    dual = _alias(tensor)
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: "int | None" = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the value (a view without the tangent) and the tangent (None if
    the tensor has none at the open level)."""
    tangent = tangent_of(tensor) if state.level is not None else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_alias(tensor), tangent)


def _alias(t: Tensor) -> Tensor:
    """A view of ``t`` (the same memory, differentiable back to ``t``), without a tangent."""
    from ..ops.shape import View
    on, state.on = state.on, False
    try:
        return View.apply(t, shape=t._data.shape)
    finally:
        state.on = on


# ------------------------------------------------------------------- applying an op's rule
class _Forward:
    """What a rule sees of one forward call: its arguments by ``forward``'s parameter names,
    and ``output`` (the result; an alias when it requires grad, so that a tangent's graph
    that saves it does not hold the output itself: output -> tangent -> output is a cycle)."""

    def __init__(self, op: type, args: tuple, kwargs: dict, output: Any) -> None:
        self.op, self.args, self.kwargs = op, args, kwargs
        bound = _signature(op).bind(None, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)
        self.output = (tuple(_output_alias(o) for o in output) if isinstance(output, tuple)
                       else _output_alias(output))


_signatures: dict = {}


def _signature(op: type) -> inspect.Signature:
    sig = _signatures.get(op)
    if sig is None:
        sig = _signatures[op] = inspect.signature(op.forward)
    return sig


def _output_alias(o: Any) -> Any:
    if not isinstance(o, Tensor) or not o._requires_grad:
        return o
    a = Tensor._make(o._data, o._device, True)
    a.grad_fn, a._output_nr, a._vc = o.grad_fn, o._output_nr, o._counter()
    return a


def apply(op: type, args: tuple, kwargs: dict) -> Any:
    """``op.apply(*args, **kwargs)`` while a dual level is open (``Function.apply`` sends
    every call here then): the output, with its tangent if an argument had one."""
    state.on = False  # the op itself, and its rule, carry no tangents
    try:
        ### BEGIN SOLUTION chapter 13: the forward-mode hook (apply)
        tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
        result = op.apply(*args, **kwargs)  # the op itself, as usual
        if all(t is None for t in tangents) or not _floating(result):
            return result  # no dual argument (or an integer output): nothing to carry
        rule = getattr(op, "jvp", None)
        if rule is None:
            raise _no_rule(op)
        result = _own(result, args)
        out_tangents = rule(_Forward(op, args, kwargs, result), *tangents)  # one per argument
        outs = result if isinstance(result, tuple) else (result,)
        if not isinstance(out_tangents, tuple):
            out_tangents = (out_tangents,)
        for o, t in zip(outs, out_tangents):
            if t is not None and _floating(o):
                _set_tangent(o, _fit(t, o))
        return result
        ### END SOLUTION
    finally:
        state.on = True


def _floating(result: Any) -> bool:
    """Whether ``result`` (a tensor, or a tuple of outputs) has a floating-point tensor: only
    those carry tangents (comparisons, indices don't, as in PyTorch)."""
    outs = result if isinstance(result, tuple) else (result,)
    return any(isinstance(o, Tensor) and o._data.dtype.kind in "fc" for o in outs)


def _own(result: Any, args: tuple) -> Any:
    """``result`` with every output that is one of ``args`` itself (a forward that returned
    its input as is) replaced by an alias: the output's tangent must not overwrite the
    input's."""
    def own(o: Any) -> Any:
        return _alias(o) if any(o is a for a in args) else o
    return tuple(own(o) for o in result) if isinstance(result, tuple) else own(result)


def _fit(t: Tensor, o: Tensor) -> Tensor:
    """A rule's tangent made to the output's shape (a broadcast) and dtype."""
    if t._data.shape != o._data.shape:
        t = t.expand(o._data.shape)
    if t._data.dtype != o._data.dtype:
        t = t.to(dtype=o.dtype)
    return t


def _no_rule(op: type) -> Exception:
    if not op.__module__.startswith("minigrad."):
        return NotImplementedError("You must implement the jvp function for custom "
                                   "autograd.Function to use it with forward mode AD.")
    import re
    name = re.sub(r"Backward\d*$", "", op._backward_cls.__name__)
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return NotImplementedError(
        f"Trying to use forward AD with {name} that does not support it because it has not "
        f"been implemented yet. (minigrad: {op.__module__}.{op.__name__} has no jvp rule.)")


# ------------------------------------------------------------------ rules shared by many ops
def plus(*tangents: "Tensor | None") -> "Tensor | None":
    """The sum of the tangents that are there (None if none is): the tangent of a sum."""
    total = None
    for t in tangents:
        if t is not None:
            total = t if total is None else total + t
    return total


def linear(fw: _Forward, *tangents: "Tensor | None") -> Any:
    """The rule of a linear op (a view, a sum, indexing, cat): the op itself, applied to the
    tangents (zeros for a tensor argument without one; other arguments as they were)."""
    args = tuple(_zeros_like(a) if t is None and isinstance(a, Tensor) else
                 (t if t is not None else a) for a, t in zip(fw.args, tangents))
    return fw.op.apply(*args, **fw.kwargs)


def bilinear(fw: _Forward, ta: "Tensor | None", tb: "Tensor | None") -> "Tensor | None":
    """The product rule of an op linear in each of its two arguments (matmul):
    d f(a, b) = f(da, b) + f(a, db)."""
    a, b = fw.args
    return plus(fw.op.apply(ta, b) if ta is not None else None,
                fw.op.apply(a, tb) if tb is not None else None)


def _zeros_like(a: Tensor) -> Tensor:
    return Tensor._make(a.xp.zeros_like(a._data), a._device)
