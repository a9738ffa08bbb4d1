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

``Exp.apply(x)`` runs ``forward`` without recording and, when any input requires grad (and grad
mode is on), makes the ``ctx`` the ``grad_fn`` of the outputs: the context *is* the graph node
(an instance of the generated class ``ExpBackward``), as in PyTorch.

minigrad's own operations in ``minigrad.ops`` are Functions too. Their ``backward`` is Tensor
code: the engine runs it without recording normally, and with recording under
``create_graph=True``, so the same formula gives higher-order derivatives.
"""
from __future__ import annotations

import traceback
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from . import anomaly, grad_mode
from .graph import Node, SavedTensor, _all_none, _sequence, shared


class BackwardNode(Node):
    """The graph node (and ``ctx``) of one application of a Function."""

    _forward_cls: type  # the Function subclass; set on each generated subclass
    _saved = ()
    _freed = False
    _recording = False     # set on the nodes that are recorded into a graph
    materialize_grads = True
    _non_differentiable = None
    _arg_index = None      # see _record
    _output_meta = None    # (shape, dtype, device) per output, for nodes with several

    def save_for_backward(self, *tensors: "Tensor | None") -> None:
        """Keep these tensors (inputs or outputs) for backward; they are checked against later
        in-place changes and freed after backward unless ``retain_graph=True``."""
        if self._recording:  # nothing to keep when no graph is being recorded
            saved = []
            for t in tensors:
                saved.append(None if t is None else SavedTensor(t))
            saved = tuple(saved)
            # (nothing saved after all, e.g. y * 2: a shared tuple of Nones, see graph.shared)
            self._saved = saved if saved.count(None) != len(saved) else shared[saved]

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        saved = self._saved
        if saved.count(None) == len(saved):  # nothing saved but Nones (y * 2): as it is
            return saved
        if len(saved) == 1:  # the usual case, written out
            return (saved[0].unpack(self),)
        tensors = []
        for s in saved:
            tensors.append(None if s is None else s.unpack(self))
        return tuple(tensors)

    def _saved_array(self) -> Any:
        """The array of the one tensor this node saved, checked like ``saved_tensors`` (for
        first-order formulas, which compute on arrays: see Tanh.backward)."""
        if self._freed:
            return self.saved_tensors  # (raises)
        return self._saved[0].array(self)

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
        if self._saved:
            self._saved = ()
            self._freed = True

    def apply(self, grad_outputs: tuple) -> tuple:
        if self.materialize_grads:
            for g in grad_outputs:  # (not `None in`: that would compare tensors with ==)
                if g is None:
                    grad_outputs = self._zeros_for_missing(grad_outputs)
                    break
        result = self._forward_cls.backward(self, *grad_outputs)
        if type(result) is not tuple:
            if type(result) is Tensor and len(self.needs_input_grad) == 1:
                # the usual case of a one-input op, checked directly (see below)
                data = result._data
                if data.shape == self._input_shapes[0] and \
                        data.dtype.char == self._input_dtypes[0]:
                    return (result,)
            result = tuple(result) if isinstance(result, list) else (result,)
        if len(result) != len(self.needs_input_grad):
            result = self._check_count(result)
        if self._arg_index is not None:  # one result per argument; keep those with an edge
            result = tuple([result[i] for i in self._arg_index])
        # One gradient per graph edge: it must fit its input (a wrong shape would otherwise
        # broadcast silently into a wrong .grad) and have the input's dtype. Almost always it
        # does, and the tuple is passed on as it is.
        for g, shape, dtype in zip(result, self._input_shapes, self._input_dtypes):
            if g is not None and (shape is None or type(g) is not Tensor or
                                  g._data.shape != shape or g._data.dtype.char != dtype):
                return self._fit_all(result)
        return result

    def _fit_all(self, result: tuple) -> tuple:
        """The gradients, with None where no gradient is wanted, casts and checks done."""
        grads = []
        for g, shape, dtype in zip(result, self._input_shapes, self._input_dtypes):
            if g is None or shape is None:
                grads.append(None)
            elif type(g) is Tensor and g._data.shape == shape and g._data.dtype.char == dtype:
                grads.append(g)
            else:
                grads.append(self._fit(g, shape, dtype, len(grads)))
        return tuple(grads)

    def _fit(self, g: Any, shape: tuple, dtype: str, edge: int) -> Tensor:
        """A gradient that is not plainly right: cast its dtype, or name what is wrong."""
        i = edge if self._arg_index is None else self._arg_index[edge]
        if not isinstance(g, Tensor):
            raise TypeError(f"function {self.name()} returned a gradient different than None "
                            f"at position {i + 1}, but the corresponding forward input was not "
                            "a Variable")
        if g._data.shape != shape:
            raise RuntimeError(f"Function {self.name()} returned an invalid gradient at index "
                               f"{i} - got {list(g._data.shape)} but expected shape compatible "
                               f"with {list(shape)}")
        if g._data.dtype.char != dtype:
            g = g.to(dtype=_dtype_of(np.dtype(dtype)))
        return g

    def _zeros_for_missing(self, grad_outputs: tuple) -> tuple:
        """Outputs that received no gradient get zeros (unless set_materialize_grads(False))."""
        from .. import backend
        return tuple(g if g is not None else
                     Tensor._make(backend.array_module(dev).zeros(shape, dtype), dev)
                     for g, (shape, dtype, dev) in zip(grad_outputs, self._output_meta))

    def _check_count(self, result: tuple) -> tuple:
        n = len(self.needs_input_grad)
        # Extra trailing Nones are tolerated, as in PyTorch; anything else is a bug.
        if len(result) > n and _all_none(result[n:]):
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("_node_name") or f"{cls.__name__}Backward"
        attrs = {"_forward_cls": cls, "__module__": cls.__module__}
        if cls.__dict__.get("_node_fullname"):
            attrs["name"] = lambda self, _n=cls._node_fullname: _n
        cls._backward_cls = type(name, (BackwardNode,), attrs)

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
        ctx = cls._backward_cls()
        needs = []
        for a in args:  # (a plain loop: a comprehension costs a function call in Python 3.11)
            needs.append(isinstance(a, Tensor) and a._requires_grad)
        ctx.needs_input_grad = needs = tuple(needs)
        state = grad_mode.state
        if not state.enabled:  # no_grad, or a backward formula without create_graph
            return cls.forward(ctx, *args, **kwargs)
        record = True in needs
        if record:
            ctx._recording = True
        # forward itself is never recorded: its internal steps are not part of the graph.
        state.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            state.enabled = True
        return _record(cls, ctx, args, needs, out) if record else out


def _record(cls: type, ctx: BackwardNode, args: tuple, needs: tuple, out: Any) -> Any:
    """Make ``ctx`` the grad_fn of the outputs and link it to the inputs' nodes."""
    # An edge per tensor argument (and per Python number for the arithmetic ops, which PyTorch
    # wraps into tensors): the node that made the input and which of its outputs it is, and
    # what the gradient sent back along the edge must look like (shape, dtype code); None
    # where no gradient is wanted. Kept as flat tuples of plain values rather than a tuple of
    # pairs: the garbage collector stops tracking such tuples, so a node costs its passes two
    # objects, not five, and a deep graph would otherwise slow every pass.
    if len(args) == 1:  # one argument, so one edge, to the node that made it
        _link_one(ctx, args[0])
        ctx.needs_input_grad = shared[needs]
    else:
        _record_edges(cls, ctx, args, needs)
    ctx._seq = next(_sequence)
    if anomaly.state.enabled:
        ctx._trace = traceback.format_stack()[:-2]
    if isinstance(out, tuple):
        out = tuple([_claim_output(ctx, o, nr, args) for nr, o in enumerate(out)])
        # what backward needs to give the outputs that got no gradient zeros
        ctx._output_meta = tuple(None if not isinstance(o, Tensor) else
                                 (o._data.shape, o._data.dtype, o._device) for o in out)
    else:
        out = _claim_output(ctx, out, 0, args)
    # A saved output must not be held as a tensor: output -> node -> output is a cycle.
    for s in ctx._saved:
        if s is not None and s.tensor is not None and s.tensor.grad_fn is ctx:
            s.make_output(s.tensor._output_nr)
    return out


