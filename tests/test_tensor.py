"""Tensors without autograd's engine, against PyTorch: creation, dtypes, attributes, printing,
devices.

Every expected value comes from PyTorch run on the same input (the ``oracle`` fixture: live
PyTorch where it is installed, its recording in tests/oracle/ where it is not) or from a
property that needs no oracle (memory sharing, reproducibility); none is a number minigrad
printed. Creation tests run on every device of
the ``device`` fixture (``cuda`` is skipped without a GPU); PyTorch always runs on the CPU and
minigrad's result is brought back to compare.

Sections
  1. helpers
  2. creation: tensor(), legacy constructors, filled/range factories, *_like, NumPy bridge
  3. random numbers
  4. dtypes
  5. attributes: data, grad, requires_grad, is_leaf, shape, device, T, detach, zero_, clone...
  6. repr / str
  7. CUDA without CuPy or a GPU
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import minigrad as mg

REPO = Path(__file__).resolve().parents[1]


# =================================================================================== 1. helpers
def _host(t: mg.Tensor) -> np.ndarray:
    """minigrad tensor -> NumPy array on the CPU (a copy; ignores requires_grad)."""
    return np.array(t.detach().cpu().numpy())


def assert_same(got: mg.Tensor, expected, *, exact: bool = True) -> None:
    """A minigrad tensor equals a PyTorch tensor: dtype, shape, requires_grad, values, and
    (compared on the CPU) repr."""
    assert isinstance(got, mg.Tensor)
    assert str(got.dtype) == str(expected.dtype)
    assert tuple(got.shape) == tuple(expected.shape)
    assert got.requires_grad == expected.requires_grad
    want = expected.detach().numpy()
    if exact:
        np.testing.assert_array_equal(_host(got), want)
    else:  # PyTorch's vectorised kernels round some float ranges differently in the last bit
        np.testing.assert_allclose(_host(got), want, rtol=1e-6, atol=1e-7)
    if got.device.type == "cpu":  # (on a GPU the repr also says device='cuda:0')
        assert repr(got) == repr(expected)


def printed(fn: Callable) -> Callable:
    """``fn(lib)`` -> what it printed (for the oracle: PyTorch's printing, as a string)."""
    def run(L):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            fn(L)
        return out.getvalue()
    return run


def warned(fn: Callable) -> Callable:
    """``fn(lib)`` -> (its result, the distinct warnings it gave as (category's name, message)).
    PyTorch's note "(Triggered internally at <its source file>)" is left out of the message."""
    def run(L):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn(L)
        seen = []
        for w in caught:
            item = (w.category.__name__, str(w.message).split(" (Triggered internally at ")[0])
            if item not in seen:
                seen.append(item)
        return result, seen
    return run


def assert_same_error(fn: Callable, oracle) -> None:
    """``fn(lib)`` raises in PyTorch (asked of the ``oracle``); minigrad raises the same type
    with the same message."""
    with pytest.raises(Exception) as expected:
        oracle(fn)
    with pytest.raises(type(expected.value)) as got:
        fn(mg)
    assert str(got.value) == str(expected.value)


# ================================================================================ 2. creation
# name -> make(lib, **kw): the same call with torch and with minigrad (kw carries device=).
CREATION: dict[str, Callable] = {
    # tensor(): Python data
    "tensor-nested-ints": lambda L, **kw: L.tensor([[1, 2], [3, 4]], **kw),
    "tensor-nested-floats": lambda L, **kw: L.tensor([[1.5, -2.0], [0.25, 4.0]], **kw),
    "tensor-3d": lambda L, **kw: L.tensor([[[1, 2]], [[3, 4]]], **kw),
    "tensor-float-scalar": lambda L, **kw: L.tensor(3.5, **kw),
    "tensor-int-scalar": lambda L, **kw: L.tensor(7, **kw),
    "tensor-bool-scalar": lambda L, **kw: L.tensor(True, **kw),
    "tensor-bools": lambda L, **kw: L.tensor([True, False, True], **kw),
    "tensor-mixed-int-float": lambda L, **kw: L.tensor([1, 2.5, 3], **kw),
    "tensor-mixed-nested-int-float": lambda L, **kw: L.tensor([[1, 2], [3.5, 4]], **kw),
    "tensor-mixed-bool-int": lambda L, **kw: L.tensor([True, 2], **kw),
    "tensor-mixed-bool-float": lambda L, **kw: L.tensor([True, 2.5], **kw),
    "tensor-tuples": lambda L, **kw: L.tensor(((1.0, 2.0), (3.0, 4.0)), **kw),
    "tensor-range": lambda L, **kw: L.tensor(range(4), **kw),
    "tensor-empty": lambda L, **kw: L.tensor([], **kw),
    "tensor-empty-nested": lambda L, **kw: L.tensor([[], []], **kw),
    "tensor-list-of-tensors": lambda L, **kw: L.tensor([L.tensor(1.0), L.tensor(2.0)], **kw),
    "tensor-list-of-int32-tensors":
        lambda L, **kw: L.tensor([L.tensor(1, dtype=L.int32), L.tensor(2, dtype=L.int32)], **kw),
    # tensor(): dtype= and requires_grad=
    "tensor-dtype-float64": lambda L, **kw: L.tensor([1, 2], dtype=L.float64, **kw),
    "tensor-dtype-double": lambda L, **kw: L.tensor([1.5, 2], dtype=L.double, **kw),
    "tensor-dtype-long-truncates": lambda L, **kw: L.tensor([1.7, -1.7], dtype=L.long, **kw),
    "tensor-dtype-bool": lambda L, **kw: L.tensor([0, 2, -1], dtype=L.bool, **kw),
    "tensor-dtype-py-float-is-float64": lambda L, **kw: L.tensor([1, 2], dtype=float, **kw),
    "tensor-dtype-py-int-is-int64": lambda L, **kw: L.tensor([1.7, -2.7], dtype=int, **kw),
    "tensor-dtype-py-bool": lambda L, **kw: L.tensor([0.0, 0.5], dtype=bool, **kw),
    "tensor-requires-grad": lambda L, **kw: L.tensor([1.0, 2.0], requires_grad=True, **kw),
    "tensor-float64-requires-grad":
        lambda L, **kw: L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True, **kw),
    "tensor-int-data-float-dtype-requires-grad":
        lambda L, **kw: L.tensor([1, 2], dtype=L.float32, requires_grad=True, **kw),
    # tensor(): NumPy data keeps its dtype; NumPy scalars too, and they promote with Python ones
    "tensor-numpy-float64": lambda L, **kw: L.tensor(np.array([1.5, 2.5]), **kw),
    "tensor-numpy-int32": lambda L, **kw: L.tensor(np.arange(3, dtype=np.int32), **kw),
    "tensor-numpy-0d": lambda L, **kw: L.tensor(np.array(3), **kw),
    "tensor-numpy-cast": lambda L, **kw: L.tensor(np.arange(3), dtype=L.float32, **kw),
    "tensor-numpy-strided": lambda L, **kw: L.tensor(np.arange(12.0).reshape(3, 4)[:, ::2].T, **kw),
    "tensor-numpy-float64-scalar": lambda L, **kw: L.tensor(np.float64(2.0), **kw),
    "tensor-numpy-int32-scalar": lambda L, **kw: L.tensor(np.int32(3), **kw),
    "tensor-numpy-float64-in-list": lambda L, **kw: L.tensor([1.0, np.float64(2.0)], **kw),
    "tensor-numpy-float32-in-list": lambda L, **kw: L.tensor([np.float32(2.0), 1.5], **kw),
    "tensor-numpy-int32-with-int": lambda L, **kw: L.tensor([np.int32(2), 3], **kw),
    "tensor-numpy-int32-with-float": lambda L, **kw: L.tensor([np.int32(2), 3.0], **kw),
    "tensor-numpy-int8-with-bool": lambda L, **kw: L.tensor([np.int8(2), True], **kw),
    "tensor-numpy-float16-in-list": lambda L, **kw: L.tensor([np.float16(1.5)], **kw),
    "tensor-list-of-arrays": lambda L, **kw: L.tensor([np.ones(2), np.arange(2)], **kw),
    # legacy constructors: float32 data, or a shape
    "Tensor-list": lambda L, **kw: L.Tensor([1, 2], **kw),
    "Tensor-nested": lambda L, **kw: L.Tensor([[1, 2.5], [3, 4]], **kw),
    "Tensor-tuple-is-data": lambda L, **kw: L.Tensor((2, 3), **kw),
    "FloatTensor-list": lambda L, **kw: L.FloatTensor([1, 2], **kw),
    "DoubleTensor-list": lambda L, **kw: L.DoubleTensor([1, 2], **kw),
    "LongTensor-list": lambda L, **kw: L.LongTensor([1, 2], **kw),
    "LongTensor-exact-int64": lambda L, **kw: L.LongTensor([2**40 + 1], **kw),
    "BoolTensor-list": lambda L, **kw: L.BoolTensor([1, 0], **kw),
    # zeros / ones / full
    "zeros-varargs": lambda L, **kw: L.zeros(2, 3, **kw),
    "zeros-tuple": lambda L, **kw: L.zeros((2, 3), **kw),
    "zeros-list": lambda L, **kw: L.zeros([2, 3], **kw),
    "zeros-Size": lambda L, **kw: L.zeros(L.Size([2, 1]), **kw),
    "zeros-size-kw": lambda L, **kw: L.zeros(size=(2, 3), **kw),
    "zeros-numpy-int": lambda L, **kw: L.zeros(np.int64(2), **kw),
    "zeros-int64": lambda L, **kw: L.zeros(2, dtype=L.int64, **kw),
    "zeros-0d": lambda L, **kw: L.zeros((), **kw),
    "zeros-empty-dim": lambda L, **kw: L.zeros(2, 0, **kw),
    "ones": lambda L, **kw: L.ones(3, **kw),
    "ones-requires-grad": lambda L, **kw: L.ones(2, 2, requires_grad=True, **kw),
    "ones-dtype-py-float": lambda L, **kw: L.ones(2, dtype=float, **kw),
    "ones-bool": lambda L, **kw: L.ones(2, dtype=L.bool, **kw),
    "full-int": lambda L, **kw: L.full((2, 2), 7, **kw),
    "full-float": lambda L, **kw: L.full((2,), 1.5, **kw),
    "full-bool": lambda L, **kw: L.full((2,), True, **kw),
    "full-list-size": lambda L, **kw: L.full([3], 3.0, **kw),
    "full-0d": lambda L, **kw: L.full((), 2.5, **kw),
    "full-int-as-float": lambda L, **kw: L.full((2,), 7, dtype=L.float, **kw),
    "full-float-as-int": lambda L, **kw: L.full((2,), 2.5, dtype=L.int64, **kw),
    "full-tensor-value": lambda L, **kw: L.full((2,), L.tensor(2.0), **kw),
    "full-requires-grad": lambda L, **kw: L.full((2,), 1.0, requires_grad=True, **kw),
    # ranges
    "arange-end": lambda L, **kw: L.arange(5, **kw),
    "arange-start-end": lambda L, **kw: L.arange(1, 4, **kw),
    "arange-step": lambda L, **kw: L.arange(0, 10, 3, **kw),
    "arange-negative-step": lambda L, **kw: L.arange(10, 0, -3, **kw),
    "arange-empty": lambda L, **kw: L.arange(0, **kw),
    "arange-end-kw": lambda L, **kw: L.arange(end=4, **kw),
    "arange-float-end": lambda L, **kw: L.arange(5.0, **kw),
    "arange-float-start": lambda L, **kw: L.arange(0.5, 3, **kw),
    "arange-float-step": lambda L, **kw: L.arange(0, 1, 0.25, **kw),
    "arange-tenths": lambda L, **kw: L.arange(0.0, 1.0, 0.1, **kw),
    "arange-negative-float": lambda L, **kw: L.arange(-1, 1, 0.3, **kw),
    "arange-numpy-int": lambda L, **kw: L.arange(np.int64(3), **kw),
    "arange-int-tensor": lambda L, **kw: L.arange(L.tensor(3), **kw),
    "arange-bool": lambda L, **kw: L.arange(True, **kw),
    "arange-dtype": lambda L, **kw: L.arange(5, dtype=L.float64, **kw),
    "arange-requires-grad":
        lambda L, **kw: L.arange(1, 10, 2, dtype=L.float64, requires_grad=True, **kw),
    "linspace": lambda L, **kw: L.linspace(0, 1, 5, **kw),
    "linspace-thirds": lambda L, **kw: L.linspace(-1, 1, 4, **kw),
    "linspace-100": lambda L, **kw: L.linspace(0, 1, 100, **kw),
    "linspace-uneven": lambda L, **kw: L.linspace(-5, 3.3, 37, **kw),
    "linspace-float64": lambda L, **kw: L.linspace(0, 1, 100, dtype=L.float64, **kw),
    "linspace-int64": lambda L, **kw: L.linspace(0, 10, 11, dtype=L.int64, **kw),
    "linspace-int64-truncates": lambda L, **kw: L.linspace(-5, 5, 4, dtype=L.int64, **kw),
    "linspace-one-step": lambda L, **kw: L.linspace(0, 1, 1, **kw),
    "linspace-no-steps": lambda L, **kw: L.linspace(0, 1, 0, **kw),
    "linspace-steps-kw": lambda L, **kw: L.linspace(0, 1, steps=3, **kw),
    "linspace-requires-grad": lambda L, **kw: L.linspace(0, 1, 3, requires_grad=True, **kw),
    "eye": lambda L, **kw: L.eye(3, **kw),
    "eye-rectangular": lambda L, **kw: L.eye(2, 3, **kw),
    "eye-int64": lambda L, **kw: L.eye(2, dtype=L.int64, **kw),
    "eye-bool": lambda L, **kw: L.eye(2, 3, dtype=L.bool, **kw),
    "eye-empty": lambda L, **kw: L.eye(0, **kw),
    # *_like: dtype and shape from the input, requires_grad never copied
    "zeros_like-int": lambda L, **kw: L.zeros_like(L.tensor([1, 2]), **kw),
    "zeros_like-of-requires-grad":
        lambda L, **kw: L.zeros_like(L.tensor([1.0, 2.0], requires_grad=True), **kw),
    "zeros_like-requires-grad":
        lambda L, **kw: L.zeros_like(L.ones(2, 3), requires_grad=True, **kw),
    "ones_like-float64": lambda L, **kw: L.ones_like(L.tensor([1.0, 2.0], dtype=L.float64), **kw),
    "ones_like-dtype": lambda L, **kw: L.ones_like(L.tensor([1, 2]), dtype=L.float, **kw),
    "full_like-int-gets-float": lambda L, **kw: L.full_like(L.tensor([1, 2]), 2.7, **kw),
    "full_like-float-gets-int": lambda L, **kw: L.full_like(L.tensor([1.0, 2.0]), 3, **kw),
    "full_like-dtype": lambda L, **kw: L.full_like(L.ones(2), 7, dtype=L.int64, **kw),
}

