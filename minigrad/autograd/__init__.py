"""The ``autograd`` layer: graph nodes, the backward engine, grad modes, Function, checks.

| file          | what                                                            |
|---------------|-----------------------------------------------------------------|
| graph.py      | Node (``grad_fn``), AccumulateGrad, saved tensors and versions  |
| function.py   | Function: forward/backward pairs; the ctx is the graph node     |
| engine.py     | the backward pass; ``backward()`` and ``grad()``                |
| fastpath.py   | the optimisations ops declare, kept apart; switchable off       |
| forward_ad.py | forward mode: dual tensors, tangents pushed by each op's ``jvp`` |
| grad_mode.py  | no_grad, enable_grad, set_grad_enabled, inference_mode          |
| hooks.py      | RemovableHandle, what every ``register_hook`` returns           |
| anomaly.py    | detect_anomaly: which backward produced NaN, and where          |
| gradcheck.py  | gradcheck / gradgradcheck against finite differences            |
| variable.py   | the legacy ``Variable``                                         |
"""
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled)
from .function import Function, BackwardNode, once_differentiable, InplaceFunction
from .engine import backward, grad
from .anomaly import detect_anomaly, set_detect_anomaly, is_anomaly_enabled
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .variable import Variable
from . import graph
from . import functional, forward_ad
from . import engine, grad_mode, hooks


def _install(Tensor: type) -> None:
    """Give ``Tensor`` what it takes from this layer. Tensor comes first (this layer is built on
    it), so the tensor package can't import autograd: ``minigrad/__init__.py`` calls this once,
    right after importing autograd. It sets Tensor's

    - ``_engine``, this layer's ``engine``: ``Tensor.backward()`` runs ``engine.backward``;
    - ``_AccumulateGrad``: the node ``Tensor._grad_accumulator()`` makes for a leaf;
    - ``_RemovableHandle``: what ``register_hook`` on a leaf returns;
    - ``_grad_mode``: the in-place random fills (``uniform_``, ``normal_``) refuse a leaf that
      requires grad while recording.
    """
    Tensor._engine = engine
    Tensor._AccumulateGrad = graph.AccumulateGrad
    Tensor._RemovableHandle = hooks.RemovableHandle
    Tensor._grad_mode = grad_mode

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "Function", "backward", "grad", "detect_anomaly", "set_detect_anomaly", "gradcheck",
           "gradgradcheck", "Variable", "graph", "functional", "forward_ad"]
