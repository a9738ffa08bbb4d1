"""``Function``: one differentiable operation, its forward and its backward side by side.

Subclass it with two static methods, as in PyTorch::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y          # d exp(x)/dx = exp(x)

``Exp.apply(x)`` runs ``forward`` without recording and, when an input requires grad (and grad
mode is on), makes the ``ctx`` the ``grad_fn`` of the outputs: the context *is* the graph node
(an instance of the generated class ``ExpBackward``), as in PyTorch. The node gets one edge per
input: ``next_functions[i] = (node that made input i, which of its outputs)``.

minigrad's own operations in ``minigrad.ops`` are Functions too. Their ``backward`` is Tensor
code: the engine runs it without recording normally, and with recording under
``create_graph=True``, so the same formula gives higher-order derivatives.

This file is the reference path. Some ops also declare cheaper routes (an array ``kernel``,
what they ``saves``, an array-level ``backward_arrays``); ``fastpath.py`` takes them, and
``fastpath.state.enabled = False`` turns every one of them off.
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

from ..tensor.tensor import Tensor
from . import anomaly, fastpath, forward_ad, grad_mode
from .graph import Node, SavedTensor, gradient_edge, next_sequence_number


_forward_ad = forward_ad.state


class BackwardNode(Node):
    """The graph node (and ``ctx``) of one application of a Function."""

    _forward_cls: type        # the Function subclass; set on each generated subclass
    _recording = False        # is this node being recorded into a graph? (else saving is moot)
    _freed = False            # saved tensors released after backward
    materialize_grads = True
    _non_differentiable = None
    _edge_args = ()           # which forward argument each edge belongs to
    _input_meta = ()          # per edge: (shape, dtype) its gradient must have, or None
    _input_devices = None     # a custom Function's: per argument, the device of its gradient

    def save_for_backward(self, *tensors: "Tensor | None") -> None:
        """Keep these tensors (inputs or outputs) for backward; they are checked against later
        in-place changes and freed after backward unless ``retain_graph=True``."""
        if self._recording:
            self._saved = tuple([None if t is None else SavedTensor(t) for t in tensors])

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        return tuple([None if s is None else s.unpack(self) for s in self._saved])

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """These outputs (indices, masks) get no grad_fn and never require grad."""
        self._non_differentiable = {id(t) for t in outputs}

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Tensor) -> None:
        raise NotImplementedError("in-place custom Functions (mark_dirty) are not supported by "
                                  "minigrad; return a new tensor from forward instead")

    def release(self) -> None:
        """Free the saved tensors (after backward, unless retain_graph)."""
        ### BEGIN SOLUTION chapter 5: freeing the saved tensors
        self._saved = ()
        self._freed = True
        ### END SOLUTION

    def apply(self, grad_outputs: tuple) -> tuple:
        """The Function's backward: gradients for the outputs in, one gradient per edge out."""
        if self._forward_cls.backward_arrays is not None and fastpath.state.enabled:
            result = fastpath.backward(self, grad_outputs)  # a declared shortcut
            if result is not None:
                return result
        if self.materialize_grads and any(g is None for g in grad_outputs):
            grad_outputs = self._zeros_for_missing(grad_outputs)
        result = self._forward_cls.backward(self, *grad_outputs)
        if not isinstance(result, tuple):
            result = tuple(result) if isinstance(result, list) else (result,)
        result = self._check_count(result)
        # backward returns one gradient per forward argument; the edges are the tensor ones
        return tuple([self._fit(result[i], meta, i)
                      for i, meta in zip(self._edge_args, self._input_meta)])

    def _fit(self, g: Any, meta: "tuple | None", i: int) -> "Tensor | None":
        """Argument ``i``'s gradient, checked against what its input looked like: a wrong
        shape would otherwise broadcast silently into a wrong ``.grad``."""
        if g is None or meta is None:  # no gradient, or none wanted
            return None
        if not isinstance(g, Tensor):
            raise TypeError(f"function {self.name()} returned a gradient different than None "
                            f"at position {i + 1}, but the corresponding forward input was not "
                            "a Variable")
        shape, dtype = meta
        if g._data.shape != shape:
            raise RuntimeError(f"Function {self.name()} returned an invalid gradient at index "
                               f"{i} - got {list(g._data.shape)} but expected shape compatible "
                               f"with {list(shape)}")
        if g._data.dtype != dtype:  # a float32 input gets a float32 gradient
            g = g.to(dtype=_dtype_of(dtype))
        if self._input_devices is not None and g._device != self._input_devices[i]:
            dev = self._input_devices[i]
            if g._data.ndim:  # (a 0-d gradient is moved, as PyTorch's engine moves it)
                raise RuntimeError(f"Function {self.name()} returned an invalid gradient at "
                                   f"index {i} - expected device {dev} but got {g._device}")
            g = g.to(dev)
        return g

    def _zeros_for_missing(self, grad_outputs: tuple) -> tuple:
        """Outputs that received no gradient get zeros (unless set_materialize_grads(False))."""
        from .. import backend
        return tuple(g if g is not None else
                     Tensor._make(backend.array_module(dev).zeros(shape, dtype), dev)
                     for g, (shape, dtype, dev) in zip(grad_outputs, self._output_meta))

    def _check_count(self, result: tuple) -> tuple:
        n = len(self.needs_input_grad)
        if len(result) == n:
            return result
        # Extra trailing Nones are tolerated, as in PyTorch; anything else is a bug.
        if len(result) > n and all(g is None for g in result[n:]):
            return result[:n]
        raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                           f"gradients (expected {n}, got {len(result)})")


