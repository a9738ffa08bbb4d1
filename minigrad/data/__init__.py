"""``minigrad.data``: datasets and batching (as ``torch.utils.data``), plus data for the
course that ships with the package — nothing is ever downloaded.

| file           | what                                                          |
|----------------|---------------------------------------------------------------|
| dataset.py     | Dataset, TensorDataset, Subset, ConcatDataset, random_split   |
| dataloader.py  | DataLoader, default_collate                                   |
| digits.py      | load_digits(): the 8x8 handwritten digits (digits.npz, CC BY 4.0) |
| synthetic.py   | make_moons, make_spirals, make_regression, make_blobs         |

``minigrad.utils.data`` is the same module under PyTorch's name.
"""
from .dataset import Dataset, TensorDataset, Subset, ConcatDataset, random_split
from .dataloader import DataLoader, default_collate
from .digits import load_digits
from .synthetic import make_moons, make_spirals, make_regression, make_blobs

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader",
           "default_collate", "load_digits", "make_moons", "make_spirals", "make_regression",
           "make_blobs"]
