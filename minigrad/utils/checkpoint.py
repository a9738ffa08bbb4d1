"""``checkpoint``: trade compute for memory. Keep a block's inputs, not its activations, and
run the block again in backward to get them back.

How it works here (PyTorch's *non-reentrant* semantics: ``autograd.grad`` works, and gradients
reach the parameters the block uses as well as its inputs):

1. forward runs the block once, recording as usual, and remembers where its graph leaves the
   block: the edges into nodes made before the call (its inputs' nodes, the parameters'
   ``AccumulateGrad``). Then it lets that inner graph go, and with it every saved activation;
   the outputs get one node, ``CheckpointFunctionBackward``, whose edges are those exits and
   which saves only the block's tensor inputs.
2. backward restores the random state the block first ran with (dropout draws the same mask),
   runs the block again with recording on, and backpropagates through this new inner graph to
   the same exits (``grad()`` to each exit, so nothing touches ``.grad`` on the way).

The activations of one block live only while that block runs (forward) or is re-run
(backward): a network cut into k blocks holds about 1/k of them at once.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable

import numpy as np

from .. import backend
from ..autograd import engine, grad_mode
from ..autograd.function import Function
from ..autograd.graph import AccumulateGrad, next_sequence_number
from ..tensor.tensor import Tensor

__all__ = ["checkpoint"]


def checkpoint(function: Callable, *args: Any, use_reentrant: "bool | None" = None,
               preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, without keeping its activations for backward: backward
    recomputes them. Returns what ``function`` returns (a tensor or a tuple of them).

    ``use_reentrant``: pass it explicitly, as PyTorch asks (it warns otherwise). Both values
    give the same (non-reentrant) behaviour here. ``preserve_rng_state=False`` lets the
    recomputation draw new random numbers (then dropout's mask differs)."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.", UserWarning, stacklevel=2)
    if not grad_mode.is_grad_enabled():  # nothing will be recorded: nothing to save
        return function(*args, **kwargs)
    rng = _rng_state() if preserve_rng_state else None
    start = next_sequence_number()  # nodes made by the block come after this one
    outputs = function(*args, **kwargs)
    single = isinstance(outputs, Tensor)
    outs = (outputs,) if single else tuple(outputs)
    exits = _exits(outs, start)
    if not exits:  # nothing in the block is differentiable
        return outputs
    result = Checkpoint.apply(*exits, block=(function, args, kwargs, rng, single), outs=outs)
    return result[0] if single else result


class Checkpoint(Function):
    """The node of a checkpointed block: one edge per exit of the block's graph (its
    arguments are the exits' tensors: the gradient goes there). It saves the block's tensor
    inputs (so that an in-place change before backward is caught), nothing else. Backward runs
    the block again and backpropagates through it."""
    _node_name = "CheckpointFunctionBackward"

    @staticmethod
    def forward(ctx, *exits, block=None, outs=()):
        function, args, kwargs, rng, single = block
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        ctx.block, ctx.exits = block, exits
        # new tensors on the same arrays: the block's own outputs (and graph) are let go
        return tuple(Tensor._make(o._data, o._device) if isinstance(o, Tensor) else o
                     for o in outs)

    @staticmethod
    def backward(ctx, *grads):
        function, args, kwargs, rng, single = ctx.block
        ctx.saved_tensors  # (raises PyTorch's errors: freed, or changed in place)
        with _rng_restored(rng), grad_mode.enable_grad():
            outputs = function(*args, **kwargs)
        outs = (outputs,) if single else tuple(outputs)
        pairs = [(o, g) for o, g in zip(outs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            return (None,) * len(ctx.exits)
        create_graph = grad_mode.is_grad_enabled()  # (the engine's create_graph)
        return engine.run_backward(  # (create_graph: the gradient's graph goes through it)
            tuple(o for o, _ in pairs), tuple(g for _, g in pairs), retain_graph=create_graph,
            create_graph=create_graph, inputs=ctx.exits, accumulate=False)


def _exits(outs: tuple, start: int) -> list:
    """One tensor per edge that leaves the block's graph (into a node made before the block
    ran), in the order first met: the tensor itself for an output made outside the block and
    for a leaf (its ``AccumulateGrad``), else a stand-in tensor whose ``grad_fn`` and
    ``_output_nr`` name the edge (its data: a zero-strided array of the edge's shape, taken
    from the node inside that reads it)."""
    exits, found, seen, stack = [], set(), set(), []

    def leave(edge, tensor):
        if edge not in found:
            found.add(edge)
            exits.append(tensor)

    for o in outs:
        if not isinstance(o, Tensor) or not o.requires_grad:
            continue
        if o.grad_fn is None or o.grad_fn._seq < start:  # an outside tensor returned as is
            leave((o.grad_fn or o._grad_accumulator(), o._output_nr), o)
        else:
            stack.append(o.grad_fn)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for k, (child, nr) in enumerate(node.next_functions):
            if child is None:
                continue
            if type(child) is AccumulateGrad:
                leave((child, 0), child.variable)
            elif child._seq < start:
                shape, dtype = node._input_meta[k]
                t = Tensor._make(np.broadcast_to(np.zeros((), dtype), shape), None, True)
                t.grad_fn, t._output_nr = child, nr
                leave((child, nr), t)
            else:
                stack.append(child)
    return exits


def _rng_state():
    return backend.default_generator.rng.bit_generator.state


@contextlib.contextmanager
def _rng_restored(state):
    """Run the block with the random state it first had; the stream then goes on as before."""
    if state is None:
        yield
        return
    bits = backend.default_generator.rng.bit_generator
    now, bits.state = bits.state, state
    try:
        yield
    finally:
        bits.state = now
