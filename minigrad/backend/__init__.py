"""The array library behind a tensor: NumPy on ``cpu``, CuPy on ``cuda[:N]``.

This is the only package that knows which library is which. Everything else asks
``array_module(device)`` (or a tensor's ``xp``) for its ``xp`` and writes ``xp.exp(...)``.
"""
from .device import (device, parse_device, array_module, device_of_array, to_device, cpu,
                     set_default_device, get_default_device)
from . import cuda, accelerator
from .random import manual_seed, default_generator, seed, initial_seed

__all__ = ["device", "parse_device", "array_module", "device_of_array", "to_device", "cpu", "cuda",
           "accelerator", "set_default_device", "get_default_device",
           "manual_seed", "default_generator", "seed", "initial_seed"]
