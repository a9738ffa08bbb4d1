"""``nn.utils``: gradient clipping and flattening parameters into one vector.

``clip_grad_norm_`` rescales all gradients together when their joint norm exceeds
``max_norm`` (keeping their direction), the usual guard against exploding gradients.
"""
from __future__ import annotations

from typing import Iterable

from .. import ops
from ..autograd.grad_mode import no_grad
from ..tensor.creation import tensor as _tensor
from ..tensor.tensor import Tensor


def _as_list(parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def zero_grad_(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Forget the parameters' gradients: ``None`` (the default), or zeros in place (cut from any
    graph a ``create_graph`` backward gave them). Module.zero_grad and Optimizer.zero_grad."""
    for p in parameters:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale the gradients in place so that their joint norm is at most ``max_norm``;
    returns that norm (before clipping) as a tensor."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return _tensor(0.0)
    with no_grad():
        # the norm of all gradients as one vector = the norm of the per-tensor norms
        if norm_type == float("inf"):
            norms = [g.abs().max() for g in grads]
            total = ops.stack(norms).max()
        else:
            norms = [g.norm(norm_type) for g in grads]
            total = ops.stack(norms).norm(norm_type)
        if error_if_nonfinite and not bool(ops.isfinite(total)):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        # never scale up: clamp the factor at 1 (1e-6 guards against a zero norm)
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)
    return total


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach=None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters, flattened and concatenated into one 1-d tensor."""
    return ops.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """The inverse: copy consecutive pieces of ``vec`` into the parameters' data."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[start:start + n].view_as(p).data
        start += n
