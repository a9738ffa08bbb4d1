"""Adam and AdamW: per-parameter step sizes from running averages of the gradient (m) and of
its square (v).

    m = beta1 m + (1 - beta1) g                  v = beta2 v + (1 - beta2) g^2
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

The (1 - beta^t) factors undo the bias of m and v towards their zero start. Adam folds weight
decay into g (an L2 penalty); AdamW instead shrinks p directly, p = p (1 - lr wd) ("decoupled").
"""
from __future__ import annotations

from typing import Iterable

from ..ops import maximum
from ..tensor.creation import tensor, zeros_like
from ..tensor.tensor import Tensor
from .optimizer import Optimizer, addcdiv_, addcmul_, lerp_


class Adam(Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused=None,
                 decoupled_weight_decay: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if len(state) == 0:
            state["step"] = tensor(0.0)  # a tensor, as in PyTorch (it shows in state_dict)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        g = p.grad if not group["maximize"] else -p.grad
        beta1, beta2 = group["betas"]
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        state["step"] += 1
        if wd != 0 and group["decoupled_weight_decay"]:
            p.mul_(1 - lr * wd)  # AdamW: shrink the weights themselves (and no L2 term in g)
            wd = 0
        ### BEGIN SOLUTION chapter 12: Adam's running averages (m of g, v of g squared; weight decay as L2 in g)
        if wd != 0:
            g = g.add(p, alpha=wd)                   # Adam: an L2 penalty in the gradient
        lerp_(m, g, 1 - beta1)                       # m = beta1 m + (1 - beta1) g
        addcmul_(v.mul_(beta2), g, g, 1 - beta2)     # v = beta2 v + (1 - beta2) g^2
        ### END SOLUTION
        if group["amsgrad"]:  # use the largest v seen so far: steps never grow back
            vmax = state["max_exp_avg_sq"]
            vmax.copy_(maximum(vmax, v))
            v = vmax
        t = state["step"].item()                     # the step number, 1 at the first step
        ### BEGIN SOLUTION chapter 12: Adam's step (the bias corrections, eps, the update of p)
        step_size = lr / (1 - beta1 ** t)
        bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
        denom = (v.sqrt() / bias_correction2_sqrt).add_(eps)
        addcdiv_(p, m, denom, -step_size)            # p = p - step_size m / denom
        ### END SOLUTION


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2)."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach=None, capturable: bool = False,
                 differentiable: bool = False, fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