def _link_one(ctx: BackwardNode, a: Tensor) -> None:
    """The edge of a node with one argument (which requires grad): _edge, written out (each
    recorded unary op runs this; a call more costs its forward ~2%)."""
    fn, data = a.grad_fn, a._data
    if fn is None:
        ctx._next_nodes, ctx._next_nrs = (a._grad_accumulator(),), shared[(0,)]
    else:
        ctx._next_nodes, ctx._next_nrs = (fn,), shared[(a._output_nr,)]
    ctx._input_shapes = shared[(data.shape,)]
    ctx._input_dtypes = shared[(data.dtype.char,)]


def _record_edges(cls: type, ctx: BackwardNode, args: tuple, needs: tuple) -> None:
    """The edges of a node with several arguments (see _record)."""
    if len(args) == 2 and isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
        _link_two(ctx, args[0], args[1], needs)  # the usual binary op, written out
    else:
        _link_all(cls, ctx, args, needs)


def _link_all(cls: type, ctx: BackwardNode, args: tuple, needs: tuple) -> None:
    """The edges of a node with any arguments (see _record_edges)."""
    nodes, nrs, shapes, dtypes, positions = [], [], [], [], []
    for i, (a, need) in enumerate(zip(args, needs)):
        if need:
            fn, nr, shape, code = _edge(a)
            nodes.append(fn)
            nrs.append(nr)
            shapes.append(shape)
            dtypes.append(code)
        elif isinstance(a, Tensor) or (cls._scalar_edges and isinstance(a, (int, float))):
            nodes.append(None)
            nrs.append(0)
            shapes.append(None)
            dtypes.append(None)
        else:
            continue  # an argument without an edge (a dim, a shape)
        positions.append(i)
    # (the tuples of plain values are shared between nodes: see graph.shared)
    ctx._next_nodes, ctx._next_nrs = tuple(nodes), shared[tuple(nrs)]
    ctx._input_shapes, ctx._input_dtypes = shared[tuple(shapes)], shared[tuple(dtypes)]
    ctx.needs_input_grad = shared[needs]
    if len(positions) != len(args):  # which argument each edge belongs to
        ctx._arg_index = shared[tuple(positions)]


