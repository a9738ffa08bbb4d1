"""Shared pytest configuration: unit tests (tests/) and notebook checks (nbval).

Sections
  1. Notebook cells tagged ``gpu``: skipped when CuPy sees no CUDA device.
     Then the CuPy stand-in (tests/fakecupy): installed as ``cupy`` when no real CuPy sees a GPU
  2. Fixtures: ``device`` (cpu and cuda, the latter on a GPU or on the stand-in),
     ``fast_path`` (switched on), ``torch`` (the oracle, or skip), ``oracle`` (PyTorch's results,
     live or recorded: tests/oracle/), ``cupy_syncs``

`make test` runs nbval with this file loaded as well (see the Makefile), so the hook
in section 1 applies to the notebooks under notebooks/.
"""

import functools
import importlib.util
import os
import sys

import pytest


# ---------------------------------------------------------------------------------
# 1. Notebook cells tagged `gpu`
#
# nbval has no conditional skip. A cell that needs a GPU carries the cell tag `gpu`;
# without a visible CUDA device its nbval item is marked as skipped, with the reason.
# This works without nbval installed: items are recognised by duck typing (nbval's
# cell items have a `.cell` holding the notebook cell), nothing imports nbval.
# ---------------------------------------------------------------------------------

GPU_TAG = "gpu"


@functools.cache
def _no_gpu_reason():
    """None if CuPy sees at least one CUDA device, else why not (checked once)."""
    if importlib.util.find_spec("cupy") is None:
        return "needs a GPU: CuPy is not installed"
    try:
        import cupy
    except Exception as exc:  # ImportError, or a broken CUDA install failing at import
        return f"needs a GPU: CuPy is not importable ({type(exc).__name__}: {exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device: CUDARuntimeError
        return f"needs a GPU: CuPy sees no CUDA device ({type(exc).__name__}: {exc})"
    if count > 0:
        return None
    return "needs a GPU: CuPy sees no CUDA device"


# ---------------------------------------------------------------------------------
# 1b. The CuPy stand-in
#
# Without a GPU, the cuda side of every device-parametrized test still runs: on
# tests/fakecupy, NumPy behind CuPy's rules (no implicit conversion to NumPy, no NumPy
# operands in ufuncs, 0-d results, wrapping indices, only CuPy 14's names) and a count of
# device-to-host syncs. With a real GPU, real CuPy is used and the stand-in stays out.
# MINIGRAD_FAKE_CUPY=0 switches it off (cuda tests are then skipped without a GPU).
# Notebooks run in their own kernels and never see it.
# ---------------------------------------------------------------------------------

def _install_fake_cupy() -> bool:
    if os.environ.get("MINIGRAD_FAKE_CUPY", "1") == "0":
        return False
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import fakecupy
    import fakecupy.cupyx
    sys.modules.update({"cupy": fakecupy, "cupy.cuda": fakecupy.cuda,
                        "cupy.random": fakecupy.random, "cupyx": fakecupy.cupyx})
    return True


# Decided once, at import: before any test module imports minigrad (which loads CuPy lazily).
REAL_GPU_REASON = _no_gpu_reason()
FAKE_CUPY = REAL_GPU_REASON is not None and _install_fake_cupy()


def _cell_tags(item):
    cell = getattr(item, "cell", None)
    metadata = getattr(cell, "metadata", None) or {}
    try:
        return metadata.get("tags", ()) or ()
    except AttributeError:
        return ()


def pytest_collection_modifyitems(config, items):
    gpu_items = [item for item in items if GPU_TAG in _cell_tags(item)]
    if not gpu_items:
        return  # don't import CuPy (slow) unless a notebook asks for a GPU
    reason = REAL_GPU_REASON  # (the real GPU: notebooks never run on the stand-in)
    if reason is not None:
        for item in gpu_items:
            item.add_marker(pytest.mark.skip(reason=reason))


# ---------------------------------------------------------------------------------
# 2. Fixtures
# ---------------------------------------------------------------------------------

def _devices():
    import minigrad
    params = [pytest.param("cpu", id="cpu")]
    if minigrad.cuda.is_available():  # a GPU, or the stand-in (section 0)
        params.append(pytest.param("cuda", id="cuda"))
    else:
        params.append(pytest.param("cuda", id="cuda", marks=pytest.mark.skip(
            reason="no CUDA device visible to CuPy (and MINIGRAD_FAKE_CUPY=0)")))
    return params


@pytest.fixture(params=_devices())
def device(request):
    """cpu and cuda: cuda on a GPU, else on the CuPy stand-in (skipped only when that is off)."""
    return request.param


@pytest.fixture
def cupy_syncs():
    """The stand-in's count of device-to-host syncs, reset: ``cupy_syncs()`` reads it.
    Skipped on a real GPU (CuPy counts nothing)."""
    if not FAKE_CUPY:
        pytest.skip("counting syncs needs the CuPy stand-in (tests/fakecupy)")
    import fakecupy
    fakecupy.syncs = 0
    return lambda: fakecupy.syncs


@pytest.fixture
def fast_path(monkeypatch):
    """minigrad.autograd.fastpath switched on, for tests of the optimisations themselves
    (the rest of the suite runs either way: MINIGRAD_FASTPATH=0 switches it off)."""
    from minigrad.autograd import fastpath
    monkeypatch.setattr(fastpath.state, "enabled", True)
    return fastpath


@pytest.fixture
def torch():
    """PyTorch as the oracle; tests that need it are skipped where it isn't installed."""
    return pytest.importorskip("torch")


@pytest.fixture
def oracle(request):
    """PyTorch's results: live where it is installed (and checked against the recording in
    tests/oracle/), recorded where it is not. ``oracle(lambda torch: ...)``; see tests/oracle."""
    from oracle import Oracle
    return Oracle(request.node)


def pytest_sessionfinish(session, exitstatus):
    """``python tests/oracle/record.py`` (MINIGRAD_ORACLE=record): write the recording."""
    import oracle as _oracle
    _oracle.session_finish(session)
