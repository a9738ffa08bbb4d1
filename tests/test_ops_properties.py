"""Properties of the ops on random shapes (hypothesis), where ``test_ops.py`` has fixed ones.

- binary ops broadcast any broadcastable pair of shapes, forward and backward;
- a broadcast op's gradients always have their input's shape, and equal the upstream gradient
  summed over the broadcast dimensions (computed here with NumPy);
- reductions over any set of dimensions, with or without keepdim, forward and backward;
- matmul of any matmul-compatible (batch-broadcast) shapes, forward and backward;
- reshape and permute round trips give the input back, and pass the gradient through unchanged;
- basic indexing (ints, slices, None, ...), forward and backward;
- cat undoes split and stack undoes unbind, and the pieces' gradients land in place.

The inputs are random, so PyTorch's answers can't be recorded (tests/oracle): every example is
checked against a reference computed here with NumPy in float64 (the op's forward, and its
gradients from the derivative PyTorch uses, with PyTorch's conventions at ties and zeros; for
the ops linear in an input, the gradient is summed one basis vector at a time). Where PyTorch is
installed, each example is also compared with PyTorch's, grad_fn's name included (names on
fixed inputs are compared without PyTorch too: test_ops.py's ``test_grad_fn_name``).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from oracle import live_torch

SETTINGS = settings(max_examples=40, deadline=None)
SMALL = dict(min_dims=0, max_dims=4, min_side=1, max_side=3)


def _array(draw, shape, lo=-2.0, hi=2.0) -> np.ndarray:
    """Multiples of 1/64 in [lo, hi]: exact in binary, often equal (ties), never tiny."""
    return draw(hnp.arrays(np.float64, shape, elements=st.integers(int(lo * 64), int(hi * 64))
                           .map(lambda i: i / 64)))


def _nonzero(draw, shape) -> np.ndarray:
    """Away from 0: magnitudes in [0.5, 2] with either sign."""
    magnitude = _array(draw, shape, 0.5, 2.0)
    sign = draw(hnp.arrays(np.bool_, shape))
    return np.where(sign, magnitude, -magnitude)


def _pair(T, arrays, requires_grad=True):
    return [T.tensor(a, requires_grad=requires_grad) for a in arrays]


def _grads(T, fn, arrays, upstream):
    xs = _pair(T, arrays)
    y = fn(T, *xs)
    y.backward(T.tensor(upstream))
    return y, [x.grad for x in xs]


def _close(m, t) -> None:
    assert str(m.dtype) == str(t.dtype)
    assert tuple(m.shape) == tuple(t.shape)
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12,
                               equal_nan=True)


def _expect(m, reference) -> None:
    """A minigrad float64 tensor equals NumPy's float64 reference (shape and values)."""
    reference = np.asarray(reference, dtype=np.float64)
    assert str(m.dtype) == "torch.float64"
    assert tuple(m.shape) == reference.shape
    np.testing.assert_allclose(m.detach().numpy(), reference, rtol=1e-10, atol=1e-12,
                               equal_nan=True)


def _linear_grad(f, x: np.ndarray, up: np.ndarray) -> np.ndarray:
    """d/dx of sum(up * f(x)) for ``f`` linear in ``x``: f of one basis vector at a time."""
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        g[i] = np.sum(up * f(e.reshape(x.shape)))
    return g.reshape(x.shape)


# The operand b for each op: division and powers keep b (or a) away from trouble.
BINARY = {
    "add": (lambda T, a, b: a + b, _array, _array),
    "sub": (lambda T, a, b: a - b, _array, _array),
    "mul": (lambda T, a, b: a * b, _array, _array),
    "div": (lambda T, a, b: a / b, _array, _nonzero),
    "pow": (lambda T, a, b: a ** b, lambda d, s: _array(d, s, 0.5, 2.0), _array),
    "maximum": (lambda T, a, b: T.maximum(a, b), _array, _array),  # ties: half each, both
    "minimum": (lambda T, a, b: T.minimum(a, b), _array, _array),
    "where": (lambda T, a, b: T.where(a > 0, a, b), _array, _array),
}


def _ties(a, b):
    return 0.5 * (a == b)


