"""``torch.utils.hooks`` under its PyTorch name: ``RemovableHandle`` is defined in
``minigrad.autograd.hooks``."""
from ..autograd.hooks import RemovableHandle

__all__ = ["RemovableHandle"]
