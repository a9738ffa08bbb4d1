"""Chapter 2: the numerical derivative that every later check of a gradient relies on.

You write the heart of ``numerical_jacobian`` (``minigrad/autograd/gradcheck.py``): for each
element j of an input, nudge it by +eps and by -eps, run the function both times, and take the
central difference ``(f(x + eps) - f(x - eps)) / (2 eps)`` as column j of the Jacobian; then
put the element back. These checks run the functions without recording a graph (recording is
chapter 3's job).
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd import grad_mode
from minigrad.autograd.gradcheck import numerical_jacobian

pytestmark = pytest.mark.chapter2


@pytest.fixture(autouse=True)
def no_recording(monkeypatch):
    monkeypatch.setattr(grad_mode.state, "enabled", False)


def _x(values):
    return minigrad.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_the_derivative_of_a_square_is_two_x():
    x = _x([1.0, -2.0, 0.5])
    (jac,), = numerical_jacobian(lambda a: a * a, (x,))
    assert np.shape(jac) == (3, 3), (
        f"the Jacobian of a function of 3 numbers to 3 numbers should be 3 x 3 (row j: how "
        f"the outputs move when input element j moves), not {np.shape(jac)}")
    expected = np.diag([2.0, -4.0, 1.0])
    assert np.allclose(jac, expected, atol=1e-6), (
        f"d(x^2)/dx should be 2x on the diagonal, {np.diag(expected)}, and 0 elsewhere; got\n"
        f"{np.round(jac, 6)}\n(divided by eps instead of 2 eps? nudged every element at once?)")


def test_each_input_and_each_output_gets_its_own_jacobian():
    a, b = _x([1.0, 2.0]), _x([3.0, -1.0])
    jac = numerical_jacobian(lambda p, q: (p * q, p + q), (a, b))
    assert len(jac) == 2 and all(len(per_input) == 2 for per_input in jac), (
        "the result should hold, for each of the 2 inputs, one Jacobian per output (2 here)")
    (da_prod, da_sum), (db_prod, db_sum) = jac
    checks = [("d(a*b)/da", da_prod, np.diag([3.0, -1.0])), ("d(a+b)/da", da_sum, np.eye(2)),
              ("d(a*b)/db", db_prod, np.diag([1.0, 2.0])), ("d(a+b)/db", db_sum, np.eye(2))]
    for name, got, expected in checks:
        assert np.allclose(got, expected, atol=1e-6), (
            f"{name} should be\n{expected}\nbut is\n{np.round(got, 6)}\n(every input gets its "
            "own columns: nudge only the input being differentiated, one element at a time)")


def test_central_differences_are_accurate_to_far_below_eps():
    x = _x([0.3])
    (jac,), = numerical_jacobian(lambda a: (a * 10.0).exp(), (x,), eps=1e-6)
    exact = 10.0 * np.exp(3.0)
    error = abs(jac[0][0] - exact) / exact
    assert error < 1e-7, (
        f"d exp(10x)/dx at 0.3 is {exact:.9g}; your estimate {jac[0][0]:.9g} is off by a "
        f"relative {error:.1e}. A forward difference (f(x + eps) - f(x)) / eps is off by about "
        "eps * f''/(2 f') = 5e-6 here; the central difference (f(x + eps) - f(x - eps)) / 2eps "
        "cancels that term")


def test_one_element_moves_by_eps_each_way_and_is_put_back():
    x = _x([1.0, 2.0, 3.0])
    before = x.numpy(force=True).copy()
    seen = []

    def f(a):
        seen.append(a.numpy(force=True).copy())
        return a * 1.0

    numerical_jacobian(f, (x,), eps=1e-3)
    assert np.array_equal(x.numpy(force=True), before), (
        f"after numerical_jacobian the input is {x.numpy(force=True)}, not {before}: put each "
        "element back to its value after nudging it")
    moves = [np.round(s - before, 9) for s in seen[1:]]  # (the first call: the plain outputs)
    for m in moves:
        assert np.count_nonzero(m) == 1, (
            f"a call saw the input moved by {m}: nudge one element at a time (and put it back "
            "before nudging the next)")
    steps = sorted(float(m[np.nonzero(m)][0]) for m in moves)
    assert steps == [-1e-3] * 3 + [1e-3] * 3, (
        f"the nudges were {steps}; each element should move by +eps and by -eps once (eps=1e-3)")