# NumPy's forward for each op, and its derivatives in a and in b (ties: half each, as PyTorch)
BINARY_REFERENCE = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2)),
    "pow": (lambda a, b: a ** b, lambda a, b: (b * a ** (b - 1), a ** b * np.log(a))),
    "maximum": (np.maximum, lambda a, b: ((a > b) + _ties(a, b), (b > a) + _ties(a, b))),
    "minimum": (np.minimum, lambda a, b: ((a < b) + _ties(a, b), (b < a) + _ties(a, b))),
    "where": (lambda a, b: np.where(a > 0, a, b), lambda a, b: (a > 0, a <= 0)),
}


@pytest.mark.parametrize("name", list(BINARY))
@SETTINGS
@given(data=st.data())
def test_broadcast_binary_matches_numpy_and_torch(name, data):
    fn, make_a, make_b = BINARY[name]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, **SMALL))
    sa, sb = shapes.input_shapes
    arrays = [make_a(data.draw, sa), make_b(data.draw, sb)]
    upstream = _array(data.draw, shapes.result_shape)
    y, grads = _grads(minigrad, fn, arrays, upstream)
    forward, local = BINARY_REFERENCE[name]
    _expect(y, forward(*arrays))
    for g, d, shape in zip(grads, local(*arrays), (sa, sb)):
        _expect(g, _sum_to(upstream * np.broadcast_to(d, shapes.result_shape), shape))
    torch = live_torch()
    if torch is not None:
        ty, tgrads = _grads(torch, fn, arrays, upstream)
        _close(y, ty)
        assert y.grad_fn.name() == ty.grad_fn.name()
        for g, tg in zip(grads, tgrads):
            _close(g, tg)


def _sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    """NumPy's own reduction of a broadcast gradient back to ``shape``."""
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead)))
    return g.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div"])
@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["float32", "float64"]))
def test_broadcast_gradients_have_the_input_shapes(name, data, dtype):
    """d(a op b)/da summed back over the broadcast dimensions — checked with NumPy alone."""
    fn, make_a, make_b = BINARY[name]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, **SMALL))
    sa, sb = shapes.input_shapes
    a, b = make_a(data.draw, sa).astype(dtype), make_b(data.draw, sb).astype(dtype)
    up = _array(data.draw, shapes.result_shape).astype(dtype)
    y, (ga, gb) = _grads(minigrad, fn, [a, b], up)
    assert tuple(y.shape) == shapes.result_shape
    assert tuple(ga.shape) == sa and tuple(gb.shape) == sb
    assert str(ga.dtype) == str(gb.dtype) == f"torch.{dtype}"
    local = {"add": lambda: (1, 1), "sub": lambda: (1, -1), "mul": lambda: (b, a),
             "div": lambda: (1 / b, -a / b ** 2)}[name]()  # d(a op b)/da, d(a op b)/db
    local = [np.broadcast_to(d, y.shape) for d in local]
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ga.numpy(), _sum_to(up * local[0], sa), **tol)
    np.testing.assert_allclose(gb.numpy(), _sum_to(up * local[1], sb), **tol)


REDUCTIONS = {
    "sum": lambda T, x, dims, keep: x.sum(dims, keep),
    "mean": lambda T, x, dims, keep: x.mean(dims, keep),
    "var": lambda T, x, dims, keep: x.var(dims, keepdim=keep),
    "std(correction=0)": lambda T, x, dims, keep: x.std(dims, keepdim=keep, correction=0),
    "amax": lambda T, x, dims, keep: x.amax(dims, keep),
    "norm": lambda T, x, dims, keep: x.norm(p=2, dim=dims, keepdim=keep),
    "norm(p=3)": lambda T, x, dims, keep: x.norm(p=3, dim=dims, keepdim=keep),
    "logsumexp": lambda T, x, dims, keep: x.logsumexp(dims, keep),
}


