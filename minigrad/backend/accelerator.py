"""``minigrad.accelerator``, as ``torch.accelerator``: the one kind of accelerator minigrad knows
is a CUDA GPU driven by CuPy."""
from __future__ import annotations

from . import cuda as _cuda


def is_available() -> bool:
    return _cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``device('cuda')`` where a GPU is usable, else None."""
    from .device import device
    return device("cuda") if _cuda.is_available() else None


def device_count() -> int:
    return _cuda.device_count()


def current_device_index() -> int:
    return _cuda.current_device()


def set_device_index(index) -> None:
    _cuda.require().cuda.Device(_cuda._gpu_index(index)).use()


def synchronize(device=None) -> None:
    _cuda.synchronize(device)
