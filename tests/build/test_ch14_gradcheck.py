"""Chapter 14 — trusting an engine: gradcheck.

What you build, in ``minigrad/autograd/gradcheck.py``:

- the heart of ``analytical_jacobian``: for each element r of output k, one backward with the
  unit vector e_r as ``grad_outputs`` (``autograd.grad``, chapter 8's piece, with
  ``retain_graph=True``: the graph is used once per element); the gradient it gives each input
  i is column r of J[i][k], laid out as ``numerical_jacobian`` lays it out: (input numel,
  output numel).
- the comparison in ``gradcheck``: every element of the analytical Jacobian a within
  ``atol + rtol * |n|`` of the numerical one n, as ``torch.allclose(a, n, rtol, atol)``.

The Jacobians expected here are written out by hand; the Functions with a backward off by a
known amount are written here too.
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd.gradcheck import GradcheckError, analytical_jacobian, gradcheck

pytestmark = pytest.mark.chapter14


def leaf(values):
    return minigrad.tensor(values, dtype=minigrad.float64, requires_grad=True)


def jacobian(fn, inputs):
    """``analytical_jacobian``; an exception other than a stub's fails the check with a hint."""
    try:
        return analytical_jacobian(fn, inputs)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"analytical_jacobian raised {type(exc).__name__}: {exc}. Here column "
                    "r of J[i][k] (shape: input numel, output numel) is the gradient of element "
                    "r of output k with respect to input i, and each input gets its own "
                    "gradient from autograd.grad; the graph is used once per output element, "
                    "so each backward needs retain_graph=True")


def verdict(fn, inputs, **kwargs):
    """gradcheck(..., raise_exception=False); other exceptions fail the check."""
    try:
        return gradcheck(fn, inputs, raise_exception=False, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"gradcheck raised {type(exc).__name__}: {exc}")


def stacked(x):
    """R^2 -> R^3: (x0 x1, x0 + 3 x1, x1^3)."""
    return minigrad.stack([x[0] * x[1], x[0] + 3 * x[1], x[1] ** 3])


def test_analytical_jacobian_has_one_column_per_output_element():
    x = leaf([2.0, -1.5])
    (j,), = jacobian(stacked, (x,))
    x0, x1 = 2.0, -1.5
    want = np.array([[x1, 1.0, 0.0],               # d y_r / d x0, for r = 0, 1, 2
                     [x0, 3.0, 3 * x1 ** 2]])      # d y_r / d x1
    got = np.asarray(j)
    assert got.shape == want.shape, (
        f"J[0][0] has shape {got.shape}, expected {want.shape} = (input numel, output numel), "
        "as numerical_jacobian's: rows and columns swapped?")
    if np.allclose(got, want.sum(axis=1, keepdims=True)):
        pytest.fail("every column of J holds the same numbers, the sum over the outputs: one "
                    "backward with ones as grad_outputs gives d(sum of y)/dx. Run one backward "
                    "per output element r, with the unit vector e_r (a 1 at r, 0 elsewhere)")
    if np.allclose(got, np.cumsum(want, axis=1)):
        pytest.fail("column r of J holds the sum of the columns 0..r: the gradients of earlier "
                    "backward passes were added up (accumulated into .grad?). Each column "
                    "needs its own backward, starting from nothing: autograd.grad returns "
                    "the gradients without touching .grad")
    assert np.allclose(got, want), (
        f"for y = (x0 x1, x0 + 3 x1, x1^3) at x = (2, -1.5), J should be\n{want.tolist()}\n"
        f"(row j: input element j; column r: output element r) but is\n{got.tolist()}\n"
        "Column r is the gradient of y[r], a backward with the unit vector e_r")
    assert x.grad is None, (
        f"x.grad is {x.grad} after analytical_jacobian: it must leave .grad alone (as "
        "PyTorch's gradcheck does). Use autograd.grad, which returns the gradients")


def test_each_input_and_output_pair_gets_its_own_jacobian():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([0.5, -1.0])
    c = minigrad.tensor([4.0, 5.0], dtype=minigrad.float64)     # no gradient wanted

    def fn(a, c, b):
        return a * 2, (b * c).sum() + a[0] * b[1]

    jac = jacobian(fn, (a, c, b))
    assert len(jac) == 3 and jac[1] is None, (
        "analytical_jacobian gives one entry per input, None for an input that doesn't "
        "require grad")
    want = {(0, 0): 2 * np.eye(3), (0, 1): np.array([[-1.0], [0.0], [0.0]]),
            (2, 0): np.zeros((2, 3)), (2, 1): np.array([[4.0], [5.0 + 1.0]])}
    for (i, k), w in want.items():
        got = np.asarray(jac[i][k])
        assert got.shape == w.shape and np.allclose(got, w), (
            f"J[{i}][{k}] (output {k} with respect to input {i}) should be {w.tolist()}, but "
            f"is {got.tolist()}. autograd.grad returns one gradient per input asked for, in "
            "order: give each input its own (each input's gradient goes to its own J[i][k]); "
            "an output that doesn't depend on an input leaves zeros")


