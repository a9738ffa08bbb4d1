"""``Variable``: PyTorch before 0.4 wrapped tensors in Variables to record operations.
Since 0.4 every Tensor can do that itself (``requires_grad=True``); ``Variable(t)`` survives
only for old code and simply returns a Tensor."""
from __future__ import annotations

from ..tensor.tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    def __new__(cls, data: Tensor, requires_grad: bool = False, volatile: bool = False):
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            import warnings
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t
