"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches.

Each epoch (each ``iter(loader)``) draws a new order when ``shuffle=True``, from ``generator``
(a ``minigrad.Generator``) or else from the global seed (``minigrad.manual_seed``), so runs
repeat exactly. ``collate_fn`` turns a list of samples into a batch: ``default_collate``
stacks tensors (and NumPy arrays, numbers) and keeps tuples and dicts as they are.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterator

import numpy as np

from ..tensor.creation import from_numpy, randperm, tensor
from ..tensor.tensor import Tensor
from ..ops import stack
from .dataset import Dataset, TensorDataset


def default_collate(batch: list) -> Any:
    """[(x0, y0), (x1, y1), ...] -> (stack([x0, x1, ...]), stack([y0, y1, ...]))."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        return stack([from_numpy(np.ascontiguousarray(b)) for b in batch], 0)
    if isinstance(elem, np.generic):
        return tensor(np.array(batch))
    if isinstance(elem, bool):
        return tensor(batch)
    if isinstance(elem, numbers.Integral):
        return tensor(batch)  # int64
    if isinstance(elem, float):
        return tensor(batch, dtype="float64")  # Python floats are doubles, as in PyTorch
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, dict):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, (tuple, list)):
        if any(len(s) != len(elem) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem)}")


class DataLoader:
    """``for xb, yb in DataLoader(dataset, batch_size=64, shuffle=True): ...``"""

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool = False,
                 sampler=None, batch_sampler=None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None,
                 generator=None, **_ignored) -> None:
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        self.sampler, self.drop_last, self.generator = sampler, drop_last, generator
        self.num_workers = num_workers  # accepted for compatibility; loading is in-process
        self.collate_fn = collate_fn or default_collate

    def _order(self) -> list[int]:
        if self.sampler is not None:
            return list(self.sampler)
        n = len(self.dataset)
        if self.shuffle:
            return randperm(n, generator=self.generator).tolist()
        return list(range(n))

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        if self.batch_size is None:  # no batching: samples one by one
            for i in order:
                yield self.dataset[i]
            return
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            if len(idx) < self.batch_size and self.drop_last:
                return
            if fast:  # one gather per tensor instead of len(idx) indexings and a stack
                yield [t[idx] for t in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[i] for i in idx])

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
