"""RMSprop: divide the gradient by a running root-mean-square of its recent values.

    v = alpha v + (1 - alpha) g^2
    p = p - lr g / (sqrt(v) + eps)
(centered: subtract the running mean of g, squared, from v; momentum: average the steps.)
"""
from __future__ import annotations

from typing import Iterable

from ..tensor.creation import tensor, zeros_like
from ..tensor.tensor import Tensor
from .optimizer import Optimizer, addcdiv_, addcmul_, lerp_


class RMSprop(Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False, foreach=None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if len(state) == 0:
            state["step"] = tensor(0.0)
            state["square_avg"] = zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p)
        g = p.grad if not group["maximize"] else -p.grad
        alpha, eps, lr = group["alpha"], group["eps"], group["lr"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g.add(p, alpha=group["weight_decay"])
        v = state["square_avg"]
        addcmul_(v.mul_(alpha), g, g, 1 - alpha)          # v = alpha v + (1 - alpha) g^2
        if group["centered"]:
            mean = lerp_(state["grad_avg"], g, 1 - alpha)
            avg = (v - mean * mean).sqrt_()               # the variance of g, not its power
        else:
            avg = v.sqrt()
        avg = avg.add_(eps)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            addcdiv_(buf.mul_(group["momentum"]), g, avg)
            p.add_(buf, alpha=-lr)
        else:
            addcdiv_(p, g, avg, -lr)
