"""Adadelta: a step in the units of the parameter, from two running averages and no
learning rate to tune (``lr`` only scales the result; PyTorch's default is 1.0).

    v = rho v + (1 - rho) g^2                       (square_avg: recent squared gradients)
    delta = sqrt(u + eps) / sqrt(v + eps) * g       (the ratio of two RMS values, times g)
    u = rho u + (1 - rho) delta^2                   (acc_delta: recent squared steps)
    p = p - lr delta
"""
from __future__ import annotations

from typing import Iterable

from ..tensor.creation import tensor, zeros_like
from ..tensor.tensor import Tensor
from .optimizer import Optimizer, addcmul_


class Adadelta(Optimizer):
    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, capturable=capturable,
                                      foreach=foreach, differentiable=differentiable))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if len(state) == 0:
            state["step"] = tensor(0.0)
            state["square_avg"] = zeros_like(p)
            state["acc_delta"] = zeros_like(p)
        rho, eps = group["rho"], group["eps"]
        state["step"] += 1
        g = p.grad if not group["maximize"] else -p.grad
        if group["weight_decay"] != 0:
            g = g.add(p, alpha=group["weight_decay"])
        v, u = state["square_avg"], state["acc_delta"]
        addcmul_(v.mul_(rho), g, g, 1 - rho)              # v = rho v + (1 - rho) g^2
        std = v.add(eps).sqrt_()
        delta = u.add(eps).sqrt_().div_(std).mul_(g)      # sqrt(u + eps) / sqrt(v + eps) * g
        addcmul_(u.mul_(rho), delta, delta, 1 - rho)      # u = rho u + (1 - rho) delta^2
        p.add_(delta, alpha=-group["lr"])
