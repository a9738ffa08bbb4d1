"""Chapter 10 — broadcasting and matrix calculus.

What you build: matmul's backward, in ``class Matmul`` of ``minigrad/ops/linalg.py`` (the
region marked chapter 10; ``mm``, ``bmm`` and ``@`` all run it). For ``Y = A @ B`` and the
gradient ``G`` arriving at ``Y``: ``dA = G Bᵀ`` and ``dB = Aᵀ G`` (transposing the last two
dimensions), each only if ``ctx.needs_input_grad`` asks for it; a vector operand is treated as a
1-row (left) or 1-column (right) matrix and its gradient squeezed back to a vector; batch
dimensions that broadcasting added or stretched from 1 are summed back with ``sum_to``
(chapter 3's piece). Written with tensor operations, so that ``create_graph=True`` records it.

(``dot`` and matrix @ vector keep their provided one-op formulas, ``_vector_grads``; every case
below goes through your region.) The expected gradients are computed here with NumPy.
"""
import numpy as np
import pytest

import minigrad

pytestmark = pytest.mark.chapter10


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def leaf(array, requires_grad=True):
    return minigrad.tensor(array, dtype=minigrad.float64, requires_grad=requires_grad)


def sum_back(x, shape):
    """NumPy: sum x over the leading dimensions it has beyond ``shape`` and over the
    dimensions where ``shape`` has a 1."""
    x = x.sum(axis=tuple(range(x.ndim - len(shape))))
    return x.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True)


def backward(y, g, hint=""):
    """``y.backward(g)``; an exception other than a stub's fails the check with a hint."""
    try:
        y.backward(minigrad.tensor(g, dtype=minigrad.float64))
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"backward through a @ b raised {type(exc).__name__}: {exc}. {hint}")


def grad_of(t, name, want, case, hint):
    """Compare t.grad with ``want``: first that it exists, then its shape, then its values."""
    assert t.grad is not None, (
        f"{case}: {name}.grad is None, but {name} requires grad. Return its gradient "
        "(None only for an input whose ctx.needs_input_grad entry is False)")
    got = values(t.grad)
    assert got.shape == want.shape, (
        f"{case}: {name}.grad has shape {got.shape}, but {name} has shape {want.shape}: a "
        f"gradient has the shape of its input. {hint}")
    assert np.allclose(got, want), (
        f"{case}: {name}.grad is wrong (max error {np.abs(got - want).max():.3g}). {hint}")


PRODUCTS = ("dA = G Bᵀ (the gradient times B transposed) and dB = Aᵀ G (A transposed times "
            "the gradient), with .transpose(-1, -2) or .mT")


def test_matrix_products_gradients():
    """2-d @ 2-d, through @, matmul and mm: dA = G Bᵀ, dB = Aᵀ G."""
    for (m, k, n), how in (((2, 3, 4), "a @ b"), ((3, 3, 3), "a.mm(b)"),
                           ((4, 2, 3), "matmul(a, b)")):
        a, b = rand(m, k, seed=1), rand(k, n, seed=2)
        g = rand(m, n, seed=3)
        A, B = leaf(a), leaf(b)
        Y = A @ B if how == "a @ b" else A.mm(B) if how == "a.mm(b)" else minigrad.matmul(A, B)
        backward(Y, g, f"For Y = A @ B with A {a.shape}, B {b.shape}: {PRODUCTS}, in that "
                 f"order: G Bᵀ is ({m}x{n})({n}x{k}), A's shape, and Aᵀ G is ({k}x{m})({m}x{n}), "
                 "B's shape")
        case = f"Y = {how} with A of shape {a.shape}, B {b.shape}, backward(G)"
        grad_of(A, "A", g @ b.T, case, f"dA = G Bᵀ, in that order ({m}x{n} times {n}x{k})")
        grad_of(B, "B", a.T @ g, case, f"dB = Aᵀ G, in that order ({k}x{m} times {m}x{n})")


def test_only_the_gradients_asked_for():
    """x @ W with data x (no grad), and the reverse: forward saves only what is needed."""
    x, w, g = rand(5, 3, seed=4), rand(3, 2, seed=5), rand(5, 2, seed=6)
    hint = ("forward saves A only if B's gradient is needed, and B only if A's is (the other "
            "is None in ctx.saved_tensors): compute each gradient only when "
            "ctx.needs_input_grad says so, and return None for the other")
    X, W = leaf(x, requires_grad=False), leaf(w)
    backward(X @ W, g, hint)
    grad_of(W, "W", x.T @ g, "Y = x @ W, only W requiring grad", hint)
    X, W = leaf(x), leaf(w, requires_grad=False)
    backward(X @ W, g, hint)
    grad_of(X, "x", g @ w.T, "Y = x @ W, only x requiring grad", hint)


