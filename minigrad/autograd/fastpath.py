"""Declared optimisations: cheaper routes that give exactly what the reference path gives.

The reference path (``function.py``, ``graph.py``, ``engine.py``) is what the course teaches
and what a reader should study. It is general, so it does work that the most common cases
don't need: a Python loop over the arguments, a grad-mode switch around forward, a tensor
per step of a backward formula. An op can *declare* facts that let this module skip that work:

``kernel(xp, x[, number])``
    the array its forward computes from a float tensor's array (and a Python number).
    Then ``op(t)`` and ``op(t, number)`` on a float tensor with dimensions record their node
    directly (``forward``), with the same fields the reference path would give it; and when
    nothing is recorded (grad mode off, as in every backward formula and optimizer step, or
    no input requires grad) the op is just the kernel, for two same-shape tensors too.
``saves``
    what forward saves when it has one tensor argument: ``"input"``, ``"output"`` or None.
``backward_arrays(ctx, xp, *grads)``
    the same gradient as ``backward``, computed on arrays, used only when nothing is recorded
    (no ``create_graph``, or nothing it reads requires grad); it may return None for a case it
    doesn't cover. ``backward``
    stays the one formula a reader studies, and the one that ``create_graph`` records.

``state.enabled = False`` (or ``with fastpath.disabled():``, or the environment variable
``MINIGRAD_FASTPATH=0`` at import) turns every route off (a student who writes the reference
path runs it so); ``tests/test_ops.py`` checks for every op that both give identical nodes,
saved tensors and gradients.
"""
from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

import numpy as np

from ..tensor.tensor import Tensor
from . import anomaly, forward_ad, grad_mode, graph


class _State:
    enabled = os.environ.get("MINIGRAD_FASTPATH", "1") != "0"