# Float ranges whose last bit PyTorch's SIMD kernel rounds its own way (it depends on the CPU).
INEXACT = {"arange-float-step", "arange-tenths", "arange-negative-float", "linspace-100",
           "linspace-uneven", "linspace-float64", "linspace-thirds"}


@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("name", list(CREATION))
def test_creation_matches_torch(name, device, oracle):
    make = CREATION[name]
    got = make(mg, device=device)
    assert got.device.type == device
    assert got.is_leaf and got.grad_fn is None
    assert_same(got, oracle(make, repr=True), exact=name not in INEXACT)


@pytest.mark.parametrize("make", [
    lambda L, **kw: L.empty(2, 3, **kw),
    lambda L, **kw: L.empty((2, 3), dtype=L.int64, **kw),
    lambda L, **kw: L.empty(4, requires_grad=True, **kw),
    lambda L, **kw: L.empty_like(L.tensor([[1.0, 2.0]]), **kw),
    lambda L, **kw: L.Tensor(2, 3, **kw),
    lambda L, **kw: L.FloatTensor(2, **kw),
    lambda L, **kw: L.DoubleTensor(3, 1, **kw),
], ids=["empty", "empty-int64", "empty-requires-grad", "empty_like", "Tensor-shape",
        "FloatTensor-shape", "DoubleTensor-shape"])