def test_the_graph_is_reused_for_every_output_element():
    x = leaf([0.3, -0.7, 1.1, 2.0])
    (j,), = jacobian(lambda t: t.exp() * t, (x,))
    xs = np.array([0.3, -0.7, 1.1, 2.0])
    want = np.diag(np.exp(xs) * (1 + xs))
    assert np.allclose(np.asarray(j), want), (
        f"for y = x exp(x) the Jacobian is diagonal, (1 + x) exp(x) = "
        f"{np.round(np.diag(want), 4).tolist()}, but J is {np.round(np.asarray(j), 4).tolist()}")


class Scaled(minigrad.autograd.Function):
    """exp(x), with a backward off by a factor (1 + err) and then by an added offset."""
    err, offset = 0.0, 0.0

    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * (1 + Scaled.err) + Scaled.offset * g


def scaled(err, offset=0.0):
    Scaled.err, Scaled.offset = err, offset
    return Scaled.apply


def test_gradcheck_accepts_differences_within_atol_plus_rtol():
    big = leaf([3.0, 4.0, 5.0])             # exp(5) = 148: an absolute error far above atol
    assert verdict(scaled(5e-4), (big,)), (
        "exp's backward off by a relative 5e-4 (the default rtol is 1e-3) failed gradcheck: "
        "the tolerance is atol + rtol * |numerical|, with the atol and rtol passed in, so large "
        "values may differ by more than atol. Is rtol missing?")
    small = leaf([0.0, 0.4, -0.2])
    assert verdict(lambda t: t ** 3, (small,)), (
        "x^3 at x = 0 failed gradcheck: there the numerical derivative is eps^2 = 1e-12, the "
        "analytical one exactly 0, a difference far below atol = 1e-5. Is atol missing, or "
        "did you divide by |numerical| (a relative error alone is useless near 0)?")
    assert verdict(scaled(0.0, 5e-6), (small,)), (
        "a backward off by 5e-6 (atol is 1e-5) failed gradcheck")
    assert verdict(scaled(2e-3), (big,), rtol=1e-2), (
        "with rtol=1e-2, a relative error of 2e-3 must pass: use the rtol passed in")


def test_gradcheck_rejects_differences_beyond_the_tolerance():
    x = leaf([-1.0, 0.5, 2.0])
    assert not verdict(scaled(0.01), (x,)), (
        "exp's backward 1% too large passed gradcheck (default rtol = 1e-3): every element of "
        "the Jacobian must be within its tolerance (all, not any)")
    assert not verdict(scaled(-0.01), (x,)), (
        "exp's backward 1% too small passed gradcheck, though 1% too large fails: compare the "
        "absolute value of the difference, |analytical - numerical|")
    assert not verdict(scaled(0.0, 1e-4), (leaf([-30.0, -25.0]),)), (
        "a backward off by 1e-4 where the gradient is nearly 0 (exp(-30)) passed gradcheck: "
        "atol is 1e-5")
    assert not verdict(scaled(2e-3), (x,), rtol=1e-4, atol=1e-7), (
        "with rtol=1e-4 and atol=1e-7, a relative error of 2e-3 must fail: use the tolerances "
        "passed in")

    class OneWrong(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            wrong = np.ones(10)
            wrong[0] = 1.01                     # only the first element's gradient is wrong
            return g * 2 * x * minigrad.tensor(wrong, dtype=minigrad.float64)

    assert not verdict(OneWrong.apply, (leaf(np.linspace(0.5, 3.0, 10)),)), (
        "a backward with ONE element 1% wrong (of 10) passed gradcheck: every element of the "
        "Jacobian must be within its tolerance (all, not any; and not an average)")


def test_the_error_names_the_pair_and_shows_both_jacobians():
    class WrongInB(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * b                  # wrong for b: d(ab)/db = a

    a, b = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongInB.apply, (a, b))
    msg = str(info.value)
    assert "output 0 with respect to input 1" in msg, (
        f"the message should name the pair that differs, output 0 with respect to input 1 "
        f"(input 0's gradient is right), but reads: {msg[:200]}")
    assert "numerical:" in msg and "analytical:" in msg
    ok = verdict(WrongInB.apply, (a, b))
    assert ok is False, f"with raise_exception=False, gradcheck should return False, not {ok!r}"
