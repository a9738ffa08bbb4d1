"""``minigrad.cuda``: is a GPU there, and CuPy to drive it? Importing this never fails."""
from __future__ import annotations

_cupy = None
_import_error: Exception | None = None

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
    cp = _load()
    if cp is None:
        raise RuntimeError("CUDA was requested but CuPy, which minigrad uses for the GPU, could "
                           f"not be imported ({_import_error}); " + INSTALL_HINT)
    if device_count() == 0:
        raise RuntimeError("CUDA was requested but CuPy sees no CUDA GPU on this machine "
                           "(no NVIDIA driver or no device); use device='cpu'")
    return cp


def manual_seed(seed: int) -> None:
    """Seed every GPU's generator (no-op without CuPy)."""
    cp = _load()
    if cp is not None and device_count() > 0:
        cp.random.seed(seed)


manual_seed_all = manual_seed