def _reduction_reference(name, x, dims, keep):
    """NumPy's (forward, d sum(up * forward) / dx as a function of up) of a reduction, with
    PyTorch's conventions: var of one element and its gradient are nan (0/0); std's and
    norm's gradients are 0 where the result is 0; amax's is shared evenly by the ties."""
    axes = tuple(sorted(d % x.ndim for d in dims))
    n = int(np.prod([x.shape[a] for a in axes]))

    def reduce(v, f=np.sum):
        return f(v, axis=axes, keepdims=True)

    def out(v):  # a keepdim result as the op returns it
        return v if keep else np.squeeze(v, axis=axes)

    def spread(up):  # the upstream gradient against x's dimensions
        return up if keep else np.expand_dims(up, axes)

    d = x - reduce(x) / n
    if name == "sum":
        return out(reduce(x)), lambda up: np.broadcast_to(spread(up), x.shape)
    if name == "mean":
        return out(reduce(x) / n), lambda up: np.broadcast_to(spread(up), x.shape) / n
    if name == "var":
        return out(reduce(d ** 2) / np.float64(n - 1)), \
            lambda up: np.float64(2.0) / (n - 1) * d * spread(up)
    if name == "std(correction=0)":
        std = np.sqrt(reduce(d ** 2) / n)
        return out(std), lambda up: d * np.where(std == 0, 0.0, spread(up) / (n * std))
    if name == "amax":
        m = reduce(x, np.amax)
        ties = x == m
        return out(m), lambda up: ties * spread(up) / reduce(ties)
    if name == "norm":
        norm = np.sqrt(reduce(x ** 2))
        return out(norm), lambda up: x * np.where(norm == 0, 0.0, spread(up) / norm)
    if name == "norm(p=3)":
        norm = reduce(np.abs(x) ** 3) ** (1 / 3)
        return out(norm), lambda up: x * np.abs(x) * np.where(norm == 0, 0.0,
                                                               spread(up) / norm ** 2)
    if name == "logsumexp":
        m = reduce(x, np.amax)
        lse = m + np.log(reduce(np.exp(x - m)))
        return out(lse), lambda up: np.exp(x - lse) * spread(up)
    raise KeyError(name)


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")  # var of one element: nan in both
@pytest.mark.parametrize("name", list(REDUCTIONS))
@SETTINGS
@given(data=st.data(), keepdim=st.booleans())
def test_reductions_over_random_dims_match_numpy_and_torch(name, data, keepdim):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
    dims = data.draw(hnp.valid_tuple_axes(len(shape), min_size=1))  # negative ones too
    x = _array(data.draw, shape)
    fn = REDUCTIONS[name]
    torch = live_torch()
    results = []
    for T in (minigrad, torch) if torch is not None else (minigrad,):
        t = T.tensor(x, requires_grad=True)
        y = fn(T, t, dims, keepdim)
        up = np.linspace(-1.0, 1.0, y.numel()).reshape(tuple(y.shape))
        y.backward(T.tensor(up))
        results.append((y, t.grad))
    y, g = results[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        forward, backward = _reduction_reference(name, x, dims, keepdim)
        _expect(y, forward)
        _expect(g, backward(up))
    if torch is not None:
        ty, tg = results[1]
        _close(y, ty)
        _close(g, tg)
        assert y.grad_fn.name() == ty.grad_fn.name()


@SETTINGS
@given(data=st.data())
def test_matmul_of_broadcast_batches_matches_numpy_and_torch(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature,
                                                         max_dims=4, max_side=3))
    arrays = [_array(data.draw, s) for s in shapes.input_shapes]
    grad_a, grad_b = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    up = _array(data.draw, shapes.result_shape)
    torch = live_torch()
    results = []
    for T in (minigrad, torch) if torch is not None else (minigrad,):
        a = T.tensor(arrays[0], requires_grad=grad_a)
        b = T.tensor(arrays[1], requires_grad=grad_b)
        y = a @ b
        y.backward(T.tensor(up))
        results.append((y, a.grad, b.grad))
    y, ga, gb = results[0]
    A, B = arrays
    _expect(y, np.matmul(A, B))
    for g, wanted, reference in ((ga, grad_a, lambda: _linear_grad(lambda e: e @ B, A, up)),
                                 (gb, grad_b, lambda: _linear_grad(lambda e: A @ e, B, up))):
        assert (g is not None) == wanted
        if wanted:
            _expect(g, reference())
    if torch is not None:
        ty, tga, tgb = results[1]
        _close(y, ty)
        assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
        for g, tg in ((ga, tga), (gb, tgb)):
            assert (g is None) == (tg is None)
            if g is not None:
                _close(g, tg)


