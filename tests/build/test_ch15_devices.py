"""Chapter 15 — on the GPU: moving tensors between the host and a GPU.

What you build:

- in ``minigrad/backend/device.py``, the heart of ``to_device(a, dev)``: an array copied from
  the GPU to the host (``a.get()``: CuPy refuses ``np.asarray`` on a GPU array), or from the host
  onto GPU ``dev.index`` (``cupy.asarray`` inside ``with cupy.cuda.Device(dev.index)``);
- in ``minigrad/ops/shape.py``, the backward of ``to`` (``ToCopy.backward``): a copy's
  derivative is 1, so the gradient is the incoming one, moved back to the device and the dtype
  the input had (``ctx.src``), with a tensor operation, so that it can itself be differentiated.

Without a GPU these checks run on the CuPy stand-in (``fakecupy``: NumPy underneath, as strict
as CuPy), so that ``.to("cuda")`` really goes through your code.
"""
import contextlib

import numpy as np
import pytest

import minigrad
from minigrad import backend
from minigrad.ops.shape import ToCopy

pytestmark = pytest.mark.chapter15

GPU = backend.device("cuda", 0)


@pytest.fixture(autouse=True)
def cuda():
    if not minigrad.cuda.is_available():
        pytest.skip("no GPU and no CuPy stand-in (MINIGRAD_FAKE_CUPY=0): nothing to move to")


def on_gpu(array) -> bool:
    """A CuPy array (or the stand-in's): not NumPy's, and copied to the host with .get()."""
    return not isinstance(array, np.ndarray) and callable(getattr(array, "get", None))


# What CuPy (and the engine) say when an array or a gradient is on the wrong side, in words.
HINTS = [
    ("Implicit conversion", "CuPy refuses to read a GPU array as a NumPy array (np.asarray, "
     "np.array): copy it to the host with its .get()"),
    ("Unsupported type <class 'numpy.ndarray'>", "a NumPy array reached a GPU operation: "
     "to_device must copy a host array onto the GPU (cupy.asarray), not return it as it is"),
    ("same device", "an operation got tensors on two devices: was a gradient sent to the wrong "
     "device? The backward of to moves the gradient back to the device the input had "
     "(ctx.src)"),
    ("expected device", "the backward of to returned a gradient on the wrong device: move "
     "the gradient back to the device the input had (ctx.src)"),
]


@contextlib.contextmanager
def words(doing: str):
    """Run ``doing``; an exception other than a stub's fails the check with a sentence."""
    try:
        yield
    except (NotImplementedError, AssertionError, pytest.fail.Exception):
        raise
    except Exception as exc:
        hint = next((h for key, h in HINTS if key in str(exc)), "")
        said = str(exc).rstrip(".")
        pytest.fail(f"{doing} raised {type(exc).__name__}: {said}. {hint[:1].upper()}{hint[1:]}"
                    .rstrip(". ") + ".")


def moved(t: minigrad.Tensor, where: str) -> minigrad.Tensor:
    with words(f".to({where!r})"):
        return t.to(where)


def grad_of(loss, inputs, **kwargs):
    with words("autograd.grad (backward through to)"):
        return minigrad.autograd.grad(loss, inputs, **kwargs)


def test_to_cuda_copies_the_data_onto_the_gpu():
    x = minigrad.tensor([[1.0, -2.0], [3.5, 4.0]])
    y = moved(x, "cuda")
    assert y.device == GPU, f"x.to('cuda').device is {y.device}, expected cuda:0"
    assert on_gpu(y._data), (
        f"x.to('cuda') holds a {type(y._data).__module__}.{type(y._data).__name__}, not a GPU "
        "array: to_device must copy a host array onto the GPU (cupy.asarray), not return it "
        "as it is")
    assert np.array_equal(y._data.get(), x.numpy()), "the copy on the GPU has other values"
    assert y.dtype == x.dtype, f"the copy changed the dtype to {y.dtype}"
    assert isinstance(x._data, np.ndarray), "x.to('cuda') moved x itself: it must copy"