def test_uninitialised_creation_has_torch_shape_and_dtype(make, device, oracle):
    """PyTorch leaves these uninitialised: only shape, dtype and flags can be compared."""
    got, expected = make(mg, device=device), oracle(make, values=False)
    assert got.shape == expected.shape
    assert str(got.dtype) == str(expected.dtype)
    assert got.requires_grad == expected.requires_grad
    assert got.device.type == device


def test_legacy_tensor_without_arguments_is_empty(oracle):
    assert_same(mg.Tensor(), oracle(lambda torch: torch.Tensor(), repr=True))


def test_legacy_tensor_from_a_size_is_a_shape(oracle):
    expected = oracle(lambda torch: torch.Tensor(torch.Size([2, 3])), values=False)
    assert mg.Tensor(mg.Size([2, 3])).shape == expected.shape == (2, 3)


def test_legacy_constructors_without_arguments_are_empty(oracle):
    for name in ("FloatTensor", "DoubleTensor", "LongTensor", "BoolTensor"):
        assert_same(getattr(mg, name)(), oracle(lambda torch: getattr(torch, name)(), name,
                                                repr=True))


def test_legacy_constructor_from_a_size_is_a_shape(oracle):
    got = mg.FloatTensor(mg.Size([2, 3]))
    expected = oracle(lambda torch: torch.FloatTensor(torch.Size([2, 3])), values=False)
    assert got.shape == expected.shape and str(got.dtype) == str(expected.dtype)


def test_legacy_type_checks(oracle):
    def checks(L):
        return (isinstance(L.tensor([1.0]), L.FloatTensor),
                isinstance(L.tensor([1.0]), L.DoubleTensor),
                isinstance(L.tensor([1]), L.LongTensor),
                isinstance(L.tensor([1.0]), L.Tensor))
    assert checks(mg) == oracle(checks) == (True, False, True, True)


@pytest.mark.parametrize("np_dtype", [np.float16, np.float32, np.float64, np.int8, np.int16,
                                      np.int32, np.int64, np.uint8, np.bool_])
def test_numpy_arrays_keep_their_dtype(np_dtype, device, oracle):
    a = np.array([[0, 1, 2], [3, 4, 5]]).astype(np_dtype)
    tensor, as_tensor, from_numpy = oracle(
        lambda torch: (torch.tensor(a), torch.as_tensor(a), torch.from_numpy(a)), repr=True)
    assert_same(mg.tensor(a, device=device), tensor)
    assert_same(mg.as_tensor(a, device=device), as_tensor)
    if device == "cpu":
        assert_same(mg.from_numpy(a), from_numpy)


