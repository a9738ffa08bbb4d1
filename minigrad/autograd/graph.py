"""Graph nodes: what ``tensor.grad_fn`` points to.

A node stands for one recorded operation. ``next_functions`` holds, for each input of the
operation, ``(node that produced the input, which of its outputs)``; a leaf that requires grad
is represented by its ``AccumulateGrad`` node. The engine walks these edges backwards.

Ownership goes one way only — tensor -> its grad_fn -> the input nodes and saved tensors — so a
graph is freed by reference counting the moment its last tensor goes (no cycles).
"""
from __future__ import annotations

import itertools
import re
from typing import Callable

from ..tensor.dtypes import legacy_type_name
from ..tensor.tensor import Tensor
from . import anomaly, grad_mode
from .hooks import RemovableHandle

# Nodes made later run first when several are ready, as in PyTorch: a global sequence number.
_sequence = itertools.count()
# AccumulateGrad runs as soon as it's ready (PyTorch gives it the largest sequence number).
_ACCUMULATE_PRIORITY = 1 << 62


def next_sequence_number() -> int:
    """A number per recorded node, growing: when several nodes are ready in backward, the one
    made last runs first, as in PyTorch."""
    return next(_sequence)


def gradient_edge(t: Tensor) -> tuple:
    """``(node, output_nr)``: where the gradient for ``t`` (which requires grad) goes: the
    node that made it, or for a leaf its AccumulateGrad."""
    ### BEGIN SOLUTION chapter 3: gradient_edge
    if t.grad_fn is None:
        return t._grad_accumulator(), 0
    return t.grad_fn, t._output_nr
    ### END SOLUTION