def _dtype_of(np_dtype):
    from ..tensor.dtypes import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


class Function:
    """Base class of differentiable operations (see the module docstring)."""

    _node_name: str | None = None  # PyTorch's name of the node, e.g. "MulBackward0"
    _node_fullname: str | None = None  # what node.name() says, where PyTorch says more
    _scalar_edges = False          # Python-number arguments get a (None, 0) edge too

    # Optional declarations that let fastpath.py take a cheaper route (see there):
    kernel: "Callable | None" = None           # kernel(xp, x[, number]) -> the output array
    saves: "str | None" = None                 # what forward saves: "input", "output" or None
    backward_arrays: "Callable | None" = None  # backward on arrays, when nothing is recorded

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("_node_name") or f"{cls.__name__}Backward"
        attrs = {"_forward_cls": cls, "__module__": cls.__module__}
        if cls.__dict__.get("_node_fullname"):
            attrs["name"] = lambda self, _n=cls._node_fullname: _n
        cls._backward_cls = type(name, (BackwardNode,), attrs)
        # A custom Function's gradients are checked for their device too (minigrad's own ops
        # compute theirs with Tensor code on the input's device: they skip the check)
        cls._checks_devices = not cls.__module__.startswith("minigrad.")

    @staticmethod
    def forward(ctx: BackwardNode, *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx: BackwardNode, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` (not recorded) and, if needed, record a node for the outputs.
        Keyword arguments go to ``forward`` too but are never graph inputs."""
        if _forward_ad.on:  # a dual level is open: tangents may need carrying (forward_ad.py)
            return forward_ad.apply(cls, args, kwargs)
        if cls.kernel is not None and fastpath.state.enabled:  # a declared shortcut
            result = fastpath.forward(cls, args, kwargs)
            if result is not None:
                return result
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a.requires_grad for a in args])
        if not grad_mode.is_grad_enabled():  # no_grad, or a backward without create_graph
            return cls.forward(ctx, *args, **kwargs)
        ctx._recording = any(ctx.needs_input_grad)
        grad_mode.state.enabled = False  # forward's own steps are not part of the graph
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            grad_mode.state.enabled = True
        return _record(ctx, args, out) if ctx._recording else out


def _record(ctx: BackwardNode, args: tuple, out: Any) -> Any:
    """Make ``ctx`` the grad_fn of the outputs, with one edge per input."""
    ### BEGIN SOLUTION chapter 3: one edge per input in _record
    edges, edge_args, meta = [], [], []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.requires_grad:
            edges.append(gradient_edge(a))  # the node that made a (a leaf: its AccumulateGrad)
            meta.append((a._data.shape, a._data.dtype))
        elif isinstance(a, Tensor) or (ctx._forward_cls._scalar_edges and
                                       isinstance(a, (int, float))):
            edges.append((None, 0))         # an input that needs no gradient
            meta.append(None)
        else:
            continue                        # not an input of the graph (a dim, a shape)
        edge_args.append(i)
    ctx.next_functions, ctx._edge_args, ctx._input_meta = (
        tuple(edges), tuple(edge_args), tuple(meta))
    ### END SOLUTION
    if ctx._forward_cls._checks_devices:
        ctx._input_devices = tuple([a._device if isinstance(a, Tensor) else None for a in args])
    ctx._seq = next_sequence_number()
    if anomaly.state.enabled:
        ctx._trace = traceback.format_stack()[:-2]
    if isinstance(out, tuple):
        out = tuple(_claim_output(ctx, o, nr, args) for nr, o in enumerate(out))
        ctx._output_meta = tuple(None if not isinstance(o, Tensor) else
                                 (o._data.shape, o._data.dtype, o._device) for o in out)
    else:
        out = _claim_output(ctx, out, 0, args)
    for s in ctx._saved:
        if s is None:
            continue
        # The versions backward will expect are those at the end of forward, as PyTorch
        # records them: forward may still change what it saved (a fresh result, say).
        s.version = s.tensor._version
        # A saved output must not be held as a tensor: output -> node -> output is a cycle.
        if s.tensor.grad_fn is ctx:
            s.make_output(s.tensor._output_nr)
    return out


def _claim_output(ctx: BackwardNode, o: Any, nr: int, args: tuple) -> Any:
    """Make ``ctx`` the grad_fn of output ``nr`` (unless it is not a float tensor, or was
    marked non-differentiable)."""
    if not isinstance(o, Tensor):
        return o
    non_diff = ctx._non_differentiable
    differentiable = o._data.dtype.kind == "f" and (non_diff is None or id(o) not in non_diff)
    for a in args:
        if o is a:
            # forward returned an input as is: the output needs its own identity (the same
            # memory and version counter, like a view)
            o = Tensor._make(a._data, a._device)
            o._vc = a._counter()
            break
    if differentiable:
        o.grad_fn, o._output_nr, o._requires_grad = ctx, nr, True
    if o._vc is not None and ctx._forward_cls._checks_devices:  # a custom Function's output
        for a in args:  # on an input's memory: a view no in-place op may change (views.py)
            if isinstance(a, Tensor) and o._vc is a._vc:
                o._view_info = (a._base if a._view_info is not None else a, None,
                                "custom_function")
                break
    return o


class InplaceFunction(Function):
    pass


def once_differentiable(fn):
    """Marks a backward that can't be differentiated again: it runs without recording."""
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
