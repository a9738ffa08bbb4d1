"""``minigrad.cuda``: is a GPU there, and CuPy to drive it? Importing this never fails."""
from __future__ import annotations

_cupy = None
_import_error: Exception | None = None
_ready = False  # CuPy imported and a GPU seen: require() then costs one test (Tensor.xp calls it)
_peak = 0       # the most bytes seen in use (CuPy's pool keeps no peak: see max_memory_allocated)

INSTALL_HINT = ("install CuPy for your CUDA driver: `pip install cupy-cuda12x` (CUDA 12) or "
                "`pip install cupy-cuda13x` (CUDA 13), or `pip install -e .[gpu]`")


def _load():
    """Import CuPy lazily: a CPU-only machine never pays for (or fails on) the import."""
    global _cupy, _import_error
    if _cupy is None and _import_error is None:
        try:
            import cupy  # noqa: F401
            _cupy = cupy
        except Exception as e:  # ImportError, or a CuPy that can't find its CUDA libraries
            _import_error = e
    return _cupy


def is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    return device_count() > 0


def device_count() -> int:
    cp = _load()
    if cp is None:
        return 0
    try:
        return int(cp.cuda.runtime.getDeviceCount())
    except Exception:
        return 0


def synchronize(device=None) -> None:
    """Wait for all work queued on the GPU (timings are meaningless without it): on
    ``device`` (``'cuda:N'``, ``minigrad.device('cuda', N)`` or ``N``), else the current GPU."""
    require().cuda.Device(_gpu_index(device)).synchronize()
    memory_allocated()  # (a point where the peak is sampled)


def _gpu_index(spec) -> "int | None":
    """N for ``'cuda:N'``, ``device('cuda', N)`` (it prints as ``cuda:N``) or ``N``; None, the
    current GPU, for ``'cuda'`` or None. Read from the text rather than with
    ``device.parse_device``: device.py is built on this module, not the other way round."""
    if spec is None or isinstance(spec, int):
        return spec
    _, colon, index = str(spec).partition(":")
    return int(index) if colon else None


def require():
    """Return the CuPy module or raise an error that says what is missing and how to fix it."""
    global _ready
    if _ready:
        return _cupy
    cp = _load()
    if cp is None:
        raise RuntimeError("CUDA was requested but CuPy, which minigrad uses for the GPU, could "
                           f"not be imported ({_import_error}); " + INSTALL_HINT)
    if device_count() == 0:
        raise RuntimeError("CUDA was requested but CuPy sees no CUDA GPU on this machine "
                           "(no NVIDIA driver or no device); use device='cpu'")
    _ready = True
    return cp


def current_device() -> int:
    """The index of the current GPU."""
    return int(require().cuda.runtime.getDevice())


def memory_allocated(device=None) -> int:
    """Bytes held by live GPU arrays (CuPy's memory pool's ``used_bytes``)."""
    global _peak
    used = int(require().get_default_memory_pool().used_bytes())
    _peak = max(_peak, used)
    return used


def max_memory_allocated(device=None) -> int:
    """The peak of ``memory_allocated`` since the start or ``reset_peak_memory_stats()``.
    CuPy's pool keeps no peak: minigrad samples it here, in ``memory_allocated`` and in
    ``synchronize``, so call one of them where the peak is (after a forward pass, say)."""
    memory_allocated()
    return _peak


def reset_peak_memory_stats(device=None) -> None:
    global _peak
    _peak = 0
    memory_allocated()


def memory_reserved(device=None) -> int:
    """Bytes the memory pool holds from the driver (``total_bytes``)."""
    return int(require().get_default_memory_pool().total_bytes())


def empty_cache() -> None:
    """Give the pool's unused blocks back to the driver."""
    require().get_default_memory_pool().free_all_blocks()


def manual_seed(seed: int) -> None:
    """Seed every GPU's generator (no-op without CuPy)."""
    cp = _load()
    if cp is not None and device_count() > 0:
        cp.random.seed(seed)


manual_seed_all = manual_seed