def _link_two(ctx: BackwardNode, a: Tensor, b: Tensor, needs: tuple) -> None:
    """The two edges of a node with two tensor arguments: what _link_all gives them, written
    out (a binary op is the most common node after the unary ones)."""
    fa, na, sa, ca = _edge(a) if needs[0] else _NO_EDGE
    fb, nb, sb, cb = _edge(b) if needs[1] else _NO_EDGE
    ctx._next_nodes, ctx._next_nrs = (fa, fb), shared[(na, nb)]
    ctx._input_shapes, ctx._input_dtypes = shared[(sa, sb)], shared[(ca, cb)]
    ctx.needs_input_grad = shared[needs]


_NO_EDGE = (None, 0, None, None)


def _edge(t: Tensor) -> tuple:
    """(node, output number, shape, dtype code) of the edge to ``t``, which requires grad.
    (Written out where every recorded op passes: _link_one, arithmetic._record_with_number;
    tests compare their nodes with Function.apply's.)"""
    fn, data = t.grad_fn, t._data
    if fn is None:
        return t._grad_accumulator(), 0, data.shape, data.dtype.char
    return fn, t._output_nr, data.shape, data.dtype.char


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
            alias = Tensor._make(o._data, o._device)
            alias._vc = o._counter()
            o = alias
            break
    if differentiable:
        o.grad_fn, o._output_nr, o._requires_grad = ctx, nr, True
    return o


# ------------------------------------------------------------------------------ fast lane
# PyTorch's built-in ops don't go through autograd.Function: generated code records each one's
# node directly. minigrad's built-in ops are Functions, for clarity; for the cases that make
# up most of a course's graphs (an elementwise op on one tensor, or a tensor and a number)
# they record their node directly too, with exactly the fields Function.apply would give it
# (tests/test_autograd.py compares them), at less than half the cost.

def fast_lane(a: Any) -> bool:
    """Can an op on ``a`` record itself directly? When ``a`` is a plain float tensor with
    dimensions that requires grad, in grad mode and not in anomaly mode (which keeps each
    node's forward stack)."""
    return (type(a) is Tensor and a._requires_grad and grad_mode.state.enabled
            and a._data.dtype.kind == "f" and a._data.ndim > 0 and not anomaly.state.enabled)


_ONE_NEEDED = (True,)


def record_unary(cls: type, a: Tensor, result: Any, saves: str | None = None) -> Tensor:
    """``cls.apply(a)`` for an op whose forward computed the array ``result`` from ``a``
    (``fast_lane(a)`` holds) and saved its input (``saves="input"``), its output
    (``"output"``) or nothing."""
    ctx = cls._backward_cls()
    _link_one(ctx, a)
    ctx.needs_input_grad, ctx._recording = _ONE_NEEDED, True
    ctx._seq = next(_sequence)
    y = Tensor._make(result, a._device, True)
    y.grad_fn = ctx
    if saves == "output":
        saved = SavedTensor(y)
        saved.make_output(0)
        ctx._saved = (saved,)
    elif saves == "input":
        ctx._saved = (SavedTensor(a),)
    return y


class InplaceFunction(Function):
    pass


def once_differentiable(fn):
    """Marks a backward that can't be differentiated again: it runs without recording."""
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