def test_to_cpu_copies_the_data_back_to_the_host():
    values = np.arange(6.0).reshape(2, 3)
    with words("minigrad.tensor(..., device='cuda')"):
        x = minigrad.tensor(values, device="cuda")
    back = moved(x, "cpu")
    assert back.device == backend.cpu, f"x.to('cpu').device is {back.device}"
    assert isinstance(back._data, np.ndarray), (
        f"x.to('cpu') holds a {type(back._data).__module__}.{type(back._data).__name__}: a "
        "copy to the host must give a NumPy array (the GPU array's .get()), it is still on "
        "the GPU")
    assert np.array_equal(back._data, values), (
        f"the round trip cpu -> cuda -> cpu changed the values: {back._data.tolist()}")
    with words("x * 2 on the GPU"):
        doubled = x * 2
    assert np.array_equal(moved(doubled, "cpu").numpy(), values * 2), (
        "a result computed on the GPU, copied back, has the wrong values")


def test_backward_moves_the_gradient_back_to_the_inputs_device():
    x = minigrad.tensor([1.0, -2.0, 3.0], requires_grad=True)       # on the host
    y = moved(x, "cuda")
    with words("(y * y).sum() on the GPU"):
        loss = (y * y).sum()
    g, = grad_of(loss, x)
    assert g.device == backend.cpu, (
        f"x is on the cpu but its gradient arrived on {g.device}: the backward of to must move "
        "the gradient back to the device the input had (ctx.src)")
    assert np.allclose(g.numpy(), [2.0, -4.0, 6.0]), (
        f"d(sum of y^2)/dx with y = x.to('cuda') is 2x = [2, -4, 6], got {g.numpy().tolist()}. "
        "A copy's derivative is 1: the gradient passes through unchanged")

    with words("minigrad.tensor(..., device='cuda')"):
        w = minigrad.tensor([0.5, 2.0], device="cuda", requires_grad=True)  # on the GPU
    g, = grad_of((moved(w, "cpu") * 3).sum(), w)
    assert g.device == GPU, (
        f"w is on cuda:0, used on the cpu (w.to('cpu')), but its gradient arrived on "
        f"{g.device}: the gradient goes back to the input's device (ctx.src), which is not "
        "always the cpu")


def test_backward_gives_the_gradient_the_inputs_dtype():
    x = minigrad.tensor([0.25, -1.5], dtype=minigrad.float64, requires_grad=True)
    with words(".to('cuda', float32)"):
        y = x.to("cuda", minigrad.float32)
    assert y.grad_fn is not None and y.grad_fn.name() == "ToCopyBackward0"
    g = minigrad.ones(2, device="cuda")                                # float32, on the GPU
    with words("ToCopy.backward"):
        out = ToCopy.backward(y.grad_fn, g)
    assert isinstance(out, tuple) and len(out) == 3 and out[1] is None and out[2] is None, (
        "ToCopy.backward returns one gradient per argument of forward (a, dtype, device): "
        "(the gradient of a, None, None)")
    ga = out[0]
    assert ga.device == backend.cpu, (
        f"x was on the cpu, and the gradient ToCopy.backward gives it is on {ga.device}: move "
        "the gradient back to the device the input had (ctx.src)")
    assert ga.dtype == minigrad.float64, (
        f"x was float64, y = x.to('cuda', float32), and the gradient ToCopy.backward gives x "
        f"is {ga.dtype}: move the dtype back too (the dtype in ctx.src)")
    assert np.array_equal(ga.numpy(), [1.0, 1.0])


def test_the_backward_of_to_can_be_differentiated_again():
    x = minigrad.tensor([1.0, -0.5, 2.0], dtype=minigrad.float64, requires_grad=True)
    y = moved(x, "cuda")
    with words("(y ** 3).sum() on the GPU"):
        loss = (y ** 3).sum()
    g, = grad_of(loss, x, create_graph=True)                             # 3 x^2
    assert g.requires_grad, (
        "with create_graph=True the gradient that came back through to has no graph: the "
        "backward of to must use a tensor operation (g.to(...)), not copy g's array by hand "
        "(._data, to_device), which cuts the graph")
    gg, = grad_of(g.sum(), x)                                            # 6 x
    assert gg.device == backend.cpu, (
        f"the second derivative arrived on {gg.device}, x is on the cpu: move the gradient "
        "back to the device the input had (ctx.src)")
    assert np.allclose(gg.numpy(), [6.0, -3.0, 12.0]), (
        f"the second derivative of sum(x^3) through to is 6x = [6, -3, 12], got "
        f"{gg.numpy().tolist()}")
