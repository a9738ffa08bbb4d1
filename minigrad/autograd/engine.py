"""The backward engine, and its two entry points ``backward()`` and ``grad()``.

How a backward pass runs (as PyTorch's engine does, minus threads):

1. Walk the graph from the roots with an explicit stack (never recursion: graphs can be
   100,000 nodes deep) and count, for every node, how many edges point into it.
2. Put the roots' gradients in their nodes' input buffers. A node is *ready* when every edge
   into it has delivered its gradient; ready nodes wait in a heap ordered by creation, the most
   recently created first (PyTorch's order).
3. Pop a node, run the tensor hooks on its incoming gradients, call its backward, and add each
   result into the buffer of the node it belongs to. Free what the node saved unless
   ``retain_graph``. ``AccumulateGrad`` nodes add into the leaves' ``.grad``.

With ``inputs`` (``grad()``, or ``backward(inputs=...)``) only the nodes on a path to an input
run. ``grad()`` captures the gradient arriving at each input (the sum in its node's buffer)
and touches no ``.grad``; ``backward(inputs=...)`` accumulates into the inputs' ``.grad``.
"""
from __future__ import annotations

import heapq
import warnings
from heapq import heappop, heappush
from typing import Sequence

import numpy as np

from ..tensor.tensor import Tensor
from . import anomaly, grad_mode
from .graph import AccumulateGrad, Node, _accumulate_into, gradient_edge

_TensorOrTensors = "Tensor | Sequence[Tensor]"

# Functions called as fn(node, grad_outputs, grad_inputs) each time the engine runs a node:
# how minigrad.viz records a backward pass step by step. Not part of PyTorch's API.
_observers: list = []