def test_tensor_copies_its_data():
    a = np.arange(3.0)
    t = mg.tensor(a)
    a[0] = 9.0
    assert t.tolist() == [0.0, 1.0, 2.0]
    src = mg.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match="clone"):  # PyTorch warns too: use clone().detach()
        copy = mg.tensor(src)
    src.add_(1.0)
    assert copy.tolist() == [1.0, 2.0]


CREATION_ERRORS: dict[str, Callable] = {
    "ragged-short": lambda L: L.tensor([[1, 2], [3]]),
    "ragged-long": lambda L: L.tensor([[1], [2, 3]]),
    "str-item": lambda L: L.tensor([1, "a"]),
    "str": lambda L: L.tensor("a"),
    "None": lambda L: L.tensor(None),
    "None-item": lambda L: L.tensor([None]),
    "dict": lambda L: L.tensor({1: 2}),
    "big-endian": lambda L: L.tensor(np.ones(2, dtype=">f4")),
    "from_numpy-list": lambda L: L.from_numpy([1, 2]),
    "from_numpy-big-endian": lambda L: L.from_numpy(np.ones(2, dtype=">f8")),
    "int-requires-grad": lambda L: L.tensor([1, 2], requires_grad=True),
    "bool-requires-grad": lambda L: L.tensor(True, requires_grad=True),
    "zeros-int-requires-grad": lambda L: L.zeros(2, dtype=L.int64, requires_grad=True),
    "full-int-requires-grad": lambda L: L.full((2,), 1, requires_grad=True),
    "arange-int-requires-grad": lambda L: L.arange(3, requires_grad=True),
    "randint-requires-grad": lambda L: L.randint(0, 3, (2,), requires_grad=True),
    "negative-size": lambda L: L.ones(-1),
    "negative-size-2": lambda L: L.rand(2, -3),
    "float-size": lambda L: L.zeros(2.5),
    "str-size": lambda L: L.ones("a"),
    "float-in-size": lambda L: L.zeros((2, 2.5)),
    "list-in-size": lambda L: L.zeros([2, [3]]),
    "tuple-after-int": lambda L: L.randn(2, (3,)),
    "full-int-size": lambda L: L.full(2, 1.0),
    "zeros_like-list": lambda L: L.zeros_like([1, 2]),
    "arange-wrong-direction": lambda L: L.arange(5, 0),
    "arange-negative-step-up": lambda L: L.arange(0, 5, -1),
    "arange-zero-step": lambda L: L.arange(0, 5, 0),
    "arange-bool": lambda L: L.arange(3, dtype=L.bool),
    "linspace-negative-steps": lambda L: L.linspace(0, 1, -1),
    "eye-negative": lambda L: L.eye(-1),
    "eye-float": lambda L: L.eye(2.5),
    "rand-int64": lambda L: L.rand(2, dtype=L.int64),
    "randn-int64": lambda L: L.randn(2, dtype=L.int64),
    "rand_like-int64": lambda L: L.rand_like(L.ones(2, dtype=L.int64)),
    "randint-empty-range": lambda L: L.randint(5, 5, (2,)),
    "randint-float-high": lambda L: L.randint(2.5, (2,)),
}


@pytest.mark.parametrize("name", list(CREATION_ERRORS))
def test_creation_errors_match_torch(name, oracle):
    assert_same_error(CREATION_ERRORS[name], oracle)


@pytest.mark.parametrize("array", [np.array(["a"]), np.array([1 + 2j]), np.ones(2, np.uint16)],
                         ids=["str", "complex", "uint16"])
def test_unsupported_numpy_dtypes_are_named_like_torch(array, oracle):
    """PyTorch's first sentence; the list of supported types that follows is minigrad's own
    (it has no complex or wide unsigned types)."""
    with pytest.raises(TypeError) as e:
        mg.from_numpy(array)
    name = array.dtype.type.__name__
    assert str(e.value).startswith(f"can't convert np.ndarray of type numpy.{name}. The only "
                                   "supported types are: ")
    with pytest.raises(TypeError):
        mg.tensor(array)
    if array.dtype.kind == "U":
        with pytest.raises(TypeError) as t:
            oracle(lambda torch: torch.from_numpy(array))
        assert str(t.value).split(". ")[0] == str(e.value).split(". ")[0]


def test_from_numpy_shares_memory_both_ways(oracle):
    a = np.arange(3.0)
    t = mg.from_numpy(a)
    assert str(t.dtype) == str(oracle(lambda torch: torch.from_numpy(np.arange(3.0)).dtype))
    a[0] = 9.0
    assert t.tolist() == [9.0, 1.0, 2.0]
    t[1] = 7.0
    t.add_(1.0)
    assert a.tolist() == [10.0, 8.0, 3.0]
    assert np.shares_memory(t.numpy(), a)


def test_as_tensor_shares_numpy_memory_when_it_can():
    a = np.ones(2)
    t = mg.as_tensor(a)
    a[0] = 5.0
    assert t.tolist() == [5.0, 1.0]
    x = mg.ones(2)
    assert mg.as_tensor(x) is x
    converted = mg.as_tensor(a, dtype=mg.float32)  # another dtype: a copy
    a[1] = 3.0
    assert converted.tolist() == [5.0, 1.0]


def test_numpy_shares_memory_both_ways():
    t = mg.ones(3)
    a = t.numpy()
    a[1] = 5.0
    assert t.tolist() == [1.0, 5.0, 1.0]
    t.add_(1.0)
    t += 1.0
    assert a.tolist() == [3.0, 7.0, 3.0]
    assert mg.tensor(2.5).numpy().shape == ()


def test_numpy_of_requires_grad_tensor_raises_torch_error(oracle):
    assert_same_error(lambda L: L.ones(2, requires_grad=True).numpy(), oracle)
    assert_same_error(lambda L: (L.ones(2, requires_grad=True) * 2).numpy(), oracle)
    x = mg.ones(2, requires_grad=True)
    x.detach().numpy()[0] = 3.0  # the way PyTorch's message suggests, on the same memory
    assert x.tolist() == [3.0, 1.0]


