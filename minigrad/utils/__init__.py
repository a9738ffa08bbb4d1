"""``minigrad.utils``: PyTorch's ``torch.utils`` names for things that live elsewhere in
minigrad (``minigrad.utils.data`` is ``minigrad.data``, ``minigrad.utils.hooks`` holds
``minigrad.autograd.hooks.RemovableHandle``); ``minigrad.utils.checkpoint`` trades compute
for memory in backward."""
from . import checkpoint, data, hooks

__all__ = ["checkpoint", "data", "hooks"]
