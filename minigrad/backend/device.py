"""Devices: ``minigrad.device("cpu")``, ``device("cuda:0")`` and the array module behind each."""
from __future__ import annotations

import numpy as np

from . import cuda as _cuda


class device:
    """Where a tensor's data lives, like ``torch.device``: a type (``cpu``/``cuda``) and an index."""

    __slots__ = ("type", "index")

    def __init__(self, spec: "str | device", index: int | None = None):
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device() expects a string like 'cpu' or 'cuda:0', got {spec!r}")
        kind, _, idx = spec.partition(":")
        if kind not in ("cpu", "cuda") or (idx and not idx.isdigit()):
            raise RuntimeError(
                "Expected one of cpu, cuda device type at start of device string: " + spec)
        self.type = kind
        self.index = int(idx) if idx else index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


cpu = device("cpu")


def parse_device(spec: "str | device | None") -> device:
    """Normalise a user's ``device=`` argument; ``cuda`` means the current GPU, ``cuda:0``."""
    if spec is None:
        return cpu
    d = spec if isinstance(spec, device) else device(spec)
    if d.type == "cuda":
        _cuda.require()
        if d.index is None:
            d = device("cuda", _cuda._load().cuda.runtime.getDevice())
        if d.index >= _cuda.device_count():
            raise RuntimeError(f"CUDA error: invalid device ordinal (asked for {d}, "
                               f"{_cuda.device_count()} GPU(s) present)")
    return d


def array_module(dev: device):
    """NumPy for the CPU, CuPy for a GPU."""
    return np if dev.type == "cpu" else _cuda._load()


def device_of_array(a) -> device:
    """The device an array lives on (CuPy arrays carry one, NumPy arrays are on the CPU)."""
    if isinstance(a, np.ndarray) or np.isscalar(a):
        return cpu
    return device("cuda", a.device.id)


def to_device(a, dev: device):
    """Copy an array to ``dev`` (no copy when it is already there)."""
    if dev.type == "cpu":
        return a if isinstance(a, np.ndarray) else a.get()
    cp = _cuda._load()
    with cp.cuda.Device(dev.index):
        return cp.asarray(a)