def test_vector_operands():
    """A 1-d left operand is a 1-row matrix, a 1-d right one a 1-column matrix; their
    gradients are vectors again."""
    hint = ("treat a vector on the left as a 1-row matrix (unsqueeze(-2)) and one on the right "
            "as a 1-column matrix (unsqueeze(-1)), G as well (it lacks that dimension), and "
            "give the vector's gradient back its own shape")
    v, m, g = rand(3, seed=7), rand(3, 4, seed=8), rand(4, seed=9)
    V, M = leaf(v), leaf(m)
    backward(V @ M, g, hint)
    case = "Y = v @ M with v of shape (3,), M (3, 4)"
    grad_of(V, "v", m @ g, case, hint + ": dv = M g")
    grad_of(M, "M", np.outer(v, g), case, hint + ": dM = v gᵀ, an outer product")
    a, u, g = rand(2, 3, 4, seed=10), rand(4, seed=11), rand(2, 3, seed=12)
    A, U = leaf(a), leaf(u)
    backward(A @ U, g, hint)
    case = "Y = A @ u with A of shape (2, 3, 4), u (4,)"
    grad_of(A, "A", g[..., None] * u, case, hint)
    grad_of(U, "u", np.einsum("bik,bi->k", a, g), case,
            hint + "; u was used by every matrix of the batch: sum its gradients (sum_to)")


def test_batched_products():
    """(b, m, k) @ (b, k, n), through @ and bmm: the formulas matrix by matrix."""
    a, b, g = rand(2, 3, 4, seed=13), rand(2, 4, 5, seed=14), rand(2, 3, 5, seed=15)
    for how in ("a @ b", "a.bmm(b)"):
        A, B = leaf(a), leaf(b)
        backward(A @ B if how == "a @ b" else A.bmm(B), g,
                 f"{PRODUCTS}: transpose the last two dimensions, with transpose(-1, -2), not .T "
                 "or .t() (which reverse every dimension, the batch one too)")
        case = f"Y = {how} with A of shape (2, 3, 4), B (2, 4, 5)"
        grad_of(A, "A", g @ b.transpose(0, 2, 1), case,
                "dA = G Bᵀ for each matrix of the batch: transpose(-1, -2), not .T or t()")
        grad_of(B, "B", a.transpose(0, 2, 1) @ g, case,
                "dB = Aᵀ G for each matrix of the batch: transpose(-1, -2), not .T or t()")


def test_broadcast_batch_dimensions_are_summed_back():
    """Batch dimensions that broadcasting added, or stretched from 1: the products have the
    broadcast shape, and each gradient is summed back to its input's shape."""
    hint = ("broadcasting used the same matrix for several products: sum its gradients over "
            "the batch dimensions broadcasting added and over those that were 1, keeping "
            "these (sum_to(grad, shape))")
    cases = [((2, 3, 4), (4, 5)), ((4, 5), (3, 5, 2)), ((2, 1, 3, 4), (5, 4, 2)),
             ((1, 2, 3), (4, 3, 2))]
    for i, (sa, sb) in enumerate(cases):
        a, b = rand(*sa, seed=20 + i), rand(*sb, seed=30 + i)
        y = a @ b
        g = rand(*y.shape, seed=40 + i)
        A, B = leaf(a), leaf(b)
        backward(A @ B, g, hint)
        case = f"Y = A @ B with A of shape {sa}, B {sb} (Y: {y.shape})"
        grad_of(A, "A", sum_back(g @ np.swapaxes(b, -1, -2), sa), case,
                hint + ": summed, not averaged or taken from one matrix")
        grad_of(B, "B", sum_back(np.swapaxes(a, -1, -2) @ g, sb), case,
                hint + ": summed, not averaged or taken from one matrix")


def test_the_backward_is_recorded_under_create_graph():
    """Written with tensor operations, the gradient is itself differentiable."""
    a, b = rand(3, 2, seed=50), rand(2, 4, seed=51)
    A, B = leaf(a), leaf(b)
    hint = ("write the gradients with tensor operations (@, transpose, sum_to, reshape) on "
            "the saved tensors, not on their NumPy arrays: with create_graph=True they are "
            "recorded, and a second backward goes through them")
    try:
        gA, = minigrad.autograd.grad((A @ B).sum(), A, create_graph=True)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"autograd.grad((A @ B).sum(), A, create_graph=True) raised "
                    f"{type(exc).__name__}: {exc}. {hint}")
    assert np.allclose(values(gA), np.ones((3, 4)) @ b.T), (
        f"d sum(A @ B)/dA should be ones @ Bᵀ, but is {values(gA).tolist()}")
    assert gA.requires_grad, (
        "with create_graph=True, dA = G Bᵀ depends on B, which requires grad: dA should "
        f"require grad too, but it doesn't. {hint}")
    backward((gA * gA).sum(), 1.0, hint)
    # sum((1 Bᵀ)²) = 3 sum_p (sum_j B[p, j])²: d/dB[p, j] = 6 sum_j' B[p, j']
    want = 6 * np.repeat(b.sum(axis=1, keepdims=True), 4, axis=1)
    assert B.grad is not None and np.allclose(values(B.grad), want), (
        f"the second backward, through dA = G Bᵀ, gave B.grad = "
        f"{None if B.grad is None else values(B.grad).tolist()}, but it should be "
        f"{want.tolist()}. {hint}")