state = _State()


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the block on the reference path only."""
    before, state.enabled = state.enabled, False
    try:
        yield
    finally:
        state.enabled = before


# ----------------------------------------------------------------------------------- forward
class _Shared(dict):
    """``shared[t]``: one shared copy of a small tuple of plain values equal to ``t``. Nodes
    keep a few such tuples (sizes, flags); sharing them leaves Python's garbage collector
    fewer objects to walk in a deep graph. (Capped, in case a program makes endless shapes.)"""

    def __missing__(self, t: tuple) -> tuple:
        if len(self) > 10_000:
            self.clear()
        self[t] = t
        return t


shared = _Shared()
_NO_EDGE = (None, 0)


def forward(cls: type, args: tuple, kwargs: dict) -> "Tensor | None":
    """``cls.apply(*args)`` for an op that declares a ``kernel``, when the case is one of
    those described above; None otherwise (the reference path then runs)."""
    a = args[0]
    if type(a) is not Tensor or kwargs:
        return None
    x = a._data
    if x.dtype.kind != "f" or not x.ndim:  # (0-d and integer tensors: promotion rules)
        return None
    record = a._requires_grad and grad_mode.state.enabled
    if len(args) == 1:
        if not record:
            return Tensor._make(cls.kernel(a.xp, x), a._device)
        if anomaly.state.enabled:  # (anomaly mode keeps each node's forward stack)
            return None
        return _record(cls, a, cls.kernel(a.xp, x))
    b = args[1]
    kind = type(b)
    if len(args) == 2 and (kind is float or kind is int):  # tensor op number: a's dtype
        if not record:
            return Tensor._make(cls.kernel(a.xp, x, b), a._device)
        if anomaly.state.enabled:
            return None
        return _record(cls, a, cls.kernel(a.xp, x, b), b)
    if len(args) == 2 and kind is Tensor and not (
            grad_mode.state.enabled and (record or b._requires_grad)):
        y = b._data  # two tensors, nothing recorded: only without promotion or broadcasting
        if y.dtype is x.dtype and b._device is a._device and y.shape == x.shape:
            return Tensor._make(cls.kernel(a.xp, x, y), a._device)
    return None


_ONE_NEEDED, _FIRST_ARG = (True,), (0,)
_FIRST_NEEDED, _TWO_ARGS = (True, False), (0, 1)
_NO_NUMBER = object()


def _record(cls: type, a: Tensor, result: Any, number: Any = _NO_NUMBER) -> Tensor:
    """What Function.apply records for ``cls.apply(a)`` or ``cls.apply(a, number)``: the same
    node, edges, saved tensors and operand facts. (graph.gradient_edge and
    graph.next_sequence_number written out: every recorded op of a course passes here.)"""
    data = a._data
    fn = a.grad_fn
    edge = (a._grad_accumulator(), 0) if fn is None else (fn, a._output_nr)
    ctx = cls._backward_cls()
    ctx._recording = True
    if number is _NO_NUMBER:
        ctx.needs_input_grad, ctx._edge_args = _ONE_NEEDED, _FIRST_ARG
        ctx.next_functions = (edge,)
        ctx._input_meta = shared[((data.shape, data.dtype),)]
    else:  # the number gets a (None, 0) edge: PyTorch wraps numbers into tensors
        ctx.needs_input_grad, ctx._edge_args = _FIRST_NEEDED, _TWO_ARGS
        ctx.next_functions = (edge, _NO_EDGE)
        ctx._input_meta = shared[((data.shape, data.dtype), None)]
        cls.keep_operands(ctx, data.shape, (), number)
    ctx._seq = next(graph._sequence)
    y = Tensor._make(result, a._device, True)
    y.grad_fn = ctx
    if cls.saves == "output":
        saved = graph.SavedTensor(y)
        saved.make_output(0)
        ctx._saved = (saved,)
    elif cls.saves == "input":
        ctx._saved = (graph.SavedTensor(a),)
    return y


# ---------------------------------------------------------------------------------- backward
def backward(node: Any, grad_outputs: tuple) -> "tuple | None":
    """What ``node.apply(grad_outputs)`` returns, from its Function's ``backward_arrays``,
    when nothing is recorded; None where this route doesn't apply (the reference then runs)."""
    if node._freed or len(grad_outputs) != 1 or forward_ad.state.on:
        return None  # (in a dual level, backward's ops may carry tangents: forward-over-reverse)
    g = grad_outputs[0]
    if g is None or (grad_mode.state.enabled and _records(node, g)):
        return None
    gd = g._data
    result = node._forward_cls.backward_arrays(node, g.xp, gd)
    if result is None:
        return None
    grads = []
    for i, meta in zip(node._edge_args, node._input_meta):  # as BackwardNode.apply and _fit
        r = result[i] if i < len(result) else None
        if r is None or meta is None:
            grads.append(None)
        elif r is gd:  # passed on as it came (y + number)
            grads.append(g)
        else:
            if type(r) is not np.ndarray:
                r = _array(r)
            if r.shape != meta[0] or r.dtype != meta[1]:
                return None  # a cast, or an error to raise: the reference path does it
            grads.append(Tensor._make(r, g._device))
    return tuple(grads)


def _records(node: Any, g: Tensor) -> bool:
    """Would the reference backward record (create_graph)? Only if the gradient or a tensor
    the node saved requires grad."""
    if g._requires_grad:
        return True
    for s in node._saved:
        if s is not None and (s.tensor._requires_grad if s.tensor is not None
                              else s.requires_grad):
            return True
    return False


def _array(r: Any) -> Any:
    """NumPy gives 0-d results as scalars: make them arrays again."""
    return np.asarray(r) if isinstance(r, np.generic) else r


def saved_arrays(node: Any) -> tuple:
    """The arrays of what ``node`` saved, checked like ``saved_tensors`` (same errors)."""
    if node._freed:
        return node.saved_tensors  # (raises PyTorch's error)
    arrays = []
    for s in node._saved:
        arrays.append(None if s is None else s.array(node))
    return tuple(arrays)
