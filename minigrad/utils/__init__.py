"""``minigrad.utils``: PyTorch's ``torch.utils`` names for things that live elsewhere in
minigrad (``minigrad.utils.data`` is ``minigrad.data``)."""
from . import data

__all__ = ["data"]
