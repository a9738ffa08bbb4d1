"""Shared pytest configuration: unit tests (tests/) and notebook checks (nbval).

Sections
  1. Notebook cells tagged ``gpu``: skipped when CuPy sees no CUDA device.
  2. Fixtures: ``device`` (every available device), ``fast_path`` (switched on), ``torch``
     (PyTorch, or skip), ``oracle`` (PyTorch's results, live or recorded: tests/oracle/)

`make test` runs nbval with this file loaded as well (see the Makefile), so the hook
in section 1 applies to the notebooks under notebooks/.
"""

import functools

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
    reason = _no_gpu_reason()
    if reason is not None:
        for item in gpu_items:
            item.add_marker(pytest.mark.skip(reason=reason))


# ---------------------------------------------------------------------------------
# 2. Fixtures
# ---------------------------------------------------------------------------------

def _devices():
    import minigrad
    params = [pytest.param("cpu", id="cpu")]
    if minigrad.cuda.is_available():
        params.append(pytest.param("cuda", id="cuda"))
    else:
        params.append(pytest.param("cuda", id="cuda", marks=pytest.mark.skip(
            reason="no CUDA device visible to CuPy")))
    return params


@pytest.fixture(params=_devices())
def device(request):
    """Every device this machine has: cpu, and cuda when CuPy sees a GPU (else skipped)."""
    return request.param


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