class observe:
    """``with observe(fn):`` calls ``fn(node, grads_in, grads_out)`` for every node the engine
    runs (``grads_out`` is None for AccumulateGrad), in execution order."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def __enter__(self) -> "observe":
        _observers.append(self.fn)
        return self

    def __exit__(self, *exc) -> None:
        _observers.remove(self.fn)


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _root_edge(t: Tensor, i: int) -> tuple[Node, int]:
    if not t._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                           "grad_fn")
    return gradient_edge(t)


def _make_grads(outputs: tuple, grads: tuple, create_graph: bool) -> list:
    """The gradient each output starts with: given, or 1 for a scalar output."""
    result = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            data = out._data
            if data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if data.dtype.kind != "f":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            g = Tensor._make(out.xp.ones(data.shape, data.dtype), out._device)
        else:
            if not isinstance(g, Tensor):
                raise TypeError(f"gradients can be either Tensors or None, but got "
                                f"{type(g).__name__}")
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}.")
            if g._device != out._device:
                raise RuntimeError(f"Mismatch in device: grad_output[{i}] is on {g.device} and "
                                   f"output[{i}] is on {out.device}.")
            if g._data.dtype != out._data.dtype:
                g = g.to(dtype=out.dtype)
            if not create_graph and g._requires_grad:
                g = g.detach()
        result.append(g)
    return result


def run_backward(outputs: tuple, grad_outputs: Sequence, retain_graph: bool,
                 create_graph: bool, inputs: tuple = (), accumulate: bool = True) -> tuple:
    """Run one backward pass from ``outputs``.

    ``accumulate=True`` (``backward()``): add into the leaves' ``.grad``; with ``inputs``, only
    into theirs (a non-leaf input gets its ``.grad`` as ``retain_grad()`` would give it).
    ``accumulate=False`` (``grad()``): ``.grad`` is never touched; returns, for each of
    ``inputs``, the gradient that reached it (None where none did).
    """
    roots = [_root_edge(t, i) for i, t in enumerate(outputs)]
    grads = _make_grads(outputs, tuple(grad_outputs), create_graph)

    # Targets: where the gradient of each input arrives (a node and which of its outputs).
    targets: dict[Node, list] = {}
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"inputs must be Tensors, got {type(t).__name__} at index {i}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        node, nr = gradient_edge(t)
        targets.setdefault(node, []).append((nr, i))

    deps, needed = _count_dependencies([r[0] for r in roots], targets)

    captured: list = [None] * len(inputs)
    buffers: dict[Node, list] = {}  # per node: the gradients received so far, one per output
    for (node, nr), g in zip(roots, grads):
        _add_to_buffer(buffers, node, nr, g)
    # Ready nodes wait in a heap of (-sequence number, node): the most recently created runs
    # first. A root that is also reached through the graph waits for those edges too.
    heap = [(-node._seq, node) for node in buffers if deps.get(node, 0) == 0]
    heapq.heapify(heap)

    state = grad_mode.state
    prev = state.enabled
    state.enabled = create_graph  # backward formulas record only when asked to
    check_nan = anomaly.state.enabled and anomaly.state.check_nan
    # PyTorch computes 1/0 = inf silently; NumPy would warn on every such gradient.
    errstate = np.errstate(all="ignore")
    errstate.__enter__()
    try:
        while heap:
            node = heappop(heap)[1]
            node_grads = buffers.pop(node)
            is_leaf_node = type(node) is AccumulateGrad
            # Does the node run? Not a target with nothing wanted beyond it, and under grad()
            # not a leaf's AccumulateGrad either: grad() never touches .grad.
            runs = accumulate if is_leaf_node else needed is None or node in needed
            if not runs:  # a node that won't run still runs its tensor hooks, before capture
                node._run_tensor_hooks(node_grads)
            if not accumulate and node in targets:  # grad(): capture what reached each input
                ### BEGIN SOLUTION chapter 8: capturing the gradient that reaches each input
                for nr, i in targets[node]:
                    captured[i] = node_grads[nr]
                ### END SOLUTION
            if runs:  # PyTorch's order: a node that runs on is captured before its hooks
                node._run_tensor_hooks(node_grads)
            if accumulate and node in targets and not is_leaf_node:
                _accumulate_inputs(node, targets[node], node_grads, inputs)  # backward(inputs=)
            if not runs:
                continue
            if node._pre_hooks:
                for hook in list(node._pre_hooks.values()):
                    new = hook(tuple(node_grads))
                    if new is not None:
                        node_grads = list(new)
            if is_leaf_node:
                node.apply(node_grads)
                for fn in _observers:
                    fn(node, tuple(node_grads), None)
                continue
            if node_grads[0] is None and all(g is None for g in node_grads):  # nothing came
                out_grads = (None,) * len(node.next_functions)
            else:
                try:
                    out_grads = node.apply(tuple(node_grads))
                except Exception:
                    if anomaly.state.enabled:  # say where the failing node's forward ran
                        anomaly.warn_error(node)
                    raise
                if node._post_hooks:
                    for hook in list(node._post_hooks.values()):
                        new = hook(out_grads, tuple(node_grads))
                        if new is not None:
                            out_grads = tuple(new)
                if check_nan:
                    anomaly.check_nan(node, out_grads)
                for fn in _observers:
                    fn(node, tuple(node_grads), out_grads)
            if not retain_graph and node._saved:  # free what it saved for backward
                node.release()
            # Hand each input's gradient to the node that produced the input; a node is ready
            # once every edge into it has delivered (its count reaches 0).
            ### BEGIN SOLUTION chapter 4: the hand-over of each gradient to its node
            for (child, nr), g in zip(node.next_functions, out_grads):
                waiting = deps.get(child)  # (None: no gradient wanted, or not needed)
                if waiting is not None:
                    _add_to_buffer(buffers, child, nr, g)
                    deps[child] = waiting - 1
                    if waiting == 1:
                        heappush(heap, (-child._seq, child))
            ### END SOLUTION
    finally:
        state.enabled = prev
        errstate.__exit__(None, None, None)

    return tuple(captured)


def _accumulate_inputs(node: Node, wanted: list, grads: list, inputs: tuple) -> None:
    """backward(inputs=[h]) with h not a leaf: add the gradient that reached h into h.grad,
    after h's hooks, as h.retain_grad() does (once: not again if h already retains its grad)."""
    retained = node._retained or {}
    for nr, i in wanted:
        ref = retained.get(nr)
        if grads[nr] is not None and (ref is None or ref() is not inputs[i]):
            _accumulate_into(inputs[i], grads[nr])


