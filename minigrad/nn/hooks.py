"""Module backward hooks: ``hook(module, grad_input, grad_output)`` once the gradients with
respect to a module's inputs are known.

A module is many graph nodes, not one, so there is no single node to hook. PyTorch's trick,
copied here: pass the module's input tensors, and then its outputs, through an identity
``Function`` (``BackwardHookFunctionBackward`` in the graph). The node on the outputs sees
``grad_output`` go by; the node on the inputs sees ``grad_input``, and calls the user's hooks
with both, letting them replace ``grad_input``.
"""
from __future__ import annotations

import warnings
from typing import Callable

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor.tensor import Tensor


class BackwardHookFunction(Function):
    """The identity, recorded as a node that hooks can be attached to."""

    @staticmethod
    def forward(ctx, *tensors):
        # New tensors on the same memory (an output must not be the input object itself);
        # those whose input needed no gradient stay out of the graph.
        outs = []
        for t in tensors:
            alias = Tensor._make(t._data, t._device)
            alias._vc = t._counter()
            outs.append(alias)
        ctx.mark_non_differentiable(*[o for o, t in zip(outs, tensors) if not t.requires_grad])
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        return grads  # d identity = 1


class BackwardHook:
    """Links the gradients captured at a module's outputs with those at its inputs."""

    def __init__(self, module, user_hooks: list[Callable], user_pre_hooks: list[Callable]):
        self.module = module
        self.user_hooks, self.user_pre_hooks = user_hooks, user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None

    @staticmethod
    def _pack(indices, values, size: int) -> tuple:
        """Gradients of the tensor arguments, put back at their argument positions."""
        res = [None] * size
        for i, v in zip(indices, values):
            res[i] = v
        return tuple(res)

    def _wrap(self, args: tuple, on_node: Callable) -> tuple:
        """Pass the tensors among ``args`` through the identity node; give the node to
        ``on_node`` so it can hook it. Returns the new args and where the tensors were."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (grad_mode.is_grad_enabled() and any(args[i].requires_grad for i in index)):
            return args, None
        new = BackwardHookFunction.apply(*(args[i] for i in index))
        node = next(t.grad_fn for t in new if t.grad_fn is not None)
        on_node(node)
        args = list(args)
        for i, t in zip(index, new):
            args[i] = t
        return tuple(args), index

    def setup_input_hook(self, args: tuple) -> tuple:
        def on_node(node):
            def hook(grad_inputs, _):
                if self.grad_outputs is None:
                    return None  # the outputs got no gradient: nothing to report
                res = self._pack(self.input_index, grad_inputs, self.n_inputs)
                for user_hook in self.user_hooks:
                    new = user_hook(self.module, res, self.grad_outputs)
                    if new is None:
                        continue
                    if len(new) != len(res):
                        raise RuntimeError(f"Backward hook returned an invalid number of "
                                           f"grad_input, got {len(new)}, but expected "
                                           f"{len(res)}")
                    res = new
                self.grad_outputs = None
                return tuple(res[i] for i in self.input_index)
            node.register_hook(hook)

        res, self.input_index = self._wrap(args, on_node)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, result):
        def on_node(node):
            def hook(_, grad_outputs):
                self.grad_outputs = self._pack(self.output_index, grad_outputs, self.n_outputs)
                for pre_hook in self.user_pre_hooks:
                    new = pre_hook(self.module, self.grad_outputs)
                    if new is None:
                        continue
                    if len(new) != len(self.grad_outputs):
                        raise RuntimeError(f"Backward pre hook returned an invalid number of "
                                           f"grad_output, got {len(new)}, but expected "
                                           f"{len(self.grad_outputs)}")
                    self.grad_outputs = tuple(new)
                local = self.grad_outputs
                if self.input_index is None:
                    # no input needs a gradient: the inputs' node never runs, report now
                    warnings.warn("Full backward hook is firing when gradients are computed "
                                  "with respect to module outputs since no inputs require "
                                  "gradients. See https://docs.pytorch.org/docs/main/generated/"
                                  "torch.nn.Module.html#torch.nn.Module."
                                  "register_full_backward_hook for more details.", stacklevel=5)
                    grad_inputs = (None,) * self.n_inputs
                    for user_hook in self.user_hooks:
                        new = user_hook(self.module, grad_inputs, self.grad_outputs)
                        if new is not None and not (isinstance(new, tuple)
                                                    and all(g is None for g in new)):
                            raise RuntimeError("Backward hook for Modules where no input "
                                               "requires gradient should always return None "
                                               "or None for all gradients.")
                    self.grad_outputs = None
                return tuple(local[i] for i in self.output_index)
            node.register_hook(hook)

        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        res, self.output_index = self._wrap(outs, on_node)
        self.n_outputs = len(outs)
        return res[0] if single else res
