"""The cuda side of minigrad: what CuPy does differently from NumPy, each found once as a bug.

On a machine without a GPU these run on the CuPy stand-in (tests/fakecupy, see conftest.py);
with a GPU, on CuPy itself (the stand-in's own tests are then skipped).

Sections
  1. The stand-in is as strict as CuPy
  2. Regressions (issue #16), each on cuda
  3. Device objects, the accelerator, the default device, memory
  4. A training step waits for the GPU at most 3 times
"""
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

import conftest

fake_only = pytest.mark.skipif(not conftest.FAKE_CUPY, reason="a test of the CuPy stand-in")
needs_cuda = pytest.mark.skipif(not mg.cuda.is_available(), reason="no CUDA (and no stand-in)")


# ============================================================ 1. The stand-in is as strict as CuPy

@fake_only
def test_the_stand_in_is_as_strict_as_cupy():
    import cupy as cp
    import fakecupy
    assert cp is fakecupy and not issubclass(cp.ndarray, np.ndarray)
    x = cp.arange(6, dtype=cp.float32).reshape(2, 3)
    for convert in (np.asarray, np.int64, lambda a: np.zeros((2, 3))[...].__setitem__(0, a[0])):
        with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not "
                                            r"allowed. Please use `.get\(\)` to construct a "
                                            "NumPy array explicitly."):
            convert(x)
    for other in (np.ones(3, np.float32), np.asarray(2.0), [1.0, 2.0, 3.0]):
        with pytest.raises(TypeError, match="Unsupported type"):
            x + other
        with pytest.raises(TypeError, match="Unsupported type"):
            cp.maximum(x, other)
    with pytest.raises(TypeError, match="Unsupported type"):
        np.ones(3) * x  # NumPy defers to CuPy, which refuses the NumPy operand
    assert type(x.sum()) is cp.ndarray and x.sum().ndim == 0  # no NumPy scalars
    assert type(x[0, 0]) is cp.ndarray and x[0, 0].ndim == 0
    assert not hasattr(x.flags, "writeable") and x.flags.c_contiguous
    assert x[cp.asarray([5])].get().tolist() == [[3.0, 4.0, 5.0]]  # index 5 of 2 rows: row 1
    for missing in ("errstate", "fallback_mode", "float128"):
        assert not hasattr(cp, missing)
    import cupyx
    assert not hasattr(cupyx, "fallback_mode")
    fakecupy.syncs = 0
    float(x.sum()), bool(x.any()), x.item() if x.size == 1 else x.get(), cp.asnumpy(x)
    assert fakecupy.syncs == 4


# ============================================================ 2. Regressions (issue #16)

@needs_cuda
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_without_dim_on_cuda(name):
    x = mg.tensor([[1.0, 5.0], [-2.0, 3.0]], device="cuda")
    r = getattr(x, name)()
    assert r.device.type == "cuda" and r.dtype == mg.int64 and r.item() == {"argmax": 1,
                                                                            "argmin": 2}[name]


@needs_cuda
@pytest.mark.parametrize("op", [
    lambda x, s: x * s, lambda x, s: s - x, lambda x, s: x / s, lambda x, s: x ** s,
    lambda x, s: x > s, lambda x, s: mg.where(x > 0, x, s), lambda x, s: mg.maximum(x, s),
    lambda x, s: x.clone().add_(s), lambda x, s: x.clone().mul_(s),
], ids=["mul", "rsub", "div", "pow", "gt", "where", "maximum", "add_", "mul_"])
def test_a_cpu_0d_tensor_combines_with_a_cuda_tensor(op):
    x = mg.tensor([0.5, -1.0, 2.0], device="cuda")
    s = mg.tensor(2.0)  # on the CPU, 0-d: PyTorch passes it into CUDA kernels as a number
    got = op(x, s)
    assert got.device.type == "cuda"
    np.testing.assert_array_equal(got.cpu().numpy(), op(x.cpu(), s).numpy())


@needs_cuda
def test_the_gradient_of_a_cpu_0d_tensor_used_on_cuda_stays_on_the_cpu():
    x = mg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    s = mg.tensor(3.0, requires_grad=True)
    (x * s).sum().backward()
    assert s.grad.device.type == "cpu" and s.grad.item() == 3.0
    assert x.grad.device.type == "cuda" and x.grad.tolist() == [3.0, 3.0]


@needs_cuda
def test_a_cuda_0d_tensor_does_not_combine_with_a_cpu_tensor():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        mg.ones(2) + mg.tensor(1.0, device="cuda")


@needs_cuda
def test_writing_a_cuda_value_into_a_cpu_tensor():
    v = mg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    y = mg.zeros(3, 2)
    y[1] = v
    y[[0, 2]] = v * 2
    assert y.device.type == "cpu" and y.tolist() == [[2, 4], [1, 2], [2, 4]]
    y.sum().backward()
    assert v.grad.device.type == "cuda" and v.grad.tolist() == [5.0, 5.0]  # 1 + 2 * 2


