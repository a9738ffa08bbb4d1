"""Devices: ``minigrad.device("cpu")``, ``device("cuda:0")`` and the array module behind each."""
from __future__ import annotations

import numpy as np

from . import cuda as _cuda

# PyTorch's list of device types, for its error message on an unknown one; minigrad itself
# has only the first two.
_TORCH_DEVICE_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, "
                       "xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone")


class device:
    """Where a tensor's data lives, like ``torch.device``: a type (``cpu``/``cuda``) and an index.

    As ``torch.device("cuda")``, a cuda device is only a name: it is built (and printed) on any
    machine. Putting data on it without CuPy or a GPU fails, saying what to install."""

    __slots__ = ("type", "index")

    def __init__(self, spec: "str | device", index: int | None = None):
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device() expects a string like 'cpu' or 'cuda:0', got {spec!r}")
        kind, colon, idx = spec.partition(":")
        if kind not in _TORCH_DEVICE_TYPES.split(", "):
            raise RuntimeError(f"Expected one of {_TORCH_DEVICE_TYPES} device type at start of "
                               f"device string: {spec}")
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(f"minigrad runs on 'cpu' and 'cuda' devices only, not '{kind}'")
        if colon and not idx.isdigit():
            raise RuntimeError(f"Invalid device string: '{spec}'")
        self.type = kind
        self.index = int(idx) if colon else index

    def __eq__(self, other) -> bool:
        # Like torch.device, equal only to another device (torch.device("cpu") != "cpu").
        if self is other:  # (tensors mostly share the one cpu device)
            return True
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (str(self),))


cpu = device("cpu")
_default = cpu  # where factory functions put tensors without device=: set_default_device


def set_default_device(device: "str | device | None") -> None:
    """Where ``zeros``, ``randn``, ``tensor``, layers' parameters, ... go without ``device=``
    (``None`` gives the CPU back), like ``torch.set_default_device``."""
    global _default
    _default = cpu if device is None else parse_device(device)


def get_default_device() -> device:
    return _default


def parse_device(spec: "str | device | None") -> device:
    """Normalise a user's ``device=`` argument; ``cuda`` means the current GPU, ``cuda:0``.
    Allocating on cuda starts here: without CuPy or a GPU this raises what to install."""
    if spec is None:
        return _default
    d = spec if isinstance(spec, device) else device(spec)
    if d == cpu:
        return cpu  # the one cpu device object: comparing tensors' devices is then `is`
    if d.type == "cuda":
        _cuda.require()  # raises, saying how to install CuPy, when there is no GPU to use
        if d.index is None:
            d = device("cuda", _cuda.require().cuda.runtime.getDevice())
        if d.index >= _cuda.device_count():
            raise RuntimeError(f"CUDA error: invalid device ordinal (asked for {d}, "
                               f"{_cuda.device_count()} GPU(s) present)")
    return d


def array_module(dev: device):
    """NumPy for the CPU, CuPy for a GPU."""
    return np if dev.type == "cpu" else _cuda.require()


def device_of_array(a) -> device:
    """The device an array lives on (CuPy arrays carry one, NumPy arrays are on the CPU)."""
    if isinstance(a, np.ndarray) or np.isscalar(a):
        return cpu
    return device("cuda", a.device.id)


def to_device(a, dev: device):
    """Copy an array to ``dev`` (no copy when it is already there): NumPy arrays live in the
    host's memory, CuPy arrays in a GPU's; a copy between the two crosses the PCIe bus."""
    if dev.type == "cpu" and isinstance(a, np.ndarray):
        return a  # already on the host: what every CPU tensor asks
    ### BEGIN SOLUTION chapter 15: copying an array between the host and a GPU
    if dev.type == "cpu":
        return a.get()  # GPU -> host: waits until the GPU has computed a, then copies
    cp = _cuda.require()
    with cp.cuda.Device(dev.index):  # onto that GPU (cuda:1 is not cuda:0)
        return cp.asarray(a)  # host -> GPU (an array already there is not copied)
    ### END SOLUTION