@st.composite
def _reshapes(draw):
    """A shape and another with the same number of elements (a reshuffled factorisation)."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, max_side=4))
    factors = [f for s in shape for f in _prime_factors(s)]
    factors = draw(st.permutations(factors))
    target, i = [], 0
    while i < len(factors):
        k = draw(st.integers(1, len(factors) - i))
        target.append(int(np.prod(factors[i:i + k])))
        i += k
    target += [1] * draw(st.integers(0, 1))
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return shape, tuple(target)


def _prime_factors(n: int) -> list:
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


@SETTINGS
@given(shapes=_reshapes(), data=st.data())
def test_reshape_round_trip(shapes, data):
    shape, target = shapes
    x = minigrad.tensor(_array(data.draw, shape), requires_grad=True)
    y = x.reshape(target)
    assert y.numel() == x.numel() and -1 not in y.shape
    back = y.reshape(shape)
    assert tuple(back.shape) == shape
    assert back.tolist() == x.tolist()
    up = _array(data.draw, shape)
    back.backward(minigrad.tensor(up))
    np.testing.assert_array_equal(x.grad.numpy(), up)
    assert y.view(-1).tolist() == x.view(-1).tolist()  # contiguous: view works, same order


@SETTINGS
@given(data=st.data())
def test_permute_round_trip_matches_numpy_and_torch(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
    order = data.draw(st.permutations(range(len(shape))))
    inverse = [int(i) for i in np.argsort(order)]
    arr = _array(data.draw, shape)
    x = minigrad.tensor(arr, requires_grad=True)
    p = x.permute(*order)
    np.testing.assert_array_equal(p.detach().numpy(), np.transpose(arr, order))
    torch = live_torch()
    if torch is not None:
        np.testing.assert_array_equal(p.detach().numpy(),
                                      torch.tensor(arr).permute(*order).numpy())
    back = p.permute(inverse)
    assert back.tolist() == x.tolist()
    up = _array(data.draw, tuple(p.shape))
    p.backward(minigrad.tensor(up))
    np.testing.assert_array_equal(x.grad.numpy(), np.transpose(up, inverse))
    reshaped = p.reshape(-1)  # not contiguous in general: a copy, in permuted order
    np.testing.assert_array_equal(reshaped.detach().numpy(), np.transpose(arr, order).ravel())


@st.composite
def _indexed(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    parts = index if isinstance(index, tuple) else (index,)
    # PyTorch refuses negative steps (an error test_ops checks): keep the positive ones
    parts = tuple(slice(p.start, p.stop, abs(p.step)) if isinstance(p, slice) and p.step
                  else p for p in parts)
    return shape, parts if isinstance(index, tuple) else parts[0]


@SETTINGS
@given(case=_indexed(), data=st.data())
def test_basic_indexing_matches_numpy_and_torch(case, data):
    shape, index = case
    arr = _array(data.draw, shape)
    torch = live_torch()
    results = []
    up = None
    for T in (minigrad, torch) if torch is not None else (minigrad,):
        x = T.tensor(arr, requires_grad=True)
        y = x[index]
        if up is None:
            up = _array(data.draw, tuple(y.shape))
        (y * T.tensor(up)).sum().backward()
        results.append((y, x.grad))
    y, g = results[0]
    _expect(y, arr[index])
    _expect(g, _linear_grad(lambda e: e[index], arr, up))
    if torch is not None:
        ty, tg = results[1]
        _close(y, ty)
        _close(g, tg)
        assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__


@SETTINGS
@given(data=st.data())
def test_split_cat_and_unbind_stack_round_trips(data):
    """cat undoes split and stack undoes unbind, along any dimension; the gradients of the
    pieces land in the right places of the input."""
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    arr = _array(data.draw, shape)
    x = minigrad.tensor(arr, requires_grad=True)
    pieces = minigrad.split(x, sizes, dim)
    assert [p.shape[dim] for p in pieces] == sizes
    whole = minigrad.cat(pieces, dim)
    np.testing.assert_array_equal(whole.detach().numpy(), arr)
    rows = x.unbind(dim)
    np.testing.assert_array_equal(minigrad.stack(rows, dim).detach().numpy(), arr)
    # d/dx of sum_k (k+1) * sum(piece_k): piece k's elements get k+1
    loss = sum((k + 1) * p.sum() for k, p in enumerate(pieces)) + rows[0].sum()
    loss.backward()
    expected = np.concatenate([np.full(p.shape, k + 1.0) for k, p in enumerate(pieces)],
                              axis=dim)
    np.moveaxis(expected, dim, 0)[0] += 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)