@pytest.mark.parametrize("make, convert", [
    (lambda L: L.tensor(2.5), lambda t: t.item()),
    (lambda L: L.tensor([3]), lambda t: t.item()),
    (lambda L: L.tensor(True), lambda t: t.item()),
    (lambda L: L.tensor(1.1), lambda t: t.item()),
    (lambda L: L.tensor([1.5], dtype=L.float64), lambda t: t.item()),
    (lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]]), lambda t: t.tolist()),
    (lambda L: L.tensor([1.1]), lambda t: t.tolist()),
    (lambda L: L.tensor(2), lambda t: t.tolist()),
    (lambda L: L.tensor([True, False]), lambda t: t.tolist()),
    (lambda L: L.tensor(2.5), float),
    (lambda L: L.tensor([2.5]), float),
    (lambda L: L.tensor(7), float),
    (lambda L: L.tensor(-2.7), int),
    (lambda L: L.tensor(0.0), bool),
    (lambda L: L.tensor([2.5], requires_grad=True), lambda t: t.item()),
])
def test_python_conversions_match_torch(make, convert, oracle):
    got, expected = convert(make(mg)), oracle(lambda torch: convert(make(torch)))
    assert got == expected and type(got) is type(expected)


def test_float_of_a_tensor_requiring_grad_warns_like_torch(oracle):
    convert = warned(lambda L: float(L.tensor(2.5, requires_grad=True)))
    got = convert(mg)
    assert got == oracle(convert)
    assert got[0] == 2.5 and got[1][0][0] == "UserWarning" and got[1][0][1].startswith(
        "Converting a tensor with requires_grad=True to a scalar may lead to unexpected")


def test_item_of_many_elements_raises_torch_error(oracle):
    assert_same_error(lambda L: L.tensor([1, 2]).item(), oracle)
    assert_same_error(lambda L: bool(L.ones(2)), oracle)


def test_float_of_many_elements_raises_torch_error(oracle):
    assert_same_error(lambda L: float(L.tensor([1.0, 2.0])), oracle)


# ========================================================================= 3. random numbers
RANDOM = {
    "rand": lambda L, **kw: L.rand(2, 3, **kw),
    "rand-tuple": lambda L, **kw: L.rand((2, 3), **kw),
    "rand-size-kw": lambda L, **kw: L.rand(size=(4,), **kw),
    "rand-0d": lambda L, **kw: L.rand((), **kw),
    "rand-float64": lambda L, **kw: L.rand(3, dtype=L.float64, **kw),
    "rand-float16": lambda L, **kw: L.rand(3, dtype=L.float16, **kw),
    "rand-requires-grad": lambda L, **kw: L.rand(2, 2, requires_grad=True, **kw),
    "randn": lambda L, **kw: L.randn(4, **kw),
    "randn-tuple": lambda L, **kw: L.randn((2, 3), **kw),
    "randn-float64-requires-grad":
        lambda L, **kw: L.randn(2, dtype=L.float64, requires_grad=True, **kw),
    "randint-high-size": lambda L, **kw: L.randint(10, (3,), **kw),
    "randint-low-high-size": lambda L, **kw: L.randint(3, 10, (2, 2), **kw),
    "randint-size-kw": lambda L, **kw: L.randint(0, 5, size=(2, 3), **kw),
    "randint-all-kw": lambda L, **kw: L.randint(low=0, high=5, size=(2,), **kw),
    "randint-high-kw": lambda L, **kw: L.randint(high=5, size=(2,), **kw),
    "randint-0d": lambda L, **kw: L.randint(0, 2, (), **kw),
    "randint-float-dtype": lambda L, **kw: L.randint(0, 3, (2,), dtype=L.float32, **kw),
    "randint-bool": lambda L, **kw: L.randint(0, 2, (4,), dtype=L.bool, **kw),
    "randperm": lambda L, **kw: L.randperm(5, **kw),
    "rand_like": lambda L, **kw: L.rand_like(L.ones(2, 3), **kw),
    "randn_like-float64": lambda L, **kw: L.randn_like(L.ones(2, dtype=L.float64), **kw),
}


@pytest.mark.parametrize("name", list(RANDOM))
def test_random_shapes_dtypes_and_flags_match_torch(name, device, oracle):
    got, expected = RANDOM[name](mg, device=device), oracle(RANDOM[name], values=False)
    assert got.shape == expected.shape
    assert str(got.dtype) == str(expected.dtype)
    assert got.requires_grad == expected.requires_grad and got.is_leaf
    assert got.device.type == device


@pytest.mark.parametrize("name", list(RANDOM))
def test_same_seed_gives_same_numbers(name, device):
    mg.manual_seed(1234)
    first = _host(RANDOM[name](mg, device=device))
    mg.manual_seed(1234)
    again = _host(RANDOM[name](mg, device=device))
    np.testing.assert_array_equal(first, again)
    mg.manual_seed(4321)
    if first.dtype.kind == "f" and first.size > 1:  # few integers could repeat by chance
        assert not np.array_equal(first, _host(RANDOM[name](mg, device=device)))


def test_a_seed_gives_the_same_numbers_on_every_device(device):
    mg.manual_seed(7)
    on_cpu = mg.randn(5).tolist()
    mg.manual_seed(7)
    assert mg.randn(5, device=device).tolist() == on_cpu


def test_generators_are_independent_streams(oracle):
    def seeds(L):
        g = L.Generator().manual_seed(3)
        return type(g).__name__, g.initial_seed(), type(L.manual_seed(0)).__name__, \
            L.initial_seed()
    assert seeds(mg) == oracle(seeds) == ("Generator", 3, "Generator", 0)
    g = mg.Generator().manual_seed(3)
    a = mg.rand(3, generator=g)
    mg.rand(10)  # the global stream doesn't disturb g
    g.manual_seed(3)
    assert mg.rand(3, generator=g).tolist() == a.tolist()


def test_uniform_range_and_moments():
    mg.manual_seed(0)
    for dtype in (mg.float16, mg.float32, mg.float64):
        u = _host(mg.rand(100_000, dtype=dtype))
        assert u.min() >= 0.0 and u.max() < 1.0
        assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.01


def test_normal_moments():
    mg.manual_seed(0)
    z = _host(mg.randn(100_000))
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02


def test_randint_covers_exactly_low_to_high(oracle):
    def values(L):
        L.manual_seed(0)
        return sorted(set(L.randint(-3, 2, (2000,)).tolist()))
    assert values(mg) == oracle(values) == list(range(-3, 2))


def test_randperm_is_a_permutation():
    mg.manual_seed(0)
    assert sorted(mg.randperm(50).tolist()) == list(range(50))


