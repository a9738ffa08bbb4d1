"""Small behaviours that must be PyTorch's: errors for calls PyTorch refuses, ``//`` on tensors
that require grad, ``finfo``/``iinfo``, strides, what ``sort`` returns. Each is compared with
PyTorch through the oracle (live, or recorded in tests/oracle/)."""
import numpy as np
import pytest

import minigrad as mg


def outcome(fn):
    """What ``fn()`` gives: ``("ok", value)`` or ``(error class name, message)``."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return (type(e).__name__, str(e))


def same(mine, theirs) -> None:
    assert mine[0] == theirs[0], (mine, theirs)
    if mine[0] == "ok" and isinstance(mine[1], list):  # floats: within rounding
        np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12)
    else:
        assert mine[1] == theirs[1]


ERRORS = {  # name: lib -> what to try; each gives PyTorch's error, or its value
    "maximum(t, number)": lambda T: T.maximum(T.ones(2), 1),
    "maximum(t, float)": lambda T: T.maximum(T.ones(2), 1.5),
    "minimum(number, t)": lambda T: T.minimum(1, T.ones(2)),
    "t.maximum(number)": lambda T: T.ones(2).maximum(0.5),
    "softmax(long, last dim)": lambda T: T.softmax(T.ones(2, 3, dtype=T.long), 1),
    "softmax(long, dim 0)": lambda T: T.softmax(T.ones(2, 3, dtype=T.long), 0),
    "softmax(int32)": lambda T: T.ones(3, dtype=T.int32).softmax(-1),
    "softmax(bool)": lambda T: T.softmax(T.tensor([True, False]), 0),
    "log_softmax(long)": lambda T: T.log_softmax(T.ones(2, 3, dtype=T.long), 0),
    "F.softmax(long)": lambda T: T.nn.functional.softmax(T.tensor([1, 2]), 0),
    "F.log_softmax(long)": lambda T: T.nn.functional.log_softmax(T.tensor([1, 2]), -1),
    "softmax(long, dtype=)": lambda T: T.softmax(T.tensor([1, 2]), 0, dtype=T.float64).tolist(),
    "tensor(10**40)": lambda T: T.tensor(10**40),
    "tensor(2**63)": lambda T: T.tensor(2**63),
    "tensor(-2**63 - 1)": lambda T: T.tensor(-2**63 - 1),
    "tensor(-2**63)": lambda T: T.tensor(-2**63).item(),
    "tensor([[1, 2], [3, 10**40]])": lambda T: T.tensor([[1, 2], [3, 10**40]]),
    "tensor([10**40], dtype=int32)": lambda T: T.tensor([10**40], dtype=T.int32),
    "tensor([1.0, 10**40])": lambda T: T.tensor([1.0, 10**40]).tolist(),
    "tensor(10**40, dtype=float32)": lambda T: T.tensor(10**40, dtype=T.float32).item(),
    "tensor([300], dtype=uint8)": lambda T: T.tensor([300, -1], dtype=T.uint8),
    "tensor(200, dtype=int8)": lambda T: T.tensor(200, dtype=T.int8),
    "tensor([2**31], dtype=int32)": lambda T: T.tensor([1, 2**31], dtype=T.int32),
    "tensor([-1, -255], dtype=uint8)": lambda T: T.tensor([-1, -255, 7], dtype=T.uint8).tolist(),
    "tensor([-256], dtype=uint8)": lambda T: T.tensor([-256], dtype=T.uint8),
    "max(t, other=)": lambda T: T.max(T.tensor([1.0, 5.0]), other=T.tensor([3.0, 2.0])).tolist(),
    "min(input=, other=)": lambda T: T.min(input=T.tensor([1.0, 5.0]),
                                           other=T.tensor([3.0, 2.0])).tolist(),
    "t.max(other=)": lambda T: T.tensor([1.0, 5.0]).max(other=T.tensor([3.0, 2.0])).tolist(),
    "broadcast_shapes ok": lambda T: tuple(T.broadcast_shapes((2, 1), (3,), 1)),
    "broadcast_shapes()": lambda T: tuple(T.broadcast_shapes()),
    "broadcast_shapes 2 vs 4": lambda T: T.broadcast_shapes((2, 3), (4, 3)),
    "broadcast_shapes longer": lambda T: T.broadcast_shapes((2, 3), (3, 2, 4)),
    "broadcast_shapes third": lambda T: T.broadcast_shapes((5, 1, 3), (4, 3), (2, 1, 1)),
    "broadcast_shapes ints": lambda T: T.broadcast_shapes(2, 3),
    "broadcast_shapes list": lambda T: T.broadcast_shapes([2, 3], [3, 3]),
    "broadcast_shapes 0 vs 2": lambda T: T.broadcast_shapes((0,), (2,)),
    "broadcast_shapes 2 vs 0": lambda T: T.broadcast_shapes((2,), (0,)),
    "broadcast_shapes 0 and 1": lambda T: tuple(T.broadcast_shapes((0,), (1,))),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_and_values_like_pytorch(oracle, name):
    same(outcome(lambda: ERRORS[name](mg)), oracle(lambda torch: outcome(
        lambda: ERRORS[name](torch))))


def test_floor_divide_has_no_derivative(oracle):
    """``//`` records PyTorch's ``NotImplemented`` node: the forward works, backward raises.
    (``div(rounding_mode="floor")`` is the one with a gradient: zero.)"""
    def run(T):
        x = T.tensor([3.0, -1.5], requires_grad=True)
        ys = [x // 2, 7 // x, x // x, T.floor_divide(x, 2), x.floor_divide(x)]
        seen = [(y.tolist(), y.requires_grad, type(y.grad_fn).__name__, y.grad_fn.name(),
                 len(y.grad_fn.next_functions)) for y in ys]
        errors = [outcome(lambda y=y: y.sum().backward()) for y in ys]
        z = T.div(x, 2, rounding_mode="floor")
        z.sum().backward()
        return seen, errors, type(z.grad_fn).__name__, x.grad.tolist()
    assert run(mg) == oracle(run)


def test_floor_divide_of_integers(oracle):
    def run(T):
        a, b = T.tensor([7, -7, 6]), T.tensor([2, 2, -4])
        return [(a // b).tolist(), str((a // b).dtype), (a // 3).tolist(), (20 // b).tolist()]
    assert run(mg) == oracle(run)


def test_finfo_iinfo(oracle):
    def run(T):
        f = [(repr(T.finfo(d)), str(T.finfo(d)), T.finfo(d).bits, T.finfo(d).eps,
              T.finfo(d).max, T.finfo(d).min, T.finfo(d).tiny, T.finfo(d).smallest_normal,
              T.finfo(d).resolution, T.finfo(d).dtype, type(T.finfo(d).max).__name__)
             for d in (T.float16, T.float32, T.float64)]
        i = [(repr(T.iinfo(d)), T.iinfo(d).bits, T.iinfo(d).max, T.iinfo(d).min,
              T.iinfo(d).dtype, type(T.iinfo(d).max).__name__)
             for d in (T.uint8, T.int8, T.int16, T.int32, T.int64)]
        errors = [outcome(lambda: T.finfo(T.int32)), outcome(lambda: T.iinfo(T.float32)),
                  outcome(lambda: T.iinfo(T.bool))]
        return f, i, repr(T.finfo()), T.finfo(T.float32) == T.finfo(), errors
    assert run(mg) == oracle(run)


STRIDES = {
    "contiguous": lambda T: T.zeros(2, 3, 4),
    "size-1 dims": lambda T: T.zeros(2, 1, 3),
    "transposed": lambda T: T.zeros(2, 3).t(),
    "permuted": lambda T: T.zeros(2, 3, 4).permute(2, 0, 1),
    "expanded": lambda T: T.zeros(2, 3).expand(4, 2, 3),
    "sliced": lambda T: T.zeros(4, 6)[1:, ::2],
    "0-d": lambda T: T.tensor(1.0),
    "empty": lambda T: T.zeros(0, 3),
    "reshaped": lambda T: T.arange(12).reshape(3, 4),
}


@pytest.mark.parametrize("name", list(STRIDES))
def test_stride_like_pytorch(oracle, name):
    def run(T):
        t = STRIDES[name](T)
        dims = [outcome(lambda d=d: t.stride(d)) for d in range(-t.dim() - 1, t.dim() + 1)]
        return tuple(t.stride()), t.is_contiguous(), dims, t.stride(dim=0) if t.dim() else None
    assert run(mg) == oracle(run)


def test_sort_returns_like_pytorch(oracle):
    """What sort returns and prints: ``torch.return_types.sort`` (values, indices); NaN sorts
    last (first when descending); ties keep their order with ``stable=True``."""
    def run(T):
        x = T.tensor([[3.0, 1.0, float("nan"), 1.0], [0.0, -2.0, 5.0, 0.0]], requires_grad=True)
        r = T.sort(x, stable=True)
        d = x.sort(dim=1, descending=True, stable=True)
        v, i = T.sort(T.tensor([2, 1, 2, 0]), stable=True)
        b = T.sort(T.tensor([True, False, True]), stable=True)
        s = T.sort(T.tensor(3.5))
        return (type(r).__name__, repr(r), repr(d), v.tolist(), i.tolist(), repr(b), repr(s),
                r.values.grad_fn.name(), r.indices.requires_grad, str(r.indices.dtype),
                outcome(lambda: T.sort(x, dim=2)))
    assert run(mg) == oracle(run)


def test_sort_gradient_goes_back_to_its_place(oracle):
    def run(T):
        x = T.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
        w = T.arange(12.0, dtype=T.float64).reshape(3, 4)
        (T.sort(x, dim=0, descending=True).values * w).sum().backward()
        return x.grad
    np.testing.assert_allclose(run(mg).numpy(), oracle(run).numpy())


def test_sort_gradients_gradcheck():
    x = mg.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    for dim, descending in ((0, False), (1, True), (-1, False)):
        def f(t, dim=dim, descending=descending):
            return mg.sort(t, dim, descending).values
        assert mg.autograd.gradcheck(f, (x,))
        assert mg.autograd.gradgradcheck(f, (x,))