class Node:
    """Base class of every ``grad_fn``."""

    next_functions: tuple = ()  # ((node, output_nr), ...): one edge per input (see below)
    _tensor_hooks = None   # {output_nr: {handle id: hook}} from tensor.register_hook
    _retained = None       # {output_nr: weakref(tensor)} from tensor.retain_grad()
    _pre_hooks = None      # node.register_prehook(fn(grad_outputs))
    _post_hooks = None     # node.register_hook(fn(grad_inputs, grad_outputs))
    _trace = None          # forward stack, recorded in anomaly mode
    _saved = ()            # what backward needs, freed by release()
    _output_meta = None    # (shape, dtype, device) per output, kept only by multi-output nodes

    def name(self) -> str:
        return type(self).__name__

    # next_functions[i] = (the node that made input i, which of its outputs input i is);
    # (None, 0) for an input that needs no gradient. The engine walks these edges backwards.

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self) -> dict:
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def apply(self, grad_outputs: tuple) -> tuple:
        """Map gradients w.r.t. this node's outputs to gradients w.r.t. its inputs."""
        raise NotImplementedError

    __call__ = lambda self, *grads: self.apply(grads)  # noqa: E731 - PyTorch nodes are callable

    def release(self) -> None:
        """Drop what was saved for backward (``_saved``): called after the node ran, unless
        retain_graph, when it saved something."""

    # --- hooks ---------------------------------------------------------------------------
    def register_hook(self, fn: Callable) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` after this node ran; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = {}
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        """``fn(grad_outputs)`` before this node runs; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return RemovableHandle(self._pre_hooks, fn)

    def _register_tensor_hook(self, output_nr: int, hook: Callable) -> RemovableHandle:
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        return RemovableHandle(self._tensor_hooks.setdefault(output_nr, {}), hook)

    def _retain_grad(self, output_nr: int, tensor_ref) -> None:
        if self._retained is None:
            self._retained = {}
        self._retained[output_nr] = tensor_ref

    def _run_tensor_hooks(self, grads: list) -> None:
        """Tensor hooks of this node's outputs, then retain_grad (always last, as in PyTorch).
        ``grads[nr]`` is the gradient that arrived for output ``nr``: a hook's result replaces
        it, for the next hooks and for the node's backward."""
        if not (self._tensor_hooks or self._retained):
            return  # most nodes: nothing to run
        ### BEGIN SOLUTION chapter 7: the hooks of a node's outputs, then retain_grad's .grad
        for nr, hooks in (self._tensor_hooks or {}).items():
            for hook in list(hooks.values()):  # a copy: a hook may remove itself
                if grads[nr] is not None:
                    new = hook(grads[nr])
                    if new is not None:
                        grads[nr] = new
        for nr, ref in (self._retained or {}).items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _accumulate_into(t, grads[nr])
        ### END SOLUTION


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds the incoming gradient into ``leaf.grad``.
    It owns the leaf (``variable``); the leaf only holds it weakly."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._seq = _ACCUMULATE_PRIORITY + next(_sequence)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # PyTorch's C++ name, as it reports it

    def apply(self, grad_outputs: tuple) -> tuple:
        g = grad_outputs[0]
        if g is not None:
            if g._device is not self.variable._device and g._device != self.variable._device:
                # a CPU 0-d tensor used in a CUDA op got a CUDA gradient: PyTorch moves it
                g = g.to(self.variable._device)
            _accumulate_into(self.variable, g)
        return ()

    def _run_tensor_hooks(self, grads: list) -> None:
        """The leaf's hooks (``variable._hooks``), on the gradient that arrived: the engine
        calls this before ``apply``, so ``.grad`` gets what the hooks returned."""
        hooks = self.variable._hooks
        if not hooks:
            return  # most leaves: no hook
        ### BEGIN SOLUTION chapter 7: a leaf's hooks (before its .grad)
        for hook in list(hooks.values()):
            if grads[0] is not None:
                new = hook(grads[0])
                if new is not None:
                    grads[0] = new
        ### END SOLUTION


def _accumulate_into(t: Tensor, g: Tensor) -> None:
    """``t.grad += g``, PyTorch's way: in place when possible; out of place when the gradient
    itself is being recorded (create_graph), so its graph is kept."""
    ### BEGIN SOLUTION chapter 5: accumulation into .grad
    if t._grad is None:
        if g.grad_fn is not None:  # a recorded gradient (create_graph): keep it, graph and all
            t._grad = g
        else:
            # .grad is added into in place later, so it must own its memory: a copy (the
            # gradient may be the user's tensor, or one that also went to another input)
            t._grad = Tensor._make(g._data.copy(), g._device)
    elif grad_mode.state.enabled and (g.requires_grad or t._grad.requires_grad):
        t._grad = t._grad + g  # recorded, so the sum has a graph
    else:
        t._grad._data += g._data  # in place: whoever holds .grad sees the sum
        t._grad._counter().value += 1
    ### END SOLUTION


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved.

    An input is kept as the tensor itself. An *output* of the node that saves it is kept as its
    array and version counter only: holding the output tensor would make the cycle
    output -> node -> output. Unpacking rebuilds a tensor whose grad_fn is the node again,
    so higher-order gradients flow through it.
    """

    __slots__ = ("tensor", "version", "data", "counter", "device", "requires_grad",
                 "output_nr", "fw_grad")

    def __init__(self, t: Tensor) -> None:
        self.tensor = t
        # An input's counter is read from the input itself at unpack time (a tensor that has
        # none yet is at version 0); only an output's counter must be kept (make_output).
        vc = t._vc
        self.version = 0 if vc is None else vc.value
        self.fw_grad = None  # an output's tangent in forward mode (forward_ad._set_tangent)

    def make_output(self, output_nr: int) -> None:
        t = self.tensor
        self.data, self.device, self.requires_grad = t._data, t._device, t._requires_grad
        self.counter = t._counter()
        self.output_nr = output_nr
        self.tensor = None

    @property
    def current_version(self) -> int:
        """The version of the saved memory now (saving recorded ``version``)."""
        return self.tensor._version if self.tensor is not None else self.counter.value

    def check_version(self, node: Node) -> None:
        """Before backward reads the saved tensor: if its memory was changed in place since it
        was saved, raise PyTorch's error, ``self._modified_error(node, version_now)``.

        ``self.version`` is the version it had when saved. The version now is on its counter:
        an input's own (``self.tensor``), an output's as kept by ``make_output``
        (``self.counter``; ``self.tensor`` is None then)."""
        ### BEGIN SOLUTION chapter 9: the version check of a saved tensor
        t = self.tensor
        now = t._version if t is not None else self.counter.value
        if now != self.version:
            raise self._modified_error(node, now)
        ### END SOLUTION

    def _checked(self, node: Node) -> None:
        """The check, where it can fire: memory never changed in place (version 0, the usual
        case) can't have changed since it was saved. (So the chapters before 9 run backward
        while ``check_version`` is still theirs to write.)"""
        if self.current_version:
            self.check_version(node)

    def array(self, node: Node):
        """The saved array, after unpack's version check (without rebuilding a tensor)."""
        self._checked(node)
        return self.data if self.tensor is None else self.tensor._data

    def unpack(self, node: Node) -> Tensor:
        """The saved tensor, as ``ctx.saved_tensors`` hands it to backward: checked first."""
        self._checked(node)
        t = self.tensor
        if t is not None:  # an input: the tensor itself
            return t
        t = Tensor._make(self.data, self.device, self.requires_grad)  # an output: rebuilt
        t._vc = self.counter
        if self.requires_grad:
            t.grad_fn, t._output_nr = node, self.output_nr
        if self.fw_grad is not None:  # (forward-over-reverse: the output's tangent)
            t._fw_grad = self.fw_grad
        return t

    def _modified_error(self, node: Node, now: int) -> RuntimeError:
        """PyTorch's error for a saved tensor changed in place since it was saved (it is at
        version ``now``)."""
        t = self.tensor
        data = t._data if t is not None else self.data
        kind = legacy_type_name(data.dtype)
        producer = t.grad_fn if t is not None else node
        nr = t._output_nr if t is not None else self.output_nr
        which = (f", which is output {nr} of {re.sub(r'Backward[0-9]*$', '', producer.name())},"
                 if producer is not None else "")
        return RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{kind} {list(data.shape)}]{which} is at version "
            f"{now}; expected version {self.version} instead. Hint: "
            + ("the backtrace further above shows the operation that failed to compute its "
               "gradient. The variable in question was changed in there or anywhere later. "
               "Good luck!" if anomaly.state.enabled else
               "enable anomaly detection to find the operation that failed to compute its "
               "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."))
