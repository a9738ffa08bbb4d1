"""``torch.utils.data`` under its PyTorch name: ``from minigrad.utils.data import DataLoader``.
Everything is defined in ``minigrad.data``."""
from ..data import (Dataset, TensorDataset, Subset, ConcatDataset, random_split, DataLoader,
                    default_collate)

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader",
           "default_collate"]
