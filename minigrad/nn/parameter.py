"""``Parameter``: a tensor that a ``Module`` registers as one of its weights.

It is an ordinary leaf tensor that requires grad; what makes it special is only that assigning
it to a module attribute (``self.weight = Parameter(...)``) registers it, so ``parameters()``,
``state_dict()`` and the optimizers find it.
"""
from __future__ import annotations

from .. import backend
from ..tensor.printing import format_tensor
from ..tensor.tensor import Tensor, _init


class Parameter(Tensor):
    """``Parameter(data, requires_grad=True)`` shares ``data``'s memory, as in PyTorch."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            from ..tensor.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        p = object.__new__(cls)
        _init(p, data._data, data._device)
        p._vc = data._counter()  # the same memory: in-place changes show in both
        p.requires_grad = requires_grad  # checks that the dtype can require grad
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happened in __new__ (Tensor.__init__ is the legacy constructor)

    def __repr__(self) -> str:
        return format_tensor(backend.to_device(self._data, backend.cpu), dtype=self.dtype.name,
                             device=str(self._device), requires_grad=self._requires_grad,
                             prefix="Parameter containing:\ntensor")

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> "Parameter":
        # copy.deepcopy(model) must give Parameters again, with fresh memory
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor._make(self._data.copy(), self._device),
                                       self._requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter,
                (backend.to_device(self._data, backend.cpu), str(self._device),
                 self._requires_grad))


def _rebuild_parameter(arr, device: str, requires_grad: bool) -> Parameter:
    dev = backend.parse_device(device)
    return Parameter(Tensor._make(backend.to_device(arr, dev), dev), requires_grad)
