"""``cupy.cuda`` of the stand-in: one device, a memory pool that counts bytes, streams that
have nothing to wait for."""
from __future__ import annotations

import weakref

import numpy as np


class CUDARuntimeError(RuntimeError):
    pass


class _Runtime:
    """``cupy.cuda.runtime``: one GPU, number 0."""
    CUDARuntimeError = CUDARuntimeError
    _device = 0

    @staticmethod
    def getDeviceCount():
        return 1

    @classmethod
    def getDevice(cls):
        return cls._device

    @classmethod
    def setDevice(cls, i):
        if i != 0:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")
        cls._device = i

    @staticmethod
    def deviceSynchronize():
        pass

    @staticmethod
    def memGetInfo():
        return (80 << 30) - _pool.used_bytes(), 80 << 30

    @staticmethod
    def getDeviceProperties(i):
        return {"name": b"minigrad fake GPU (NumPy)", "totalGlobalMem": 80 << 30}


runtime = _Runtime()


class Device:
    def __init__(self, device=None):
        self.id = runtime.getDevice() if device is None else int(device)
        if self.id != 0:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def use(self):
        runtime.setDevice(self.id)

    def synchronize(self):
        pass

    compute_capability = "90"

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


class Stream:
    null = None

    def __init__(self, null=False, non_blocking=False, ptds=False):
        pass

    def synchronize(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def use(self):
        return self


Stream.null = Stream(null=True)


def get_current_stream(device_id=-1):
    return Stream.null


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self._t = None

    def record(self, stream=None):
        import time
        self._t = time.perf_counter()

    def synchronize(self):
        pass


def get_elapsed_time(start, end):
    return (end._t - start._t) * 1000.0


class MemoryPool:
    """Counts the bytes of live arrays (each array that owns its memory), like CuPy's pool's
    ``used_bytes``; ``total_bytes`` is what the pool holds, here the same."""

    def __init__(self):
        self._used = 0

    def _alloc(self, a: np.ndarray) -> None:
        n = a.nbytes
        if n:
            self._used += n
            weakref.finalize(a, self._free, n)

    def _free(self, n):
        self._used -= n

    def used_bytes(self):
        return self._used

    def total_bytes(self):
        return self._used

    def free_bytes(self):
        return 0

    def free_all_blocks(self, stream=None):
        pass

    def n_free_blocks(self):
        return 0

    def set_limit(self, size=None, fraction=None):
        pass

    def get_limit(self):
        return 0


_pool = MemoryPool()


def is_available():
    return True


def get_device_id():
    return runtime.getDevice()