# ================================================================================== 4. dtypes
def test_dtype_aliases_are_the_same_objects(oracle):
    pairs = [("float", "float32"), ("double", "float64"), ("long", "int64"), ("int", "int32"),
             ("half", "float16"), ("short", "int16")]

    def aliases(L):
        return [(getattr(L, alias) is getattr(L, name), repr(getattr(L, alias)))
                for alias, name in pairs]
    assert aliases(mg) == oracle(aliases)
    assert mg.float32 != mg.float64 and mg.float32 == mg.float


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "uint8", "int8", "int16",
                                  "int32", "int64", "bool"])
def test_dtype_objects_match_torch(name, oracle):
    def described(L):
        d = getattr(L, name)
        return (repr(d), str(d), d.is_floating_point, d.is_complex, d.is_signed, d.itemsize,
                type(d).__name__)
    got = described(mg)
    assert got == oracle(described)
    assert got[-1] == "dtype"


def test_default_dtypes_match_torch(oracle):
    assert mg.get_default_dtype() is mg.float32
    assert oracle(lambda torch: torch.get_default_dtype() is torch.float32)
    cases = [lambda L: L.tensor([1.5]), lambda L: L.tensor([1]), lambda L: L.tensor([True]),
             lambda L: L.tensor(1.5), lambda L: L.zeros(2), lambda L: L.tensor([1.5], dtype=float),
             lambda L: L.tensor([1.5], dtype=int), lambda L: L.tensor([1.5], dtype=bool),
             lambda L: L.zeros(2, dtype=float), lambda L: L.arange(3), lambda L: L.arange(3.0),
             lambda L: L.rand(2), lambda L: L.randint(3, (2,))]
    assert [repr(c(mg).dtype) for c in cases] == oracle(
        lambda torch: [repr(c(torch).dtype) for c in cases])


def test_print_dtype_matches_torch(oracle):
    def show(L):
        x = L.tensor([1.0, 2.0])
        print(x.dtype, L.tensor([1]).dtype, L.float, L.double, f"{x.dtype}")
    assert printed(show)(mg) == oracle(printed(show))


def test_print_dtype_shows_torch_names(capsys):
    print(mg.tensor([1.0]).dtype, mg.tensor([1]).dtype, mg.tensor([True]).dtype, mg.float,
          mg.double, mg.long)
    assert capsys.readouterr().out == ("torch.float32 torch.int64 torch.bool torch.float32 "
                                       "torch.float64 torch.int64\n")


def test_only_floating_tensors_can_require_grad_from_factories(oracle):
    for make in (lambda L: L.tensor([1, 2], requires_grad=True),
                 lambda L: L.tensor([True], requires_grad=True),
                 lambda L: L.ones(2, dtype=L.int32, requires_grad=True)):
        assert_same_error(make, oracle)
    with pytest.raises(RuntimeError) as e:
        mg.tensor([1, 2], requires_grad=True)
    assert str(e.value) == "Only Tensors of floating point and complex dtype can require gradients"


def test_requires_grad_method_on_integer_tensor_raises_torch_error(oracle):
    assert_same_error(lambda L: L.tensor([1, 2]).requires_grad_(), oracle)


def test_requires_grad_attribute_on_integer_tensor_raises_torch_error(oracle):
    def set_flag(L):
        L.tensor([1, 2]).requires_grad = True
    assert_same_error(set_flag, oracle)


def test_integer_tensors_cannot_require_grad(oracle):
    def scenario(L):
        errors = []
        for t in (L.tensor([1, 2]), L.tensor([True]), L.arange(3, dtype=L.int32)):
            with pytest.raises(RuntimeError) as e:
                t.requires_grad_()
            errors.append((type(e.value).__name__, str(e.value)))
        return L.tensor([1, 2]).requires_grad_(False).requires_grad, errors
    got = scenario(mg)
    assert got == oracle(scenario)
    assert got[0] is False and all("nly Tensors of floating point" in m for _, m in got[1])