def _add_to_buffer(buffers: dict, node: Node, nr: int, g: "Tensor | None") -> None:
    """Add ``g`` into what ``node``'s output ``nr`` has received (the buffer exists once any
    edge has delivered, even a None)."""
    ### BEGIN SOLUTION chapter 5: the sum of the gradients that arrive
    buf = buffers.get(node)
    if buf is None:
        meta = node._output_meta  # (kept only by nodes with several outputs)
        buf = buffers[node] = [None] * (1 if meta is None else len(meta))
    if g is not None:
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    ### END SOLUTION


def _count_dependencies(roots: list, targets: dict):
    """Count edges into every node reachable from the roots (iteratively, one pass).

    With targets, also work out which nodes lie on a path to a target: only those run. Every
    parent of such a node is on a path too, so their counts are the plain ones; ``needed`` holds
    the nodes with a child on a path (a target with nothing wanted beyond it doesn't run).
    """
    ### BEGIN SOLUTION chapter 4: the dependency count (with targets, also each node's parents)
    deps = dict.fromkeys(roots, 0)  # a node may be the root of several outputs
    parents: dict[Node, list] | None = {} if targets else None
    stack = list(deps)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is not None:
                n = deps.get(child)
                if n is None:  # first visit: walk on from it
                    deps[child] = 1
                    stack.append(child)
                else:
                    deps[child] = n + 1
                if parents is not None:
                    parents.setdefault(child, []).append(node)
    ### END SOLUTION
    if not targets:
        return deps, None
    # Walk up from the targets: the nodes reached are the ones on a path to a target.
    keep = {t for t in targets if t in deps}
    needed = set()
    stack = list(keep)
    while stack:
        for p in parents.get(stack.pop(), ()):
            needed.add(p)
            if p not in keep:
                keep.add(p)
                stack.append(p)
    return {n: deps[n] for n in keep}, needed


def backward(tensors: _TensorOrTensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables=None, inputs=None) -> None:
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors`` (weighted by
    ``grad_tensors`` for non-scalar ones). The graph is freed unless ``retain_graph``.
    ``grad_variables`` is the old name of ``grad_tensors`` (deprecated, as in PyTorch)."""
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both "
                               "passed to `backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} gradients for {len(tensors)} tensors")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None and len(_as_tuple(inputs)) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    inputs = _as_tuple(inputs)
    run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=inputs,
                 accumulate=True)


def grad(outputs: _TensorOrTensors, inputs: _TensorOrTensors, grad_outputs=None,
         retain_graph: bool | None = None, create_graph: bool = False, only_inputs: bool = True,
         allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """Return the gradients of ``outputs`` w.r.t. ``inputs`` — without touching any ``.grad``.

    ``outputs``, ``inputs`` and ``grad_outputs`` may each be one tensor or a sequence; the
    result is a tuple with one gradient per input, in the inputs' order (several outputs: the
    gradient of their sum, each weighted by its ``grad_outputs``). An input the outputs don't
    depend on raises an error, unless ``allow_unused`` (then its gradient is None, or zeros
    with ``materialize_grads``). With ``create_graph=True`` the results have a graph of their
    own (for higher orders); ``retain_graph`` defaults to ``create_graph``. ``only_inputs`` is
    ignored (deprecated in PyTorch); ``is_grads_batched=True`` (vmap) is not supported."""
    if not only_inputs:
        import warnings
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). "
                      "To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    if is_grads_batched:
        raise NotImplementedError("minigrad's grad() has no is_grads_batched=True (it needs vmap)")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    ### BEGIN SOLUTION chapter 8: autograd.grad, the gradients of outputs with respect to inputs
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad_outputs has {len(grad_outputs)} tensors, outputs has "
                           f"{len(outputs)}")
    if retain_graph is None:
        retain_graph = create_graph  # a graph of the gradient reuses this graph: keep it
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs,
                          accumulate=False)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in "
                "the graph. Set allow_unused=True if this is the desired behavior.")
    ### END SOLUTION
    if materialize_grads:
        # zeros for unused inputs; with create_graph they require grad, as in PyTorch
        result = tuple(g if g is not None else
                       Tensor._make(t.xp.zeros_like(t._data), t._device, create_graph)
                       for g, t in zip(result, _as_tuple(inputs)))
    return result