@pytest.mark.parametrize("index", [slice(0, 2), 1, (Ellipsis, 0)], ids=["slice", "int", "ellipsis"])
def test_a_basic_index_is_a_view_on_every_device(device, index):
    # y = b.exp() saves y; writing into a view of y must bump y's version: else backward
    # silently uses the changed values (it did on cuda: CuPy arrays are no np.ndarray)
    b = mg.tensor([[0.5, 1.0], [1.5, 2.0], [2.5, 3.0]], device=device, requires_grad=True)
    y = b.exp()
    with mg.no_grad():  # (recorded, an in-place op on a view is refused outright)
        y[index].mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_x_of_an_int_is_a_view_that_in_place_ops_write_through(device):
    y = mg.arange(4.0, device=device)
    y[1].mul_(3)
    y[2].add_(1)
    assert y.tolist() == [0.0, 3.0, 3.0, 3.0]


@needs_cuda
def test_a_custom_function_gradient_on_the_wrong_device():
    class ToCpu(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).cpu()  # wrong: the input is on cuda

    x = mg.ones(3, device="cuda", requires_grad=True)
    with pytest.raises(RuntimeError, match="Function ToCpuBackward returned an invalid gradient "
                                           "at index 0 - expected device cuda:0 but got cpu"):
        ToCpu.apply(x).sum().backward()


# ============================================================ 3. Devices, accelerator, memory

def test_a_cuda_device_object_needs_no_cupy(monkeypatch):
    from minigrad.backend import cuda
    monkeypatch.setattr(cuda, "_cupy", None)
    monkeypatch.setattr(cuda, "_import_error", None)
    monkeypatch.setattr(cuda, "_ready", False, raising=False)
    monkeypatch.setitem(sys.modules, "cupy", None)
    d = mg.device("cuda")  # as torch.device("cuda"): only allocating on it fails
    assert str(d) == "cuda" and repr(d) == "device(type='cuda')" and d.index is None
    assert str(mg.device("cuda:1")) == "cuda:1"
    assert mg.accelerator.is_available() is False and mg.accelerator.current_accelerator() is None
    with pytest.raises(RuntimeError, match="pip install cupy-cuda12x"):
        mg.zeros(2, device=d)


@needs_cuda
def test_accelerator_and_default_device():
    assert mg.accelerator.is_available() and mg.accelerator.device_count() >= 1
    assert mg.accelerator.current_accelerator() == mg.device("cuda")
    assert mg.accelerator.current_device_index() == 0
    mg.accelerator.synchronize()
    assert mg.get_default_device() == mg.device("cpu")
    mg.set_default_device("cuda")
    try:
        assert mg.get_default_device() == mg.device("cuda", 0)
        assert mg.zeros(2).device.type == "cuda" and mg.randn(2, 3).is_cuda
        assert mg.tensor([1.0]).is_cuda and mg.arange(3).is_cuda and nn.Linear(2, 3).weight.is_cuda
        assert mg.zeros(2, device="cpu").device.type == "cpu"
    finally:
        mg.set_default_device(None)
    assert mg.zeros(2).device.type == "cpu"


@needs_cuda
def test_memory_allocated():
    before = mg.cuda.memory_allocated()
    x = mg.zeros(1024, 1024, device="cuda")  # 4 MiB
    assert mg.cuda.memory_allocated() >= before + 4 * 2**20
    assert mg.cuda.max_memory_allocated() >= mg.cuda.memory_allocated()
    del x
    assert mg.cuda.memory_allocated() <= before + 4 * 2**20


# ============================================================ 4. Syncs in a training step

def test_a_training_step_waits_for_the_gpu_at_most_3_times(cupy_syncs):
    """An MLP + Adam step on a cuda TensorDataset: nothing in forward, backward, zero_grad or
    the optimizer reads a value back to the host (each read would stall the GPU's queue)."""
    mg.manual_seed(0)
    X, y = mg.randn(64, 8, device="cuda"), mg.randint(0, 3, (64,), device="cuda")
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 3)).cuda()
    opt = mg.optim.Adam(model.parameters(), lr=1e-3)
    batches = mg.utils.data.DataLoader(mg.utils.data.TensorDataset(X, y), batch_size=16,
                                       shuffle=True)
    first = None
    for xb, yb in batches:  # warm up: the first step may look at things once
        opt.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
        first = cupy_syncs() if first is None else first
    start = cupy_syncs()
    xb, yb = next(iter(batches))
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(xb), yb)
    loss.backward()
    opt.step()
    assert cupy_syncs() - start <= 3, f"{cupy_syncs() - start} device-to-host syncs in one step"
