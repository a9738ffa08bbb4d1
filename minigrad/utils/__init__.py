"""``minigrad.utils``: PyTorch's ``torch.utils`` names for things that live elsewhere in
minigrad (``minigrad.utils.data`` is ``minigrad.data``, ``minigrad.utils.hooks`` holds
``minigrad.autograd.hooks.RemovableHandle``)."""
from . import data, hooks

__all__ = ["data", "hooks"]
