"""Parity: every case of the op table (tests/test_ops.py), forward and backward, on cpu and on
cuda, gives the same outputs and gradients (dtype, shape, requires_grad, values, device).

Without a GPU, cuda is the CuPy stand-in (conftest.py): this then checks that every op's
cuda code path runs under CuPy's rules. With a GPU, it checks the GPU's numbers, and where
PyTorch with CUDA is installed, those are compared with PyTorch's on the GPU as well.
"""
import importlib.util

import numpy as np
import pytest

import minigrad
from test_ops import CASES, _arrays, _call, _flat

needs_cuda = pytest.mark.skipif(not minigrad.cuda.is_available(), reason="no CUDA")


def _why_not_pytorch_on_a_gpu():
    """None where minigrad and PyTorch both run on a real GPU here; else why not (decided at
    collection: PyTorch is imported only where a real GPU is)."""
    if not minigrad.cuda.is_available():
        return "no CUDA device visible to CuPy"
    from minigrad.backend import cuda
    if cuda._load().__name__.startswith("fakecupy"):
        return "no GPU: cuda is the CuPy stand-in (tests/fakecupy)"
    if importlib.util.find_spec("torch") is None:
        return "PyTorch not installed"
    import torch
    if not torch.cuda.is_available():
        return "PyTorch without CUDA"
    return None


NO_PYTORCH_CUDA = _why_not_pytorch_on_a_gpu()
# One case per op-table case where it can run; else one skipped item that says why, not one
# skip per case.
PYTORCH_CUDA_CASES = [pytest.param(c, id=c.name) for c in CASES] if NO_PYTORCH_CUDA is None \
    else [pytest.param(None, id="all-cases", marks=pytest.mark.skip(
        reason=f"compares minigrad on the GPU with PyTorch on the GPU, case by case: "
               f"{NO_PYTORCH_CUDA}"))]

TOL = {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-5)}


def _inputs(T, case, arrays, dtype, device):
    xs = []
    for spec, arr in zip(case.inputs, arrays):
        arr = np.array(arr)
        if arr.dtype.kind == "f":
            arr = arr.astype(dtype)
        grad = spec.grad and arr.dtype.kind == "f"
        xs.append(T.tensor(arr, device=device, requires_grad=grad))
    return xs


def _run(T, case, dtype, device):
    """The case's outputs, and its inputs' gradients for upstream gradients from a fixed seed;
    or the exception it raised."""
    arrays = _arrays(case)
    xs = _inputs(T, case, arrays, dtype, device)
    T.manual_seed(0)  # (random ops draw the same numbers on every device)
    try:
        outs = _flat(_call(T, case, xs))
    except Exception as e:  # the cpu's error must be cuda's too
        return type(e), None, None
    diff = [o for o in outs if isinstance(o, T.Tensor) and o.dtype.is_floating_point
            and o.requires_grad]
    grads = None
    if diff:
        rng = np.random.default_rng(0)
        ups = [T.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype), device=o.device)
               for o in diff]
        T.autograd.backward(diff, ups)
        grads = [None if x.grad is None else x.grad for x in xs if isinstance(x, T.Tensor)]
    return None, outs, grads


def _same(a, b, dtype, what, device_b="cuda"):
    if not hasattr(a, "shape"):
        assert a == b, what
        return
    assert str(a.dtype) == str(b.dtype), f"{what}: dtype {a.dtype} vs {b.dtype}"
    assert tuple(a.shape) == tuple(b.shape), f"{what}: shape"
    assert a.requires_grad == b.requires_grad, f"{what}: requires_grad"
    assert b.device.type == device_b, f"{what}: on {b.device}"
    av, bv = a.detach().cpu().numpy(), b.detach().cpu().numpy()
    if av.dtype.kind in "biu":
        np.testing.assert_array_equal(av, bv, err_msg=what)
    else:
        np.testing.assert_allclose(av, bv, equal_nan=True, err_msg=what, **TOL[dtype])


def _compare(cpu, cuda, dtype, device_b="cuda"):
    (e1, o1, g1), (e2, o2, g2) = cpu, cuda
    assert e1 == e2, f"cpu raised {e1}, cuda raised {e2}"
    if e1 is not None:
        return
    assert len(o1) == len(o2)
    for k, (a, b) in enumerate(zip(o1, o2)):
        # an output follows its inputs' device (a cpu tensor written into stays on the cpu)
        _same(a, b, dtype, f"output {k}", b.device.type if hasattr(b, "device") else device_b)
    assert (g1 is None) == (g2 is None)
    for k, (a, b) in enumerate(zip(g1 or (), g2 or ())):
        assert (a is None) == (b is None), f"grad of input {k}"
        if a is not None:
            _same(a, b, dtype, f"grad of input {k}", device_b)


@needs_cuda
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_cpu_and_cuda_agree(case, dtype):
    _compare(_run(minigrad, case, dtype, "cpu"), _run(minigrad, case, dtype, "cuda"), dtype)


@pytest.mark.parametrize("case", PYTORCH_CUDA_CASES)
def test_cuda_agrees_with_pytorch_cuda(case):
    import torch
    if "forward" in case.known or "backward" in case.known:
        pytest.skip(f"known to differ from PyTorch: {case.known}")
    mine = _run(minigrad, case, "float64", "cuda")
    theirs = _run(torch, case, "float64", "cuda")
    if mine[0] is not None or theirs[0] is not None:
        assert (mine[0] is None) == (theirs[0] is None), f"{mine[0]} vs {theirs[0]}"
        return
    for k, (a, b) in enumerate(zip(mine[1], theirs[1])):
        if hasattr(b, "shape"):
            np.testing.assert_allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy(),
                                       equal_nan=True, err_msg=f"output {k}", **TOL["float64"])
    for k, (a, b) in enumerate(zip(mine[2] or (), theirs[2] or ())):
        if a is not None and b is not None:
            np.testing.assert_allclose(a.cpu().numpy(), b.cpu().numpy(), equal_nan=True,
                                       err_msg=f"grad of input {k}", **TOL["float64"])