# ============================================================================== 5. attributes
def test_data_shares_storage_but_not_history_or_version(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        d = x.data
        flags = (d.requires_grad, d.is_leaf, d.grad_fn is None)
        d[0] = 5.0
        d.add_(1.0)
        y = (x * 2).data
        return flags, x.tolist(), x._version, d._version, y.is_leaf, y.requires_grad
    assert scenario(mg) == oracle(scenario)


def test_data_setter_swaps_the_values_keeps_the_leaf(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        y = x * x
        x.data = L.full((3,), 2.0)
        y.sum().backward()  # y saved x itself, which now holds 2s: grad = 2 * 2
        x.data = L.zeros(2, dtype=L.float64)
        return repr(x), x.is_leaf, x.requires_grad, x.grad.tolist()
    assert scenario(mg) == oracle(scenario)


def test_data_setter_rejects_non_tensors_with_torch_error(oracle):
    def set_data(L):
        L.ones(2).data = [1, 2]
    assert_same_error(set_data, oracle)


def test_grad_is_settable(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        before = x.grad
        g = L.full((3,), 0.5)
        x.grad = g
        same = x.grad is g
        (x * 3).sum().backward()  # accumulates into the assigned grad
        after = x.grad.tolist()
        x.grad = None
        return before, same, after, x.grad
    assert scenario(mg) == oracle(scenario)


@pytest.mark.parametrize("value", [lambda L: L.ones(2), lambda L: [1.0, 2.0, 3.0]],
                         ids=["wrong-shape", "not-a-tensor"])
def test_grad_setter_errors_match_torch(value, oracle):
    def assign(L):
        L.ones(3, requires_grad=True).grad = value(L)
    assert_same_error(assign, oracle)


def test_grad_setter_dtype_error_matches_torch(oracle):
    def message(L):
        with pytest.raises(RuntimeError) as err:
            L.ones(3, requires_grad=True).grad = L.ones(3, dtype=L.float64)
        return str(err.value)
    # PyTorch goes on to explain its grad_dtype attribute, which minigrad doesn't have
    assert oracle(message).startswith(message(mg))


def test_requires_grad_and_is_leaf(oracle):
    def scenario(L):
        a = L.ones(2)
        x = L.ones(2, requires_grad=True)
        y = x * 2
        with L.no_grad():
            z = x * 2
        flags = [(t.requires_grad, t.is_leaf, t.grad_fn is None) for t in (a, x, y, z)]
        same = x.requires_grad_(False) is x
        off = x.requires_grad
        x.requires_grad_()
        return flags, same, off, x.requires_grad, y.detach().is_leaf
    assert scenario(mg) == oracle(scenario)


def test_requires_grad_of_non_leaf_can_only_stay_on(oracle):
    def turn_off(L):
        (L.ones(2, requires_grad=True) * 2).requires_grad_(False)
    assert_same_error(turn_off, oracle)
    for L in (mg, *filter(None, [oracle.torch])):
        y = L.ones(2, requires_grad=True) * 2
        assert y.requires_grad_(True) is y and y.requires_grad


def test_shape_size_dim_numel(oracle):
    def scenario(L):
        x, s = L.ones(2, 3), L.tensor(5.0)
        return (repr(x.shape), repr(x.size()), x.size(1), x.size(-1), x.size(dim=0),
                x.shape[0], type(x.shape[0]).__name__, x.shape == (2, 3), x.dim(), x.ndim,
                x.numel(), repr(s.shape), s.dim(), s.numel(), type(x.shape).__name__,
                isinstance(x.shape, tuple), str(x.shape), L.Size([2, 3]).numel(),
                repr(L.Size()), L.Size([2, 3]) == [2, 3], L.numel(x))
    assert scenario(mg) == oracle(scenario)


def test_size_out_of_range_matches_torch(oracle):
    assert_same_error(lambda L: L.ones(2, 3).size(2), oracle)


def test_size_slices_are_sizes(oracle):
    assert repr(mg.ones(2, 3, 4).shape[1:]) == oracle(
        lambda torch: repr(torch.ones(2, 3, 4).shape[1:]))


def test_device_prints_like_torch(oracle):
    def show(L):
        x = L.ones(2)
        print(x.device, repr(x.device), x.device.type, x.device.index, L.device("cpu"))
        print(x.device == L.device("cpu"), L.device("cpu") == "cpu", x.is_cuda)
    assert printed(show)(mg) == oracle(printed(show))


@pytest.mark.parametrize("method", ["float", "double", "half", "long", "int", "bool"])
def test_dtype_conversion_methods_match_torch(method, oracle):
    got = getattr(mg.tensor([[1.5, -2.5], [0.0, 3.0]]), method)()
    assert_same(got, oracle(lambda torch: getattr(torch.tensor([[1.5, -2.5], [0.0, 3.0]]),
                                                      method)(), repr=True))


def test_T_matches_torch(oracle):
    for make in (lambda L: L.arange(6.0).reshape(2, 3),
                 lambda L: L.arange(6.0, requires_grad=True).reshape(2, 3)):
        got, expected = make(mg).T, oracle(lambda torch: make(torch).T, repr=True)
        assert_same(got, expected)
        assert got.T.tolist() == oracle(lambda torch: make(torch).tolist())


def test_T_of_a_vector_warns_like_torch(oracle):
    transpose = warned(lambda L: L.arange(3.0).T.tolist())
    got = transpose(mg)
    assert got == oracle(transpose)
    assert got[0] == [0.0, 1.0, 2.0] and [c for c, _ in got[1]] == ["UserWarning"]
    assert "x.T" in got[1][0][1]

    # warned() merges repeated warnings, and PyTorch warns once per process: one x.T must
    # warn once, not once in Tensor.T and again in the op
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mg.arange(3.0).T
    assert len(caught) == 1


def test_detach_shares_memory_and_version_and_is_a_new_leaf(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        y = x * 2
        d, dy = x.detach(), y.detach()
        flags = [(t.requires_grad, t.is_leaf, t.grad_fn is None, t.grad) for t in (d, dy)]
        d[0] = 7.0
        return flags, x.tolist(), x._version, d._version, x.eq(d).all().item()
    assert scenario(mg) == oracle(scenario)


def test_detach_in_place(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        y = x * 2
        same = y.detach_() is y
        return same, repr(y), y.is_leaf, y.requires_grad, y.grad_fn
    assert scenario(mg) == oracle(scenario)


def test_zero_(oracle):
    def scenario(L):
        a = L.ones(3)
        x = L.ones(3, requires_grad=True)
        (x * 2).sum().backward()
        g = x.grad
        x.grad.zero_()
        ints = L.tensor([1, 2]).zero_()
        return repr(a.zero_()), a._version, repr(x.grad), x.grad is g, repr(ints)
    assert scenario(mg) == oracle(scenario)
    assert_same_error(lambda L: L.ones(3, requires_grad=True).zero_(), oracle)


def test_zero_on_non_leaf_records_zero_backward(oracle):
    got = (mg.ones(3, requires_grad=True) * 2).zero_()
    assert repr(got) == oracle(lambda torch: repr((torch.ones(3, requires_grad=True) * 2).zero_()))


def test_clone_copies_and_stays_in_the_graph(oracle):
    def scenario(L):
        x = L.ones(3, requires_grad=True)
        c = x.clone()
        flags = (repr(c), c.is_leaf, c.requires_grad, c.grad_fn.name())
        p = L.ones(3)
        pc = p.clone()
        pc[0] = 5.0
        (c * 2).sum().backward()
        return flags, p.tolist(), x.grad.tolist(), repr(pc)
    assert scenario(mg) == oracle(scenario)


def test_len_and_iteration(oracle):
    def scenario(L):
        x = L.arange(6).reshape(2, 3)
        return (len(x), len(L.ones(0)), [r.tolist() for r in x], [repr(r) for r in x],
                [repr(v) for v in L.arange(3)])
    assert scenario(mg) == oracle(scenario)
    assert_same_error(lambda L: len(L.tensor(1.0)), oracle)
    assert_same_error(lambda L: list(L.tensor(1.0)), oracle)


def test_iteration_records_unbind(oracle):
    assert repr(list(mg.arange(3.0, requires_grad=True))) == oracle(
        lambda torch: repr(list(torch.arange(3.0, requires_grad=True))))


def test_f_string_of_0d_tensor_is_its_item(oracle):
    assert f"{mg.tensor(0.5)}|{mg.tensor(3)}" == oracle(
        lambda torch: f"{torch.tensor(0.5)}|{torch.tensor(3)}")


def test_format_spec_of_0d_tensor(oracle):
    def formats(L):
        return f"{L.tensor(9.8):.4f}", f"{L.tensor([1.0, 2.0])}"
    got = formats(mg)
    assert got == oracle(formats)
    assert got[0] == "9.8000"


# ================================================================================ 6. printing
REPRS: dict[str, Callable] = {
    "float32": lambda L: L.tensor([1.5, -2.25, 3.0]),
    "float32-ints": lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "float32-sci": lambda L: L.tensor([[1e-5, 1.0], [2.0, 1e5]]),
    "float32-big": lambda L: L.tensor([1e10, 1.0]),
    "float32-nan-inf": lambda L: L.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
    "float32-negative-zero": lambda L: L.tensor([-0.0, 1.0]),
    "float64": lambda L: L.tensor([1.5, 2.0], dtype=L.float64),
    "float64-0d": lambda L: L.tensor(3.25, dtype=L.float64),
    "float16": lambda L: L.tensor([0.1, 0.25], dtype=L.float16),
    "int64": lambda L: L.tensor([123456789, -3]),
    "int64-matrix": lambda L: L.arange(12).reshape(3, 4),
    "int32": lambda L: L.tensor([1, 2], dtype=L.int32),
    "uint8": lambda L: L.tensor([1, 200], dtype=L.uint8),
    "bool": lambda L: L.tensor([[True, False], [False, True]]),
    "0d-float": lambda L: L.tensor(27.0),
    "0d-int": lambda L: L.tensor(7),
    "0d-bool": lambda L: L.tensor(False),
    "3d": lambda L: L.arange(24.0).reshape(2, 3, 4),
    "empty": lambda L: L.zeros(2, 0),
    "empty-int": lambda L: L.zeros(0, dtype=L.int64),
    "requires-grad": lambda L: L.ones(2, 2, requires_grad=True),
    "requires-grad-float64": lambda L: L.ones(2, dtype=L.float64, requires_grad=True),
    "grad_fn-add": lambda L: L.ones(2, 2, requires_grad=True) + 2,
    "grad_fn-mean": lambda L: (L.ones(2, 2, requires_grad=True) * 27).mean(),
    "grad_fn-float64": lambda L: L.tensor(2.0, dtype=L.float64, requires_grad=True) * 2,
    "grad_fn-sum-dim": lambda L: L.arange(6.0, requires_grad=True).reshape(2, 3).sum(0),
    "summarized-float": lambda L: L.arange(2000.0),
    "summarized-int-matrix": lambda L: L.arange(3000).reshape(30, 100),
    "summarized-requires-grad": lambda L: L.ones(1001, dtype=L.float64, requires_grad=True),
    "summarized-grad_fn": lambda L: L.arange(1200.0, requires_grad=True) * 2,
    "linspace": lambda L: L.linspace(0, 1, 7, dtype=L.float64),
    "long-row-wraps": lambda L: L.arange(0.0, 1.0, 0.05),
}


def test_repr_of_a_tensor_written_by_setitem_matches_torch(oracle):
    def make(L):
        b = L.zeros(2)
        b[0] = L.ones(1, requires_grad=True)[0] * 2
        return b
    assert repr(make(mg)) == oracle(lambda torch: repr(make(torch)))


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_and_str_match_torch(name, oracle):
    got, expected = REPRS[name](mg), oracle(lambda torch: REPRS[name](torch), repr=True)
    assert repr(got) == repr(expected)
    assert str(got) == oracle(lambda torch: str(REPRS[name](torch)))


def test_print_matches_torch(oracle):
    def show(L):
        x = L.ones(2, 2, requires_grad=True)
        print("x:", x)
        print(x + 2, [L.tensor(1.0), L.tensor([1, 2])], (L.tensor(True),))
    assert printed(show)(mg) == oracle(printed(show))


# ============================================================ 7. CUDA without CuPy or a GPU
@pytest.fixture
def no_cupy(monkeypatch):
    """Make this process behave as if CuPy were not installed."""
    from minigrad.backend import cuda
    monkeypatch.setattr(cuda, "_cupy", None)
    monkeypatch.setattr(cuda, "_import_error", None)
    monkeypatch.setattr(cuda, "_ready", False)
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError


@pytest.mark.parametrize("call", [
    lambda: mg.zeros(2, device="cuda"),  # (mg.device("cuda") itself is built: test_cuda.py)
    lambda: mg.zeros(2, device=mg.device("cuda:0")),
    lambda: mg.tensor([1.0], device="cuda"),
    lambda: mg.randn(2, device="cuda"),
    lambda: mg.ones(2).to("cuda"),
    lambda: mg.ones(2).cuda(),
], ids=["zeros", "device-object", "tensor", "randn", "to", "cuda-method"])
def test_cuda_without_cupy_says_what_to_install(call, no_cupy):
    with pytest.raises(RuntimeError) as e:
        call()
    assert "CuPy" in str(e.value) and "pip install cupy-cuda12x" in str(e.value)


def test_cuda_is_unavailable_without_cupy(no_cupy):
    assert mg.cuda.is_available() is False
    assert mg.cuda.device_count() == 0
    mg.cuda.manual_seed(0)  # a no-op, as in PyTorch without a GPU
    assert mg.device("cpu").type == "cpu"


def test_cuda_is_unavailable_on_this_machine_without_a_gpu():
    from minigrad.backend import cuda
    cupy = cuda._load()
    if cupy is not None and cuda.device_count() > 0:
        if cupy.__name__.startswith("fakecupy"):
            pytest.skip("CuPy is the stand-in (tests/fakecupy), which has a device; "
                        "MINIGRAD_FAKE_CUPY=0 runs this test on a machine without a GPU")
        pytest.skip("this machine has a GPU that CuPy sees")
    assert mg.cuda.is_available() is False
    assert mg.device("cuda").type == "cuda"  # as torch.device("cuda"): allocating fails
    with pytest.raises(RuntimeError, match="CuPy"):
        mg.zeros(2, device="cuda")


def test_import_never_fails_with_a_broken_cupy(tmp_path):
    """A CuPy that fails at import (no CUDA libraries) must not break ``import minigrad``."""
    fake = tmp_path / "cupy"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise OSError('libcudart.so.12: cannot open shared "
                                      "object file')\n")
    code = textwrap.dedent("""
        import minigrad
        print(minigrad.cuda.is_available(), minigrad.zeros(2).tolist())
        try:
            minigrad.zeros(2, device="cuda")
        except RuntimeError as e:
            print("CuPy" in str(e), "libcudart" in str(e))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": f"{tmp_path}:{REPO}"},
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "[0.0,", "0.0]", "True", "True"]


def test_unknown_device_types_match_torch(oracle):
    assert_same_error(lambda L: L.device("tpu"), oracle)
    assert_same_error(lambda L: L.device("cuda:x"), oracle)
    with pytest.raises(RuntimeError, match="cpu' and 'cuda"):
        mg.device("mps")  # a PyTorch device type that minigrad doesn't have
